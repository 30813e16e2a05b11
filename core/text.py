"""Vietnamese text: NFC normalisation, accent folding, collation keys, legacy encodings."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")
# Invisible characters that get into names by copy and paste: C0/C1 controls (tab, line
# feed and carriage return excepted: they are whitespace), soft hyphen, zero-width
# spaces and joiners, direction marks and bidi overrides/isolates, word joiner and
# invisible operators, BOM / zero-width no-break space, interlinear annotation marks.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)
# Look-alikes typed for Vietnamese letters: the Icelandic eth Ð/ð (U+00D0/U+00F0) for Đ/đ.
_LOOK_ALIKES = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111"})


def normalize_text(value: str | None) -> str:
    """NFC, look-alikes fixed (Ð → Đ), invisible and control characters removed, whitespace collapsed, trimmed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    if not text.isascii() or not text.isprintable():
        text = _INVISIBLE.sub("", text.translate(_LOOK_ALIKES))
    return _SPACES.sub(" ", text).strip()


def same_name(left: str, right: str) -> bool:
    """Whether two typed names are the same person's name: cleaned (`normalize_text`), case ignored, NFC."""

    def key(value: str) -> str:
        return unicodedata.normalize("NFC", normalize_text(value).casefold())

    return key(left) == key(right)


def is_all_caps(value: str) -> bool:
    """True for a name typed in capitals ("NGUYỄN VĂN AN"): two letters at least, none lower case."""
    letters = [ch for ch in value if ch.isalpha()]
    return len(letters) >= 2 and value.upper() == value and value.lower() != value


def name_case(value: str) -> str:
    """A person's name in title case, word by word ("NGUYỄN VĂN AN" → "Nguyễn Văn An")."""
    return " ".join(word[:1].upper() + word[1:].lower() for word in value.split(" "))


def fold_diacritics(value: str) -> str:
    """Lower-case ASCII-ish form for accent-insensitive search ("Đặng Thủy" -> "dang thuy")."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return normalize_text(stripped).casefold()


@lru_cache(maxsize=1)
def _collator():
    import icu

    collator = icu.Collator.createInstance(icu.Locale("vi_VN"))
    return collator


def name_sort_key(full_name: str) -> bytes:
    """Vietnamese sort key: given name (last word) first, then the rest, ICU `vi` collation."""
    parts = normalize_text(full_name).split(" ")
    reordered = " ".join([parts[-1], *parts[:-1]]) if parts else ""
    return bytes(_collator().getSortKey(reordered))


# TCVN3 (ABC) text read as Unicode shows Latin-1 symbols that Vietnamese never uses
# inside a word ("Hµ Néi" for "Hà Nội"). VNI writes each mark as a separate Latin-1
# letter after the base vowel ("Nguyeãn" for "Nguyễn", "Traàn" for "Trần").
_TCVN3_MARKERS = frozenset("¡¢£¤¥¦§¨©ª«¬®¯°±²³´µ¶·¸¹º»¼½¾¿ÆÇÎÏÐ×Þßæçîïðþÿ")
_NEVER_VIETNAMESE = frozenset("øûïëäöñåüÿ")
_VNI_AFTER_A = frozenset("áàåãäéèúüëùøûõïâê")
_VNI_AFTER_E_O = frozenset("áàåãäùøûõïâ")
_VNI_AFTER_I_U_Y = frozenset("ùøûõï")
# Genuine spellings that look like VNI pairs: "hoà", "hoá", "ngoãn" (old-style tone placement).
_GENUINE_PAIRS = frozenset({"oà", "oá", "oã"})
_VIETNAMESE_BEYOND_LATIN1 = re.compile(r"[\u0100-\u024f\u1e00-\u1eff]")


def _looks_vni(word: str) -> bool:
    if any(ch in _NEVER_VIETNAMESE for ch in word):
        return True
    for base, mark in zip(word, word[1:], strict=False):
        pair = base + mark
        if pair in _GENUINE_PAIRS:
            continue
        if (
            (base == "a" and mark in _VNI_AFTER_A)
            or (base in "eo" and mark in _VNI_AFTER_E_O)
            or (base in "iuy" and mark in _VNI_AFTER_I_U_Y)
        ):
            return True
    return False


def detect_legacy_encoding(value: str) -> str | None:
    """Return "TCVN3" or "VNI" when text looks like a legacy 8-bit Vietnamese encoding."""
    if not value or value.isascii():
        return None
    # Real Unicode Vietnamese almost always has letters beyond Latin-1 (ă ơ ư đ ạ ế …);
    # legacy text read as Latin-1 never does. The test is per word, so a cell that mixes
    # Unicode and legacy text ("Nguyễn Traàn") is caught too.
    words = [
        word
        for word in (w.strip(".,;:!?()\"'") for w in value.lower().split())
        if not _VIETNAMESE_BEYOND_LATIN1.search(word)
    ]
    for word in words:
        if any(ch in _TCVN3_MARKERS for ch in word) and any(ch.isascii() and ch.isalpha() for ch in word):
            return "TCVN3"
    if any(_looks_vni(word) for word in words):
        return "VNI"
    return None
