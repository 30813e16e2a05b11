"""staff_update (used by the admin) and staff_index_fields."""

import datetime as dt
import unicodedata

import pytest
from django.core.exceptions import ValidationError

from core.text import fold_diacritics, name_sort_key
from orgchart.models import Staff
from orgchart.services.staff import staff_index_fields, staff_update

from ..factories import StaffFactory


def test_index_fields():
    fields = staff_index_fields(full_name="Đặng Thị Thủy", code="CB001", email="thuy@stp.dongnai.gov.vn")
    assert fields == {
        "sort_key": name_sort_key("Đặng Thị Thủy"),
        "search_text": fold_diacritics("Đặng Thị Thủy CB001 thuy"),
    }
    # Only the mailbox: the shared domain would make every short query match everyone.
    assert fields["search_text"] == "dang thi thuy cb001 thuy"


def test_update_normalises_and_recomputes_the_index(db):
    staff = StaffFactory(code="CB001", full_name="Nguyễn Văn An")
    staff_update(
        staff=staff,
        full_name=unicodedata.normalize("NFD", "  Đặng   Thị Thủy "),
        email=" Thuy.Dang@STP.dongnai.gov.vn ",
        date_of_birth=dt.date(1988, 3, 8),
        is_communications=True,
    )
    staff = Staff.objects.get(pk=staff.pk)
    assert staff.full_name == "Đặng Thị Thủy"
    assert staff.email == "thuy.dang@stp.dongnai.gov.vn"
    assert (staff.date_of_birth, staff.is_communications) == (dt.date(1988, 3, 8), True)
    assert bytes(staff.sort_key) == name_sort_key("Đặng Thị Thủy")
    assert staff.search_text == "dang thi thuy cb001 thuy.dang"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"full_name": " "}, "full_name"),
        ({"full_name": "A" * 151}, "full_name"),
        ({"full_name": "NguyÔn V¨n Hµ"}, "full_name"),
        ({"code": "CB 01"}, "code"),
        ({"code": "cb999"}, "code"),  # another staff member's code, whatever its case
        ({"email": "khong-phai-email"}, "email"),
        ({"email": "Taken@stp.dongnai.gov.vn"}, "email"),
        ({"date_of_birth": dt.date(2999, 1, 1)}, "date_of_birth"),
        ({"date_of_birth": dt.date(1899, 12, 31)}, "date_of_birth"),
    ],
)
def test_update_refuses_and_writes_nothing(db, fields, field):
    StaffFactory(code="CB999", email="taken@stp.dongnai.gov.vn")
    staff = StaffFactory(code="CB001", full_name="Nguyễn Văn An")
    before = list(Staff.objects.order_by("pk").values_list())
    with pytest.raises(ValidationError) as caught:
        staff_update(staff=staff, **fields)
    assert list(caught.value.message_dict) == [field]
    assert list(Staff.objects.order_by("pk").values_list()) == before


def test_update_rejects_fields_that_are_effective_dated(db):
    with pytest.raises(TypeError):
        staff_update(staff=StaffFactory(), position="Trưởng phòng")
