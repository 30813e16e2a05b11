"""Issue 13's learner dead ends on the quiz side: the review leak, attempts the Office grants, "out of attempts",
and submitting through a summary."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from courses.models import AttemptGrant, CourseVersion
from courses.services.grants import attempt_grant
from quizzes.models import Attempt, AttemptStatus, Option
from quizzes.selectors import quiz_status
from quizzes.services import attempt_start, attempt_submit

from .conftest import answer_all, enrol, explanation_text, make_version

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _close(attempt, *, right: int = 0) -> Attempt:
    answer_all(attempt, right=right)
    return attempt_submit(attempt_id=attempt.pk, staff=attempt.staff)


def _key_texts(version) -> tuple[set[str], set[str]]:
    correct = set(Option.objects.filter(question__version=version, is_correct=True).values_list("text", flat=True))
    explanations = {explanation_text(version.course.slug, position) for position in range(1, 4)}
    return correct, explanations


# --- the review leak -------------------------------------------------------------------------------------------


def test_review_of_a_closed_attempt_is_refused_while_the_next_one_is_open(learner_client, staff):
    """Start 1, close it, start 2, open 1's review: refused, and nothing of the key reaches the page."""
    version = make_version(questions=3)
    enrol(staff=staff, course=version.course)
    first = _close(attempt_start(staff=staff, version=version), right=1)
    review_url = reverse("quizzes:review", args=[first.pk])
    assert learner_client.get(review_url).status_code == 200  # nothing open: the review is shown

    second = attempt_start(staff=staff, version=version)
    assert second.pk != first.pk and second.status == AttemptStatus.IN_PROGRESS
    response = learner_client.get(review_url)

    assert response.status_code == 403
    html = response.content.decode()
    assert "not available while an attempt at this quiz is in progress" in html
    correct, explanations = _key_texts(version)
    assert not any(f"{text}" in html for text in explanations)
    assert 'class="correct"' not in html and "correct answer" not in html
    # The result page does not offer the link either.
    result = learner_client.get(reverse("quizzes:result", args=[first.pk])).content.decode()
    assert reverse("quizzes:review", args=[first.pk]) not in result

    # Once attempt 2 is closed too, the review opens again.
    _close(second)
    assert learner_client.get(review_url).status_code == 200


def test_review_when_final_waits_for_the_last_attempt_or_a_pass(learner_client, staff):
    version = make_version(questions=3, max_attempts=2)
    CourseVersion.objects.filter(pk=version.pk).update(review_when_final=True)
    version.refresh_from_db()
    enrol(staff=staff, course=version.course)
    first = _close(attempt_start(staff=staff, version=version))
    review_url = reverse("quizzes:review", args=[first.pk])

    response = learner_client.get(review_url)
    assert response.status_code == 403
    assert "opens once you have passed the quiz or used every attempt" in response.content.decode()

    _close(attempt_start(staff=staff, version=version))  # the last attempt, failed
    assert learner_client.get(review_url).status_code == 200

    # An extra attempt granted: the key is hidden again until it is used.
    attempt_grant(staff=staff, course=version.course, reason="Ốm trong ngày thi", granted_by=None)
    assert learner_client.get(review_url).status_code == 403


def test_review_when_final_opens_after_a_pass(learner_client, staff):
    version = make_version(questions=3, max_attempts=3)
    CourseVersion.objects.filter(pk=version.pk).update(review_when_final=True)
    version.refresh_from_db()
    enrol(staff=staff, course=version.course)
    passed = _close(attempt_start(staff=staff, version=version), right=3)
    assert passed.passed
    assert learner_client.get(reverse("quizzes:review", args=[passed.pk])).status_code == 200


# --- attempts granted by the Office, "out of attempts" ---------------------------------------------------------


def test_out_of_attempts_is_a_status_until_the_office_grants_one(learner_client, staff, office_admin):
    version = make_version(questions=3, max_attempts=1)
    enrol(staff=staff, course=version.course)
    first = _close(attempt_start(staff=staff, version=version))
    status = quiz_status(staff=staff, version=version)
    assert status.locked_out and status.left == 0

    start_page = learner_client.get(reverse("quizzes:start", args=[version.pk])).content.decode()
    assert "Out of attempts" in start_page and "Start a new attempt" not in start_page
    my_courses = learner_client.get(reverse("courses:my_courses")).content.decode()
    assert "Out of attempts" in my_courses and "Taking the quiz" not in my_courses
    course_page = learner_client.get(reverse("courses:course", args=[version.course.slug])).content.decode()
    assert "Out of attempts" in course_page and "Studying" not in course_page
    with pytest.raises(ValidationError):
        attempt_start(staff=staff, version=version)

    grant = attempt_grant(
        staff=staff, course=version.course, reason="Mất điện khi đang làm bài", granted_by=office_admin
    )
    assert grant.extra_attempts == 1 and grant.granted_by == office_admin
    status = quiz_status(staff=staff, version=version)
    assert not status.locked_out and status.left == 1 and status.allowed == 2

    start_page = learner_client.get(reverse("quizzes:start", args=[version.pk])).content.decode()
    assert "Mất điện khi đang làm bài" in start_page  # the reason is shown to the learner
    assert "Start a new attempt" in start_page
    second = attempt_start(staff=staff, version=version)
    assert second.number == first.number + 1
    my_courses = learner_client.get(reverse("courses:my_courses")).content.decode()
    assert "Taking the quiz" in my_courses and "Out of attempts" not in my_courses
    course_page = learner_client.get(reverse("courses:course", args=[version.course.slug])).content.decode()
    assert "Taking the quiz" in course_page


