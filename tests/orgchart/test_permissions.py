"""The permission matrix, as data: (role, target, expected status).

Another unit's person or unit is "not found" (404), never "forbidden", so nothing leaks;
anonymous visitors are sent to the login page. Roles and the tree come from tests/conftest.py:
`unit_head` heads VP (with its team VP-TH), `other_unit_head` heads TGPL.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from orgchart.models import Staff
from tests.factories import MembershipFactory, StaffFactory

ROLES = ["anonymous", "learner", "unit_head", "other_unit_head", "office_admin", "superuser"]


def _staff_url(staff: Staff) -> str:
    return reverse("orgchart:person", kwargs={"staff_id": staff.pk})


def _self_url(user, world) -> str:
    """The user's own record; the Office and superuser fixtures have none, so give them one."""
    staff = Staff.objects.filter(user=user).first()
    if staff is None:
        staff = StaffFactory(user=user, email=user.email)
        MembershipFactory(staff=staff, unit=world["tree"]["root"])
    return _staff_url(staff)


# target name → how to build its URL from the world (users + tree + people)
TARGETS = {
    "home": lambda user, world: reverse("home"),
    "people": lambda user, world: reverse("orgchart:people"),
    "people_in_vp": lambda user, world: reverse("orgchart:people") + "?unit=VP",
    "people_in_vp_team": lambda user, world: reverse("orgchart:people") + "?unit=VP-TH",
    "people_in_tgpl": lambda user, world: reverse("orgchart:people") + "?unit=TGPL",
    "people_in_unknown_unit": lambda user, world: reverse("orgchart:people") + "?unit=NOPE",
    "people_search_page_2": lambda user, world: reverse("orgchart:people") + "?q=nguyen&page=2",
    "person_in_vp_tree": lambda user, world: _staff_url(world["vp_team_person"]),
    "person_in_tgpl": lambda user, world: _staff_url(world["tgpl_person"]),
    "person_at_root": lambda user, world: _staff_url(world["root_person"]),
    "person_who_left_vp": lambda user, world: _staff_url(world["vp_leaver"]),
    "person_unknown": lambda user, world: reverse("orgchart:person", kwargs={"staff_id": 987654}),
    "self": _self_url,
    "admin": lambda user, world: reverse("admin:index"),
}

LOGIN = "login"  # a redirect to the sign-in page

# fmt: off
MATRIX = {
    # target                   anonymous learner unit_head other_head office superuser
    "home":                   (LOGIN,    200,    200,      200,       200,   200),
    "people":                 (LOGIN,    404,    200,      200,       200,   200),
    "people_in_vp":           (LOGIN,    404,    200,      404,       200,   200),
    "people_in_vp_team":      (LOGIN,    404,    200,      404,       200,   200),
    "people_in_tgpl":         (LOGIN,    404,    404,      200,       200,   200),
    "people_in_unknown_unit": (LOGIN,    404,    404,      404,       404,   404),
    "people_search_page_2":   (LOGIN,    404,    200,      200,       200,   200),
    "person_in_vp_tree":      (LOGIN,    404,    200,      404,       200,   200),
    "person_in_tgpl":         (LOGIN,    404,    404,      200,       200,   200),
    "person_at_root":         (LOGIN,    404,    404,      404,       200,   200),
    "person_who_left_vp":     (LOGIN,    404,    404,      404,       200,   200),
    "person_unknown":         (LOGIN,    404,    404,      404,       404,   404),
    "self":                   (None,     200,    200,      200,       200,   200),
    "admin":                  (LOGIN,    404,    404,      404,       200,   200),
}
# fmt: on

CASES = [
    pytest.param(role, target, expected, id=f"{role}-{target}")
    for target, row in MATRIX.items()
    for role, expected in zip(ROLES, row, strict=True)
    if expected is not None  # an anonymous visitor has no "self"
]


@pytest.fixture
def world(tree, learner, unit_head, other_unit_head, office_admin, superuser):
    def person(code, unit, **kwargs):
        staff = StaffFactory(code=code)
        MembershipFactory(staff=staff, unit=unit, **kwargs)
        return staff

    today = timezone.localdate()
    leaver = person("CB-LEFT", tree["vp"], valid_from=dt.date(2024, 1, 1), valid_to=today - dt.timedelta(days=1))
    return {
        "tree": tree,
        "users": {
            "anonymous": None,
            "learner": learner,
            "unit_head": unit_head,
            "other_unit_head": other_unit_head,
            "office_admin": office_admin,
            "superuser": superuser,
        },
        "vp_team_person": person("CB-VPTH", tree["vp_team"]),
        "tgpl_person": person("CB-TGPL", tree["tgpl"]),
        "root_person": person("CB-STP", tree["root"]),
        "vp_leaver": leaver,
    }


@pytest.mark.parametrize(("role", "target", "expected"), CASES)
def test_permission_matrix(client, world, role, target, expected):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    url = TARGETS[target](user, world)

    response = client.get(url)

    if expected == LOGIN:
        assert response.status_code == 302, url
        location = response["Location"]
        # The site sends people to allauth's page; Django's admin to its own login, which is still a login.
        expected_login = "/admin/login/" if target == "admin" else reverse("account_login")
        assert location.startswith(expected_login), location
        assert "next=" in location
    else:
        assert response.status_code == expected, url


def test_matrix_covers_every_role_and_target():
    assert set(MATRIX) == set(TARGETS)
    assert all(len(row) == len(ROLES) for row in MATRIX.values())


def test_office_admin_without_totp_is_sent_to_set_it_up(client, tree):
    from tests.factories import UserFactory

    user = UserFactory(is_office_admin=True, is_staff=True)
    client.force_login(user)
    response = client.get(reverse("orgchart:people"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_people_pages_only_answer_get(client, world, method):
    client.force_login(world["users"]["office_admin"])
    response = getattr(client, method)(reverse("orgchart:people"))
    assert response.status_code == 405
