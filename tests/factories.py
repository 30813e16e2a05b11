"""One factory per model: the one way tests build rows.

Every factory builds a row the model's rules accept. Where only a service makes a row
valid, the factory calls that service in `_create` (or a post-generation hook) and says
so: units go through treebeard so paths are real; `PublishedVersionFactory` publishes
with `course_version_publish`; certificates get their serial from `certificate_issue`;
snapshots, publications, semiannual reports and API tokens come from their services.
Completions are written directly (as `completion_record` would, without its
`completion_recorded` signal): a test that needs the signal calls the service.
"""

import datetime as dt

import factory
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from accounts.models import User
from certificates.models import (
    BulkIssueItem,
    BulkIssueJob,
    CertificateTemplate,
    CourseCertificateSetting,
    RegisterSettings,
    SerialCounter,
)
from certificates.services.register import certificate_issue
from courses.models import (
    Assignment,
    AssignmentPerson,
    AssignmentUnit,
    AttemptGrant,
    Attendance,
    Completion,
    CompletionEvidence,
    Course,
    CourseVersion,
    CourseVersionStatus,
    Enrolment,
    InPersonSession,
    Lesson,
    LessonProgress,
)
from courses.services import course_version_publish
from nominations.models import Nomination, NominationEvent, NominationStatus, TrainingProgramme
from notifications.models import ReminderKind, ReminderLog
from orgchart.models import Membership, Staff, StaffCategory, Unit, UnitKind, UnitVersion, unit_key
from orgchart.services.staff import staff_index_fields
from orgchart.services.unit_history import unit_history_start
from publication.services import publication_create
from quizzes.models import Attempt, AttemptItem, AttemptStatus, Option, Question, QuestionKind
from reports.models import Exemption
from reports.services.api_tokens import api_token_create
from reports.services.snapshots import snapshot_create
from semiannual.services import semiannual_report_create_draft


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@stp.dongnai.gov.vn")
    password = factory.PostGenerationMethodCall("set_password", "mat-khau-demo-2026")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def give_totp(user: User) -> str:
    """Activate TOTP for a user the way allauth does; returns the secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


class UnitFactory(factory.django.DjangoModelFactory):
    """`parent=None` makes a root; otherwise the unit is added under `parent`."""

    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"Phòng số {n}")
    kind = UnitKind.DIVISION
    parent = None

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        if parent is None:
            unit = model_class.objects.add_root(create_kwargs=kwargs)
        else:
            unit = model_class.objects.add_child(parent, create_kwargs=kwargs)
        # The dated tree: one version, open at both ends (nothing known of its past).
        unit_history_start(unit_ids=[unit.pk])
        return unit


class UnitVersionFactory(factory.django.DjangoModelFactory):
    """A closed past period of a unit (its open version comes with `UnitFactory`): the same name, as a root."""

    class Meta:
        model = UnitVersion

    unit = factory.SubFactory(UnitFactory)
    valid_from = dt.date(2020, 1, 1)
    valid_to = dt.date(2020, 12, 31)
    name = factory.LazyAttribute(lambda version: version.unit.name)
    kind = factory.LazyAttribute(lambda version: version.unit.kind)
    path = factory.LazyAttribute(lambda version: unit_key(version.unit.pk))
    depth = 1

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # The unit's own version (open at both ends) would overlap the past period: it starts after it.
        later = kwargs["valid_to"] + dt.timedelta(days=1)
        UnitVersion.objects.filter(unit=kwargs["unit"], valid_from__isnull=True).update(valid_from=later)
        return super()._create(model_class, *args, **kwargs)


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff

    code = factory.Sequence(lambda n: f"CB{n:05d}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    email = factory.Sequence(lambda n: f"staff{n}@stp.dongnai.gov.vn")
    sort_key = factory.LazyAttribute(
        lambda o: staff_index_fields(full_name=o.full_name, code=o.code, email=o.email)["sort_key"]
    )
    search_text = factory.LazyAttribute(
        lambda o: staff_index_fields(full_name=o.full_name, code=o.code, email=o.email)["search_text"]
    )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    staff = factory.SubFactory(StaffFactory)
    unit = factory.SubFactory(UnitFactory)
    position = "Chuyên viên"
    category = StaffCategory.CIVIL_SERVANT
    is_communications = factory.LazyAttribute(lambda membership: membership.staff.is_communications)
    valid_from = dt.date(2025, 1, 1)
    valid_to = None


# --- courses ---------------------------------------------------------------------------------


def _next_position(related: str):
    """The next free position under the parent (`version.lessons`, `question.options`…): 1, 2, 3…"""
    parent, manager = related.split(".")
    return factory.LazyAttribute(lambda o: getattr(getattr(o, parent), manager).count() + 1)


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"khoa-hoc-{n}")


class CourseVersionFactory(factory.django.DjangoModelFactory):
    """A draft version (no lessons, no questions): the only state a version may be written in directly."""

    class Meta:
        model = CourseVersion

    course = factory.SubFactory(CourseFactory)
    number = factory.LazyAttribute(lambda o: o.course.versions.count() + 1)
    title = factory.LazyAttribute(lambda o: f"Khóa học {o.course.slug}")
    estimated_minutes = 30
    status = CourseVersionStatus.DRAFT
    published_at = None


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    version = factory.SubFactory(CourseVersionFactory)
    position = _next_position("version.lessons")
    title = factory.LazyAttribute(lambda o: f"Bài {o.position}")
    body_html = "<p>Nội dung</p>"


# The options each kind of question gets unless told otherwise; each set obeys the kind's rule
# (`quizzes.services.questions.question_rule_violation`).
OPTION_SPECS = {
    QuestionKind.SINGLE: [("Phương án một", True), ("Phương án hai", False), ("Phương án ba", False)],
    QuestionKind.MULTIPLE: [
        ("Phương án một", True),
        ("Phương án hai", False),
        ("Phương án ba", True),
        ("Phương án bốn", False),
    ],
    QuestionKind.TRUE_FALSE: [("Đúng", True), ("Sai", False)],
}
QUESTION_KINDS = [QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE]


def explanation_text(course_slug: str, position: int) -> str:
    """The explanation `PublishedVersionFactory` gives question `position`: unique, so a page can be searched for it."""
    return f"Giải-thích-bí-mật {course_slug} câu {position}"


class QuestionFactory(factory.django.DjangoModelFactory):
    """A question with the options its kind needs (`OPTION_SPECS`).

    `options=[(text, correct), …]` chooses them, `options=[]` gives none;
    `options__ids=iterator` sets their primary keys.
    """

    class Meta:
        model = Question
        skip_postgeneration_save = True

    version = factory.SubFactory(CourseVersionFactory)
    position = _next_position("version.questions")
    text = factory.LazyAttribute(lambda o: f"Câu hỏi số {o.position} của {o.version.course.slug}?")
    kind = QuestionKind.SINGLE
    explanation = ""

    @factory.post_generation
    def options(obj, create, extracted, ids=None, **kwargs):
        if not create:
            return
        specs = OPTION_SPECS[obj.kind] if extracted is None else extracted
        for position, (text, correct) in enumerate(specs, start=1):
            extra = {"pk": next(ids)} if ids is not None else {}
            OptionFactory(question=obj, position=position, text=text, is_correct=correct, **extra)


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Option

    question = factory.SubFactory(QuestionFactory, options=[])
    position = _next_position("question.options")
    text = factory.LazyAttribute(lambda o: f"Phương án {o.position}")
    is_correct = False


class PublishedVersionFactory(CourseVersionFactory):
    """A course version with its lessons and questions, published by `course_version_publish`.

    `lessons` and `questions` are counts (defaults 2 and 5) or lists of `LessonFactory` /
    `QuestionFactory` arguments. Counted questions cycle single / multiple / true-false,
    each explained by `explanation_text`. Each attempt draws every question unless
    `questions_per_attempt` says fewer. Publishing retires the course's previous published
    version, as the Office's publish does. `publish=False` leaves the complete draft;
    `option_ids=iterator` sets the options' primary keys.
    """

    lessons = 2
    questions = 5
    questions_per_attempt = factory.LazyAttribute(
        lambda o: o.questions if isinstance(o.questions, int) else len(o.questions)
    )
    publish = True
    option_ids = None

    @classmethod
    def _create(cls, model_class, *args, lessons, questions, publish, option_ids, **kwargs):
        version = super()._create(model_class, *args, **kwargs)
        for position, lesson in enumerate([{}] * lessons if isinstance(lessons, int) else lessons, start=1):
            LessonFactory(version=version, position=position, **lesson)
        if isinstance(questions, int):
            questions = [
                {
                    "kind": QUESTION_KINDS[(position - 1) % 3],
                    "explanation": explanation_text(version.course.slug, position),
                }
                for position in range(1, questions + 1)
            ]
        for position, question in enumerate(questions, start=1):
            QuestionFactory(version=version, position=position, options__ids=option_ids, **question)
        if publish:
            published = course_version_publish(version=version)
            version.status, version.published_at = published.status, published.published_at
        return version


def _published_version_of(course: Course) -> CourseVersion:
    return course.versions.filter(status=CourseVersionStatus.PUBLISHED).first() or PublishedVersionFactory(
        course=course
    )


class AssignmentFactory(factory.django.DjangoModelFactory):
    """An assignment; `units=[unit, …]` adds them (with their sub-units) to its audience."""

    class Meta:
        model = Assignment
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"giao-{n}")
    title = ""
    course = factory.SubFactory(CourseFactory)
    starts_on = dt.date(2025, 1, 1)
    due_on = dt.date(2030, 12, 31)
    completions_from = factory.LazyAttribute(lambda o: o.starts_on)

    @factory.post_generation
    def units(obj, create, extracted, **kwargs):
        if create:
            for unit in extracted or ():
                AssignmentUnitFactory(assignment=obj, unit=unit, **kwargs)


class AssignmentUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssignmentUnit

    assignment = factory.SubFactory(AssignmentFactory)
    unit = factory.SubFactory(UnitFactory)
    include_descendants = True


class AssignmentPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssignmentPerson

    assignment = factory.SubFactory(AssignmentFactory)
    staff = factory.SubFactory(StaffFactory)


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    assignment = factory.SubFactory(AssignmentFactory)
    staff = factory.SubFactory(StaffFactory)
    enrolled_on = factory.LazyAttribute(lambda o: o.assignment.starts_on)
    left_audience_on = None


class AttemptGrantFactory(factory.django.DjangoModelFactory):
    """Extra quiz attempts the Office granted (issue 13); `courses.services.grants.attempt_grant` is the real way."""

    class Meta:
        model = AttemptGrant

    staff = factory.SubFactory(StaffFactory)
    course = factory.SubFactory(CourseFactory)
    extra_attempts = 1
    reason = "Mất kết nối mạng khi đang làm bài"
    granted_by = None


class LessonProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LessonProgress

    staff = factory.SubFactory(StaffFactory)
    lesson = factory.SubFactory(LessonFactory)


class InPersonSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InPersonSession
        django_get_or_create = ("course", "held_on", "title")

    course = factory.SubFactory(CourseFactory)
    title = "Hội nghị quán triệt"
    held_on = dt.date(2026, 6, 1)


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(InPersonSessionFactory)
    staff = factory.SubFactory(StaffFactory)
    present = True


# --- quizzes ---------------------------------------------------------------------------------


class AttemptFactory(factory.django.DjangoModelFactory):
    """An attempt in progress (no items: `attempt_start` draws those).

    `passing=True` / `failing=True` close and grade it.
    """

    class Meta:
        model = Attempt

    class Params:
        passing = factory.Trait(
            status=AttemptStatus.SUBMITTED,
            closed_at=factory.LazyAttribute(lambda o: o.started_at + dt.timedelta(minutes=10)),
            correct_count=factory.LazyAttribute(lambda o: o.question_count),
            score_percent=100,
            passed=True,
        )
        failing = factory.Trait(
            status=AttemptStatus.SUBMITTED,
            closed_at=factory.LazyAttribute(lambda o: o.started_at + dt.timedelta(minutes=10)),
            correct_count=0,
            score_percent=0,
            passed=False,
        )

    staff = factory.SubFactory(StaffFactory)
    version = factory.SubFactory(PublishedVersionFactory)
    number = factory.LazyAttribute(lambda o: Attempt.objects.filter(staff=o.staff, version=o.version).count() + 1)
    status = AttemptStatus.IN_PROGRESS
    started_at = factory.LazyFunction(timezone.now)
    deadline_at = factory.LazyAttribute(lambda o: o.started_at + dt.timedelta(minutes=o.version.time_limit_minutes))
    closed_at = None
    correct_count = None
    question_count = factory.LazyAttribute(lambda o: o.version.questions_per_attempt)
    score_percent = None
    passed = None


class AttemptItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AttemptItem

    attempt = factory.SubFactory(AttemptFactory)
    question = factory.SubFactory(QuestionFactory, version=factory.SelfAttribute("..attempt.version"))
    position = _next_position("attempt.items")
    option_order = factory.LazyAttribute(lambda o: list(o.question.options.values_list("pk", flat=True)))


class CompletionFactory(factory.django.DjangoModelFactory):
    """An accepted external completion.

    `quiz=True` gives a passed attempt at the course's published version as evidence,
    `in_person=True` an attendance at a briefing held on `completed_on`.
    """

    class Meta:
        model = Completion

    class Params:
        quiz = factory.Trait(
            evidence=CompletionEvidence.QUIZ,
            external_reference="",
            version=factory.LazyAttribute(lambda o: _published_version_of(o.course)),
            attempt=factory.SubFactory(
                AttemptFactory,
                staff=factory.SelfAttribute("..staff"),
                version=factory.SelfAttribute("..version"),
                passing=True,
            ),
        )
        in_person = factory.Trait(
            evidence=CompletionEvidence.IN_PERSON,
            external_reference="",
            attendance=factory.SubFactory(
                AttendanceFactory,
                staff=factory.SelfAttribute("..staff"),
                session__course=factory.SelfAttribute("...course"),
                session__held_on=factory.SelfAttribute("...completed_on"),
            ),
        )

    staff = factory.SubFactory(StaffFactory)
    course = factory.SubFactory(CourseFactory)
    completed_on = dt.date(2026, 6, 1)
    evidence = CompletionEvidence.EXTERNAL
    external_reference = "QĐ-01/2026"


# --- certificates ----------------------------------------------------------------------------


class CertificateTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificateTemplate

    name = factory.Sequence(lambda n: f"Mẫu giấy chứng nhận {n}")
    html = "<h1>GIẤY CHỨNG NHẬN</h1><p>{{ certificate.holder_name }}</p>"
    css = ""
    is_default = False


class CourseCertificateSettingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseCertificateSetting

    course = factory.SubFactory(CourseFactory)
    issue_on_completion = True
    template = None


class RegisterSettingsFactory(factory.django.DjangoModelFactory):
    """The register's one row (pk 1, as `register_settings_get` makes it), written with these values."""

    class Meta:
        model = RegisterSettings

    signer_name = "Nguyễn Văn Giám"
    signer_title = "GIÁM ĐỐC"
    certifier = "GIÁM ĐỐC SỞ TƯ PHÁP TỈNH ĐỒNG NAI"
    serial_suffix = "GCN-STP"
    place = "Đồng Nai"
    parent_agency = "UBND TỈNH ĐỒNG NAI"
    agency = "SỞ TƯ PHÁP"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        row, _created = model_class.objects.update_or_create(pk=1, defaults=kwargs)
        return row


class SerialCounterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SerialCounter
        django_get_or_create = ("year",)

    year = 2026
    last_number = 0


class CertificateFactory(factory.base.Factory):
    """A register entry issued by `certificate_issue` (the only way to get a gap-free serial) for a completion."""

    class Meta:
        model = dict  # replaced by the service's Certificate

    completion = factory.SubFactory(CompletionFactory)
    issued_on = factory.LazyAttribute(lambda o: o.completion.completed_on)
    issued_by = None

    @classmethod
    def _create(cls, model_class, *, completion, issued_on, issued_by):
        certificate, _created = certificate_issue(completion=completion, issued_on=issued_on, issued_by=issued_by)
        return certificate

    _build = _create


class BulkIssueJobFactory(factory.django.DjangoModelFactory):
    """A queued job, not yet planned (`bulk_job_start` also enqueues it; this only writes the row)."""

    class Meta:
        model = BulkIssueJob

    assignment = factory.SubFactory(AssignmentFactory)
    unit = None
    started_by = None


class BulkIssueItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BulkIssueItem

    job = factory.SubFactory(BulkIssueJobFactory)
    completion = factory.SubFactory(CompletionFactory, course=factory.SelfAttribute("..job.assignment.course"))
    certificate = None


# --- reports, semiannual, publication --------------------------------------------------------


