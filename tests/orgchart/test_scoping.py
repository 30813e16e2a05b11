"""Who may see whom: `scope_for`, `staff_visible_to`, `access_staff`, `access_unit` for every role.

Uses the tree of tests/conftest.py: STP → VP → VP-TH, STP → TGPL; `unit_head` heads VP,
`other_unit_head` heads TGPL, `learner` sits in VP-TH.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from orgchart.models import Membership, Staff
from orgchart.roles import scope_for
from orgchart.selectors import (
    access_staff,
    access_unit,
    membership_list_current_visible,
    staff_visible_to,
    units_visible_to,
)
from tests.factories import MembershipFactory, StaffFactory, UnitFactory, UserFactory


def _codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


def _fresh(user):
    """`scope_for` caches on the user object; tests that change the org chart need a new one."""
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def everyone(tree, learner, unit_head, other_unit_head):
    """Adds one more person to each unit so every subtree has somebody who is not a head."""
    people = {}
    for key, code in (("root", "CB-STP"), ("vp", "CB-VP2"), ("vp_team", "CB-VPTH2"), ("tgpl", "CB-TG2")):
        staff = StaffFactory(code=code)
        MembershipFactory(staff=staff, unit=tree[key], valid_from=dt.date(2025, 1, 1))
        people[key] = staff
    return people


def test_anonymous_has_an_empty_scope(db):
    scope = scope_for(user=AnonymousUser())
    assert scope.everything is False
    assert scope.unit_paths == ()
    assert scope.own_staff_id is None


def test_learner_sees_only_themselves(everyone, learner):
    scope = scope_for(user=learner)
    assert scope.everything is False
    assert scope.is_unit_head is False
    assert scope.own_staff_id == Staff.objects.get(code="CB-HV").pk
    assert _codes(staff_visible_to(user=learner)) == {"CB-HV"}
    assert not units_visible_to(user=learner).exists()
    assert not membership_list_current_visible(user=learner).exists()


def test_unit_head_sees_their_unit_and_its_sub_units(everyone, unit_head, tree):
    scope = scope_for(user=unit_head)
    assert scope.is_unit_head
    assert scope.unit_paths == (tree["vp"].path,)
    assert scope.own_staff_id == Staff.objects.get(code="CB-VP").pk
    assert _codes(staff_visible_to(user=unit_head)) == {"CB-VP", "CB-VP2", "CB-VPTH2", "CB-HV"}
    assert _codes(units_visible_to(user=unit_head)) == {"VP", "VP-TH"}
    listed = membership_list_current_visible(user=unit_head).values_list("staff__code", flat=True)
    assert set(listed) == {"CB-VP", "CB-VP2", "CB-VPTH2", "CB-HV"}


def test_other_unit_head_sees_only_their_own_unit(everyone, other_unit_head):
    assert _codes(staff_visible_to(user=other_unit_head)) == {"CB-TG", "CB-TG2"}
    assert _codes(units_visible_to(user=other_unit_head)) == {"TGPL"}


@pytest.mark.parametrize("role", ["office_admin", "superuser"])
def test_office_and_superuser_see_everything(everyone, role, request):
    user = request.getfixturevalue(role)
    scope = scope_for(user=user)
    assert scope.everything is True
    assert _codes(staff_visible_to(user=user)) == set(Staff.objects.values_list("code", flat=True))
    assert _codes(units_visible_to(user=user)) == {"STP", "VP", "VP-TH", "TGPL"}
    assert membership_list_current_visible(user=user).count() == Membership.objects.count()


def test_head_of_two_units_sees_both_trees_but_not_the_rest(everyone, tree):
    user = UserFactory()
    head = StaffFactory(user=user, code="CB-2U")
    MembershipFactory(staff=head, unit=tree["vp"])
    tree["vp_team"].heads.add(head)
    tree["tgpl"].heads.add(head)
    scope = scope_for(user=user)
    assert scope.own_staff_id == head.pk
    assert set(scope.unit_paths) == {tree["vp_team"].path, tree["tgpl"].path}
    # Their own record is in VP, outside both trees: still visible to themselves.
    assert _codes(staff_visible_to(user=user)) == {"CB-2U", "CB-HV", "CB-VPTH2", "CB-TG", "CB-TG2"}


def test_heading_a_unit_and_its_sub_unit_counts_the_tree_once(everyone, tree, unit_head):
    staff = Staff.objects.get(user=unit_head)
    tree["vp_team"].heads.add(staff)
    user = _fresh(unit_head)
    assert scope_for(user=user).unit_paths == (tree["vp"].path,)
    assert staff_visible_to(user=user).count() == 4


def test_a_unit_with_two_heads_gives_each_head_their_own_record(everyone, tree, unit_head):
    deputy_user = UserFactory()
    deputy = StaffFactory(user=deputy_user, code="CB-PHO")
    MembershipFactory(staff=deputy, unit=tree["vp"])
    tree["vp"].heads.add(deputy)
    assert scope_for(user=deputy_user).own_staff_id == deputy.pk
    assert scope_for(user=_fresh(unit_head)).own_staff_id == Staff.objects.get(code="CB-VP").pk


def test_deeper_sub_units_are_included(everyone, tree, unit_head):
    group = UnitFactory(code="VP-TH-1", parent=tree["vp_team"])
    deep = StaffFactory(code="CB-DEEP")
    MembershipFactory(staff=deep, unit=group)
    assert "CB-DEEP" in _codes(staff_visible_to(user=unit_head))
    assert "VP-TH-1" in _codes(units_visible_to(user=unit_head))


def test_a_person_who_moved_out_of_the_tree_is_no_longer_visible(everyone, tree, unit_head):
    mover = everyone["vp_team"]
    moved_on = timezone.localdate()
    Membership.objects.filter(staff=mover, valid_to__isnull=True).update(valid_to=moved_on - dt.timedelta(days=1))
    MembershipFactory(staff=mover, unit=tree["tgpl"], valid_from=moved_on)

    assert mover.code not in _codes(staff_visible_to(user=unit_head))
    with pytest.raises(Http404):
        access_staff(user=unit_head, staff_id=mover.pk)
    # …but was visible on the last day in VP, and is now visible to TGPL's head.
    yesterday = moved_on - dt.timedelta(days=1)
    assert mover.code in _codes(staff_visible_to(user=unit_head, on_date=yesterday))
    assert mover.code in {m.staff.code for m in membership_list_current_visible(user=unit_head, on_date=yesterday)}
    assert mover.code not in {m.staff.code for m in membership_list_current_visible(user=unit_head)}


def test_a_person_who_joins_later_is_not_visible_before_they_join(everyone, tree, unit_head, other_unit_head):
    joiner = StaffFactory(code="CB-NEW")
    MembershipFactory(staff=joiner, unit=tree["vp"], valid_from=timezone.localdate() + dt.timedelta(days=10))
    assert "CB-NEW" not in _codes(staff_visible_to(user=unit_head))
    assert "CB-NEW" in _codes(staff_visible_to(user=unit_head, on_date=timezone.localdate() + dt.timedelta(days=10)))


def test_a_leaver_disappears_from_the_heads_list_but_keeps_their_history(everyone, tree, unit_head):
    leaver = everyone["vp"]
    Membership.objects.filter(staff=leaver).update(valid_to=timezone.localdate() - dt.timedelta(days=1))
    assert leaver.code not in _codes(staff_visible_to(user=unit_head))
    assert Membership.objects.filter(staff=leaver).exists()


def test_inactive_units_give_no_scope(everyone, tree, other_unit_head):
    tree["tgpl"].is_active = False
    tree["tgpl"].save()
    user = _fresh(other_unit_head)
    assert scope_for(user=user).is_unit_head is False
    assert _codes(staff_visible_to(user=user)) == {"CB-TG"}


def test_access_staff_and_access_unit_raise_404_outside_the_scope(everyone, unit_head, other_unit_head):
    assert access_staff(user=unit_head, staff_id=everyone["vp_team"].pk) == everyone["vp_team"]
    with pytest.raises(Http404):
        access_staff(user=unit_head, staff_id=everyone["tgpl"].pk)
    with pytest.raises(Http404):
        access_staff(user=unit_head, staff_id=everyone["root"].pk)
    assert access_unit(user=unit_head, unit_code="VP-TH").code == "VP-TH"
    for code in ("TGPL", "STP", "NO-SUCH-UNIT"):
        with pytest.raises(Http404):
            access_unit(user=unit_head, unit_code=code)


def test_scope_is_one_query_and_cached_for_the_request(everyone, unit_head, django_assert_num_queries):
    user = _fresh(unit_head)
    with django_assert_num_queries(1):
        scope_for(user=user)
        scope_for(user=user)
