"""A learner on a 360 px phone: sign in, my courses, every lesson, the quiz passed, the course completed.

Every page on the way is checked with axe-core (no serious or critical violation) and for
horizontal scrolling, and photographed. Controls are found by role and accessible name, in
Vietnamese (the phone asks for it): a control that cannot be found that way is a bug.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone

from courses.models import Completion, CompletionEvidence, Course, CourseVersionStatus
from courses.services.assignments import assignment_create
from quizzes.models import Attempt, AttemptStatus, QuestionKind
from quizzes.services.course_import import course_import
from tests.e2e.browser import PROJECT_ROOT, vi
from tests.factories import MembershipFactory, StaffFactory

try:
    from playwright.sync_api import expect
except ImportError:  # the `chromium` fixture then skips these tests with the reason (fails them under CI)
    expect = None

pytestmark = pytest.mark.browser

DEMO_COURSE = PROJECT_ROOT / "courses" / "content" / "nq57.json"


@pytest.fixture
def enrolled_learner(transactional_db, tree, learner, unit_head):
    """The real demo course, assigned to the whole department the way the Office does it."""
    course_import(data=Path(DEMO_COURSE).read_bytes())
    course = Course.objects.get(slug="nq57")
    for _ in range(3):  # colleagues in the same audience, so "my courses" is not the only data
        MembershipFactory(staff=StaffFactory(), unit=tree["vp_team"])
    today = timezone.localdate()
    assignment_create(
        slug="nq57-e2e",
        title="Quán triệt Nghị quyết 57-NQ/TW",
        course=course,
        units=[(tree["root"], True)],
        categories=[],
        communications_only=False,
        people=[],
        starts_on=today - dt.timedelta(days=7),
        due_on=today + dt.timedelta(days=30),
    )
    assert learner.staff.enrolments.filter(assignment__slug="nq57-e2e").exists()
    return learner


def test_learner_reads_every_lesson_passes_the_quiz_and_completes_the_course(phone, enrolled_learner):
    page = phone.page
    staff = enrolled_learner.staff
    course = Course.objects.get(slug="nq57")
    version = course.versions.get(status=CourseVersionStatus.PUBLISHED)
    lessons = list(version.lessons.order_by("position"))
    assert len(lessons) == 4

    phone.sign_in(email=enrolled_learner.email, step="sign-in")
    expect(page.get_by_role("heading", level=1)).to_contain_text(enrolled_learner.display_name)
    phone.step("home")

    navigation = page.get_by_role("navigation", name=vi("Main navigation"))
    navigation.get_by_role("link", name=vi("My courses")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("My courses"))
    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=version.title))
    expect(card).to_have_count(1)
    expect(card).to_contain_text(vi("Not started"))
    expect(card.get_by_role("progressbar", name=vi("Lessons read"))).to_have_attribute("value", "0")
    phone.step("my-courses")
    page.keyboard.press("Tab")  # a keyboard user's first stop skips the header
    expect(page.get_by_role("link", name=vi("Skip to content"))).to_be_focused()

    card.get_by_role("heading", name=version.title).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(version.title)
    phone.step("course")

    page.get_by_role("link", name=vi("Start the first lesson")).click()
    lesson_navigation = page.get_by_role("navigation", name=vi("Lessons"))
    for lesson in lessons:
        expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
        phone.step(f"lesson-{lesson.position}")
        if lesson.position < len(lessons):
            lesson_navigation.get_by_role("link", name=re.compile("^" + re.escape(vi("Next lesson")))).click()
    assert staff.lesson_progress.filter(lesson__version=version).count() == len(lessons)

    lesson_navigation.get_by_role("link", name=re.compile(re.escape(vi("Back to the course and its quiz")))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(version.title)
    read_all = vi("%(read)s of %(total)s lessons read") % {"read": len(lessons), "total": len(lessons)}
    expect(page.get_by_role("main")).to_contain_text(read_all)
    expect(page.get_by_text(vi("Not read yet"), exact=True)).to_have_count(0)
    phone.step("course-all-read")

    page.get_by_role("link", name=vi("Take the quiz")).click()
    phone.step("quiz-start")
    page.get_by_role("button", name=vi("Start the quiz")).click()
    expect(page.get_by_role("button", name=vi("Submit the quiz"))).to_be_visible()
    phone.step("quiz-attempt")

    attempt = Attempt.objects.get(staff=staff, version=version, status=AttemptStatus.IN_PROGRESS)
    items = list(attempt.items.select_related("question").prefetch_related("question__options").order_by("position"))
    assert len(items) == version.questions_per_attempt
    for item in items:
        question = item.question
        group = page.get_by_role("group", name=question.text)
        expect(group).to_have_count(1)
        role = "checkbox" if question.kind == QuestionKind.MULTIPLE else "radio"
        expect(group.get_by_role(role)).to_have_count(len(question.options.all()))
        for option in question.options.all():
            if not option.is_correct:
                continue
            control = group.get_by_role(role, name=option.text, exact=True)
            # Each choice is saved as it is made (htmx): wait for that save, so none is lost.
            with page.expect_response(lambda response: "/answers/" in response.url) as saved:
                control.check()
            assert saved.value.ok, saved.value.status
            expect(control).to_be_checked()
    phone.step("quiz-answered")

    page.get_by_role("button", name=vi("Submit the quiz")).click()
    expect(page.get_by_role("status")).to_contain_text(vi("You passed."))
    phone.step("quiz-result")
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED
    assert attempt.passed is True
    assert attempt.correct_count == attempt.question_count
    completion = Completion.objects.get(staff=staff, course=course)
    assert completion.evidence == CompletionEvidence.QUIZ
    assert completion.attempt_id == attempt.pk

    page.get_by_role("link", name=vi("Review your answers")).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    phone.step("quiz-review")

    page.get_by_role("navigation", name=vi("Main navigation")).get_by_role("link", name=vi("My courses")).click()
    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=version.title))
    expect(card).to_contain_text(vi("Completed"))
    expect(card).to_contain_text(completion.completed_on.strftime("%d/%m/%Y"))
    expect(card.get_by_role("progressbar", name=vi("Lessons read"))).to_have_attribute("value", str(len(lessons)))
    phone.step("my-courses-completed")

    phone.assert_accessible()
