"""Learner pages: my courses, a course, its lessons."""

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import LessonProgress
from courses.selectors import learning
from orgchart.models import Staff
from tests.factories import AttemptFactory, LessonProgressFactory, MembershipFactory, StaffFactory, UserFactory
from tests.notifications.builders import assign, complete_externally, enrol, passed_attempt, publish_course

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)
REPO = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = (REPO / "templates" / "courses",)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False):
        yield


@pytest.fixture(autouse=True)
def _english(client, settings):
    """Assertions read the English source strings; Vietnamese is the default language."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def version(db):
    return publish_course(lessons=3)


@pytest.fixture
def assignment(version):
    return assign(version=version, slug="nq57-2026", due_on=dt.date(2026, 3, 31))


@pytest.fixture
def enrolled(learner, assignment):
    enrol(assignment=assignment, staff=learner.staff)
    return learner


def _card(html: str, title: str) -> str:
    """The <li> of my courses whose heading is `title`."""
    for card in re.findall(r'<li class="course-card.*?</li>', html, flags=re.S):
        if title in card:
            return card
    raise AssertionError(f"no card for {title!r}")


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- my courses -----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("courses:my_courses"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_an_account_without_a_roster_entry_sees_an_empty_state(client, tree):
    client.force_login(UserFactory())
    html = _page(client, reverse("courses:my_courses"))
    assert "not linked to a person on the staff roster" in html
    assert "course-card" not in html


def test_someone_with_no_course_sees_an_empty_state(client, learner):
    client.force_login(learner)
    html = _page(client, reverse("courses:my_courses"))
    assert "No course is assigned to you" in html


def test_not_started_course_shows_due_date_progress_and_start_link(client, enrolled, version):
    client.force_login(enrolled)
    card = _card(_page(client, reverse("courses:my_courses")), "Quán triệt Nghị quyết 57")

    assert "Not started" in card
    assert "31/03/2026" in card
    assert '<progress id="progress-' in card and 'max="3" value="0"' in card
    assert "0 of 3 lessons read" in card
    assert "quiz not passed yet" in card
    assert reverse("courses:lesson", args=["nq57-test", 1]) in card
    assert "Overdue" not in card


def test_in_progress_course_continues_at_the_first_unread_lesson(client, enrolled, version):
    staff = enrolled.staff
    LessonProgressFactory(staff=staff, lesson=version.lessons.get(position=1))
    LessonProgressFactory(staff=staff, lesson=version.lessons.get(position=3))
    client.force_login(enrolled)
    card = _card(_page(client, reverse("courses:my_courses")), "Quán triệt Nghị quyết 57")

    # Only lessons read, no attempt open: "Studying" ("Đang học"), not "Taking the quiz" (issue 13).
    assert "Studying" in card and "Taking the quiz" not in card
    assert 'max="3" value="2"' in card
    assert "2 of 3 lessons read" in card
    assert reverse("courses:lesson", args=["nq57-test", 2]) in card
    assert "Continue" in card


def test_completed_by_any_completion_and_quiz_passed_shown(client, enrolled, version):
    passed_attempt(staff=enrolled.staff, version=version)
    complete_externally(staff=enrolled.staff, version=version, on=dt.date(2026, 3, 2))
    client.force_login(enrolled)
    card = _card(_page(client, reverse("courses:my_courses")), "Quán triệt Nghị quyết 57")

    assert "Completed" in card
    assert "02/03/2026" in card
    assert "quiz passed" in card and "not passed" not in card
    assert "Review the course" in card


def test_overdue_marker_is_text_and_icon_and_only_when_unfinished(client, learner, version):
    late = assign(version=version, slug="dot-1", due_on=dt.date(2026, 3, 9))
    enrol(assignment=late, staff=learner.staff)
    other = publish_course(slug="an-toan", title="An toàn thông tin", lessons=1)
    done_late = assign(version=other, slug="dot-2", due_on=dt.date(2026, 2, 1))
    enrol(assignment=done_late, staff=learner.staff)
    complete_externally(staff=learner.staff, version=other, on=dt.date(2026, 2, 20))
    client.force_login(learner)
    html = _page(client, reverse("courses:my_courses"))

    overdue = _card(html, "Quán triệt Nghị quyết 57")
    assert "is-overdue" in overdue
    assert re.search(r'<strong class="overdue"><span aria-hidden="true">⚠ </span>Overdue</strong>', overdue)
    assert "Overdue" not in _card(html, "An toàn thông tin")
    # Unfinished work comes first.
    assert html.index("Quán triệt Nghị quyết 57") < html.index("An toàn thông tin")


def test_due_today_is_not_overdue(client, learner, version):
    enrol(assignment=assign(version=version, slug="hom-nay", due_on=TODAY), staff=learner.staff)
    client.force_login(learner)
    assert "Overdue" not in _card(_page(client, reverse("courses:my_courses")), "Quán triệt")


def test_after_moving_out_only_completed_courses_stay_as_history(client, learner, version):
    other = publish_course(slug="an-toan", title="An toàn thông tin", lessons=1)
    kept = assign(version=version, slug="dot-1", due_on=dt.date(2026, 3, 31))
    dropped = assign(version=other, slug="dot-2", due_on=dt.date(2026, 3, 31))
    enrol(assignment=kept, staff=learner.staff, left_audience_on=dt.date(2026, 3, 1))
    enrol(assignment=dropped, staff=learner.staff, left_audience_on=dt.date(2026, 3, 1))
    complete_externally(staff=learner.staff, version=version, on=dt.date(2026, 2, 15))
    client.force_login(learner)
    html = _page(client, reverse("courses:my_courses"))

    assert "Completed" in _card(html, "Quán triệt Nghị quyết 57")
    assert "An toàn thông tin" not in html


def test_someone_elses_enrolments_are_not_listed(client, learner, assignment, tree):
    colleague = StaffFactory()
    MembershipFactory(staff=colleague, unit=tree["vp_team"])
    enrol(assignment=assignment, staff=colleague)
    client.force_login(learner)
    assert "No course is assigned to you" in _page(client, reverse("courses:my_courses"))


def _fill(staff: Staff, count: int, versions) -> None:
    for index in range(count):
        version = versions[index % len(versions)]
        assignment = assign(version=version, slug=f"dot-{staff.pk}-{index}", due_on=dt.date(2026, 3, 1 + index % 28))
        enrol(assignment=assignment, staff=staff, left_audience_on=dt.date(2026, 3, 1) if index % 7 == 3 else None)
    lessons = [lesson for version in versions for lesson in version.lessons.all()]
    for lesson in lessons[: len(lessons) // 2]:
        LessonProgress.objects.get_or_create(staff=staff, lesson=lesson)
    complete_externally(staff=staff, version=versions[0], on=dt.date(2026, 2, 1))
    passed_attempt(staff=staff, version=versions[1])


def test_my_courses_query_count_does_not_grow_with_enrolments(client, tree, django_assert_num_queries):
    versions = [publish_course(slug=f"khoa-{n}", title=f"Khóa {n}", lessons=2 + n) for n in range(3)]
    small, large = UserFactory(), UserFactory()
    for user in (small, large):
        staff = StaffFactory(user=user)
        MembershipFactory(staff=staff, unit=tree["vp"])
    _fill(small.staff, 3, versions)
    _fill(large.staff, 30, versions)

    client.force_login(small)
    with CaptureQueriesContext(connection) as small_queries:
        html = _page(client, reverse("courses:my_courses"))
    assert html.count('class="course-card') == 3

    client.force_login(large)
    with django_assert_num_queries(len(small_queries)):
        html = _page(client, reverse("courses:my_courses"))
    # One line per course (issue 13), the 28 enrolments that stay (four left the audience: 3, 10, 17, 24; 3 and 24
    # are of the completed course, so they stay as history) behind the three lines.
    assert html.count('class="course-card') == 3
    assert html.count('<ul class="assignment-lines">') == 3 and html.count("— due ") == 28


# --- course page ----------------------------------------------------------------------------------


def test_course_page_lists_lessons_with_read_markers_and_the_quiz(client, enrolled, version):
    LessonProgressFactory(staff=enrolled.staff, lesson=version.lessons.get(position=2))
    client.force_login(enrolled)
    html = _page(client, reverse("courses:course", args=["nq57-test"]))

    assert '<h1 lang="vi">Quán triệt Nghị quyết 57</h1>' in html
    assert "Mô tả khóa học" in html
    items = re.findall(r"<li>\s*<a href=\"/courses/nq57-test/lessons/(\d)/\".*?</li>", html, flags=re.S)
    assert items == ["1", "2", "3"]
    assert html.count("Not read yet") == 2 and html.count("✓ </span>Read") == 1
    assert "1 of 3 lessons read" in html
    assert f'href="{reverse("quizzes:start", kwargs={"version_id": version.pk})}"' in html
    assert "31/03/2026" in html
    assert "Not started" not in html and "Studying" in html


def test_course_page_shows_the_completion(client, enrolled, version):
    complete_externally(staff=enrolled.staff, version=version, on=dt.date(2026, 3, 3))
    client.force_login(enrolled)
    html = _page(client, reverse("courses:course", args=["nq57-test"]))
    assert "Completed on 03/03/2026" in html
    assert "Accepted external completion" in html


def test_a_course_the_person_is_not_enrolled_in_is_not_found(client, learner, version):
    client.force_login(learner)
    assert client.get(reverse("courses:course", args=["nq57-test"])).status_code == 404
    assert client.get(reverse("courses:lesson", args=["nq57-test", 1])).status_code == 404
    assert not LessonProgress.objects.exists()


def test_an_unknown_course_or_lesson_is_not_found(client, enrolled):
    client.force_login(enrolled)
    assert client.get(reverse("courses:course", args=["khong-co"])).status_code == 404
    assert client.get(reverse("courses:lesson", args=["nq57-test", 4])).status_code == 404
    assert client.get(reverse("courses:lesson", args=["nq57-test", 0])).status_code == 404


def test_a_unit_head_is_not_enrolled_through_their_people(client, unit_head, learner, assignment):
    enrol(assignment=assignment, staff=learner.staff)
    client.force_login(unit_head)
    assert client.get(reverse("courses:course", args=["nq57-test"])).status_code == 404


def test_the_office_previews_without_recording_reading(client, office_admin, version):
    client.force_login(office_admin)
    html = _page(client, reverse("courses:course", args=["nq57-test"]))
    assert "Preview" in html
    html = _page(client, reverse("courses:lesson", args=["nq57-test", 1]))
    assert "Preview" in html
    assert not LessonProgress.objects.exists()


# --- lesson pages ---------------------------------------------------------------------------------


def test_reading_a_lesson_is_recorded_once(client, enrolled, version):
    client.force_login(enrolled)
    url = reverse("courses:lesson", args=["nq57-test", 2])
    _page(client, url)
    first = LessonProgress.objects.get()
    with time_machine.travel(dt.datetime(2026, 3, 12, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))):
        _page(client, url)

    assert LessonProgress.objects.get() == first
    assert LessonProgress.objects.get().first_opened_at == first.first_opened_at
    assert (first.staff, first.lesson.position) == (enrolled.staff, 2)


def test_lesson_page_counter_and_previous_next(client, enrolled):
    client.force_login(enrolled)
    html = _page(client, reverse("courses:lesson", args=["nq57-test", 2]))

    assert "Lesson 2 of 3" in html
    assert re.search(r'href="/courses/nq57-test/lessons/1/" rel="prev">.*?Bài 1: Nội dung số 1', html, flags=re.S)
    assert re.search(r'href="/courses/nq57-test/lessons/3/" rel="next">.*?Bài 3: Nội dung số 3', html, flags=re.S)


def test_first_lesson_has_no_previous_and_last_leads_to_the_quiz(client, enrolled, version):
    client.force_login(enrolled)
    first = _page(client, reverse("courses:lesson", args=["nq57-test", 1]))
    last = _page(client, reverse("courses:lesson", args=["nq57-test", 3]))

    assert 'rel="prev"' not in first and 'rel="next"' in first
    # The last lesson leads to the quiz itself, not back to the course page (issue 13).
    assert f'href="{reverse("quizzes:start", args=[version.pk])}" rel="next"' in last
    assert "Go to the quiz" in last


def test_lesson_body_is_rendered_as_html_in_a_readable_region(client, enrolled):
    client.force_login(enrolled)
    html = _page(client, reverse("courses:lesson", args=["nq57-test", 1]))

    assert '<div class="lesson-body" lang="vi"><p>Nội dung <strong>bài 1</strong>.</p></div>' in html
    assert '<a class="skip-link" href="#main">' in html
    assert re.search(r'<html lang="[a-z]{2}">', html)
    # One h1, which is the lesson's title.
    assert html.count("<h1") == 1


def test_video_file_is_a_player_and_a_link_is_a_link(client, enrolled, version, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # Written with update(): published lessons are immutable through the services, this is only display.
    version.lessons.filter(position=1).update(video_file="courses/videos/2026/03/bai1.mp4")
    version.lessons.filter(position=2).update(
        video_url="https://www.youtube.com/watch?v=abc", attachment="courses/attachments/2026/03/nq57.pdf"
    )
    client.force_login(enrolled)
    first = _page(client, reverse("courses:lesson", args=["nq57-test", 1]))
    second = _page(client, reverse("courses:lesson", args=["nq57-test", 2]))

    assert '<video controls preload="metadata" src="/courses/nq57-test/lessons/1/video/">' in first
    assert "<video" not in second
    assert 'href="https://www.youtube.com/watch?v=abc" rel="noopener noreferrer"' in second
    assert 'href="/courses/nq57-test/lessons/2/attachment/"' in second


def test_lesson_files_go_only_to_who_may_open_the_lesson(client, enrolled, unit_head, version, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    stored = tmp_path / "courses/attachments/2026/03/Zq8/nq57.pdf"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(b"%PDF-1.4 bai 2")
    version.lessons.filter(position=2).update(attachment="courses/attachments/2026/03/Zq8/nq57.pdf")
    url = reverse("courses:lesson_file", args=["nq57-test", 2, "attachment"])

    client.force_login(enrolled)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 bai 2"
    assert response["Content-Disposition"] == 'attachment; filename="nq57.pdf"'
    assert client.get(reverse("courses:lesson_file", args=["nq57-test", 2, "video"])).status_code == 404
    assert client.get(reverse("courses:lesson_file", args=["nq57-test", 1, "attachment"])).status_code == 404

    client.force_login(unit_head)  # not enrolled in the course
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    assert client.get("/media/courses/attachments/2026/03/Zq8/nq57.pdf").status_code == 404


def test_only_the_sanitised_lesson_body_is_marked_safe_and_it_says_why():
    """Trusting HTML (`|safe`, or `scrollable_tables`, which marks its input safe) is acceptable only because
    body_html is sanitised with nh3 on the way in."""
    uses = []
    templates = [path for folder in TEMPLATE_DIRS for path in sorted(folder.rglob("*")) if path.suffix == ".html"]
    assert templates
    markers = ("|safe", "autoescape off", "autoescape false", "safeseq", "|scrollable_tables", "Markup")
    for template in templates:
        lines = template.read_text().splitlines()
        for number, line in enumerate(lines):
            if any(marker in line for marker in markers):
                uses.append((template.name, line.strip(), lines[number - 1]))
    assert [(name, line) for name, line, _comment in uses] == [
        (
            "lesson_detail.html",
            '<div class="lesson-body" lang="vi">{{ page.lesson.body_html|scrollable_tables }}</div>',
        )
    ]
    comment = uses[0][2]
    assert "nh3" in comment and "courses.sanitize.sanitize_html" in comment


def test_lesson_sanitiser_is_what_the_trust_comment_names(course_data):
    """The function the comment names exists and strips what would be dangerous with |safe."""
    from courses.sanitize import sanitize_html

    cleaned = sanitize_html('<p onclick="x()">Xin chào<script>alert(1)</script></p>')
    assert cleaned == "<p>Xin chào</p>"


def test_an_assignment_not_started_yet_says_when_it_starts_and_comes_after_current_ones(client, learner, version):
    later = assign(version=version, slug="sau", starts_on=dt.date(2026, 3, 11), due_on=dt.date(2026, 3, 20))
    enrol(assignment=later, staff=learner.staff)
    other = publish_course(slug="an-toan", title="An toàn thông tin", lessons=1)
    enrol(assignment=assign(version=other, slug="nay", due_on=dt.date(2026, 4, 30)), staff=learner.staff)
    client.force_login(learner)
    html = _page(client, reverse("courses:my_courses"))

    upcoming = _card(html, "Quán triệt Nghị quyết 57")
    assert "Starts on 11/03/2026" in upcoming
    assert "is-upcoming" in upcoming
    assert "Overdue" not in upcoming and "is-overdue" not in upcoming
    assert "Starts on" not in _card(html, "An toàn thông tin")
    # The current one is listed first, although the one not started yet is due earlier.
    assert html.index("An toàn thông tin") < html.index("Quán triệt Nghị quyết 57")


def test_an_assignment_starting_today_is_current(client, learner, version):
    enrol(assignment=assign(version=version, slug="hom-nay", starts_on=TODAY, due_on=TODAY), staff=learner.staff)
    client.force_login(learner)
    card = _card(_page(client, reverse("courses:my_courses")), "Quán triệt")
    assert "Starts on" not in card


def test_upcoming_ones_are_ordered_by_start_date_and_completed_ones_stay_last(client, learner, version):
    first = publish_course(slug="mot", title="Khóa Một", lessons=1)
    second = publish_course(slug="hai", title="Khóa Hai", lessons=1)
    enrol(
        assignment=assign(version=second, slug="b", starts_on=dt.date(2026, 5, 1), due_on=dt.date(2026, 5, 2)),
        staff=learner.staff,
    )
    enrol(
        assignment=assign(version=first, slug="a", starts_on=dt.date(2026, 4, 1), due_on=dt.date(2026, 6, 1)),
        staff=learner.staff,
    )
    done = assign(version=version, slug="c", starts_on=dt.date(2026, 4, 1), due_on=dt.date(2026, 4, 2))
    enrol(assignment=done, staff=learner.staff)
    # Dated on the assignment's start: a completion before it would not count toward it (issue 11).
    complete_externally(staff=learner.staff, version=version, on=dt.date(2026, 4, 1))
    client.force_login(learner)
    html = _page(client, reverse("courses:my_courses"))

    assert html.index("Khóa Một") < html.index("Khóa Hai") < html.index("Quán triệt Nghị quyết 57")
    assert "Starts on" not in _card(html, "Quán triệt Nghị quyết 57")


def test_the_course_page_reads_only_the_learners_own_attempts(enrolled, version):
    """Another person's pass or open attempt at the same version is not the learner's (one `filter()` per attempt)."""
    AttemptFactory(staff=enrolled.staff, version=version, failing=True)
    other = StaffFactory()
    AttemptFactory(staff=other, version=version, passing=True)
    AttemptFactory(staff=other, version=version)  # open
    page = learning.course_page_get(access=learning.access_course(user=enrolled, slug=version.course.slug))
    assert (page.quiz_passed, page.attempt_open) == (False, False)