class ExemptionFactory(factory.django.DjangoModelFactory):
    """An exemption row (`exemption_create` also checks the person was in the audience; use it to test that)."""

    class Meta:
        model = Exemption

    staff = factory.SubFactory(StaffFactory)
    assignment = factory.SubFactory(AssignmentFactory)
    valid_from = dt.date(2026, 1, 1)
    valid_to = dt.date(2026, 12, 31)
    reason = "Nghỉ dài ngày"
    approver_name = "Nguyễn Văn Giám, Giám đốc Sở"


class ApiTokenFactory(factory.base.Factory):
    """A token made by `api_token_create` (only its hash is stored); the token itself is on `.raw`."""

    class Meta:
        model = dict

    name = factory.Sequence(lambda n: f"Hệ thống giám sát {n}")
    created_by = None

    @classmethod
    def _create(cls, model_class, *, name, created_by):
        token, raw = api_token_create(name=name, created_by=created_by)
        token.raw = raw
        return token

    _build = _create


class CoverageSnapshotFactory(factory.base.Factory):
    """A snapshot frozen by `snapshot_create` (its content and hash are the report's)."""

    class Meta:
        model = dict

    assignment = factory.SubFactory(AssignmentFactory)
    as_of = dt.date(2026, 6, 15)
    created_by = None

    @classmethod
    def _create(cls, model_class, **kwargs):
        snapshot, _created = snapshot_create(**kwargs)
        return snapshot

    _build = _create


