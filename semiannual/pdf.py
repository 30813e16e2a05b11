"""The semiannual report (Báo cáo định kỳ 6 tháng) as a PDF, in the format of Nghị định 30/2020/NĐ-CP.

A4 portrait, Tinos (shipped by `core.pdf`), agency block and national title, "Số: 12/BC-STP",
the place and date line, "BÁO CÁO" and its subject, the opening citing Kế hoạch
26/KH-STP, section I (the Office's narrative, the coverage table per unit rolled up the
tree with its totals, the change since the previous report), sections II–IV (the
Office's narrative), "Nơi nhận" and the signer.

The figures are the coverage JSON contract (`CoverageReport.as_dict()` or a snapshot's
stored content): an issued report is rendered once from its snapshot and the previous
report's snapshot; a draft is previewed from the live figures. `semiannual_pdf_write`
renders an unsaved report for a date (the `coverage_report --format pdf` command) and
writes nothing to the database.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.template.loader import render_to_string

from core.dates import date_line, format_date
from core.numbers import percent_text, percent_with_sign
from core.pdf import html_to_pdf
from courses.models import Assignment
from orgchart.models import Unit
from reports.selectors.coverage import coverage_as_of
from reports.selectors.rules import CompletionRule, completion_rule, coverage_percent
from reports.selectors.snapshots import snapshot_report, snapshot_rule
from semiannual.headline import AssignmentHeadline, assignment_headline
from semiannual.models import SemiannualReport
from semiannual.selectors import (
    counted_on,
    next_period_label,
    number_text,
    register_details,
    semiannual_previous_for,
    semiannual_report_unsaved,
)

TEMPLATE = "semiannual/document.html"
CSS_PATH = Path(settings.BASE_DIR) / "static" / "css" / "semiannual.css"
PLACEHOLDER = "…"

Figures = dict[str, object]


@cache
def _stylesheet() -> str:
    return CSS_PATH.read_text(encoding="utf-8")


# --- numbers as a Vietnamese document writes them -------------------------------------------------------


def count_text(value: int) -> str:
    """1234 → "1.234"."""
    return f"{value:,}".replace(",", ".")


def difference_text(value: Decimal) -> str:
    """+5,2 / -1,25 / 0 (percentage points)."""
    if value > 0:
        return "+" + percent_text(value)
    if value < 0:
        return "-" + percent_text(-value)
    return "0"


# --- the table per unit ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of the coverage table. `key` matches the same line in another period's table."""

    key: str
    number: str
    name: str
    depth: int
    staff: int
    informed: int
    exempt: int
    percent: float | None
    is_total: bool = False

    @property
    def staff_text(self) -> str:
        return count_text(self.staff)

    @property
    def informed_text(self) -> str:
        return count_text(self.informed)

    @property
    def exempt_text(self) -> str:
        return count_text(self.exempt)

    @property
    def percent_text(self) -> str:
        # No one left to count (everyone exempt): no percent, never 100.
        return "—" if self.percent is None else percent_text(self.percent)


@dataclass(frozen=True)
class ChangeRow:
    number: str
    name: str
    depth: int
    before: str
    after: str
    difference: str
    is_total: bool = False


def scope_figures(*, figures: Figures, unit_code: str | None = None) -> tuple[list[Figures], Figures] | None:
    """The units of `figures` (contract dicts, tree order) and the total, restricted to `unit_code`'s subtree.

    None when `unit_code` is not among the units (a previous report made before the unit existed).
    """
    units: list[Figures] = list(figures["units"])
    if unit_code is None:
        return units, dict(figures["total"])
    parent_of = {unit["code"]: unit["parent"] for unit in units}
    if unit_code not in parent_of:
        return None

    def inside(code: str | None) -> bool:
        seen = set()
        while code is not None and code not in seen:
            if code == unit_code:
                return True
            seen.add(code)
            code = parent_of.get(code)
        return False

    subtree = [unit for unit in units if inside(unit["code"])]
    top = next(unit for unit in subtree if unit["code"] == unit_code)
    total = {key: top[key] for key in ("staff", "informed", "exempt", "percent")}
    return subtree, total


