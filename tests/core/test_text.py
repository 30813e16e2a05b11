import unicodedata

import pytest

from core.text import detect_legacy_encoding, fold_diacritics, name_sort_key, normalize_text


def test_normalize_text_makes_nfc_and_trims():
    nfd = unicodedata.normalize("NFD", "  Hoà   Bình\t")
    assert nfd != "Hoà Bình"
    assert normalize_text(nfd) == unicodedata.normalize("NFC", "Hoà Bình")
    assert normalize_text(None) == ""


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Đặng Thị THỦY", "dang thi thuy"), ("Nguyễn Đức", "nguyen duc"), ("Ánh", "anh")],
)
def test_fold_diacritics_maps_d_by_hand(text, folded):
    assert fold_diacritics(text) == folded


def test_name_sort_key_sorts_by_given_name_with_vietnamese_collation():
    names = ["Nguyễn Văn Đức", "Trần Thị An", "Lê Văn Ánh", "Đỗ Dũng", "Vũ Thị Ầu", "Phạm Ă", "Hoàng Bình"]
    ordered = sorted(names, key=name_sort_key)
    # a < ă < â; tones are secondary (An before Ánh); d before đ.
    assert ordered == ["Trần Thị An", "Lê Văn Ánh", "Phạm Ă", "Vũ Thị Ầu", "Hoàng Bình", "Đỗ Dũng", "Nguyễn Văn Đức"]


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Hµ Néi", "TCVN3"),
        ("Lª ThÞ Thu", "TCVN3"),
        ("Phßng T\xad ph¸p", "TCVN3"),
        ("Nguyeãn Vaên A", "VNI"),
        ("Traàn Ñöùc", "VNI"),
        ("NGUYEÃN VAÊN", "VNI"),
    ],
)
def test_detect_legacy_encoding_flags_tcvn3_and_vni(text, encoding):
    assert detect_legacy_encoding(text) == encoding


@pytest.mark.parametrize(
    "text",
    ["Hà Nội", "Phạm Thị Bích Thủy", "Hoà Bình", "ngoan ngoãn", "Tiên Yên", "Quý", "Ông Bà", "CB0001", ""],
)
def test_detect_legacy_encoding_accepts_unicode_vietnamese(text):
    assert detect_legacy_encoding(text) is None
