"""The admin: drafts editable, published versions read-only, actions call the services."""

import pytest
from django.urls import reverse

from courses.models import CourseVersion, CourseVersionStatus
from courses.services import course_version_create_draft_from
from quizzes.models import Question
from quizzes.services.course_import import course_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(course_data):
    course_import(data=course_data)
    return CourseVersion.objects.get()


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def test_lists_render(admin_client, published):
    for name in (
        "admin:courses_course_changelist",
        "admin:courses_courseversion_changelist",
        "admin:quizzes_question_changelist",
    ):
        response = admin_client.get(reverse(name))
        assert response.status_code == 200
    assert "An toàn thông tin cơ bản" in admin_client.get(reverse("admin:courses_courseversion_changelist")).text


def test_a_published_version_is_read_only(admin_client, published):
    url = reverse("admin:courses_courseversion_change", args=[published.pk])

    page = admin_client.get(url)
    posted = admin_client.post(url, {"title": "Sửa trộm"})

    assert page.status_code == 200
    assert 'name="title"' not in page.text
    assert "Mật khẩu mạnh" in page.text
    assert posted.status_code == 403
    published.refresh_from_db()
    assert published.title == "An toàn thông tin cơ bản"


def test_a_published_question_is_read_only(admin_client, published):
    question = published.questions.first()
    page = admin_client.get(reverse("admin:quizzes_question_change", args=[question.pk]))
    assert page.status_code == 200
    assert 'name="text"' not in page.text


def test_a_draft_is_editable_and_sanitised(admin_client, published):
    draft = course_version_create_draft_from(version=published)
    lesson = draft.lessons.get(position=1)
    url = reverse("admin:courses_courseversion_change", args=[draft.pk])
    assert 'name="title"' in admin_client.get(url).text
    data = {
        "title": "Bản nháp mới",
        "description": "",
        "estimated_minutes": 30,
        "pass_percent": 80,
        "questions_per_attempt": 2,
        "max_attempts": 3,
        "time_limit_minutes": 10,
        "lessons-TOTAL_FORMS": 2,
        "lessons-INITIAL_FORMS": 2,
        "questions-TOTAL_FORMS": 3,
        "questions-INITIAL_FORMS": 3,
    }
    for index, item in enumerate(draft.lessons.order_by("position")):
        data |= {
            f"lessons-{index}-id": item.pk,
            f"lessons-{index}-version": draft.pk,
            f"lessons-{index}-position": item.position,
            f"lessons-{index}-title": item.title,
            f"lessons-{index}-body_html": item.body_html,
            f"lessons-{index}-estimated_minutes": item.estimated_minutes,
        }
    data["lessons-0-body_html"] = '<p onclick="x()">Mới<script>alert(1)</script></p>'
    for index, item in enumerate(draft.questions.order_by("position")):
        data |= {
            f"questions-{index}-id": item.pk,
            f"questions-{index}-version": draft.pk,
            f"questions-{index}-position": item.position,
            f"questions-{index}-text": item.text,
            f"questions-{index}-kind": item.kind,
            f"questions-{index}-explanation": "",
        }

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    draft.refresh_from_db()
    lesson.refresh_from_db()
    assert draft.title == "Bản nháp mới"
    assert lesson.body_html == "<p>Mới</p>"
    assert published.lessons.get(position=1).body_html == "<p>Dùng mật khẩu dài, không dùng lại.</p>"


def test_actions_create_a_draft_and_publish_it(admin_client, published):
    url = reverse("admin:courses_courseversion_changelist")

    admin_client.post(url, {"action": "create_draft_action", "_selected_action": [published.pk]})
    draft = CourseVersion.objects.get(status=CourseVersionStatus.DRAFT)
    admin_client.post(url, {"action": "publish_action", "_selected_action": [draft.pk]})

    published.refresh_from_db()
    draft.refresh_from_db()
    assert (published.status, draft.status) == (CourseVersionStatus.RETIRED, CourseVersionStatus.PUBLISHED)


def test_publishing_an_incomplete_draft_shows_why(admin_client, published):
    draft = course_version_create_draft_from(version=published)
    Question.objects.filter(version=draft, position__lte=2).delete()

    response = admin_client.post(
        reverse("admin:courses_courseversion_changelist"),
        {"action": "publish_action", "_selected_action": [draft.pk]},
        follow=True,
    )

    # The admin speaks the default language, Vietnamese.
    assert "Mỗi lượt làm bài lấy 2 câu hỏi nhưng ngân hàng câu hỏi chỉ có 1 câu." in response.text
    draft.refresh_from_db()
    assert draft.status == CourseVersionStatus.DRAFT
