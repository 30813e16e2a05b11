"""generate_province: a deterministic, consistent data set (small sizes; the full scale is a benchmark)."""

import datetime as dt
import hashlib
import io
from collections import defaultdict
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from courses.models import Assignment, Attendance, Completion, CompletionEvidence, Enrolment
from courses.selectors.audience import audience_staff_ids_on
from demo.province import DEFAULT_START, ProvinceRefused, _generated_models, province_generate
from orgchart.models import Membership, Staff, StaffCategory, Unit
from quizzes.models import Attempt, AttemptItem
from reports.models import Exemption
from reports.services.exemptions import exemption_problems

SIZES = {"staff": 400, "units": 40, "depth": 4, "assignments": 8, "courses": 5}
END = dt.date(2026, 6, 30)


def _generate(seed=7, **overrides):
    return province_generate(**{**SIZES, "seed": seed, **overrides})


def _digest() -> str:
    """Every column of every generated table, in id order."""
    digest = hashlib.sha256()
    for model in _generated_models():
        names = [f.attname for f in model._meta.concrete_fields]
        for row in model.objects.order_by("pk").values_list(*names):
            digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.mark.django_db
def test_same_seed_same_rows_other_seed_other_rows():
    first = _generate()
    digest = _digest()
    second = _generate(reset=True)
    assert _digest() == digest
    assert second.counts == first.counts
    _generate(seed=8, reset=True)
    assert _digest() != digest


@pytest.mark.django_db
def test_counts_and_realistic_mix():
    summary = _generate()
    assert summary.counts["units"] == Unit.objects.count() == SIZES["units"]
    assert summary.counts["staff"] == Staff.objects.count() == SIZES["staff"]
    assert summary.counts["enrolments"] == Enrolment.objects.count() > 0
    assert summary.counts["attempts"] == Attempt.objects.count() > 0
    assert Assignment.objects.count() == SIZES["assignments"]
    categories = set(Membership.objects.values_list("category", flat=True))
    assert categories == set(StaffCategory.values)
    assert Staff.objects.filter(full_name__startswith="Nguyễn ").count() > SIZES["staff"] * 0.25
    assert Staff.objects.filter(is_communications=True).exists()
    assert Staff.objects.exclude(sort_key=b"").count() == SIZES["staff"]
    evidences = set(Completion.objects.values_list("evidence", flat=True))
    assert {CompletionEvidence.QUIZ, CompletionEvidence.IN_PERSON} <= evidences
    # Only a sample of attempts has its questions (see the module docstring).
    assert 0 < AttemptItem.objects.values("attempt").distinct().count() < Attempt.objects.count()
    assert str(summary).startswith("Đã sinh dữ liệu cấp tỉnh (seed 7)")


@pytest.mark.django_db
def test_unit_tree_is_valid_treebeard():
    _generate(units=57, depth=5)
    assert Unit.objects.count() == 57
    assert all(not problems for problems in Unit.objects.find_problems())
    depths = set(Unit.objects.values_list("depth", flat=True))
    assert depths == {1, 2, 3, 4, 5}
    root = Unit.objects.get_root_nodes().get()
    assert root.code == "U0001"
    assert Unit.objects.get_descendant_count(root) == 56
    for unit in Unit.objects.all():
        assert unit.numchild == Unit.objects.get_children(unit).count()
    # treebeard's own API sees the generated tree: a new child lands after the generated ones.
    child = Unit.objects.add_child(root, create_kwargs={"code": "NEW", "name": "Phòng mới", "kind": "division"})
    assert child.path.startswith(root.path) and child.depth == 2