class PublicationFactory(factory.base.Factory):
    """Figures prepared by `publication_create` from a snapshot, by an Office user."""

    class Meta:
        model = dict

    # One person in the audience: a date with no one has no percent to publish (issue 11).
    snapshot = factory.SubFactory(
        CoverageSnapshotFactory,
        assignment__title="Quán triệt Nghị quyết 57-NQ/TW",
        assignment__units=factory.LazyFunction(lambda: [MembershipFactory().unit]),
    )
    by = factory.SubFactory(UserFactory, is_office_admin=True, is_staff=True)

    @classmethod
    def _create(cls, model_class, **kwargs):
        return publication_create(**kwargs)

    _build = _create


class SemiannualReportFactory(factory.base.Factory):
    """A draft report made by `semiannual_report_create_draft` (it numbers it and fills the defaults)."""

    class Meta:
        model = dict

    assignment = factory.SubFactory(AssignmentFactory)
    period_end = dt.date(2026, 6, 15)
    number = factory.Sequence(lambda n: n + 1)
    created_by = None

    @classmethod
    def _create(cls, model_class, **kwargs):
        return semiannual_report_create_draft(**kwargs)

    _build = _create


# --- nominations, notifications --------------------------------------------------------------


class TrainingProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingProgramme

    title = factory.Sequence(lambda n: f"Bồi dưỡng kỹ năng truyền thông số khóa {n}")
    provider = "Học viện Báo chí và Tuyên truyền"
    starts_on = dt.date(2026, 9, 1)
    ends_on = dt.date(2026, 9, 30)


