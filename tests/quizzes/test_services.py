"""Attempts: start, answers, the server's time limit, grading exactly once, completion."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import Completion, CompletionEvidence, CourseVersionStatus
from orgchart.models import Staff
from quizzes.models import Attempt, AttemptItem, AttemptStatus, Option, QuestionKind
from quizzes.services import (
    attempt_answer_save,
    attempt_answer_save_choices,
    attempt_close_expired,
    attempt_start,
    attempt_submit,
    completion_check_after_lessons,
)
from tests.factories import StaffFactory

from .conftest import answer_all, correct_option_ids, make_version, read_all_lessons

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


@contextmanager
def refused(code):
    """The service refuses with this code (messages are translated; codes are not)."""
    with pytest.raises(ValidationError) as info:
        yield
    assert info.value.code == code


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _items(attempt):
    return list(attempt.items.order_by("position").select_related("question"))


# --- start ------------------------------------------------------------------------------------


def test_start_draws_questions_and_shuffles_options(staff, clock):
    version = make_version(questions=12, per_attempt=5, time_limit_minutes=20)

    attempt = attempt_start(staff=staff, version=version)

    assert (attempt.number, attempt.status, attempt.question_count) == (1, AttemptStatus.IN_PROGRESS, 5)
    assert attempt.started_at == START
    assert attempt.deadline_at == START + dt.timedelta(minutes=20)
    items = _items(attempt)
    assert [item.position for item in items] == [1, 2, 3, 4, 5]
    assert len({item.question_id for item in items}) == 5
    assert all(item.question.version_id == version.pk for item in items)
    for item in items:
        assert sorted(item.option_order) == sorted(item.question.options.values_list("pk", flat=True))
        assert item.selected_options == [] and item.answered_at is None and item.is_correct is None


def test_draws_and_orders_vary_between_attempts(staff):
    """SystemRandom: 20 draws of 5 questions out of 12 are not all the same (chance of that ≈ 10⁻⁴⁹)."""
    version = make_version(questions=12, per_attempt=5, max_attempts=20, pass_percent=100)
    draws = set()
    for _ in range(20):
        attempt = attempt_start(staff=staff, version=version)
        draws.add(tuple(item.question_id for item in _items(attempt)))
        attempt_submit(attempt_id=attempt.pk, staff=staff)
    assert len(draws) > 1


def test_start_resumes_the_attempt_in_progress(staff, version):
    first = attempt_start(staff=staff, version=version)
    again = attempt_start(staff=staff, version=version)
    assert again.pk == first.pk
    assert Attempt.objects.count() == 1
    assert AttemptItem.objects.count() == version.questions_per_attempt


def test_start_is_refused_after_passing_and_nothing_is_written(staff, version):
    attempt = attempt_start(staff=staff, version=version)
    answer_all(attempt)
    attempt_submit(attempt_id=attempt.pk, staff=staff)

    with refused("already_passed"):
        attempt_start(staff=staff, version=version)
    assert Attempt.objects.count() == 1


def test_start_is_refused_after_passing_an_earlier_version(staff, version):
    attempt = attempt_start(staff=staff, version=version)
    answer_all(attempt)
    attempt_submit(attempt_id=attempt.pk, staff=staff)
    version.status = CourseVersionStatus.RETIRED
    version.save()
    newer = make_version(course=version.course)

    with refused("already_passed"):
        attempt_start(staff=staff, version=newer)


def test_start_is_refused_when_every_attempt_is_used(staff):
    version = make_version(max_attempts=2)
    for _ in range(2):
        attempt = attempt_start(staff=staff, version=version)
        attempt_submit(attempt_id=attempt.pk, staff=staff)  # nothing answered: failed

    with refused("no_attempts_left"):
        attempt_start(staff=staff, version=version)
    assert Attempt.objects.filter(staff=staff).count() == 2
    assert AttemptItem.objects.count() == 2 * version.questions_per_attempt


@pytest.mark.parametrize("status", [CourseVersionStatus.DRAFT, CourseVersionStatus.RETIRED])
def test_start_needs_the_published_version(staff, status):
    version = make_version(status=status)
    with refused("version_not_published"):
        attempt_start(staff=staff, version=version)
    assert not Attempt.objects.exists()


def test_start_closes_an_abandoned_attempt_before_starting_the_next(staff, version, clock):
    first = attempt_start(staff=staff, version=version)
    answer_all(first, right=1)
    clock.shift(dt.timedelta(minutes=25))

    second = attempt_start(staff=staff, version=version)

    first.refresh_from_db()
    assert first.status == AttemptStatus.EXPIRED and first.correct_count == 1
    assert (second.number, second.status) == (2, AttemptStatus.IN_PROGRESS)


# --- answers ----------------------------------------------------------------------------------


def test_answer_is_saved_with_the_server_time(staff, version, clock):
    attempt = attempt_start(staff=staff, version=version)
    item = _items(attempt)[0]
    chosen = item.option_order[-1]
    clock.shift(dt.timedelta(minutes=3))

    saved = attempt_answer_save(attempt=attempt, item_id=item.pk, option_ids=[chosen])

    saved.refresh_from_db()
    assert saved.selected_options == [chosen]
    assert saved.answered_at == START + dt.timedelta(minutes=3)
    assert saved.is_correct is None  # graded only when the attempt closes


def test_answer_by_place_in_the_shuffled_order(staff, version):
    attempt = attempt_start(staff=staff, version=version)
    item = _items(attempt)[0]

    saved = attempt_answer_save_choices(attempt=attempt, item_id=item.pk, choices=[2])

    assert saved.selected_options == [item.option_order[1]]
    with refused("unknown_option"):
        attempt_answer_save_choices(attempt=attempt, item_id=item.pk, choices=[len(item.option_order) + 1])


def test_saving_an_answer_locks_the_attempt_and_reads_the_question_in_one_statement(staff, version):
    """Autosave runs on every choice a learner makes: one locked read (attempt, version, item, kind), one write."""
    attempt = attempt_start(staff=staff, version=version)
    item = _items(attempt)[0]

    with CaptureQueriesContext(connection) as captured:
        attempt_answer_save_choices(attempt=attempt, item_id=item.pk, choices=[1])

    statements = [query["sql"] for query in captured.captured_queries if "SAVEPOINT" not in query["sql"]]
    assert len(statements) == 2
    read, write = statements
    assert "quizzes_attemptitem" in read and "quizzes_question" in read
    assert ("FOR UPDATE OF" in read) == connection.features.has_select_for_update_of
    assert write.replace('"', "").startswith("UPDATE quizzes_attemptitem")
    item.refresh_from_db()
    assert item.selected_options == [item.option_order[0]]


def _item_of_kind(attempt, kind):
    return next(item for item in _items(attempt) if item.question.kind == kind)


def test_answer_refuses_options_of_another_question_and_keeps_the_old_answer(staff, version):
    attempt = attempt_start(staff=staff, version=version)
    first, second = _items(attempt)[:2]
    attempt_answer_save(attempt=attempt, item_id=first.pk, option_ids=[first.option_order[0]])

    with refused("unknown_option"):
        attempt_answer_save(attempt=attempt, item_id=first.pk, option_ids=[second.option_order[0]])
    first.refresh_from_db()
    assert first.selected_options == [first.option_order[0]]


@pytest.mark.parametrize("kind", [QuestionKind.SINGLE, QuestionKind.TRUE_FALSE])
def test_single_answer_kinds_take_exactly_one(staff, version, kind):
    attempt = attempt_start(staff=staff, version=version)
    item = _item_of_kind(attempt, kind)
    for chosen in ([], item.option_order[:2]):
        with refused("one_option"):
            attempt_answer_save(attempt=attempt, item_id=item.pk, option_ids=chosen)
    item.refresh_from_db()
    assert item.selected_options == [] and item.answered_at is None


def test_multiple_choice_takes_several_and_none_clears(staff, version):
    attempt = attempt_start(staff=staff, version=version)
    item = _item_of_kind(attempt, QuestionKind.MULTIPLE)

    saved = attempt_answer_save(attempt=attempt, item_id=item.pk, option_ids=item.option_order[:3])
    assert saved.selected_options == item.option_order[:3] and saved.answered_at is not None

    cleared = attempt_answer_save(attempt=attempt, item_id=item.pk, option_ids=[])
    assert cleared.selected_options == [] and cleared.answered_at is None


def test_answer_refuses_an_item_of_another_attempt(staff, version):
    attempt = attempt_start(staff=staff, version=version)
    other = attempt_start(staff=StaffFactory(), version=version)
    foreign = _items(other)[0]

    with refused("unknown_item"):
        attempt_answer_save(attempt=attempt, item_id=foreign.pk, option_ids=[foreign.option_order[0]])


def test_answer_refused_once_the_attempt_is_closed(staff, version):
    attempt = attempt_start(staff=staff, version=version)
    attempt_submit(attempt_id=attempt.pk, staff=staff)
    item = _items(attempt)[0]

    with refused("attempt_closed"):
        attempt_answer_save(attempt=attempt, item_id=item.pk, option_ids=[item.option_order[0]])
    item.refresh_from_db()
    assert item.selected_options == []


# --- the server's time limit --------------------------------------------------------------------


def test_saves_count_until_the_deadline_plus_grace_and_not_after(staff, version, clock, settings):
    settings.LANTOA_QUIZ_GRACE_SECONDS = 30
    attempt = attempt_start(staff=staff, version=version)  # 20 minutes
    first, second, third = _items(attempt)[:3]

    clock.shift(dt.timedelta(minutes=19))
    attempt_answer_save(attempt=attempt, item_id=first.pk, option_ids=correct_option_ids(first))
    clock.shift(dt.timedelta(seconds=60 + 20))  # 20 s after the deadline: within the grace
    attempt_answer_save(attempt=attempt, item_id=second.pk, option_ids=correct_option_ids(second))
    clock.shift(dt.timedelta(seconds=11))  # 31 s after the deadline
    with refused("time_is_up"):
        attempt_answer_save(attempt=attempt, item_id=third.pk, option_ids=correct_option_ids(third))

    attempt.refresh_from_db()
    third.refresh_from_db()
    assert third.selected_options == [] and third.answered_at is None
    assert attempt.status == AttemptStatus.EXPIRED
    assert attempt.correct_count == 2
    assert attempt.closed_at == attempt.deadline_at
    assert list(attempt.items.order_by("position").values_list("is_correct", flat=True))[:3] == [True, True, False]


def test_a_late_submit_is_graded_with_the_answers_saved_in_time(staff, version, clock):
    attempt = attempt_start(staff=staff, version=version)
    answer_all(attempt, right=2)
    clock.shift(dt.timedelta(hours=2))

    closed = attempt_submit(attempt_id=attempt.pk, staff=staff)

    assert closed.status == AttemptStatus.EXPIRED
    assert (closed.correct_count, closed.question_count, closed.passed) == (2, 5, False)
    assert closed.score_percent == Decimal("40.00")
    assert closed.closed_at == closed.deadline_at


def test_answers_with_a_time_after_the_grace_are_not_counted(staff, version, clock):
    """Defence in depth: an answer stamped late (it cannot be saved late) does not count."""
    attempt = attempt_start(staff=staff, version=version)
    answer_all(attempt)
    AttemptItem.objects.filter(attempt=attempt, position=1).update(
        answered_at=attempt.deadline_at + dt.timedelta(hours=1)
    )
    clock.shift(dt.timedelta(minutes=5))

    closed = attempt_submit(attempt_id=attempt.pk, staff=staff)
    assert closed.correct_count == 4


def test_a_submit_within_the_grace_counts_as_submitted(staff, version, clock, settings):
    settings.LANTOA_QUIZ_GRACE_SECONDS = 30
    attempt = attempt_start(staff=staff, version=version)
    clock.shift(dt.timedelta(minutes=20, seconds=10))

    closed = attempt_submit(attempt_id=attempt.pk, staff=staff)

    assert closed.status == AttemptStatus.SUBMITTED
    assert closed.closed_at == START + dt.timedelta(minutes=20, seconds=10)


def test_close_expired_leaves_a_running_attempt_alone(staff, version, clock):
    attempt = attempt_start(staff=staff, version=version)
    clock.shift(dt.timedelta(minutes=20))
    assert attempt_close_expired(attempt_id=attempt.pk).status == AttemptStatus.IN_PROGRESS


# --- grading --------------------------------------------------------------------------------------


def test_passing_records_the_completion(staff, version, clock):
    attempt = attempt_start(staff=staff, version=version)
    answer_all(attempt)
    clock.shift(dt.timedelta(minutes=5))

    closed = attempt_submit(attempt_id=attempt.pk, staff=staff)

    assert closed.status == AttemptStatus.SUBMITTED
    assert (closed.correct_count, closed.score_percent, closed.passed) == (5, Decimal("100.00"), True)
    assert all(attempt.items.values_list("is_correct", flat=True))
    completion = Completion.objects.get()
    assert (completion.staff, completion.course, completion.version) == (staff, version.course, version)
    assert (completion.evidence, completion.attempt) == (CompletionEvidence.QUIZ, closed)
    assert completion.completed_on == timezone.localdate(closed.closed_at)


def test_the_completion_is_dated_in_local_time(staff, version):
    # 17:10 UTC on 1 March is 00:10 on 2 March in Asia/Ho_Chi_Minh.
    with time_machine.travel(dt.datetime(2026, 3, 1, 17, 5, tzinfo=dt.UTC), tick=False):
        attempt = attempt_start(staff=staff, version=version)
        answer_all(attempt)
    with time_machine.travel(dt.datetime(2026, 3, 1, 17, 10, tzinfo=dt.UTC), tick=False):
        attempt_submit(attempt_id=attempt.pk, staff=staff)
    assert Completion.objects.get().completed_on == dt.date(2026, 3, 2)


def test_the_pass_mark_is_inclusive_and_exact(staff):
    version = make_version(questions=5, pass_percent=80)
    attempt = attempt_start(staff=staff, version=version)
    answer_all(attempt, right=4)
    assert attempt_submit(attempt_id=attempt.pk, staff=staff).passed is True

    other = StaffFactory()
    version = make_version(questions=3, pass_percent=67)
    attempt = attempt_start(staff=other, version=version)
    answer_all(attempt, right=2)  # 66.67 %: rounds to 66.67, below 67
    closed = attempt_submit(attempt_id=attempt.pk, staff=other)
    assert (closed.score_percent, closed.passed) == (Decimal("66.67"), False)


def test_failing_records_no_completion(staff, version):
    attempt = attempt_start(staff=staff, version=version)
    answer_all(attempt, right=3)
    closed = attempt_submit(attempt_id=attempt.pk, staff=staff)
    assert (closed.correct_count, closed.passed) == (3, False)
    assert not Completion.objects.exists()


def test_multiple_choice_needs_exactly_the_correct_set(staff, version):
    attempt = attempt_start(staff=staff, version=version)
    item = _item_of_kind(attempt, QuestionKind.MULTIPLE)
    attempt_answer_save(attempt=attempt, item_id=item.pk, option_ids=correct_option_ids(item)[:1])
    attempt_submit(attempt_id=attempt.pk, staff=staff)
    item.refresh_from_db()
    assert item.is_correct is False


def test_a_second_submit_grades_nothing_again(staff, version, clock):
    attempt = attempt_start(staff=staff, version=version)
    answer_all(attempt)
    first = attempt_submit(attempt_id=attempt.pk, staff=staff)
    Option.objects.filter(question__version=version).update(is_correct=False)  # a regrade would now fail it
    clock.shift(dt.timedelta(minutes=1))

    second = attempt_submit(attempt_id=attempt.pk, staff=staff)

    assert (second.closed_at, second.correct_count, second.passed) == (first.closed_at, 5, True)
    assert Completion.objects.count() == 1


def test_someone_else_cannot_submit_an_attempt(staff, version):
    attempt = attempt_start(staff=staff, version=version)
    with refused("not_yours"):
        attempt_submit(attempt_id=attempt.pk, staff=StaffFactory())
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.IN_PROGRESS


def test_grading_and_completion_share_one_transaction(staff, version, monkeypatch):
    """If recording the completion fails, the grading is rolled back too: the attempt stays open."""
    attempt = attempt_start(staff=staff, version=version)
    answer_all(attempt)

    def broken(**kwargs):
        raise RuntimeError("completion store unavailable")

    monkeypatch.setattr("quizzes.services.attempts.completion_record", broken)
    with pytest.raises(RuntimeError):
        attempt_submit(attempt_id=attempt.pk, staff=staff)

    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.IN_PROGRESS and attempt.passed is None
    assert not attempt.items.filter(is_correct__isnull=False).exists()


# --- lessons required ---------------------------------------------------------------------------


def test_requires_all_lessons_defers_the_completion_until_they_are_read(staff, clock):
    version = make_version(lessons=3, requires_all_lessons=True)
    first_lesson = version.lessons.get(position=1)
    read_all_lessons(staff=staff, version=version)
    version.lessons.exclude(pk=first_lesson.pk).first().progress.all().delete()

    attempt = attempt_start(staff=staff, version=version)
    answer_all(attempt)
    closed = attempt_submit(attempt_id=attempt.pk, staff=staff)

    assert closed.passed is True
    assert not Completion.objects.exists()
    assert completion_check_after_lessons(staff=staff, version=version) is None

    clock.shift(dt.timedelta(days=3))
    read_all_lessons(staff=staff, version=version)
    completion = completion_check_after_lessons(staff=staff, version=version)

    assert completion is not None and completion.attempt == closed
    assert completion.completed_on == timezone.localdate()
    assert completion_check_after_lessons(staff=staff, version=version) == completion
    assert Completion.objects.count() == 1


def test_requires_all_lessons_with_every_lesson_read_completes_at_once(staff):
    version = make_version(lessons=2, requires_all_lessons=True)
    read_all_lessons(staff=staff, version=version)
    attempt = attempt_start(staff=staff, version=version)
    answer_all(attempt)
    attempt_submit(attempt_id=attempt.pk, staff=staff)
    assert Completion.objects.filter(attempt=attempt).exists()


def test_completion_check_does_nothing_without_a_passed_attempt(staff, version, django_assert_num_queries):
    read_all_lessons(staff=staff, version=version)
    with django_assert_num_queries(1):
        assert completion_check_after_lessons(staff=staff, version=version) is None


def test_staff_rows_are_untouched_by_grading(staff, version):
    attempt = attempt_start(staff=staff, version=version)
    attempt_submit(attempt_id=attempt.pk, staff=staff)
    assert Staff.objects.get(pk=staff.pk).full_name == staff.full_name


# --- the plain-SQL writes give back what the database holds -------------------------------------------


def _columns(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def test_a_started_attempt_is_what_the_database_holds(staff, version, enrolled):
    attempt = attempt_start(staff=staff, version=version)
    assert _columns(attempt) == _columns(Attempt.objects.get(pk=attempt.pk))
    assert attempt._state.adding is False and attempt.staff == staff and attempt.version == version
    items = list(AttemptItem.objects.filter(attempt=attempt).order_by("position"))
    assert [item.position for item in items] == list(range(1, version.questions_per_attempt + 1))
    for item in items:
        options = set(Option.objects.filter(question_id=item.question_id).values_list("pk", flat=True))
        assert sorted(item.option_order) == sorted(options) and item.selected_options == []
        assert item.answered_at is None and item.is_correct is None


def test_a_saved_answer_is_what_the_database_holds(staff, version, enrolled):
    attempt = attempt_start(staff=staff, version=version)
    item = AttemptItem.objects.filter(attempt=attempt).order_by("position").first()
    saved = attempt_answer_save_choices(attempt=attempt, item_id=item.pk, choices=[2])
    stored = AttemptItem.objects.get(pk=item.pk)
    assert _columns(saved) == _columns(stored)
    assert stored.selected_options == [item.option_order[1]] and stored.answered_at is not None


def test_grading_stores_what_it_returns(staff, version, enrolled):
    attempt = attempt_start(staff=staff, version=version)
    answer_all(attempt, right=1)
    closed = attempt_submit(attempt_id=attempt.pk, staff=staff)
    assert _columns(closed) == _columns(Attempt.objects.get(pk=attempt.pk))
    marks = list(AttemptItem.objects.filter(attempt=attempt).values_list("is_correct", flat=True))
    assert marks.count(True) == 1 == closed.correct_count and None not in marks
