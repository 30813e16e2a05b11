"""The people list and the person page: search, Vietnamese order, pagination, htmx, dates, query counts."""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.text import fold_diacritics, name_sort_key
from orgchart.models import Membership, Staff, StaffCategory
from tests.factories import MembershipFactory, StaffFactory

PEOPLE = reverse("orgchart:people")
ENGLISH = {"accept-language": "en"}


def _person(unit, name, **kwargs):
    staff = StaffFactory(full_name=name, **{k: v for k, v in kwargs.items() if k in {"code", "email", "user"}})
    membership_fields = {k: v for k, v in kwargs.items() if k in {"position", "category", "valid_from", "valid_to"}}
    MembershipFactory(staff=staff, unit=unit, **membership_fields)
    return staff


def _listed_names(response) -> list[str]:
    return [membership.staff.full_name for membership in response.context["page"].object_list]


@pytest.fixture
def vp_people(tree, unit_head, learner, other_unit_head):
    """VP's tree already holds "Lê Văn Trưởng" (the head) and "Trần Thị Học" (the learner, in VP-TH)."""
    return {
        "an": _person(tree["vp"], "Nguyễn Văn An"),
        "an_2": _person(tree["vp_team"], "Trần Văn An"),
        "anh": _person(tree["vp"], "Trần Thị Ánh"),
        "binh": _person(tree["vp_team"], "Lê Văn Bình"),
        "dung": _person(tree["vp"], "Hoàng Dũng"),
        "duc": _person(tree["vp"], "Phạm Minh Đức", code="CB-DUC", email="pmduc@stp.dongnai.gov.vn"),
        "thuy": _person(tree["vp_team"], "Phạm Thị Bích Thủy", position="Phó Chánh Văn phòng"),
        # Outside VP's tree: never listed for VP's head, whatever the search.
        "tgpl_thuy": _person(tree["tgpl"], "Nguyễn Thị Thủy"),
    }


# --- search -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("thuy", {"Phạm Thị Bích Thủy"}),
        ("Thủy", {"Phạm Thị Bích Thủy"}),
        ("THỦY", {"Phạm Thị Bích Thủy"}),
        ("Thu\u0309y", {"Phạm Thị Bích Thủy"}),  # NFD, as macOS types it
        ("  bich   thuy ", {"Phạm Thị Bích Thủy"}),
        ("thuy bich", {"Phạm Thị Bích Thủy"}),
        ("đức", {"Phạm Minh Đức"}),
        ("duc", {"Phạm Minh Đức"}),
        ("DUC", {"Phạm Minh Đức"}),
        ("cb-duc", {"Phạm Minh Đức"}),
        ("pmduc@", {"Phạm Minh Đức"}),
        ("pmduc@stp.dongnai.gov.vn", {"Phạm Minh Đức"}),
        ("dung", {"Hoàng Dũng"}),
        ("hoang", {"Hoàng Dũng"}),
        ("ánh", {"Trần Thị Ánh"}),
        ("nguyen van an", {"Nguyễn Văn An"}),
        ("tran van", {"Trần Văn An"}),
        ("khac", set()),  # the other unit's head: out of scope
        ("zzz", set()),
        ("dongnai", set()),  # the shared email domain matches nobody
    ],
)
def test_search_with_and_without_diacritics(client, unit_head, vp_people, query, expected):
    client.force_login(unit_head)
    response = client.get(PEOPLE, {"q": query})
    assert response.status_code == 200
    assert set(_listed_names(response)) == expected


def test_office_search_spans_the_whole_department(client, office_admin, vp_people):
    client.force_login(office_admin)
    response = client.get(PEOPLE, {"q": "thuy"})
    assert set(_listed_names(response)) == {"Phạm Thị Bích Thủy", "Nguyễn Thị Thủy"}


def test_office_unit_filter_includes_sub_units_and_combines_with_search(client, office_admin, vp_people):
    client.force_login(office_admin)
    assert set(_listed_names(client.get(PEOPLE, {"unit": "TGPL"}))) == {"Phạm Minh Khác", "Nguyễn Thị Thủy"}
    assert set(_listed_names(client.get(PEOPLE, {"unit": "VP", "q": "thuy"}))) == {"Phạm Thị Bích Thủy"}
    team = set(_listed_names(client.get(PEOPLE, {"unit": "VP-TH"})))
    assert team == {"Trần Thị Học", "Trần Văn An", "Lê Văn Bình", "Phạm Thị Bích Thủy"}