def coverage_rows(*, units: list[Figures], total: Figures) -> list[Row]:
    """The table's rows in tree order, numbered 1, 1.1, 1.2, 2…, then the totals row.

    A single top unit (the department) is the totals row itself: its sub-units are listed,
    with a row for people placed directly in it when there are any. Units with no one in
    the audience (no one to inform, no one exempt) are left out, and their sub-units with them.
    """
    units = [unit for unit in units if unit["staff"] or unit["exempt"]]
    codes = {unit["code"] for unit in units}
    children: dict[str, list[Figures]] = defaultdict(list)
    tops: list[Figures] = []
    for unit in units:
        if unit["parent"] in codes:
            children[unit["parent"]].append(unit)
        else:
            tops.append(unit)
    rows: list[Row] = []

    def add(unit: Figures, *, depth: int, number: str) -> None:
        rows.append(
            Row(
                key=unit["code"],
                number=number,
                name=unit["name"],
                depth=depth,
                staff=unit["staff"],
                informed=unit["informed"],
                exempt=unit["exempt"],
                percent=unit["percent"],
            )
        )
        for index, child in enumerate(children[unit["code"]], start=1):
            add(child, depth=depth + 1, number=f"{number}.{index}")

    if len(tops) == 1 and children[tops[0]["code"]]:
        top = tops[0]
        kids = children[top["code"]]
        own = {key: top[key] - sum(kid[key] for kid in kids) for key in ("staff", "informed", "exempt")}
        offset = 0
        if own["staff"] or own["exempt"]:
            offset = 1
            rows.append(
                Row(
                    key=f"{top['code']}#own",
                    number="1",
                    name=f"{top['name']} (trực tiếp)",
                    depth=0,
                    percent=coverage_percent(informed=own["informed"], staff=own["staff"]),
                    **own,
                )
            )
        for index, kid in enumerate(kids, start=1 + offset):
            add(kid, depth=0, number=str(index))
    else:
        for index, top in enumerate(tops, start=1):
            add(top, depth=0, number=str(index))
    rows.append(
        Row(
            key="#total",
            number="",
            name="Tổng cộng",
            depth=0,
            staff=total["staff"],
            informed=total["informed"],
            exempt=total["exempt"],
            percent=total["percent"],
            is_total=True,
        )
    )
    return rows


def change_rows(*, current: list[Row], previous: list[Row]) -> list[ChangeRow]:
    """Per line of this period's table: the previous period's percent, this one's and the difference.

    Units that have gone since the previous report follow, before the totals, with "—" for now.
    """
    before = {row.key: row for row in previous}
    now_keys = {row.key for row in current}
    gone = [row for row in previous if row.key not in now_keys and not row.is_total]
    lines = [row for row in current if not row.is_total] + gone + [row for row in current if row.is_total]
    result = []
    for row in lines:
        old = before.get(row.key)
        new = row if row.key in now_keys else None
        if old is not None and new is not None and old.percent is not None and new.percent is not None:
            difference = difference_text(Decimal(str(new.percent)) - Decimal(str(old.percent)))
        else:
            difference = "—"
        result.append(
            ChangeRow(
                number=row.number if new is not None else "",
                name=row.name,
                depth=row.depth,
                before=old.percent_text if old is not None else "—",
                after=new.percent_text if new is not None else "—",
                difference=difference,
                is_total=row.is_total,
            )
        )
    return result


# --- the document ---------------------------------------------------------------------------------------


def rule_text(rule: CompletionRule | None) -> str:
    """Which completions counted, as the document prints it under the table ("" when not known)."""
    if rule is None:
        return ""
    versions = ", ".join(str(number) for number in rule.versions)
    return (
        f"Cách tính: hoàn thành được tính từ ngày {format_date(rule.completions_from)}, với mọi phiên bản "
        f"đã xuất bản của khóa học “{rule.course_title}” (phiên bản {versions}), gồm bài kiểm tra đạt yêu cầu, "
        "dự hội nghị quán triệt và hoàn thành bên ngoài được Văn phòng Sở chấp nhận."
    )


def _paragraphs(text: str) -> list[str]:
    lines = [line.strip() for line in (text or "").splitlines()]
    return [line for line in lines if line] or [PLACEHOLDER]


