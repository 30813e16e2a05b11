"""Issue 13's learner journeys on a 360 px phone, in Vietnamese: no dead ends.

1. A learner reads the lessons, goes from the last one to the quiz, submits through the summary, passes, and
   downloads the certificate from "my courses".
2. A learner runs out of attempts ("Đã hết lượt làm bài"), the Office grants one from the drill-down with a reason,
   and the learner, who sees the reason, passes.
3. A late joiner with a relative due date: not overdue on day one; the course assigned twice shows once.

Every page: axe-core (no serious or critical violation), no sideways scrolling, a screenshot. Each journey prints
its clicks, fields typed and seconds (tests/e2e/journeys.py).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.utils import timezone

from certificates.models import Certificate, CourseCertificateSetting
from courses.models import AttemptGrant, Course, CourseVersion, CourseVersionStatus, Enrolment
from courses.services.assignments import assignment_create, enrolment_sync
from orgchart.models import Staff
from quizzes.models import Attempt, AttemptStatus, QuestionKind
from quizzes.services.course_import import course_import
from tests.e2e.browser import PROJECT_ROOT, BrowserSession, vi
from tests.e2e.journeys import Journey
from tests.factories import MembershipFactory, StaffFactory, UserFactory, give_totp

try:
    from playwright.sync_api import expect
except ImportError:  # the `chromium` fixture then skips these tests with the reason (fails them under CI)
    expect = None

pytestmark = pytest.mark.browser

DEMO_COURSE = PROJECT_ROOT / "courses" / "content" / "nq57.json"


def _assign(course, tree, *, slug="nq57-e2e", starts=-7, due=30, due_days=None, title="Quán triệt Nghị quyết 57-NQ/TW"):
    today = timezone.localdate()
    return assignment_create(
        slug=slug,
        title=title,
        course=course,
        units=[(tree["root"], True)],
        categories=[],
        communications_only=False,
        people=[],
        starts_on=today + dt.timedelta(days=starts),
        due_on=today + dt.timedelta(days=due),
        due_days=due_days,
    )


@pytest.fixture
def demo_course(transactional_db, tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    course_import(data=Path(DEMO_COURSE).read_bytes())
    return Course.objects.get(slug="nq57")


def _card(page, title):
    return page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=title))


def _answer(journey, attempt, *, right: bool) -> None:
    """Answer every question of the attempt on the page, rightly or wrongly, waiting for each autosave."""
    page = journey.page
    for item in attempt.items.select_related("question").prefetch_related("question__options").order_by("position"):
        question = item.question
        group = page.get_by_role("group", name=question.text)
        role = "checkbox" if question.kind == QuestionKind.MULTIPLE else "radio"
        options = list(question.options.all())
        chosen = [o for o in options if o.is_correct] if right else [next(o for o in options if not o.is_correct)]
        for option in chosen:
            with page.expect_response(lambda response: "/answers/" in response.url) as saved:
                journey.check(group.get_by_role(role, name=option.text, exact=True))
            assert saved.value.ok, saved.value.status


def _submit_through_the_summary(journey, *, unanswered: int = 0) -> None:
    page = journey.page
    journey.click(page.get_by_role("button", name=vi("Submit the quiz…")))
    expect(page.get_by_role("button", name=vi("Submit now"))).to_be_visible()
    if unanswered == 0:
        expect(page.get_by_role("status")).to_contain_text(re.compile(r"\d"))
    journey.step("quiz-summary")
    journey.click(page.get_by_role("button", name=vi("Submit now")))


# --- 1. pass, then the certificate from my courses -------------------------------------------------------------


def test_learner_passes_and_downloads_the_certificate_from_my_courses(phone, demo_course, tree, learner):
    CourseCertificateSetting.objects.create(course=demo_course, issue_on_completion=True)
    _assign(demo_course, tree)
    version = demo_course.versions.get(status=CourseVersionStatus.PUBLISHED)
    lessons = list(version.lessons.order_by("position"))
    journey = Journey(session=phone, name="pass-and-download-the-certificate")
    page = phone.page

    journey.sign_in(email=learner.email, step="sign-in")
    journey.click(page.get_by_role("navigation", name=vi("Main navigation")).get_by_role("link", name=vi("My courses")))
    card = _card(page, version.title)
    expect(card).to_contain_text(vi("Not started"))
    journey.step("my-courses")
    journey.click(card.get_by_role("link", name=re.compile("^" + re.escape(vi("Start")))))
    lesson_navigation = page.get_by_role("navigation", name=vi("Lessons"))
    for lesson in lessons:
        expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
        if lesson.position < len(lessons):
            journey.click(lesson_navigation.get_by_role("link", name=re.compile("^" + re.escape(vi("Next lesson")))))
    journey.step("last-lesson")
    # The last lesson leads to the quiz itself.
    journey.click(lesson_navigation.get_by_role("link", name=re.compile(re.escape(vi("Go to the quiz")))))
    journey.step("quiz-start")
    journey.click(page.get_by_role("button", name=vi("Start the quiz")))
    attempt = Attempt.objects.get(staff=learner.staff, status=AttemptStatus.IN_PROGRESS)
    _answer(journey, attempt, right=True)
    journey.step("quiz-answered")
    _submit_through_the_summary(journey)

    expect(page.get_by_role("status").first).to_contain_text(vi("You passed."))
    certificate = Certificate.objects.get(staff=learner.staff, course=demo_course)
    expect(page.get_by_role("main")).to_contain_text(certificate.serial)
    journey.step("quiz-result-with-certificate")

    journey.click(page.get_by_role("navigation", name=vi("Main navigation")).get_by_role("link", name=vi("My courses")))
    card = _card(page, version.title)
    expect(card).to_contain_text(vi("Completed"))
    journey.step("my-courses-completed")
    with page.expect_download() as download:
        journey.click(card.get_by_role("link", name=re.compile("^" + re.escape(vi("Download the certificate (PDF)")))))
    path = download.value.path()
    assert Path(path).read_bytes().startswith(b"%PDF")
    assert download.value.suggested_filename.endswith(".pdf")

    journey.click(card.get_by_role("link", name=vi("My certificates"), exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("My certificates"))
    expect(page.get_by_role("main")).to_contain_text(certificate.serial)
    journey.step("my-certificates")
    journey.report()
    phone.assert_accessible()


# --- 2. out of attempts, the Office grants one, passed ---------------------------------------------------------


@pytest.fixture
def office_with_code(transactional_db):
    user = UserFactory(email="van.phong.e2e@stp.dongnai.gov.vn", is_office_admin=True, is_staff=True)
    secret = give_totp(user)
    return user, secret


def test_learner_out_of_attempts_is_granted_one_by_the_office_and_passes(
    phone, chromium, live_server, screenshot_folder, demo_course, tree, learner, office_with_code
):
    CourseVersion.objects.filter(course=demo_course, status=CourseVersionStatus.PUBLISHED).update(max_attempts=1)
    assignment = _assign(demo_course, tree)
    version = demo_course.versions.get(status=CourseVersionStatus.PUBLISHED)
    journey = Journey(session=phone, name="out-of-attempts-granted-one-passes")
    page = phone.page

    journey.sign_in(email=learner.email)
    journey.click(page.get_by_role("navigation", name=vi("Main navigation")).get_by_role("link", name=vi("My courses")))
    journey.click(_card(page, version.title).get_by_role("heading", name=version.title).get_by_role("link"))
    journey.click(page.get_by_role("link", name=vi("Take the quiz")))
    journey.click(page.get_by_role("button", name=vi("Start the quiz")))
    first = Attempt.objects.get(staff=learner.staff, status=AttemptStatus.IN_PROGRESS)
    _answer(journey, first, right=False)
    _submit_through_the_summary(journey)
    expect(page.get_by_role("main")).to_contain_text(vi("Out of attempts"))
    journey.step("result-out-of-attempts")
    journey.click(page.get_by_role("navigation", name=vi("Main navigation")).get_by_role("link", name=vi("My courses")))
    expect(_card(page, version.title)).to_contain_text(vi("Out of attempts"))
    journey.step("my-courses-out-of-attempts")

    # The Office, on its own device: the drill-down of those not yet informed, and the grant (its own figures).
    with journey.paused():
        user, secret = office_with_code
        context = chromium.new_context(
            viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="vi-VN"
        )
        context.set_default_timeout(15_000)
        office = Journey(
            session=BrowserSession(
                page=context.new_page(), base_url=live_server.url, folder=screenshot_folder / "office-grants-an-attempt"
            ),
            name="office-grants-an-attempt",
        )
        office.sign_in_with_code(email=user.email, code=format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
        office.goto(f"/reports/a/{assignment.slug}/people/")
        row = office.page.get_by_role("row").filter(has_text=learner.staff.full_name)
        expect(row).to_contain_text(vi("Out of attempts"))
        office.step("drill-down")
        office.click(row.get_by_role("link", name=re.compile("^" + re.escape(vi("Grant an attempt")))))
        office.step("grant-form")
        office.fill(office.page.get_by_label(vi("Reason")), "Mất kết nối mạng khi đang làm bài")
        office.click(office.page.get_by_role("button", name=vi("Grant"), exact=True))
        expect(office.page.get_by_role("row").filter(has_text=learner.staff.full_name)).to_have_count(1)
        office.step("drill-down-after-grant")
        assert AttemptGrant.objects.get().granted_by == user
        office.report()
        office.session.assert_accessible()
        context.close()

    # The learner again: the reason is shown, a new attempt starts, and this time passes.
    journey.click(_card(page, version.title).get_by_role("heading", name=version.title).get_by_role("link"))
    journey.click(page.get_by_role("link", name=vi("Take the quiz")))
    expect(page.get_by_role("main")).to_contain_text("Mất kết nối mạng khi đang làm bài")
    journey.step("quiz-start-granted")
    journey.click(page.get_by_role("button", name=vi("Start a new attempt")))
    second = Attempt.objects.get(staff=learner.staff, status=AttemptStatus.IN_PROGRESS)
    assert second.number == 2
    _answer(journey, second, right=True)
    _submit_through_the_summary(journey)
    expect(page.get_by_role("status").first).to_contain_text(vi("You passed."))
    journey.step("result-passed")
    journey.report()
    phone.assert_accessible()


# --- 3. a late joiner with a relative due date ------------------------------------------------------------------


def test_a_late_joiner_has_a_due_date_relative_to_joining(phone, demo_course, tree):
    # Started two months ago, due a month ago; late joiners get 30 days. The same course is assigned again later.
    _assign(demo_course, tree, slug="nq57-dot-1", starts=-60, due=-30, due_days=30, title="Quán triệt đợt 1")
    _assign(demo_course, tree, slug="nq57-dot-2", starts=-10, due=90, title="Quán triệt đợt 2")
    newcomer = StaffFactory(full_name="Võ Thị Mới Vào", user=UserFactory(email="moi.vao@stp.dongnai.gov.vn"))
    MembershipFactory(staff=newcomer, unit=tree["vp_team"], valid_from=timezone.localdate())
    enrolment_sync()  # what the roster import does after the newcomer joins
    today = timezone.localdate()
    own_due = today + dt.timedelta(days=30)
    assert Enrolment.objects.get(staff=newcomer, assignment__slug="nq57-dot-1").due_on == own_due
    version = demo_course.versions.get(status=CourseVersionStatus.PUBLISHED)
    journey = Journey(session=phone, name="late-joiner-relative-due-date")
    page = phone.page

    journey.sign_in(email=newcomer.user.email)
    journey.click(page.get_by_role("navigation", name=vi("Main navigation")).get_by_role("link", name=vi("My courses")))
    card = _card(page, version.title)
    expect(card).to_have_count(1)  # one line for the course assigned twice
    expect(card).to_contain_text(own_due.strftime("%d/%m/%Y"))
    expect(card).not_to_contain_text(vi("Overdue"))
    expect(card).to_contain_text("Quán triệt đợt 1")
    expect(card).to_contain_text("Quán triệt đợt 2")
    journey.step("my-courses")
    journey.click(card.get_by_role("heading", name=version.title).get_by_role("link"))
    expect(page.get_by_role("main")).to_contain_text(own_due.strftime("%d/%m/%Y"))
    journey.step("course")
    assert Staff.objects.get(pk=newcomer.pk).enrolments.count() == 2
    journey.report()
    phone.assert_accessible()
