"""Pages outside the learner journey, in Vietnamese (the default language), at 360 px: axe and no sideways scroll."""

from __future__ import annotations

import pytest

from orgchart.models import StaffCategory
from tests.e2e.browser import vi
from tests.factories import MembershipFactory, StaffFactory

try:
    from playwright.sync_api import expect
except ImportError:  # the `chromium` fixture then skips these tests with the reason (fails them under CI)
    expect = None

pytestmark = pytest.mark.browser


@pytest.fixture
def unit_head_with_people(transactional_db, tree, unit_head):
    names = ["Nguyễn Thị Thủy", "Trần Văn Đức", "Lê Hoàng Yến", "Phạm Quốc Bảo", "Võ Thị Ngọc Ánh"]
    for number, name in enumerate(names):
        unit = tree["vp_team"] if number % 2 else tree["vp"]
        category = StaffCategory.PUBLIC_EMPLOYEE if number % 2 else StaffCategory.CIVIL_SERVANT
        staff = StaffFactory(full_name=name)
        MembershipFactory(staff=staff, unit=unit, category=category, position="Chuyên viên chính")
    return unit_head


def test_sign_in_page_and_people_list_are_accessible_in_vietnamese(phone, unit_head_with_people):
    page = phone.page
    phone.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    phone.sign_in(email=unit_head_with_people.email, step="sign-in-anonymous")

    page.get_by_role("navigation", name=vi("Main navigation")).get_by_role("link", name=vi("People")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("People"))
    expect(page.get_by_role("row", name="Nguyễn Thị Thủy")).to_have_count(1)
    phone.step("people-list")

    page.get_by_role("searchbox", name=vi("Name, staff code or email")).fill("thuy")
    expect(page.get_by_role("row")).to_have_count(1 + 1)  # the header row and Thủy
    phone.step("people-search")

    phone.assert_accessible()
