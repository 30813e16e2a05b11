"""Unit head and Office journeys on a 360 px phone, in Vietnamese: a unit head opens a person's training record
from the drill-down; the Office issues the semiannual report before its deadline (signing in with TOTP).

Every page is checked with axe-core (no serious or critical violation) and for sideways scrolling, and
photographed (the folder is printed at the end of the run). Each journey counts its clicks and seconds and
writes them to `figures.json` beside its screenshots.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.utils import translation

from courses.services.assignments import assignment_create
from orgchart.models import Unit
from semiannual.models import SemiannualReport, SemiannualReportStatus
from tests.e2e.browser import vi
from tests.factories import (
    AttemptFactory,
    CompletionFactory,
    CourseFactory,
    MembershipFactory,
    PublishedVersionFactory,
    RegisterSettingsFactory,
    StaffFactory,
    UserFactory,
    give_totp,
)

try:
    from playwright.sync_api import expect
except ImportError:  # the `chromium` fixture then skips these tests with the reason (fails them under CI)
    expect = None

pytestmark = pytest.mark.browser

# Early December: the report for the 15/12 deadline can be issued (from Tuesday 01/12/2026).
NOW = dt.datetime(2026, 12, 3, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


class Journey:
    """Counts the clicks of a journey and its seconds, and writes them beside the screenshots."""

    def __init__(self, phone):
        self.phone = phone
        self.clicks = 0
        self.started = time.perf_counter()

    def click(self, locator) -> None:
        self.clicks += 1
        locator.click()

    def finish(self) -> dict[str, float]:
        figures = {"clicks": self.clicks, "seconds": round(time.perf_counter() - self.started, 1)}
        self.phone.folder.mkdir(parents=True, exist_ok=True)
        (self.phone.folder / "figures.json").write_text(json.dumps(figures))
        print(f"{self.phone.folder.name}: {figures['clicks']} clicks, {figures['seconds']} s")
        return figures


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def nq57(transactional_db, clock, tree, unit_head):
    course = CourseFactory(slug="nq57")
    version = PublishedVersionFactory(course=course, title="Quán triệt Nghị quyết 57-NQ/TW", lessons=2, questions=2)
    people = []
    for number, name in enumerate(["Nguyễn Thị Thủy", "Trần Văn Đức", "Lê Hoàng Yến"]):
        staff = StaffFactory(full_name=name, code=f"VP-{number}")
        MembershipFactory(staff=staff, unit=tree["vp_team"] if number else tree["vp"], valid_from=dt.date(2025, 1, 1))
        people.append(staff)
    # Everyone is on the roster before the assignment, which enrols them (as the Office's own command does).
    assignment = assignment_create(
        slug="nq57-2026",
        title="Quán triệt Nghị quyết 57-NQ/TW năm 2026",
        course=course,
        units=[(tree["root"], True)],
        categories=[],
        communications_only=False,
        people=[],
        starts_on=dt.date(2026, 9, 1),
        due_on=dt.date(2026, 12, 31),
    )
    AttemptFactory(staff=people[1], version=version, failing=True)  # Đức tried once and failed
    CompletionFactory(staff=people[2], course=course, completed_on=dt.date(2026, 10, 2))
    return assignment


def test_unit_head_opens_a_training_record_from_the_drill_down(phone, nq57, unit_head):
    page = phone.page
    journey = Journey(phone)
    phone.sign_in(email=unit_head.email, step="sign-in")
    journey.clicks += 1  # the sign-in button

    navigation = page.get_by_role("navigation", name=vi("Main navigation"))
    journey.click(navigation.get_by_role("link", name=vi("Reports")))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    phone.step("dashboard")

    # "3 người chưa được quán triệt": the head, Thủy and Đức (Yến took part elsewhere).
    with translation.override("vi"):
        not_yet = translation.ngettext("%(count)s person not yet informed", "%(count)s people not yet informed", 3)
    journey.click(page.get_by_role("link", name=not_yet % {"count": 3}))
    expect(page.get_by_role("row", name=re.compile("Trần Văn Đức"))).to_have_count(1)
    phone.step("drill-down")

    journey.click(page.get_by_role("link", name="Trần Văn Đức"))
    title = vi("Training record of %(name)s") % {"name": "Trần Văn Đức"}
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("heading", name=vi("Quiz attempts"))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Nghị quyết 57"))).to_have_count(2)  # its course and attempt
    expect(page.get_by_role("link", name=vi("Download as PDF"))).to_be_visible()
    phone.step("training-record")

    with page.expect_download() as download:
        journey.click(page.get_by_role("link", name=vi("Download as Excel (.xlsx)")))
    assert download.value.suggested_filename.endswith(".xlsx")

    # Another unit's person is "not found", even by typing the address.
    outsider = StaffFactory(full_name="Người Ngoài")
    MembershipFactory(staff=outsider, unit=Unit.objects.get(code="TGPL"), valid_from=dt.date(2025, 1, 1))
    response = page.goto(f"{phone.base_url}/reports/people/{outsider.pk}/")
    assert response.status == 404
    phone.step("other-unit-not-found")

    journey.finish()
    phone.assert_accessible()


@pytest.fixture
def office_with_totp(nq57):
    RegisterSettingsFactory()
    user = UserFactory(
        email="van.phong@stp.dongnai.gov.vn", display_name="Văn Phòng", is_office_admin=True, is_staff=True
    )
    return user, give_totp(user)


def test_office_issues_the_semiannual_report_before_its_deadline(phone, office_with_totp):
    page = phone.page
    user, secret = office_with_totp
    journey = Journey(phone)
    phone.goto("/accounts/login/")
    page.get_by_label(vi("Email")).fill(user.email)
    page.get_by_label(vi("Password"), exact=True).fill("mat-khau-demo-2026")
    journey.click(page.get_by_role("button", name=vi("Sign In")))
    code_field = page.get_by_label(vi("Code"), exact=True)
    expect(code_field).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("mã khôi phục")  # the prompt names recovery codes
    phone.step("two-factor")
    code_field.fill(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    journey.click(page.get_by_role("button", name=vi("Sign In")))
    page.wait_for_url(phone.base_url + "/")
    phone.step("home")

    journey.click(page.get_by_role("link", name=vi("Semiannual reports")))
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Semiannual reports"))
    expect(page.get_by_label(vi("Reporting deadline"))).to_have_value("15/12/2026")
    page.get_by_label(vi("Assignment")).select_option(label="Quán triệt Nghị quyết 57-NQ/TW năm 2026")
    page.get_by_label(vi("Number"), exact=True).fill("45")
    phone.step("new-draft")
    journey.click(page.get_by_role("button", name=vi("Create the draft")))

    expect(page.get_by_role("heading", level=1)).to_contain_text("45/BC-STP")
    expect(page.get_by_role("main")).to_contain_text("01/12/2026")  # can be issued from
    for label, text in (
        ("I. Results", "Tổ chức hội nghị quán triệt cho toàn thể công chức, viên chức."),
        ("II. Limitations and difficulties", "Một số viên chức đi công tác dài ngày."),
        ("III. Tasks for the next period", "Hoàn thành quán triệt cho 100% người còn lại."),
        ("IV. Proposals", "Bố trí kinh phí đào tạo chuyên sâu."),
    ):
        page.get_by_label(vi(label)).fill(text)
    phone.step("narrative")
    journey.click(page.get_by_role("button", name=vi("Save"), exact=True))
    expect(page.get_by_role("status")).to_contain_text(vi("Saved."))

    journey.click(page.get_by_role("link", name=vi("Issue the report…")))
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Issue report %(number)s?") % {"number": "45/BC-STP"})
    expect(page.get_by_role("main")).to_contain_text("03/12/2026")
    phone.step("confirm-issue")
    journey.click(page.get_by_role("button", name=vi("Yes, issue the report")))

    expect(page.get_by_role("status")).to_contain_text("45/BC-STP")
    expect(page.get_by_role("link", name=vi("Download the issued PDF"))).to_be_visible()
    phone.step("issued")

    report = SemiannualReport.objects.get(number=45)
    assert report.status == SemiannualReportStatus.ISSUED
    assert report.period_end == dt.date(2026, 12, 15) and report.figures_on == dt.date(2026, 12, 3)
    journey.finish()
    phone.assert_accessible()
