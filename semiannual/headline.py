"""The semiannual report's sentences, built from its assignment: the course, the audience and the date.

The report used to say that every leader, civil servant, public employee and worker of
the department must be informed of Resolution 57, whatever the assignment. Here the
subject, the opening and the sentence above the figures name the assignment's course
(its current published version's title), its audience (the units, with or without their
sub-units; the staff categories; communications staff only; people named one by one)
and the reporting date. The text is Vietnamese, as the document is (Nghị định 30/2020).

`assignment_headline` reads the assignment once (three small queries); the rest only
formats (the sentence above the figures is `semiannual.pdf._summary_sentence`).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.dates import format_date
from courses.models import Assignment, CourseVersion, CourseVersionStatus
from orgchart.models import StaffCategory

# Lower case, as inside a sentence; in the order the plan lists them.
CATEGORY_WORDS = {
    StaffCategory.LEADER: "lãnh đạo",
    StaffCategory.CIVIL_SERVANT: "công chức",
    StaffCategory.PUBLIC_EMPLOYEE: "viên chức",
    StaffCategory.CONTRACT_WORKER: "người lao động",
}
COMMUNICATIONS_WORDS = "làm công tác truyền thông, thông tin cơ sở, thông tin đối ngoại"


def join_words(words: list[str]) -> str:
    """["a"] → "a"; ["a", "b", "c"] → "a, b và c"."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " và " + words[-1]


@dataclass(frozen=True)
class AudienceUnitText:
    name: str
    include_descendants: bool


@dataclass(frozen=True)
class AssignmentHeadline:
    """What the sentences say about an assignment."""

    course_title: str
    categories: tuple[str, ...]
    communications_only: bool
    units: tuple[AudienceUnitText, ...]
    named_people: int

    def people_words(self) -> str:
        """ "lãnh đạo và công chức", "viên chức làm công tác truyền thông, …" (every category when none is chosen)."""
        chosen = [CATEGORY_WORDS[StaffCategory(c)] for c in StaffCategory.values if c in self.categories]
        words = join_words(chosen or list(CATEGORY_WORDS.values()))
        if self.communications_only:
            words = f"{words} {COMMUNICATIONS_WORDS}"
        return words

    def place_words(self, *, scope_name: str | None = None) -> str:
        """Where they work: the scope's unit when the report is narrowed to one, else the audience's units."""
        if scope_name is not None or not self.units:
            place = f"thuộc {scope_name or 'các đơn vị'}"
        else:
            names = [
                unit.name if unit.include_descendants else f"{unit.name} (không kể các đơn vị trực thuộc)"
                for unit in self.units
            ]
            place = f"thuộc {join_words(names)}"
            if any(unit.include_descendants for unit in self.units) and len(self.units) > 1:
                place += " (gồm cả các đơn vị trực thuộc)"
        if self.named_people:
            place += f" và {self.named_people} người được giao đích danh"
        return place

    def audience_words(self, *, scope_name: str | None = None) -> str:
        return f"{self.people_words()} {self.place_words(scope_name=scope_name)}"


def assignment_headline(*, assignment: Assignment) -> AssignmentHeadline:
    """The course's title and the assignment's audience, read from the database."""
    title = (
        CourseVersion.objects.filter(course_id=assignment.course_id, status=CourseVersionStatus.PUBLISHED)
        .values_list("title", flat=True)
        .first()
    ) or (
        CourseVersion.objects.filter(course_id=assignment.course_id, status=CourseVersionStatus.RETIRED)
        .order_by("-number")
        .values_list("title", flat=True)
        .first()
    )
    units = tuple(
        AudienceUnitText(name=name, include_descendants=include)
        for name, include in assignment.audience_units.order_by("unit__path").values_list(
            "unit__name", "include_descendants"
        )
    )
    return AssignmentHeadline(
        course_title=title or assignment.course.slug,
        categories=tuple(assignment.categories),
        communications_only=assignment.communications_only,
        units=units,
        named_people=assignment.audience_people.count(),
    )


def subject_text(*, headline: AssignmentHeadline, period: str) -> str:
    return f"Kết quả thông tin, tuyên truyền, quán triệt {headline.course_title} {period}"


def opening_text(*, headline: AssignmentHeadline, assignment: Assignment, agency: str, period: str) -> str:
    return (
        f"Thực hiện việc quán triệt {headline.course_title} cho {headline.audience_words()} "
        f"(từ ngày {format_date(assignment.starts_on)}, hạn hoàn thành ngày {format_date(assignment.due_on)}), "
        f"{agency} báo cáo kết quả thực hiện {period} như sau:"
    )