def test_empty_filters_list_everyone_in_scope(client, unit_head, vp_people):
    client.force_login(unit_head)
    response = client.get(PEOPLE, {"q": "", "unit": ""})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 9


def test_no_match_says_so(client, unit_head, vp_people):
    client.force_login(unit_head)
    response = client.get(PEOPLE, {"q": "zzz"}, headers=ENGLISH)
    assert "Nobody matches “zzz”." in response.content.decode()
    assert "<table" not in response.content.decode()


def test_the_query_is_escaped_when_echoed(client, unit_head, vp_people):
    client.force_login(unit_head)
    html = client.get(PEOPLE, {"q": '<script>alert("x")</script>'}).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html


def test_an_overlong_query_is_cut_not_refused(client, unit_head, vp_people):
    client.force_login(unit_head)
    response = client.get(PEOPLE, {"q": "thuy" + " " * 96 + "x" * 500})
    assert response.status_code == 200
    assert set(_listed_names(response)) == {"Phạm Thị Bích Thủy"}


# --- order ------------------------------------------------------------------------------------------------------


def test_sorted_the_vietnamese_way_by_given_name(client, unit_head, vp_people):
    client.force_login(unit_head)
    response = client.get(PEOPLE)
    assert _listed_names(response) == [
        "Nguyễn Văn An",  # same given name: then by the rest, "Nguyễn" before "Trần"
        "Trần Văn An",
        "Trần Thị Ánh",  # tone marks are secondary: An < Ánh
        "Lê Văn Bình",
        "Hoàng Dũng",  # d before đ, whatever follows
        "Phạm Minh Đức",
        "Trần Thị Học",
        "Phạm Thị Bích Thủy",
        "Lê Văn Trưởng",
    ]
    # …and the rendered table follows the same order.
    html = response.content.decode()
    positions = [html.index(name) for name in ("Nguyễn Văn An", "Trần Thị Ánh", "Lê Văn Bình", "Phạm Minh Đức")]
    assert positions == sorted(positions)


# --- columns and the no-JavaScript form ---------------------------------------------------------------------------


def test_rows_show_name_link_code_unit_position_and_category_label(client, unit_head, vp_people):
    client.force_login(unit_head)
    html = client.get(PEOPLE, {"q": "thuy"}, headers=ENGLISH).content.decode()
    thuy = vp_people["thuy"]
    assert f'href="{reverse("orgchart:person", kwargs={"staff_id": thuy.pk})}"' in html
    assert thuy.code in html
    assert "Tổ Tổng hợp" in html
    assert "Phó Chánh Văn phòng" in html
    assert "Civil servant" in html
    assert "civil_servant" not in html


class _FormAudit(HTMLParser):
    """Collects the controls of the page and the `for` of its labels."""

    def __init__(self):
        super().__init__()
        self.controls: list[dict] = []
        self.label_targets: set[str] = set()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in {"input", "select", "textarea"} and attributes.get("type") not in {"hidden", "submit"}:
            self.controls.append(attributes)
        if tag == "label" and attributes.get("for"):
            self.label_targets.add(attributes["for"])
        if tag == "form":
            self.forms.append(attributes)


def test_full_page_has_a_labelled_plain_get_form_and_a_live_results_region(client, unit_head, vp_people):
    client.force_login(unit_head)
    html = client.get(PEOPLE, {"q": "an", "unit": "VP"}).content.decode()
    audit = _FormAudit()
    audit.feed(html)
    assert audit.controls, "the page has no inputs"
    for control in audit.controls:
        assert control.get("id") in audit.label_targets, f"control without a label: {control}"
    search_form = next(form for form in audit.forms if form.get("action") == PEOPLE)
    assert search_form["method"] == "get"
    assert re.search(r'<button type="submit">', html)
    # The search box drives the results live with htmx…
    search_box = next(control for control in audit.controls if control.get("name") == "q")
    assert search_box["hx-get"] == PEOPLE
    assert search_box["hx-trigger"] == "input changed delay:300ms, search"
    assert search_box["hx-target"] == "#people-results"
    assert search_box["hx-push-url"] == "true"
    assert search_box["value"] == "an"
    # …into a region that screen readers announce, and the current filter stays selected.
    assert re.search(r'<div id="people-results" aria-live="polite">', html)
    assert re.search(r'<option value="VP" selected>', html)
    assert '<th scope="col">' in html
    assert '<th scope="row">' in html
    assert 'class="responsive-table"' in html