def _summary_sentence(*, total: Figures, as_of: dt.date, headline: AssignmentHeadline, scope_name: str | None) -> str:
    """Who must be informed of which course (from the assignment), how many, how many were, on the date.

    `scope_name` names the unit the report is narrowed to (None: the assignment's own audience units).
    """
    audience = headline.audience_words(scope_name=scope_name)
    course = f"“{headline.course_title}”"
    if not total["staff"]:
        # No one to count is not 100%: say so instead of a percent.
        sentence = (
            f"Tính đến ngày {format_date(as_of)}, không có ai trong đối tượng phải được quán triệt "
            f"qua khóa học {course} ({audience})"
        )
        if total["exempt"]:
            sentence += f"; {count_text(total['exempt'])} người thuộc đối tượng đều được miễn"
        return sentence + "."
    sentence = (
        f"Tính đến ngày {format_date(as_of)}, tổng số {audience} phải được quán triệt qua khóa học {course} "
        f"là {count_text(total['staff'])} người"
    )
    if total["exempt"]:
        sentence += f" (không tính {count_text(total['exempt'])} người được miễn)"
    sentence += f"; đã quán triệt {count_text(total['informed'])} người, đạt {percent_with_sign(total['percent'])}"
    not_informed = total["staff"] - total["informed"]
    if not_informed:
        sentence += f"; còn {count_text(not_informed)} người chưa được quán triệt"
    return sentence + "."


def _change_sentence(*, previous: SemiannualReport, before: Figures, after: Figures) -> str:
    reference = (
        f"So với kỳ báo cáo trước (Báo cáo số {number_text(previous.number)} "
        f"ngày {format_date(previous.document_date)}, "
        f"số liệu tính đến ngày {format_date(counted_on(previous))}), tỷ lệ đã quán triệt"
    )
    if before["percent"] is None or after["percent"] is None:
        # One of the two dates had no one in the audience: there is no change to state.
        return f"{reference} không so sánh được vì một trong hai kỳ không có ai trong đối tượng."
    old, new = Decimal(str(before["percent"])), Decimal(str(after["percent"]))
    was, now = percent_with_sign(old), percent_with_sign(new)
    if new > old:
        return f"{reference} tăng {percent_text(new - old)} điểm phần trăm (từ {was} lên {now})."
    if new < old:
        return f"{reference} giảm {percent_text(old - new)} điểm phần trăm (từ {was} xuống {now})."
    return f"{reference} không thay đổi ({percent_with_sign(new)})."


def _corrects_sentence(report: SemiannualReport, *, agency: str) -> str:
    original = report.corrects
    if original is None:
        return ""
    return (
        f"Báo cáo này thay thế Báo cáo số {number_text(original.number)} "
        f"ngày {format_date(original.document_date)} của {agency}."
    )


def _scope_name(*, units: list[Figures], unit_code: str | None) -> str:
    codes = {unit["code"] for unit in units}
    tops = [unit for unit in units if unit["parent"] not in codes]
    if unit_code is not None:
        tops = [unit for unit in units if unit["code"] == unit_code] or tops
    if len(tops) == 1:
        return tops[0]["name"]
    return "các đơn vị"


