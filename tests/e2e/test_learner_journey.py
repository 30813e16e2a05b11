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
from tests.e2e.journeys import Journey
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

    # Clicks, fields and seconds are counted (tests/e2e/journeys.py) for the before/after figures.
    journey = Journey(session=phone, name="learner-reads-passes-completes")
    journey.sign_in(email=enrolled_learner.email, step="sign-in")
    expect(page.get_by_role("heading", level=1)).to_contain_text(enrolled_learner.display_name)
    journey.step("home")

    navigation = page.get_by_role("navigation", name=vi("Main navigation"))
    journey.click(navigation.get_by_role("link", name=vi("My courses")))
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("My courses"))
    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=version.title))
    expect(card).to_have_count(1)
    expect(card).to_contain_text(vi("Not started"))
    expect(card.get_by_role("progressbar", name=vi("Lessons read"))).to_have_attribute("value", "0")
    journey.step("my-courses")
    page.keyboard.press("Tab")  # a keyboard user's first stop skips the header
    expect(page.get_by_role("link", name=vi("Skip to content"))).to_be_focused()

    journey.click(card.get_by_role("heading", name=version.title).get_by_role("link"))
    expect(page.get_by_role("heading", level=1)).to_have_text(version.title)
    journey.step("course")

    journey.click(page.get_by_role("link", name=vi("Start the first lesson")))
    lesson_navigation = page.get_by_role("navigation", name=vi("Lessons"))
    for lesson in lessons:
        expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
        journey.step(f"lesson-{lesson.position}")
        if lesson.position < len(lessons):
            journey.click(lesson_navigation.get_by_role("link", name=re.compile("^" + re.escape(vi("Next lesson")))))
    assert staff.lesson_progress.filter(lesson__version=version).count() == len(lessons)

    # The last lesson leads to the quiz itself (issue 13), no longer back to the course page.
    journey.click(lesson_navigation.get_by_role("link", name=re.compile(re.escape(vi("Go to the quiz")))))
    journey.step("quiz-start")
    journey.click(page.get_by_role("button", name=vi("Start the quiz")))
    expect(page.get_by_role("button", name=vi("Submit the quiz…"))).to_be_visible()
    journey.step("quiz-attempt")

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
                journey.check(control)
            assert saved.value.ok, saved.value.status
            expect(control).to_be_checked()
    journey.step("quiz-answered")

    # Submitting goes through the summary (what is unanswered, the time left) and a confirmation.
    journey.click(page.get_by_role("button", name=vi("Submit the quiz…")))
    journey.step("quiz-summary")
    journey.click(page.get_by_role("button", name=vi("Submit now")))
    expect(page.get_by_role("status").first).to_contain_text(vi("You passed."))
    journey.step("quiz-result")
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED
    assert attempt.passed is True
    assert attempt.correct_count == attempt.question_count
    completion = Completion.objects.get(staff=staff, course=course)
    assert completion.evidence == CompletionEvidence.QUIZ
    assert completion.attempt_id == attempt.pk

    journey.click(page.get_by_role("link", name=vi("Review your answers")))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    journey.step("quiz-review")

    journey.click(page.get_by_role("navigation", name=vi("Main navigation")).get_by_role("link", name=vi("My courses")))
    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=version.title))
    expect(card).to_contain_text(vi("Completed"))
    expect(card).to_contain_text(completion.completed_on.strftime("%d/%m/%Y"))
    expect(card.get_by_role("progressbar", name=vi("Lessons read"))).to_have_attribute("value", str(len(lessons)))
    journey.step("my-courses-completed")

    journey.report()
    phone.assert_accessible()