def test_unit_head_only_gets_their_own_units_in_the_filter(client, unit_head, vp_people):
    client.force_login(unit_head)
    response = client.get(PEOPLE)
    assert [choice["code"] for choice in response.context["unit_choices"]] == ["VP", "VP-TH"]
    # The team is indented under its division.
    assert response.context["unit_choices"][1]["label"].startswith("\u2003")


# --- htmx -------------------------------------------------------------------------------------------------------


def test_htmx_request_renders_only_the_results_partial(client, unit_head, vp_people):
    client.force_login(unit_head)
    response = client.get(PEOPLE, {"q": "duc"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    names = {template.name for template in response.templates}
    assert "orgchart/_people_results.html" in names
    assert "orgchart/people_list.html" not in names
    assert "base.html" not in names
    html = response.content.decode()
    assert "<html" not in html
    assert "Phạm Minh Đức" in html
    assert "Trần Thị Ánh" not in html
    assert "HX-Request" in response["Vary"]


def test_full_page_includes_the_same_partial(client, unit_head, vp_people):
    client.force_login(unit_head)
    response = client.get(PEOPLE, {"q": "duc"})
    names = [template.name for template in response.templates]
    assert "orgchart/people_list.html" in names
    assert "orgchart/_people_results.html" in names
    assert "<html" in response.content.decode()


def test_htmx_history_restore_gets_the_full_page(client, unit_head, vp_people):
    client.force_login(unit_head)
    response = client.get(PEOPLE, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in response.content.decode()


def test_htmx_request_is_scoped_like_the_page(client, unit_head, vp_people):
    client.force_login(unit_head)
    assert client.get(PEOPLE, {"unit": "TGPL"}, headers={"HX-Request": "true"}).status_code == 404


# --- pagination -------------------------------------------------------------------------------------------------


@pytest.fixture
def thirty_namesakes(tree, vp_people):
    return [_person(tree["vp"], f"Nguyễn Văn Thử {n:02d}") for n in range(30)]


def test_paginated_by_25_with_links_that_keep_the_query(client, unit_head, thirty_namesakes):
    client.force_login(unit_head)
    first = client.get(PEOPLE, {"q": "van thu", "unit": "VP"})
    assert first.context["page"].paginator.count == 30
    assert len(first.context["page"].object_list) == 25
    html = first.content.decode()
    assert f'href="{PEOPLE}?q=van+thu&amp;unit=VP&amp;page=2"' in html
    assert 'rel="prev"' not in html

    second = client.get(PEOPLE, {"q": "van thu", "unit": "VP", "page": "2"})
    assert len(second.context["page"].object_list) == 5
    assert f'href="{PEOPLE}?q=van+thu&amp;unit=VP&amp;page=1"' in second.content.decode()
    assert 'rel="next"' not in second.content.decode()
    assert set(_listed_names(first)).isdisjoint(_listed_names(second))


def test_page_links_keep_a_vietnamese_query_url_encoded(client, unit_head, thirty_namesakes):
    client.force_login(unit_head)
    html = client.get(PEOPLE, {"q": "Văn Thử"}).content.decode()
    assert f'href="{PEOPLE}?q=V%C4%83n+Th%E1%BB%AD&amp;page=2"' in html


@pytest.mark.parametrize(("page", "expected_number"), [("abc", 1), ("0", 2), ("99", 2), ("", 1)])
def test_bad_page_numbers_fall_back_to_a_real_page(client, unit_head, thirty_namesakes, page, expected_number):
    client.force_login(unit_head)
    response = client.get(PEOPLE, {"page": page})
    assert response.status_code == 200
    # 39 people: the 9 of `vp_people`'s tree plus 30 namesakes.
    assert response.context["page"].paginator.count == 39
    assert response.context["page"].number == expected_number


# --- the person page ----------------------------------------------------------------------------------------------


@pytest.fixture
def moved_person(tree):
    staff = StaffFactory(
        full_name="Đặng Thị Thu Hà", code="CB-HA", date_of_birth=dt.date(1990, 3, 5), is_communications=True
    )
    MembershipFactory(
        staff=staff,
        unit=tree["tgpl"],
        position="Trợ giúp viên pháp lý",
        category=StaffCategory.PUBLIC_EMPLOYEE,
        valid_from=dt.date(2020, 2, 1),
        valid_to=dt.date(2024, 12, 31),
    )
    MembershipFactory(
        staff=staff,
        unit=tree["vp_team"],
        position="Chuyên viên truyền thông",
        category=StaffCategory.CIVIL_SERVANT,
        valid_from=dt.date(2025, 1, 1),
    )
    return staff


@pytest.mark.parametrize("language", ["vi", "en"])
def test_person_page_shows_dates_as_dd_mm_yyyy_in_every_language(client, unit_head, moved_person, language):
    client.force_login(unit_head)
    response = client.get(
        reverse("orgchart:person", kwargs={"staff_id": moved_person.pk}), headers={"accept-language": language}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "05/03/1990" in html  # date of birth
    assert "01/01/2025" in html  # from, current membership
    assert "01/02/2020" in html  # from, previous membership
    assert "31/12/2024" in html  # to, previous membership
    assert "1990-03-05" not in html


def test_person_page_shows_the_record_and_the_history_newest_first(client, unit_head, moved_person):
    client.force_login(unit_head)
    response = client.get(reverse("orgchart:person", kwargs={"staff_id": moved_person.pk}), headers=ENGLISH)
    html = response.content.decode()
    for text in ("Đặng Thị Thu Hà", "CB-HA", moved_person.email, "Chuyên viên truyền thông", "Public employee"):
        assert text in html
    current = response.context["current"]
    assert current.unit.code == "VP-TH"
    assert current.get_category_display() == "Civil servant"
    assert [membership.unit.code for membership in response.context["history"]] == ["VP-TH", "TGPL"]
    assert html.index("Tổ Tổng hợp") < html.index("Trung tâm Trợ giúp pháp lý nhà nước")
    assert re.search(r"<dt>Communications staff</dt>\s*<dd>Yes</dd>", html)


def test_person_page_of_a_leaver_has_no_current_unit(client, office_admin, tree):
    leaver = _person(tree["vp"], "Võ Văn Nghỉ", valid_from=dt.date(2024, 1, 1), valid_to=dt.date(2024, 6, 30))
    client.force_login(office_admin)
    response = client.get(reverse("orgchart:person", kwargs={"staff_id": leaver.pk}), headers=ENGLISH)
    assert response.context["current"] is None
    assert "Not currently on the roster" in response.content.decode()
    assert "30/06/2024" in response.content.decode()


def test_person_page_query_count_does_not_grow_with_the_history(client, office_admin, tree, django_assert_num_queries):
    short = _person(tree["vp"], "Ngô Văn Ngắn")
    long = StaffFactory(full_name="Ngô Văn Dài")
    for year in range(2015, 2025):
        MembershipFactory(
            staff=long,
            unit=tree["vp"] if year % 2 else tree["tgpl"],
            valid_from=dt.date(year, 1, 1),
            valid_to=dt.date(year, 12, 31),
        )
    MembershipFactory(staff=long, unit=tree["vp_team"], valid_from=dt.date(2025, 1, 1))
    client.force_login(office_admin)
    with CaptureQueriesContext(connection) as short_queries:
        client.get(reverse("orgchart:person", kwargs={"staff_id": short.pk}))
    with CaptureQueriesContext(connection) as long_queries:
        response = client.get(reverse("orgchart:person", kwargs={"staff_id": long.pk}))
    assert len(response.context["history"]) == 11
    assert len(long_queries) == len(short_queries)


# --- home ---------------------------------------------------------------------------------------------------------


def test_home_links_to_what_the_role_can_do(client, learner, unit_head, office_admin):
    client.force_login(learner)
    html = client.get(reverse("home")).content.decode()
    own = Staff.objects.get(user=learner)
    assert f'href="{reverse("orgchart:person", kwargs={"staff_id": own.pk})}"' in html
    assert f'href="{PEOPLE}"' not in html
    assert f'href="{reverse("admin:index")}"' not in html

    client.force_login(unit_head)
    html = client.get(reverse("home")).content.decode()
    assert f'href="{PEOPLE}"' in html
    assert f'href="{reverse("admin:index")}"' not in html

    client.force_login(office_admin)
    html = client.get(reverse("home")).content.decode()
    assert f'href="{PEOPLE}"' in html
    assert f'href="{reverse("admin:index")}"' in html


# --- a constant number of queries ---------------------------------------------------------------------------------

_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
_MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hữu", "Đức", "Thu", "Quốc", "Bích"]
_GIVEN = ["An", "Ánh", "Thủy", "Bình", "Châu", "Dũng", "Đức", "Giang", "Hà", "Hải", "Hùng", "Khoa", "Lan", "Yến"]


def _bulk_staff(*, units, count: int, start: int = 0) -> None:
    """`count` people spread over `units`, inserted in two statements; keys computed as the services do."""
    people = []
    for n in range(start, start + count):
        given = _GIVEN[n % len(_GIVEN)]
        middle = _MIDDLE[n // len(_GIVEN) % len(_MIDDLE)]
        family = _FAMILY[n // (len(_GIVEN) * len(_MIDDLE)) % len(_FAMILY)]
        full_name, code, email = f"{family} {middle} {given}", f"BULK{n:06d}", f"bulk{n}@stp.dongnai.gov.vn"
        people.append(
            StaffFactory.build(
                full_name=full_name,
                code=code,
                email=email,
                sort_key=name_sort_key(full_name),
                search_text=fold_diacritics(f"{full_name} {code} {email}"),
            )
        )
    Staff.objects.bulk_create(people, batch_size=500)
    people = Staff.objects.filter(code__in=[person.code for person in people]).only("pk")
    Membership.objects.bulk_create(
        [
            MembershipFactory.build(staff=person, unit=units[n % len(units)], valid_from=dt.date(2025, 1, 1))
            for n, person in enumerate(people)
        ],
        batch_size=500,
    )


def _people_queries(client, params, headers=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PEOPLE, params, headers=headers or {})
    assert response.status_code == 200
    # An empty result skips the page query: compare lists that have rows.
    assert response.context["page"].object_list
    return len(queries)


# Session, user, scope, count, page of rows, unit choices; the Office adds its TOTP check.
EXPECTED_QUERIES = {"unit_head": 6, "office_admin": 7}


@pytest.mark.parametrize("size", [10, 1000])
@pytest.mark.parametrize("role", ["unit_head", "office_admin"])
def test_people_list_query_count_is_fixed(client, tree, request, django_assert_num_queries, role, size):
    _bulk_staff(units=[tree["vp"], tree["vp_team"]], count=size)
    client.force_login(request.getfixturevalue(role))
    with django_assert_num_queries(EXPECTED_QUERIES[role]):
        response = client.get(PEOPLE)
    assert response.context["page"].paginator.count >= size
    assert len(response.context["page"].object_list) == min(25, response.context["page"].paginator.count)


@pytest.mark.parametrize(
    ("params", "headers"),
    [
        ({}, None),
        ({"q": "thuy"}, None),
        ({"q": "nguyen van", "unit": "VP-TH", "page": "2"}, None),
        ({"q": "an"}, {"HX-Request": "true"}),
    ],
)
def test_people_list_same_query_count_with_10_and_1000_staff(client, tree, unit_head, params, headers):
    units = [tree["vp"], tree["vp_team"]]
    _bulk_staff(units=units, count=10)
    client.force_login(unit_head)
    small = _people_queries(client, params, headers)
    _bulk_staff(units=units, count=990, start=10)
    assert Staff.objects.count() >= 1000
    large = _people_queries(client, params, headers)
    assert small == large