def document_context(
    *,
    report: SemiannualReport,
    figures: Figures,
    previous: SemiannualReport | None,
    previous_figures: Figures | None,
    unit_code: str | None = None,
    rule_text: str = "",
) -> dict[str, object]:
    """Everything the template prints; `figures` and `previous_figures` are coverage contract dicts.

    `rule_text` says which completions count (the live rule, or the one the snapshot stored).
    """
    details = register_details()
    as_of = counted_on(report)
    units, total = scope_figures(figures=figures, unit_code=unit_code)
    rows = coverage_rows(units=units, total=total)
    change = None
    change_sentence = ""
    if previous is not None and previous_figures is not None:
        previous_scope = scope_figures(figures=previous_figures, unit_code=unit_code)
        if previous_scope is not None:
            previous_units, previous_total = previous_scope
            change = change_rows(current=rows, previous=coverage_rows(units=previous_units, total=previous_total))
            change_sentence = _change_sentence(previous=previous, before=previous_total, after=total)
    return {
        "agency": {"parent": details["parent_agency"].upper(), "name": details["agency"].upper()},
        "number": number_text(report.number),
        "date_line": date_line(place=details["place"], on_date=report.document_date),
        "subject": report.subject,
        "opening": report.opening,
        "results": _paragraphs(report.results_summary),
        "limitations": _paragraphs(report.limitations),
        "next_tasks": _paragraphs(report.next_tasks),
        "proposals": _paragraphs(report.proposals),
        "next_period": next_period_label(period_end=report.period_end).upper(),
        "as_of": format_date(as_of),
        "scope_name": _scope_name(units=units, unit_code=unit_code),
        "summary_sentence": _summary_sentence(
            total=total,
            as_of=as_of,
            headline=assignment_headline(assignment=report.assignment),
            scope_name=_scope_name(units=units, unit_code=unit_code) if unit_code is not None else None,
        ),
        "rule_text": rule_text,
        "rows": rows,
        "previous": previous,
        "previous_as_of": format_date(counted_on(previous)) if previous is not None else "",
        "corrects": _corrects_sentence(report, agency=details["agency"]),
        "change": change,
        "change_sentence": change_sentence,
        "closing": f"Trên đây là báo cáo {report.subject[:1].lower()}{report.subject[1:]} của {details['agency']}./.",
        "recipients": [line.strip() for line in report.recipients.splitlines() if line.strip()],
        "signer_title": [line.strip().upper() for line in report.signer_title.splitlines() if line.strip()],
        "signer_name": report.signer_name,
    }


def _render(*, report: SemiannualReport, context: dict[str, object], draft: bool) -> bytes:
    # Drafts (previews and the command's quick render) say so at the top right of page 1.
    body = render_to_string(TEMPLATE, {**context, "draft": draft})
    return html_to_pdf(
        body_html=body,
        css=_stylesheet(),
        document_date=report.document_date,
        title=f"Báo cáo số {number_text(report.number)}",
    )


def _previous_of(report: SemiannualReport) -> SemiannualReport | None:
    """The issued report before this one: the stored link once issued, else the latest one issued earlier."""
    if report.snapshot_id is not None:
        return report.previous
    return semiannual_previous_for(assignment=report.assignment, period_end=report.period_end, exclude_pk=report.pk)


def semiannual_pdf_bytes(*, report: SemiannualReport) -> bytes:
    """The report as a PDF: from its snapshot when it has one (issuing), else from the live figures (a preview).

    A report without a snapshot is marked "DỰ THẢO" (draft). The change since the previous
    report always comes from the previous report's own snapshot.
    """
    if report.snapshot_id is not None:
        figures = snapshot_report(snapshot=report.snapshot)
        rule = snapshot_rule(snapshot=report.snapshot)
    else:
        figures = coverage_as_of(assignment=report.assignment, as_of=counted_on(report)).as_dict()
        rule = completion_rule(assignment=report.assignment)
    previous = _previous_of(report)
    previous_figures = snapshot_report(snapshot=previous.snapshot) if previous is not None else None
    context = document_context(
        report=report,
        figures=figures,
        previous=previous,
        previous_figures=previous_figures,
        rule_text=rule_text(rule),
    )
    return _render(report=report, context=context, draft=report.snapshot_id is None)


def semiannual_pdf_write(*, assignment: Assignment, as_of: dt.date, output: BinaryIO, unit: Unit | None = None) -> None:
    """Render the report of `assignment` for `as_of` (unsaved: default texts, "…" for the narrative) to `output`.

    With `unit`, the table covers that unit's subtree. Reads only: nothing is written to the database.
    """
    report = semiannual_report_unsaved(assignment=assignment, period_end=as_of)
    report.figures_on = as_of
    live = coverage_as_of(assignment=assignment, as_of=as_of, root_unit=unit)
    figures = live.as_dict()
    previous = semiannual_previous_for(assignment=assignment, period_end=as_of)
    previous_figures = snapshot_report(snapshot=previous.snapshot) if previous is not None else None
    context = document_context(
        report=report,
        figures=figures,
        previous=previous,
        previous_figures=previous_figures,
        unit_code=unit.code if unit is not None else None,
        rule_text=rule_text(live.rule),
    )
    output.write(_render(report=report, context=context, draft=True))
