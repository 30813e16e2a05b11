"""The semiannual report on time: issued from the first working day of its deadline's month, with the
figures of the day it is frozen (stated in the report), re-issued as a correction; every irreversible
step of the Office has a confirmation page naming what will happen.

The data: tests/semiannual/conftest.py."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.dates import first_working_day_of_month, is_working_day
from reports.models import CoverageSnapshot
from semiannual.models import SemiannualReport, SemiannualReportStatus
from semiannual.selectors import issue_opens_on
from semiannual.services import semiannual_report_correct, semiannual_report_issue

from .builders import JUNE, make_draft, pdf_text, stored_pdf

pytestmark = pytest.mark.django_db

DECEMBER_2026 = dt.date(2026, 12, 15)


def _at(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 5, 0, tzinfo=dt.UTC), tick=False)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 6, 15), dt.date(2026, 6, 1)),  # a Monday
        (dt.date(2025, 6, 15), dt.date(2025, 6, 2)),  # 1/6/2025 is a Sunday
        (dt.date(2026, 12, 15), dt.date(2026, 12, 1)),
        (dt.date(2027, 5, 10), dt.date(2027, 5, 3)),  # 1/5 is Labour Day, then the weekend
    ],
)
def test_first_working_day_of_month(day, expected):
    assert first_working_day_of_month(day) == expected
    assert is_working_day(expected)


def test_issued_before_the_deadline_with_the_figures_of_that_day(assignment):
    """Figures of 03/06/2026 (the day of issue), stated in the report; G2 (15/06) and G3 (16/06) not counted."""
    with _at(dt.date(2026, 5, 29)):
        draft = make_draft(assignment, period_end=JUNE, number=12, document_date=dt.date(2026, 6, 3))
        assert issue_opens_on(JUNE) == dt.date(2026, 6, 1)
        with pytest.raises(ValidationError) as refused:
            semiannual_report_issue(report=draft, issued_by=None)
        assert "can be issued from 01/06/2026" in " ".join(refused.value.message_dict["period_end"])
        assert not CoverageSnapshot.objects.exists()
    with _at(dt.date(2026, 6, 3)):
        issued = semiannual_report_issue(report=draft, issued_by=None)
    assert issued.status == SemiannualReportStatus.ISSUED
    assert issued.figures_on == dt.date(2026, 6, 3) and issued.snapshot.as_of == dt.date(2026, 6, 3)
    text = pdf_text(stored_pdf(issued))
    assert "số liệu tính đến ngày 03/06/2026" in text
    assert "Tính đến ngày 03/06/2026" in text


def test_a_document_dated_before_its_figures_is_refused(assignment):
    with _at(dt.date(2026, 6, 1)):
        draft = make_draft(assignment, period_end=JUNE, number=12, document_date=dt.date(2026, 6, 1))
    with _at(dt.date(2026, 6, 4)), pytest.raises(ValidationError) as refused:
        semiannual_report_issue(report=draft, issued_by=None)
    assert "date it 04/06/2026" in " ".join(refused.value.message_dict["document_date"])


def test_issued_late_counts_on_the_deadline(two_reports):
    december, june = two_reports
    assert june.figures_on == JUNE and december.figures_on == dt.date(2025, 12, 15)


def test_correction_replaces_the_report_and_keeps_the_original(two_reports, assignment):
    _december, june = two_reports
    original_pdf = stored_pdf(june)
    correction = semiannual_report_correct(report=june, number=13, created_by=None)
    assert correction.status == SemiannualReportStatus.DRAFT and correction.corrects == june
    assert correction.limitations == june.limitations and correction.period_end == JUNE
    with pytest.raises(ValidationError):  # one correction at a time: correct the correction
        semiannual_report_correct(report=june, number=14, created_by=None)
    with pytest.raises(ValidationError):  # a draft is changed, not corrected
        semiannual_report_correct(report=correction, number=14, created_by=None)
    correction.document_date = dt.date(2026, 12, 3)
    correction.year = 2026
    correction.save()
    with _at(dt.date(2026, 12, 3)):
        issued = semiannual_report_issue(report=correction, issued_by=None)
    assert "Báo cáo này thay thế Báo cáo số 12/BC-STP" in pdf_text(stored_pdf(issued))
    june.refresh_from_db()
    assert stored_pdf(june) == original_pdf and june.status == SemiannualReportStatus.ISSUED


# --- the confirmation pages --------------------------------------------------------------------------------


def test_issue_asks_first_then_issues(client, office_admin, assignment):
    with _at(dt.date(2026, 12, 2)):
        draft = make_draft(assignment, period_end=DECEMBER_2026, number=40, document_date=dt.date(2026, 12, 2))
        client.force_login(office_admin)
        detail = client.get(reverse("semiannual:detail", args=[draft.pk])).content.decode()
        assert reverse("semiannual:issue", args=[draft.pk]) in detail
        confirm = client.get(reverse("semiannual:issue", args=[draft.pk]))
        body = confirm.content.decode()
        assert confirm.status_code == 200 and "Issue report 40/BC-STP?" in body
        assert "The figures of 02/12/2026 are frozen" in body and "What will happen" in body
        draft.refresh_from_db()
        assert draft.status == SemiannualReportStatus.DRAFT and not CoverageSnapshot.objects.exists()
        done = client.post(reverse("semiannual:issue", args=[draft.pk]), follow=True)
    assert "is issued with the figures of 02/12/2026" in done.content.decode()
    draft.refresh_from_db()
    assert draft.status == SemiannualReportStatus.ISSUED


def test_issue_confirmation_sends_back_with_the_problems(client, office_admin, assignment):
    with _at(dt.date(2026, 11, 20)):
        draft = make_draft(assignment, period_end=DECEMBER_2026, number=40, document_date=dt.date(2026, 12, 1))
        client.force_login(office_admin)
        response = client.get(reverse("semiannual:issue", args=[draft.pk]), follow=True)
    assert "can be issued from 01/12/2026" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("semiannual:detail", args=[draft.pk])


def test_delete_asks_first(client, office_admin, draft):
    client.force_login(office_admin)
    confirm = client.get(reverse("semiannual:delete", args=[draft.pk])).content.decode()
    assert "Delete draft 12/BC-STP?" in confirm and "deleted for good" in confirm
    assert SemiannualReport.objects.filter(pk=draft.pk).exists()
    done = client.post(reverse("semiannual:delete", args=[draft.pk]), follow=True)
    assert "Draft 12/BC-STP deleted." in done.content.decode()
    assert not SemiannualReport.objects.filter(pk=draft.pk).exists()


def test_correction_page_asks_for_a_number(client, office_admin, two_reports):
    _december, june = two_reports
    client.force_login(office_admin)
    url = reverse("semiannual:correct", args=[june.pk])
    assert "stays in the register" in client.get(url).content.decode()
    taken = client.post(url, {"number": "30"})  # 30/BC-STP of 2026 is the December report's
    assert taken.status_code == 200 and not june.corrections.exists()
    done = client.post(url, {"number": "13"})
    correction = june.corrections.get()
    assert done.status_code == 302 and done["Location"] == reverse("semiannual:detail", args=[correction.pk])


@pytest.mark.parametrize("role", ["learner", "unit_head"])
def test_confirmation_pages_are_for_the_office_only(client, request, two_reports, role):
    _december, june = two_reports
    draft = make_draft(june.assignment, period_end=DECEMBER_2026, number=41, document_date=DECEMBER_2026)
    client.force_login(request.getfixturevalue(role))
    for name, pk in (("issue", draft.pk), ("delete", draft.pk), ("correct", june.pk)):
        assert client.get(reverse(f"semiannual:{name}", args=[pk])).status_code == 404