@pytest.mark.django_db
def test_membership_history_invariants():
    _generate()
    by_staff = defaultdict(list)
    for staff_id, valid_from, valid_to in Membership.objects.values_list("staff_id", "valid_from", "valid_to"):
        assert valid_to is None or valid_to >= valid_from
        by_staff[staff_id].append((valid_from, valid_to))
    assert len(by_staff) == SIZES["staff"]
    moves = leavers = 0
    for records in by_staff.values():
        records.sort()
        assert sum(1 for _from, to in records if to is None) <= 1
        for (_from, to), (next_from, _next_to) in zip(records, records[1:], strict=False):
            assert to is not None and to < next_from  # never overlapping
            moves += next_from == to + dt.timedelta(days=1)
        leavers += records[-1][1] is not None
        assert DEFAULT_START <= records[0][0] <= END
    assert moves > 0 and leavers > 0
    assert Membership.objects.filter(valid_from__gt=DEFAULT_START).exists()  # joiners


@pytest.mark.django_db
def test_enrolments_cover_the_audience_like_enrolment_sync():
    _generate()
    for assignment in Assignment.objects.order_by("pk"):
        enrolments = {e.staff_id: e for e in Enrolment.objects.filter(assignment=assignment)}
        on_start = set(audience_staff_ids_on(assignment=assignment, on_date=assignment.starts_on))
        assert on_start <= set(enrolments)
        assert all(enrolments[staff_id].enrolled_on == assignment.starts_on for staff_id in on_start)
        at_end = set(audience_staff_ids_on(assignment=assignment, on_date=END))
        assert at_end <= set(enrolments)
        for staff_id, enrolment in enrolments.items():
            assert enrolment.enrolled_on >= assignment.starts_on
            # Made on its start date: those enrolled later are the sync's late joiners.
            assert enrolment.joined_after_creation == (enrolment.enrolled_on > assignment.starts_on)
            # In the audience on the day they were enrolled, and left it exactly when recorded.
            assert staff_id in set(audience_staff_ids_on(assignment=assignment, on_date=enrolment.enrolled_on))
            assert (enrolment.left_audience_on is None) == (staff_id in at_end)
            if enrolment.left_audience_on:
                left = enrolment.left_audience_on
                assert staff_id not in set(audience_staff_ids_on(assignment=assignment, on_date=left))
                assert staff_id in set(audience_staff_ids_on(assignment=assignment, on_date=left - dt.timedelta(1)))


@pytest.mark.django_db
def test_completions_are_consistent_with_attempts_and_attendance():
    _generate()
    tz = ZoneInfo(settings.TIME_ZONE)
    attempts = list(Attempt.objects.select_related("version").order_by("staff_id", "version_id", "number"))
    by_person_version = defaultdict(list)
    for attempt in attempts:
        by_person_version[(attempt.staff_id, attempt.version_id)].append(attempt)
        assert attempt.passed == (attempt.correct_count * 100 >= attempt.version.pass_percent * attempt.question_count)
        assert attempt.closed_at <= attempt.deadline_at
    for series in by_person_version.values():
        assert [a.number for a in series] == list(range(1, len(series) + 1))
        assert len(series) <= series[0].version.max_attempts
        assert sum(a.passed for a in series) <= 1 and all(not a.passed for a in series[:-1])
        for earlier, later in zip(series, series[1:], strict=False):
            assert earlier.closed_at <= later.started_at  # one sitting at a time
    passed = {a.pk: a for a in attempts if a.passed}
    quiz = Completion.objects.filter(evidence=CompletionEvidence.QUIZ)
    assert quiz.count() == len(passed)
    for completion in quiz:
        attempt = passed[completion.attempt_id]
        assert attempt.staff_id == completion.staff_id
        assert attempt.version.course_id == completion.course_id == completion.version.course_id
        assert attempt.started_at.astimezone(tz).date() == completion.completed_on
    in_person = Completion.objects.filter(evidence=CompletionEvidence.IN_PERSON).select_related("attendance__session")
    assert in_person.count() == Attendance.objects.filter(present=True).count()
    for completion in in_person:
        attendance = completion.attendance
        assert attendance.present and attendance.staff_id == completion.staff_id
        assert attendance.session.course_id == completion.course_id
        assert attendance.session.held_on == completion.completed_on
    # Completed while on the roster, by someone who was given the course.
    enrolled = set(Enrolment.objects.values_list("staff_id", "assignment__course_id"))
    for completion in Completion.objects.all():
        assert (completion.staff_id, completion.course_id) in enrolled
        assert completion.completed_on <= END
        assert (
            Membership.objects.filter(staff_id=completion.staff_id, valid_from__lte=completion.completed_on)
            .exclude(valid_to__lt=completion.completed_on)
            .exists()
        )


