"""Vietnamese by default, English on request; the catalogues are complete, compiled and in step.

The `.po` files are read with a small parser below (no polib in the requirements).
"""

import ast
import gettext
import re
from pathlib import Path

import allauth
import django
import import_export
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.factories import give_totp

BASE_DIR = Path(settings.BASE_DIR)
VI_PO = BASE_DIR / "locale" / "vi" / "LC_MESSAGES" / "django.po"
EN_PO = BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
LOGIN = reverse("account_login")
PEOPLE = reverse("orgchart:people")
# Files whose only job is to hold third-party msgids for `makemessages`, and an upstream
# catalogue that lists every msgid of that package's installed version.
KEPT_STRINGS = {
    "core/allauth_strings.py": [Path(allauth.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"],
    "core/import_export_strings.py": [
        Path(import_export.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    ],
    "core/django_strings.py": [
        Path(django.__file__).parent / "conf" / "locale" / "en" / "LC_MESSAGES" / "django.po",
        *sorted((Path(django.__file__).parent / "contrib").glob("*/locale/en/LC_MESSAGES/django.po")),
    ],
}


@pytest.fixture(autouse=True)
def _default_language():
    # LocaleMiddleware activates a language per request and leaves it active in the thread;
    # start and end every test from "nothing activated", i.e. settings.LANGUAGE_CODE.
    translation.deactivate()
    yield
    translation.deactivate()


# --- a minimal .po reader -------------------------------------------------------------


def _unquote(literal: str) -> str:
    return ast.literal_eval(literal)  # a PO string is a C string: same escapes as Python's


def read_po(path: Path) -> list[dict]:
    """Entries as dicts: msgctxt, msgid, msgid_plural, msgstr (list), flags; obsolete ones skipped."""
    entries, entry, field = [], None, None

    def finish():
        if entry is not None and not entry["obsolete"]:
            entries.append(entry)

    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if not line:
            finish()
            entry, field = None, None
            continue
        if entry is None:
            entry = {
                "msgctxt": None,
                "msgid": "",
                "msgid_plural": None,
                "msgstr": [],
                "flags": set(),
                "obsolete": False,
            }
        if line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = _unquote(line)
            if field == "msgstr":
                entry["msgstr"][-1] += value
            else:
                entry[field] += value
        else:
            keyword, literal = line.split(" ", 1)
            match = re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword)
            if match:
                field = "msgstr"
                entry["msgstr"].append(_unquote(literal))
            else:
                field = keyword
                entry[field] = _unquote(literal)
    return entries


def _kept_msgids(relative_path: str) -> list[tuple[str | None, str]]:
    """What `makemessages` (xgettext) extracts from a strings file: (context, msgid) pairs."""
    tree = ast.parse((BASE_DIR / relative_path).read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            args = [arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
            if node.func.id in ("gettext_noop", "ngettext_lazy"):
                found.append((None, args[0]))
            elif node.func.id == "pgettext_lazy":
                found.append((args[0], args[1]))
    return found


PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|%%|\{[a-z_]*\}")


def _messages(entries: list[dict]) -> list[dict]:
    return [entry for entry in entries if entry["msgid"]]


# --- the catalogues ------------------------------------------------------------------


def test_vietnamese_catalogue_header_says_one_plural_form():
    header = next(entry for entry in read_po(VI_PO) if entry["msgid"] == "")
    assert "Plural-Forms: nplurals=1; plural=0;" in header["msgstr"][0]
    assert "Language: vi" in header["msgstr"][0]
    assert "fuzzy" not in header["flags"]


def test_every_vietnamese_message_is_translated_and_none_is_fuzzy():
    entries = _messages(read_po(VI_PO))
    assert len(entries) > 400
    fuzzy = [entry["msgid"] for entry in entries if "fuzzy" in entry["flags"]]
    empty = [entry["msgid"] for entry in entries if not all(text.strip() for text in entry["msgstr"])]
    assert fuzzy == []
    assert empty == []
    plural_shapes = [entry["msgid"] for entry in entries if entry["msgid_plural"] and len(entry["msgstr"]) != 1]
    assert plural_shapes == [], "Vietnamese has one plural form: msgstr[0] only"


def test_vietnamese_translations_keep_every_placeholder():
    wrong = []
    for entry in _messages(read_po(VI_PO)):
        # One plural form serves every count, so it carries the plural's placeholders.
        expected = sorted(PLACEHOLDER.findall(entry["msgid_plural"] or entry["msgid"]))
        for text in entry["msgstr"]:
            if sorted(PLACEHOLDER.findall(text)) != expected:
                wrong.append((entry["msgid"], text))
    assert wrong == []


def test_english_catalogue_exists_with_the_same_messages():
    vi = {(entry["msgctxt"], entry["msgid"]) for entry in _messages(read_po(VI_PO))}
    en = {(entry["msgctxt"], entry["msgid"]) for entry in _messages(read_po(EN_PO))}
    assert en == vi


@pytest.mark.parametrize("language", ["vi", "en"])
def test_compiled_catalogue_matches_the_po_file(language):
    """The committed .mo is what Django loads: it must be recompiled after every .po change."""
    po_path = BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"
    with open(po_path.with_suffix(".mo"), "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in _messages(read_po(po_path)):
        key = entry["msgid"] if entry["msgctxt"] is None else f"{entry['msgctxt']}\x04{entry['msgid']}"
        if entry["msgid_plural"] is not None:
            key = (key, 0)
        expected = entry["msgstr"][0] or None  # msgfmt leaves untranslated messages out
        assert compiled._catalog.get(key) == expected, entry["msgid"]


@pytest.mark.parametrize("relative_path", sorted(KEPT_STRINGS))
def test_kept_third_party_strings_are_in_the_catalogue_translated(relative_path):
    """`makemessages` drops msgids missing from our sources: the strings files keep them."""
    translated = {(entry["msgctxt"], entry["msgid"]): entry["msgstr"][0] for entry in _messages(read_po(VI_PO))}
    kept = _kept_msgids(relative_path)
    assert len(kept) > 20
    assert [key for key in kept if not translated.get(key)] == []


@pytest.mark.parametrize("relative_path", sorted(KEPT_STRINGS))
def test_kept_third_party_strings_are_still_the_packages_own_msgids(relative_path):
    """A msgid changed by an upgrade would silently fall back to English."""
    upstream = set()
    for path in KEPT_STRINGS[relative_path]:
        upstream |= {(entry["msgctxt"], entry["msgid"]) for entry in _messages(read_po(path))}
    assert [key for key in _kept_msgids(relative_path) if key not in upstream] == []


def test_allauth_has_no_vietnamese_of_its_own_so_ours_is_needed():
    assert not (Path(allauth.__file__).parent / "locale" / "vi").exists()


# --- the pages -----------------------------------------------------------------------


@pytest.mark.django_db
def test_sign_in_page_is_vietnamese_by_default(client):
    response = client.get(LOGIN)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi"' in html
    assert "Đăng nhập" in html
    assert "Quên mật khẩu?" in html
    assert "Sign in" not in html


@pytest.mark.django_db
def test_switching_to_english_with_set_language(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": LOGIN}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == LOGIN
    assert '<html lang="en"' in html
    assert "Sign in" in html
    assert "Đăng nhập" not in html
    # and back
    response = client.post(reverse("set_language"), {"language": "vi", "next": LOGIN}, follow=True)
    assert "Đăng nhập" in response.content.decode()


@pytest.mark.django_db
def test_wrong_password_is_refused_in_vietnamese(client, learner):
    response = client.post(LOGIN, {"login": learner.email, "password": "sai-mat-khau"})
    assert "Địa chỉ email hoặc mật khẩu không đúng." in response.content.decode()


@pytest.mark.django_db
def test_people_list_is_vietnamese_for_a_unit_head(client, unit_head, learner):
    client.force_login(unit_head)
    html = client.get(PEOPLE).content.decode()
    for header in ("Họ và tên", "Mã cán bộ", "Đơn vị hiện tại", "Chức vụ", "Đối tượng"):
        assert f">{header}<" in html
    assert "Lãnh đạo" in html and "Công chức" in html  # the categories of the two people
    assert "Full name" not in html


@pytest.mark.django_db
def test_people_list_in_english_after_the_switch(client, unit_head, learner):
    client.force_login(unit_head)
    client.post(reverse("set_language"), {"language": "en", "next": PEOPLE})
    html = client.get(PEOPLE).content.decode()
    assert ">Full name<" in html and ">Category<" in html
    assert "Civil servant" in html


@pytest.mark.django_db
def test_two_factor_pages_are_vietnamese(client, office_admin):
    client.force_login(office_admin)
    html = client.get(reverse("mfa_index")).content.decode()
    assert "Xác thực hai lớp" in html
    assert "Ứng dụng xác thực" in html


@pytest.mark.django_db
def test_totp_sign_in_step_and_its_error_are_vietnamese(client, tree):
    from tests.factories import UserFactory

    user = UserFactory(email="vp.i18n@stp.dongnai.gov.vn", is_office_admin=True, is_staff=True)
    user.set_password("mat-khau-i18n-2026")
    user.save()
    give_totp(user)
    client.post(LOGIN, {"login": user.email, "password": "mat-khau-i18n-2026"})
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    html = response.content.decode()
    assert "nhập mã 6 chữ số từ ứng dụng xác thực hoặc một mã khôi phục" in html
    assert "Mã không đúng." in html


@pytest.mark.django_db
def test_admin_import_page_is_vietnamese(client, office_admin):
    client.force_login(office_admin)
    html = client.get(reverse("admin:orgchart_staff_import")).content.decode()
    assert "Sẽ nhập các trường sau" in html  # django-import-export's own template
    assert "Ngày hiệu lực" in html
    assert "Skip to main content" not in html  # a Django admin gap filled by core/django_strings.py


@pytest.mark.django_db
def test_password_too_short_is_vietnamese(client, learner):
    client.force_login(learner)
    response = client.post(
        reverse("account_change_password"), {"oldpassword": "x", "password1": "ngan", "password2": "ngan"}
    )
    assert "Mật khẩu quá ngắn." in response.content.decode()