class NominationFactory(factory.django.DjangoModelFactory):
    """A nomination just made, with its first event (`nomination_create` also checks who may nominate whom)."""

    class Meta:
        model = Nomination
        skip_postgeneration_save = True

    staff = factory.SubFactory(StaffFactory, is_communications=True)
    programme = factory.SubFactory(TrainingProgrammeFactory)
    status = NominationStatus.NOMINATED
    nominated_on = dt.date(2026, 7, 1)
    nominated_by = None

    @factory.post_generation
    def events(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            NominationEventFactory(nomination=obj, status=obj.status, on=obj.nominated_on, by=obj.nominated_by)


class NominationEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NominationEvent

    nomination = factory.SubFactory(NominationFactory, events=False)
    status = NominationStatus.NOMINATED
    on = dt.date(2026, 7, 1)
    note = ""
    by = None


class ReminderLogFactory(factory.django.DjangoModelFactory):
    """A learner reminder claimed for an enrolment's due date (`kind=HEAD_DIGEST` with `recipient=` for digests)."""

    class Meta:
        model = ReminderLog

    kind = ReminderKind.DUE_SOON
    enrolment = factory.Maybe(
        factory.LazyAttribute(lambda o: o.kind != ReminderKind.HEAD_DIGEST),
        yes_declaration=factory.SubFactory(EnrolmentFactory),
        no_declaration=None,
    )
    recipient = None
    event_date = factory.LazyAttribute(lambda o: o.enrolment.assignment.due_on if o.enrolment else dt.date(2026, 6, 1))