@pytest.mark.django_db
def test_exemptions_are_ones_the_office_could_record():
    _generate(staff=1500)
    exemptions = list(Exemption.objects.select_related("staff", "assignment"))
    assert exemptions
    for exemption in exemptions:
        enrolment = Enrolment.objects.get(staff=exemption.staff, assignment=exemption.assignment)
        assert enrolment.enrolled_on <= exemption.valid_from <= max(exemption.assignment.due_on, enrolment.enrolled_on)
        problems = exemption_problems(
            staff=exemption.staff,
            assignment=exemption.assignment,
            valid_from=exemption.valid_from,
            valid_to=exemption.valid_to,
            reason=exemption.reason,
            approver_name=exemption.approver_name,
            exclude_pk=exemption.pk,
        )
        assert problems == {}


@pytest.mark.django_db
def test_refuses_a_database_that_is_not_empty_without_reset():
    call_command("generate_province", "--no-progress", "--seed", "1", *_as_options(SIZES), stdout=io.StringIO())
    before = _digest()
    with pytest.raises(CommandError, match="--reset"):
        call_command("generate_province", "--no-progress", "--seed", "2", *_as_options(SIZES), stdout=io.StringIO())
    assert _digest() == before
    out = io.StringIO()
    call_command("generate_province", "--no-progress", "--reset", "--seed", "1", *_as_options(SIZES), stdout=out)
    assert _digest() == before
    assert out.getvalue().startswith("Đã sinh dữ liệu cấp tỉnh (seed 1)")


def _schema_of_generated_tables() -> list[tuple]:
    tables = [model._meta.db_table for model in _generated_models()]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid::regclass::text = ANY(%s) "
            "UNION ALL SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "ORDER BY 1, 2, 3",
            [tables, tables],
        )
        return cursor.fetchall()


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_bulk_load_restores_every_index_and_foreign_key():
    if connection.vendor != "postgresql":
        pytest.skip("COPY and the index/foreign-key juggling are PostgreSQL only")
    before = _schema_of_generated_tables()
    assert any("FOREIGN KEY" in definition for _table, _name, definition in before)
    _generate()
    assert _schema_of_generated_tables() == before


@pytest.mark.django_db
def test_refuses_bad_sizes_and_writes_nothing():
    with pytest.raises(ProvinceRefused) as refused:
        province_generate(staff=0, units=3, depth=4, seed=1)
    assert "--staff" in str(refused.value) and "--units" in str(refused.value)
    assert not Unit.objects.exists()


@pytest.mark.django_db
def test_progress_line_on_stderr_unless_disabled():
    err = io.StringIO()
    call_command("generate_province", "--seed", "3", *_as_options(SIZES), stdout=io.StringIO(), stderr=err)
    text = err.getvalue()
    assert text.startswith("\rĐơn vị")
    last = text.rstrip("\n").split("\n")[-1].split("\r")[-1]
    assert last.startswith("Miễn trừ") and "100.0%" in last
    quiet = io.StringIO()
    call_command(
        "generate_province",
        "--no-progress",
        "--reset",
        "--seed",
        "3",
        *_as_options(SIZES),
        stderr=quiet,
        stdout=io.StringIO(),
    )
    assert quiet.getvalue() == ""


def _as_options(sizes):
    return [f"--{name}={value}" for name, value in sizes.items()]
