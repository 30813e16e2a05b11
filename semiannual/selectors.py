"""Reads for the semiannual report (Báo cáo định kỳ 6 tháng): the list, the previous report, defaults.

Kế hoạch 26/KH-STP asks the Office to report before 15/6 and before 15/12 every year;
those are the default reporting dates. "The change since the previous report" compares
with the latest report of the same assignment that was issued for an earlier date: only
an issued report has frozen figures (its snapshot) to compare with.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from certificates.defaults import REGISTER_DEFAULTS
from certificates.models import RegisterSettings
from core.dates import first_working_day_of_month
from courses.models import Assignment
from reports.selectors.trend import REPORTING_DEADLINES
from semiannual.headline import AssignmentHeadline, assignment_headline, opening_text, subject_text
from semiannual.models import SemiannualReport, SemiannualReportStatus

NUMBER_SUFFIX = "BC-STP"
# Kế hoạch 26/KH-STP: the report goes to the province's People's Committee through the
# Department of Science and Technology.
DEFAULT_RECIPIENTS = (
    "- UBND tỉnh (b/c);",
    "- Sở Khoa học và Công nghệ;",
    "- Giám đốc, các PGĐ Sở;",
    "- Lưu: VT, VP.",
)


def is_reporting_deadline(day: dt.date) -> bool:
    return (day.month, day.day) in REPORTING_DEADLINES


def issue_opens_on(period_end: dt.date) -> dt.date:
    """The first day a report for the deadline `period_end` can be issued: the first working day of its month.

    The plan wants the report *before* 15/6 and 15/12, so the Office issues it in early June or
    early December, with the figures of that day.
    """
    return first_working_day_of_month(period_end)


def figures_date(*, period_end: dt.date, on_date: dt.date) -> dt.date:
    """The day a report issued (or previewed) on `on_date` counts its figures on: that day, at most the deadline."""
    return min(on_date, period_end)


def counted_on(report: SemiannualReport) -> dt.date:
    """The day the report's figures are counted on: frozen at issue, else (a draft) as if issued today."""
    if report.figures_on is not None:
        return report.figures_on
    return figures_date(period_end=report.period_end, on_date=timezone.localdate())


def reporting_deadline_next(*, on_date: dt.date) -> dt.date:
    """The first deadline (15/6 or 15/12) on or after `on_date`: the report being prepared."""
    for year in (on_date.year, on_date.year + 1):
        for month, day in REPORTING_DEADLINES:
            deadline = dt.date(year, month, day)
            if deadline >= on_date:
                return deadline
    raise AssertionError("unreachable: 15/6 of next year is always later")


def period_label(*, period_end: dt.date) -> str:
    """ "6 tháng đầu năm 2026" (reporting date in January–June) or "6 tháng cuối năm 2026"."""
    half = "đầu" if period_end.month <= 6 else "cuối"
    return f"6 tháng {half} năm {period_end.year}"


def next_period_label(*, period_end: dt.date) -> str:
    """The half-year after the one reported on ("6 tháng cuối năm 2026" after 15/6/2026)."""
    if period_end.month <= 6:
        return f"6 tháng cuối năm {period_end.year}"
    return f"6 tháng đầu năm {period_end.year + 1}"


def register_details() -> dict[str, str]:
    """The department's details (agency, place, signer) from the certificate register's settings.

    Read only: when the register has never been set up, its shipped defaults are used
    and nothing is written (the coverage command renders without touching the database).
    """
    row = RegisterSettings.objects.order_by("pk").first()
    fields = ("parent_agency", "agency", "place", "signer_title", "signer_name")
    if row is None:
        return {field: REGISTER_DEFAULTS[field] for field in fields}
    return {field: getattr(row, field) for field in fields}


def semiannual_report_list(*, assignment: Assignment | None = None) -> QuerySet[SemiannualReport]:
    reports = SemiannualReport.objects.select_related("assignment", "previous", "issued_by").defer(
        "results_summary", "limitations", "next_tasks", "proposals", "opening"
    )
    if assignment is not None:
        reports = reports.filter(assignment=assignment)
    return reports.order_by("-period_end", "-year", "-number")


def semiannual_report_get(*, pk: int) -> SemiannualReport:
    """The report with its assignment, snapshot, previous report and the report it corrects; raises DoesNotExist."""
    return SemiannualReport.objects.select_related(
        "assignment",
        "assignment__course",
        "snapshot",
        "previous",
        "previous__snapshot",
        "corrects",
        "issued_by",
        "created_by",
    ).get(pk=pk)


def semiannual_correction_list(*, report: SemiannualReport) -> list[SemiannualReport]:
    """The reports that correct `report`, oldest first (one at most while each correction is corrected in turn)."""
    return list(report.corrections.order_by("pk"))


def semiannual_previous_for(
    *, assignment: Assignment, period_end: dt.date, exclude_pk: int | None = None
) -> SemiannualReport | None:
    """The latest report of `assignment` issued for a date before `period_end` (None for the first one)."""
    reports = SemiannualReport.objects.select_related("snapshot").filter(
        assignment=assignment, status=SemiannualReportStatus.ISSUED, period_end__lt=period_end
    )
    if exclude_pk is not None:
        reports = reports.exclude(pk=exclude_pk)
    return reports.order_by("-period_end", "-document_date", "-pk").first()


def number_text(number: int | None) -> str:
    """ "12/BC-STP"; "…/BC-STP" before a number is given."""
    return f"{number if number else '…'}/{NUMBER_SUFFIX}"


def default_subject(*, assignment: Assignment, period_end: dt.date, headline: AssignmentHeadline | None = None) -> str:
    """The subject, naming the assignment's course and the half-year."""
    headline = headline or assignment_headline(assignment=assignment)
    return subject_text(headline=headline, period=period_label(period_end=period_end))


def default_opening(
    *, assignment: Assignment, period_end: dt.date, agency: str, headline: AssignmentHeadline | None = None
) -> str:
    """The opening, naming the course, the audience and the assignment's dates (the Office may edit it)."""
    headline = headline or assignment_headline(assignment=assignment)
    return opening_text(
        headline=headline, assignment=assignment, agency=agency, period=period_label(period_end=period_end)
    )


def semiannual_report_unsaved(*, assignment: Assignment, period_end: dt.date) -> SemiannualReport:
    """A report for `period_end` with every default and an empty narrative, not saved (for a quick render)."""
    details = register_details()
    headline = assignment_headline(assignment=assignment)
    return SemiannualReport(
        assignment=assignment,
        period_end=period_end,
        year=period_end.year,
        number=None,
        document_date=period_end,
        subject=default_subject(assignment=assignment, period_end=period_end, headline=headline),
        opening=default_opening(
            assignment=assignment, period_end=period_end, agency=details["agency"], headline=headline
        ),
        recipients="\n".join(DEFAULT_RECIPIENTS),
        signer_title=details["signer_title"],
        signer_name=details["signer_name"],
    )
