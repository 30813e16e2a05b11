"""The dashboard: scoping, the drill-down, the SVG charts, the trend dates, snapshots, constant query counts."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core.dates import parse_date_input
from orgchart.models import StaffCategory
from reports.models import CoverageSnapshot
from reports.selectors.trend import quick_dates, trend_dates

from ..factories import AssignmentFactory, CompletionFactory, MembershipFactory, StaffFactory, UnitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


ON = "15/06/2026"


@pytest.fixture
def assignment(tree, learner, unit_head, other_unit_head):
    return AssignmentFactory(
        slug="bang-2026",
        title="Quán triệt 2026",
        course__slug="khoa-bang",
        starts_on=dt.date(2025, 3, 1),
        due_on=dt.date(2026, 6, 30),
        units=[tree["root"]],
    )


def _person(unit, name, code):
    staff = StaffFactory(full_name=name, code=code)
    MembershipFactory(staff=staff, unit=unit, category=StaffCategory.CIVIL_SERVANT, valid_from=dt.date(2025, 1, 1))
    return staff


def _complete(staff, course, on):
    CompletionFactory(staff=staff, course=course, completed_on=on, external_reference="GCN-1")


def _url(name="reports:dashboard", slug="bang-2026"):
    return reverse(name, args=[slug])


# --- scoping ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "query", "status"),
    [
        ("office_admin", {}, 200),
        ("office_admin", {"unit": "TGPL"}, 200),
        ("unit_head", {}, 200),
        ("unit_head", {"unit": "VP-TH"}, 200),
        ("unit_head", {"unit": "TGPL"}, 404),
        ("unit_head", {"unit": "STP"}, 404),
        ("other_unit_head", {"unit": "VP"}, 404),
        ("learner", {}, 404),
    ],
)
def test_dashboard_scoping(client, request, assignment, role, query, status):
    client.force_login(request.getfixturevalue(role))
    assert client.get(_url(), {"as_of": ON, **query}).status_code == status
    assert client.get(_url("reports:dashboard_people"), {"as_of": ON, **query}).status_code == status


@pytest.mark.parametrize("role", ["learner"])
def test_learner_has_no_dashboard_index(client, request, assignment, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("reports:dashboard_index")).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, assignment):
    response = client.get(_url())
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_head_sees_only_their_subtree(client, tree, unit_head, assignment):
    _person(tree["tgpl"], "Người Ở Trung Tâm", "CB-NGOAI")
    client.force_login(unit_head)
    html = client.get(_url(), {"as_of": ON}).content.decode().split('id="main"', 1)[1].split("<footer", 1)[0]
    assert "Văn phòng Sở" in html and "Tổ Tổng hợp" in html
    assert "Trung tâm Trợ giúp pháp lý" not in html
    assert "Sở Tư pháp tỉnh Đồng Nai" not in html
    assert "Người Ở Trung Tâm" not in html
    report = client.get(_url(), {"as_of": ON}).context["report"]
    assert [unit.code for unit in report.units] == ["VP", "VP-TH"]
    assert report.total.staff == 2


def test_office_sees_the_whole_tree_and_drills_into_a_unit(client, office_admin, assignment):
    client.force_login(office_admin)
    response = client.get(_url(), {"as_of": ON})
    assert [row["unit"].code for row in response.context["rows"]] == ["STP", "VP", "TGPL"]
    response = client.get(_url(), {"as_of": ON, "unit": "VP"})
    assert [row["unit"].code for row in response.context["rows"]] == ["VP", "VP-TH"]
    assert [unit.code for unit in response.context["breadcrumbs"]] == ["STP"]


def test_index_shows_the_latest_started_assignment_and_redirects_a_choice(client, office_admin, assignment):
    client.force_login(office_admin)
    response = client.get(reverse("reports:dashboard_index"))
    assert response.status_code == 200
    assert response.context["assignment"] == assignment
    response = client.get(reverse("reports:dashboard_index"), {"assignment": "bang-2026", "as_of": ON})
    assert response.status_code == 302
    assert response["Location"].startswith(_url())
    assert "as_of=15%2F06%2F2026" in response["Location"]


# --- the drill-down ----------------------------------------------------------------------------------------


def test_drill_down_lists_only_the_not_informed_of_the_subtree(client, tree, office_admin, unit_head, assignment):
    informed = _person(tree["vp"], "Đã Học Xong", "CB-XONG")
    _complete(informed, assignment.course, dt.date(2026, 5, 1))
    late = _person(tree["vp_team"], "Học Muộn", "CB-MUON")
    _complete(late, assignment.course, dt.date(2026, 7, 1))  # after the date: not informed on 15/06
    _person(tree["tgpl"], "Ở Trung Tâm", "CB-TT")
    client.force_login(unit_head)
    response = client.get(_url("reports:dashboard_people"), {"as_of": ON})
    codes = [row["person"].code for row in response.context["people"]]
    assert sorted(codes) == ["CB-HV", "CB-MUON", "CB-VP"]
    html = response.content.decode()
    assert "Đã Học Xong" not in html and "Ở Trung Tâm" not in html
    assert "30/06/2026" in html  # the due date
    assert "0 / 0" in html  # lessons read / total
    response = client.get(_url("reports:dashboard_people"), {"as_of": ON, "unit": "VP-TH"})
    assert sorted(row["person"].code for row in response.context["people"]) == ["CB-HV", "CB-MUON"]
    client.force_login(office_admin)
    response = client.get(_url("reports:dashboard_people"), {"as_of": "01/07/2026", "unit": "VP-TH"})
    assert [row["person"].code for row in response.context["people"]] == ["CB-HV"]
    assert [row["overdue"] for row in response.context["people"]] == [True]


def test_drill_down_paginates(client, tree, office_admin, assignment):
    for number in range(30):
        _person(tree["tgpl"], f"Người Số {number:02d}", f"CB-P{number:02d}")
    client.force_login(office_admin)
    first = client.get(_url("reports:dashboard_people"), {"as_of": ON, "unit": "TGPL"})
    second = client.get(_url("reports:dashboard_people"), {"as_of": ON, "unit": "TGPL", "page": 2})
    assert first.context["page"].paginator.count == 31
    first_codes = [row["person"].code for row in first.context["people"]]
    second_codes = [row["person"].code for row in second.context["people"]]
    assert len(first_codes) == 25 and len(second_codes) == 6
    assert not set(first_codes) & set(second_codes)
    assert "page=2" in first.content.decode()


# --- charts ---------------------------------------------------------------------------------------------


def _svgs(html: str) -> list[str]:
    return re.findall(r"<svg.*?</svg>", html, flags=re.S)


def test_bar_chart_has_labels_figures_and_the_target_line(client, tree, office_admin, assignment):
    staff = _person(tree["tgpl"], "Người Học", "CB-HOC")
    _complete(staff, assignment.course, dt.date(2026, 1, 10))
    client.force_login(office_admin)
    html = client.get(_url(), {"as_of": ON}).content.decode()
    bars, trend = _svgs(html)
    assert 'role="img"' in bars and "<title" in bars and "<desc" in bars
    assert 'aria-labelledby="coverage-bars-title coverage-bars-desc"' in bars
    assert "Văn phòng Sở" in bars and "Trung tâm Trợ giúp pháp lý nhà nước" in bars
    # TGPL: CB-TG and CB-HOC, one informed → 50 %; the figure is written beside the bar.
    assert "50% (1/2)" in bars
    assert '<g class="target">' in bars and "Target 100 %" in bars
    assert "below target" in bars  # said in words, not only by the hatch pattern
    assert "<script" not in html.split("<main", 1)[1]
    assert 'role="img"' in trend and "Target 100 %" in trend


def test_trend_covers_the_deadlines_and_the_chosen_date(client, tree, office_admin, assignment):
    staff = _person(tree["tgpl"], "Người Học", "CB-HOC")
    _complete(staff, assignment.course, dt.date(2025, 9, 1))
    client.force_login(office_admin)
    response = client.get(_url(), {"as_of": "2026-02-01"})  # ISO accepted too
    points = response.context["trend"]
    assert [p.on for p in points] == [dt.date(2025, 6, 15), dt.date(2025, 12, 15), dt.date(2026, 2, 1)]
    assert [p.figures.informed for p in points] == [0, 1, 1]
    assert points[-1].is_chosen
    trend_svg = _svgs(response.content.decode())[1]
    for label in ("15/06", "15/12", "01/02", "2025", "2026"):
        assert label in trend_svg


def test_trend_dates_are_capped_and_quick_dates_are_the_deadlines(assignment):
    assignment.starts_on = dt.date(2020, 1, 1)
    dates = trend_dates(assignment=assignment, as_of=dt.date(2026, 6, 15))
    assert len(dates) == 8
    assert dates[-1] == dt.date(2026, 6, 15) and dates[0] == dt.date(2022, 12, 15)
    assert quick_dates(assignment=assignment, today=dt.date(2026, 3, 1), limit=3) == [
        dt.date(2025, 12, 15),
        dt.date(2026, 6, 15),
        dt.date(2026, 12, 15),
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("15/06/2026", dt.date(2026, 6, 15)),
        ("5/1/2026", dt.date(2026, 1, 5)),
        ("2026-06-15", dt.date(2026, 6, 15)),
        ("31/02/2026", None),
        ("06/15/2026", None),
        ("hôm nay", None),
        ("", None),
    ],
)
def test_date_input(raw, expected):
    assert parse_date_input(raw) == expected


def test_a_bad_date_says_so_and_shows_today(client, office_admin, assignment):
    client.force_login(office_admin)
    response = client.get(_url(), {"as_of": "31/02/2026"})
    assert response.status_code == 200
    assert "“31/02/2026” is not a date" in response.content.decode()


# --- query counts --------------------------------------------------------------------------------------------


def _grow(tree, *, units: int, people_per_unit: int, course):
    for number in range(units):
        unit = UnitFactory(code=f"X{number:03d}", name=f"Phòng thêm {number}", parent=tree["root"])
        sub = UnitFactory(code=f"X{number:03d}-T", name=f"Tổ thêm {number}", parent=unit)
        for index in range(people_per_unit):
            person = _person(sub if index % 2 else unit, f"Người {number} {index}", f"CB-{number:03d}-{index:02d}")
            if index % 3 == 0:
                _complete(person, course, dt.date(2025, 10, 1))


def _count(client, url, query):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["office_admin", "unit_head"])
def test_dashboard_queries_do_not_grow_with_the_data(client, request, tree, assignment, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    query = {"as_of": ON}
    small = _count(client, _url(), query)
    small_people = _count(client, _url("reports:dashboard_people"), query)
    _grow(tree, units=6, people_per_unit=8, course=assignment.course)
    for number in range(12):
        _person(tree["vp_team"] if number % 2 else tree["vp"], f"Thêm VP {number}", f"CB-VPX{number:02d}")
    larger = _count(client, _url(), query)
    larger_people = _count(client, _url("reports:dashboard_people"), query)
    assert small == larger
    assert small_people == larger_people


# --- snapshots ---------------------------------------------------------------------------------------------


def test_office_freezes_a_report_and_sees_it_compared(client, tree, office_admin, assignment):
    staff = _person(tree["tgpl"], "Người Học", "CB-HOC")
    client.force_login(office_admin)
    response = client.post(_url("reports:snapshot_freeze"), {"as_of": "15/06/2025"})
    snapshot = CoverageSnapshot.objects.get(assignment=assignment, as_of=dt.date(2025, 6, 15))
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:snapshot_detail", args=[snapshot.pk])
    page = client.get(response["Location"]).content.decode()
    assert snapshot.sha256 in page
    assert "matches its SHA-256" in page
    assert "gives the same figures" in page
    # A completion dated before the snapshot's date, recorded afterwards: the live report differs, and why.
    _complete(staff, assignment.course, dt.date(2025, 6, 1))
    page = client.get(reverse("reports:snapshot_detail", args=[snapshot.pk])).content.decode()
    assert "Where it now differs" in page
    assert "Người Học" in page and "completion recorded later" in page
    # Freezing the same date again returns the stored snapshot unchanged.
    client.post(_url("reports:snapshot_freeze"), {"as_of": "2025-06-15"})
    assert CoverageSnapshot.objects.filter(assignment=assignment).count() == 1
    assert client.get(reverse("reports:snapshot_list")).status_code == 200


def test_an_altered_snapshot_is_flagged(client, office_admin, assignment):
    client.force_login(office_admin)
    client.post(_url("reports:snapshot_freeze"), {"as_of": "15/06/2025"})
    snapshot = CoverageSnapshot.objects.get()
    CoverageSnapshot.objects.filter(pk=snapshot.pk).update(content=snapshot.content.replace('"staff":', '"staff": '))
    page = client.get(reverse("reports:snapshot_detail", args=[snapshot.pk])).content.decode()
    assert "ALTERED" in page


def test_freezing_a_future_date_is_refused(client, office_admin, assignment):
    client.force_login(office_admin)
    response = client.post(_url("reports:snapshot_freeze"), {"as_of": "01/01/2099"}, follow=True)
    assert "has not come yet" in response.content.decode()
    assert not CoverageSnapshot.objects.exists()


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("01/01/0001", "Choose the date to freeze"),
        ("0001-01-01", "Choose the date to freeze"),
        ("31/12/9999", "Choose the date to freeze"),
        ("28/02/2025", "The assignment starts on 01/03/2025"),
    ],
)
def test_freezing_an_absurd_date_is_refused_with_a_message(client, office_admin, assignment, as_of, message):
    client.force_login(office_admin)
    with translation.override("en"):
        response = client.post(
            _url("reports:snapshot_freeze"), {"as_of": as_of}, HTTP_ACCEPT_LANGUAGE="en", follow=True
        )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CoverageSnapshot.objects.exists()


@pytest.mark.parametrize("role", ["unit_head", "learner"])
def test_only_the_office_freezes_and_sees_snapshots(client, request, office_admin, assignment, role):
    client.force_login(request.getfixturevalue(role))
    assert client.post(_url("reports:snapshot_freeze"), {"as_of": "15/06/2025"}).status_code == 404
    assert not CoverageSnapshot.objects.exists()
    assert client.get(reverse("reports:snapshot_list")).status_code == 404
    client.force_login(office_admin)
    client.post(_url("reports:snapshot_freeze"), {"as_of": "15/06/2025"})
    client.force_login(request.getfixturevalue(role))
    snapshot = CoverageSnapshot.objects.get()
    assert client.get(reverse("reports:snapshot_detail", args=[snapshot.pk])).status_code == 404


def test_freezing_asks_first_naming_the_date(client, office_admin, assignment):
    client.force_login(office_admin)
    dashboard = client.get(_url(), {"as_of": "15/06/2025"}).content.decode()
    assert _url("reports:snapshot_freeze") + "?as_of=15/06/2025" in dashboard.replace("%2F", "/")
    confirm = client.get(_url("reports:snapshot_freeze"), {"as_of": "15/06/2025"})
    body = confirm.content.decode()
    assert confirm.status_code == 200 and "Freeze the report of 15/06/2025?" in body
    assert "never recomputed" in body and 'name="as_of" value="15/06/2025"' in body
    assert not CoverageSnapshot.objects.exists()  # the first step writes nothing
    done = client.post(_url("reports:snapshot_freeze"), {"as_of": "15/06/2025"}, follow=True)
    assert "The report of 15/06/2025 is frozen." in done.content.decode()
    # Asking again for a frozen date goes straight to it.
    again = client.get(_url("reports:snapshot_freeze"), {"as_of": "15/06/2025"})
    assert again.status_code == 302 and again["Location"].startswith(reverse("reports:snapshot_list"))


def test_freeze_confirmation_is_for_the_office_only(client, unit_head, assignment):
    client.force_login(unit_head)
    assert client.get(_url("reports:snapshot_freeze"), {"as_of": "15/06/2025"}).status_code == 404


def test_index_opens_on_the_assignment_open_now_and_due_soonest():
    from reports.selectors.trend import assignment_default

    today = dt.date(2026, 12, 3)
    ended = AssignmentFactory.build(slug="old", starts_on=dt.date(2025, 1, 1), due_on=dt.date(2025, 12, 31))
    open_late = AssignmentFactory.build(slug="open-late", starts_on=dt.date(2026, 1, 1), due_on=dt.date(2027, 6, 30))
    open_soon = AssignmentFactory.build(slug="open-soon", starts_on=dt.date(2025, 9, 1), due_on=dt.date(2026, 12, 15))
    newest_future = AssignmentFactory.build(slug="future", starts_on=dt.date(2027, 1, 1), due_on=dt.date(2027, 12, 31))
    choices = [newest_future, open_late, open_soon, ended]
    assert assignment_default(assignments=choices, today=today) == open_soon
    assert assignment_default(assignments=[newest_future, ended], today=today) == ended
    assert assignment_default(assignments=[newest_future], today=today) == newest_future
    assert assignment_default(assignments=[], today=today) is None


def test_a_unit_head_sees_only_the_assignments_that_concern_their_units(client, tree, unit_head, assignment):
    elsewhere = AssignmentFactory(
        slug="chi-tgpl", title="Chỉ cho Trung tâm TGPL", course__slug="khoa-tgpl", units=[tree["tgpl"]]
    )
    client.force_login(unit_head)  # heads Văn phòng, outside the centre

    page = client.get(_url()).content.decode()
    assert "Quán triệt 2026" in page
    assert elsewhere.title not in page
    assert client.get(_url(slug="chi-tgpl")).status_code == 404
    assert client.get(reverse("reports:dashboard_index"), {"assignment": "chi-tgpl"}).status_code == 404