@pytest.mark.parametrize(
    ("reason", "extra", "message"),
    [("  ", 1, "Hãy ghi lý do"), ("Lý do", 0, "từ 1 đến 10"), ("Lý do", 11, "từ 1 đến 10")],
)
def test_a_grant_is_refused_without_a_reason_or_with_a_bad_count(staff, reason, extra, message):
    version = make_version(questions=3, max_attempts=1)
    with pytest.raises(ValidationError) as error:
        attempt_grant(staff=staff, course=version.course, reason=reason, granted_by=None, extra_attempts=extra)
    assert any(message in text for text in error.value.messages)
    assert not AttemptGrant.objects.exists()


def test_a_grant_is_refused_to_someone_who_passed(staff):
    version = make_version(questions=3)
    enrol(staff=staff, course=version.course)
    _close(attempt_start(staff=staff, version=version), right=3)
    with pytest.raises(ValidationError):
        attempt_grant(staff=staff, course=version.course, reason="Thêm", granted_by=None)
    assert not AttemptGrant.objects.exists()


def test_the_office_grants_an_attempt_on_its_page(client, staff, office_admin):
    version = make_version(questions=3, max_attempts=1)
    enrol(staff=staff, course=version.course)
    _close(attempt_start(staff=staff, version=version))
    url = reverse("quizzes:grant", args=[staff.pk, version.course.slug])
    client.force_login(office_admin)

    page = client.get(url).content.decode()
    assert "Out of attempts" in page and staff.full_name in page
    assert client.post(url, {"extra_attempts": "1", "reason": ""}).status_code == 400
    response = client.post(url, {"extra_attempts": "1", "reason": "Lỗi mạng", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == url  # an outside "next" is ignored
    grant = AttemptGrant.objects.get()
    assert (grant.staff, grant.course, grant.reason, grant.granted_by) == (
        staff,
        version.course,
        "Lỗi mạng",
        office_admin,
    )


@pytest.mark.parametrize("role", ["learner", "unit_head"])
def test_only_the_office_may_grant(client, request, role, staff):
    version = make_version(questions=3, max_attempts=1)
    client.force_login(request.getfixturevalue(role))
    url = reverse("quizzes:grant", args=[staff.pk, version.course.slug])
    assert client.get(url).status_code == 404
    assert client.post(url, {"extra_attempts": "1", "reason": "x"}).status_code == 404
    assert not AttemptGrant.objects.exists()


# --- submit with a summary ---------------------------------------------------------------------------------------


def test_submit_goes_through_a_summary_of_the_unanswered_questions(learner_client, staff):
    version = make_version(questions=3)
    enrol(staff=staff, course=version.course)
    attempt = attempt_start(staff=staff, version=version)
    first = attempt.items.order_by("position").first()
    answer_page = learner_client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    # The visible submit is apart from the save button, and only asks for the summary.
    assert 'value="review"' in answer_page and 'class="quiz-submit card"' in answer_page

    response = learner_client.post(
        reverse("quizzes:attempt", args=[attempt.pk]), {"action": "review", f"item-{first.pk}": "1"}
    )
    summary_url = reverse("quizzes:submit", args=[attempt.pk])
    assert response.status_code == 302 and response["Location"] == summary_url
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.IN_PROGRESS  # nothing submitted yet

    summary = learner_client.get(summary_url).content.decode()
    assert "2 of 3 questions are not answered." in summary
    assert summary.count(f'href="{reverse("quizzes:attempt", args=[attempt.pk])}#question-') == 2
    assert "#question-1" not in summary  # answered: not listed
    assert "minutes left (the quiz closes at" in summary

    response = learner_client.post(summary_url)
    assert response.status_code == 302 and response["Location"] == reverse("quizzes:result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED
    # A closed attempt's summary leads to its result.
    assert learner_client.get(summary_url)["Location"] == reverse("quizzes:result", args=[attempt.pk])


def test_someone_elses_summary_is_not_found(client, staff, office_admin):
    version = make_version(questions=3)
    enrol(staff=staff, course=version.course)
    attempt = attempt_start(staff=staff, version=version)
    client.force_login(office_admin)
    assert client.get(reverse("quizzes:submit", args=[attempt.pk])).status_code == 404
    assert client.post(reverse("quizzes:submit", args=[attempt.pk])).status_code == 404
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.IN_PROGRESS


def test_a_course_file_sets_review_when_final_and_a_reimport_keeps_it(db):
    from courses.models import Course
    from quizzes.services.course_import import course_import

    data = {
        "slug": "xem-lai-cuoi",
        "title": "Khóa học thử",
        "description": "",
        "estimated_minutes": 10,
        "review_when_final": True,
        "lessons": [{"title": "Bài 1", "body_html": "<p>Nội dung</p>"}],
        "quiz": {
            "pass_percent": 80,
            "questions_per_attempt": 1,
            "max_attempts": 2,
            "time_limit_minutes": 5,
            "questions": [
                {
                    "text": "Câu hỏi?",
                    "kind": "single",
                    "options": [{"text": "Đúng", "correct": True}, {"text": "Sai", "correct": False}],
                }
            ],
        },
    }
    course_import(data=data)
    version = Course.objects.get(slug="xem-lai-cuoi").versions.get()
    assert version.review_when_final is True
    del data["review_when_final"]
    course_import(data={**data, "title": "Khóa học thử (sửa)"})
    latest = Course.objects.get(slug="xem-lai-cuoi").versions.order_by("-number").first()
    assert latest.number == 2 and latest.review_when_final is True
