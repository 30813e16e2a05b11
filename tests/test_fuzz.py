"""No 500 from any request: every URL of the URLconf, with each role's client, fed hostile values.

The demo department (`seed_demo`: units, ~140 people, the resolution 57 course and its assignment,
nominations, one account per role) is the data; a head of a second unit, a certificate, an attempt
and a semiannual draft are added so that the pages with ids have something to show.

For each URL pattern (the admin's included), the path parameters are filled with a real value and
hostile ones (a number beyond 64 bits, unicode digits, NUL, 5,000 digits), then each role GETs and
POSTs it with every form field name used anywhere in the project (read from the templates and the
code) set to hostile values: unicode digits ("²", "٣"), huge numbers, NUL, 10,000 characters,
absurd dates. The Office also sends a 10 MB body and wrong content types to every URL. Any
exception or 5xx is collected; the test fails listing them all.

Runs on the configured database: SQLite by default, PostgreSQL with DATABASE_URL (the NUL cases
differ there: PostgreSQL refuses NUL in text, SQLite stores it).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, PathConverter, SlugConverter, StringConverter

from accounts.models import User
from orgchart.models import Unit

pytestmark = pytest.mark.django_db(transaction=False)

ROOT = Path(__file__).resolve().parents[1]
BIG_BODY = b"a=" + b"x" * (10 * 1024 * 1024)

HOSTILE_VALUES = {
    "unicode_superscript": "²",
    "unicode_arabic_digit": "٣",
    "fullwidth_digits": "１２",
    "huge_number": "9" * 5000,
    "beyond_64_bits": str(2**64),
    "negative": "-1",
    "long_text": "Đ" * 10000,
    "absurd_date": "01/01/0001",
    "timestamp": "0",
    "float_exponent": "1e309",
    "markup": "<script>alert(1)</script>\"'",
}
PATH_VALUES = {
    IntConverter: [str(2**64), "9" * 5000],
    SlugConverter: ["x" * 500],
    StringConverter: ["²", "a\x00b", "9" * 5000],
    PathConverter: [str(2**64), "a\x00b"],
}
# Paths not worth posting to: signing out would end the role's session mid-walk.
SKIP_POST = {"/accounts/logout/"}


@dataclass
class Failure:
    role: str
    method: str
    path: str
    what: str
    error: str

    def __str__(self) -> str:
        return f"{self.role:>10} {self.method:<5} {self.path[:120]!r} [{self.what}] → {self.error}"


def _field_names() -> list[str]:
    """Every form field name the project reads: from templates (name="…") and code (GET/POST.get("…"), form fields)."""
    names: set[str] = set()
    for template in itertools.chain(ROOT.glob("templates/**/*.html"), ROOT.glob("*/templates/**/*.html")):
        names.update(re.findall(r'\bname="([A-Za-z_][\w\-]*)"', template.read_text(encoding="utf-8")))
    for module in ROOT.glob("*/**/*.py"):
        if ".venv" in module.parts or "tests" in module.parts or "node_modules" in module.parts:
            continue
        text = module.read_text(encoding="utf-8")
        names.update(re.findall(r'(?:GET|POST|FILES|query_params)\.(?:get|getlist)\(\s*"([\w\-]+)"', text))
        names.update(re.findall(r"^\s+(\w+) = forms\.\w+\(", text, flags=re.M))
    names.discard("csrfmiddlewaretoken")
    return sorted(names)


def _patterns(resolver: URLResolver | None = None, prefix: str = "") -> list[tuple[str, dict]]:
    """(route with <name> placeholders, {name: converter class}) for every pattern, recursively."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        pattern = entry.pattern
        route = getattr(pattern, "_route", None)
        if route is None:  # a regex pattern (the admin's app index, i18n): keep its literal prefix form
            route = _regex_route(pattern.regex.pattern)
            if route is None:
                continue
        if isinstance(entry, URLResolver):
            found.extend(_patterns(entry, prefix + route))
        elif isinstance(entry, URLPattern):
            found.append((prefix + route, dict(getattr(pattern, "converters", {}))))
    return found


def _regex_route(regex: str) -> str | None:
    """A regex route as a literal path, when it is one (admin's `^(?P<app_label>auth|…)/$` → first choice)."""
    regex = regex.lstrip("^").rstrip("$").replace("\\Z", "")
    choice = re.search(r"\(\?P<\w+>([\w|]+)\)", regex)
    if choice:
        regex = regex[: choice.start()] + choice.group(1).split("|")[0] + regex[choice.end() :]
    return regex if re.fullmatch(r"[\w/.\-]*", regex) else None


def _paths(route: str, converters: dict, real: dict[str, str]) -> list[tuple[str, str]]:
    """The route filled with real values, then with each hostile value in one parameter at a time."""
    names = re.findall(r"<(?:\w+:)?(\w+)>", route)

    def fill(values: dict[str, str]) -> str:
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda match: values[match.group(1)], route)

    base = {name: real.get(name, "1") for name in names}
    filled = [("real", fill(base))]
    for name in names:
        converter = type(converters.get(name)) if converters.get(name) else StringConverter
        for value in PATH_VALUES.get(converter, PATH_VALUES[StringConverter]):
            filled.append((f"path:{name}", fill({**base, name: value})))
    return filled


NUL = -1  # the shift that sends NUL in every field: on its own, or the refusal of NUL would hide the rest


def _data(fields: list[str], shift: int) -> dict[str, str]:
    """Every field set to a hostile value; field i gets value (i + shift): over all shifts each field gets each."""
    if shift == NUL:
        return dict.fromkeys(fields, "a\x00b")
    values = list(HOSTILE_VALUES.values())
    return {name: values[(index + shift) % len(values)] for index, name in enumerate(fields)}


def _seed() -> dict[str, User | None]:
    from io import StringIO

    from certificates.services import certificate_issue_for_completion
    from courses.models import Assignment, CompletionEvidence, Enrolment
    from courses.services.completions import completion_record
    from quizzes.services.attempts import attempt_start
    from semiannual.services import semiannual_report_create_draft
    from tests.factories import UserFactory, give_totp

    call_command("seed_demo", stdout=StringIO())
    office = User.objects.filter(is_office_admin=True, is_superuser=False).first()
    superuser = User.objects.filter(is_superuser=True).first()
    head_staff = Unit.objects.get(code="PBGD").heads.first()
    other_head_staff = Unit.objects.get(code="TGPL").heads.first()
    other_head = UserFactory(email="fuzz.tgpl@stp.dongnai.gov.vn")
    other_head_staff.user = other_head
    other_head_staff.save(update_fields=["user"])
    learner = (
        User.objects.filter(staff__isnull=False, is_office_admin=False)
        .exclude(pk__in=[head_staff.user_id, other_head.pk])
        .first()
    )
    give_totp(office) if not office.authenticator_set.exists() else None

    assignment = Assignment.objects.first()
    enrolment = Enrolment.objects.filter(assignment=assignment, staff__user=learner).first()
    if enrolment is not None:
        attempt_start(staff=learner.staff, version=assignment.course.versions.order_by("-number").first())
    someone = Enrolment.objects.filter(assignment=assignment).exclude(staff__user=learner).first().staff
    completion, _created = completion_record(
        staff=someone,
        course=assignment.course,
        completed_on=dt.date(2026, 1, 5),
        evidence=CompletionEvidence.EXTERNAL,
        external_reference="Quyết định 12/QĐ-STP",
    )
    certificate_issue_for_completion(completion_id=completion.pk)
    semiannual_report_create_draft(assignment=assignment, period_end=dt.date(2026, 6, 15), number=7, created_by=office)
    return {
        "anonymous": None,
        "learner": learner,
        "unit_head": User.objects.get(pk=head_staff.user_id),
        "other_head": other_head,
        "office": office,
        "superuser": superuser,
    }


# The suite's walk (~2,000 requests); LANTOA_FUZZ_FULL=1 sends every value rotation from every role (~7,700).
FULL = os.environ.get("LANTOA_FUZZ_FULL") == "1"


def _shifts(role: str, is_admin: bool) -> list[int]:
    """Which value rotations a role sends (field i gets value i + shift)."""
    every = list(range(len(HOSTILE_VALUES)))
    if FULL:
        return [*every[::6], NUL] if is_admin else [*every, NUL] if role == "office" else [*every[::4], NUL]
    return [0] if is_admin or role != "office" else [*every[::4], NUL]


def _plan(patterns, real_for, roles):
    """(role, method, path, data shift or body, label) for the whole walk, so that its size is known up front."""
    for role in roles:
        for route, converters in patterns:
            is_admin = route.startswith("admin/")
            if is_admin and role != "office" and not (role == "learner" and route == "admin/"):
                continue  # the admin is the Office's; a learner at its door stands for everyone else
            hostile_paths = FULL or role in {"office", "learner"}
            for what, path in _paths(route, converters, real_for(route)):
                if what != "real":
                    if hostile_paths:
                        yield role, "GET", path, 0, what
                    continue
                for shift in _shifts(role, is_admin):
                    yield role, "GET", path, shift, "values"
                    if path not in SKIP_POST:
                        yield role, "POST", path, shift, "values"
                if role == "office" and path not in SKIP_POST and (FULL or not is_admin):
                    for body in BODIES:
                        yield role, "POST", path, body, body[0]


BODIES = (
    ("10MB form body", BIG_BODY, "application/x-www-form-urlencoded"),
    ("broken JSON", b'{"a": [' * 1000, "application/json"),
    ("multipart without boundary", b"--x\r\n\r\n", "multipart/form-data"),
    ("text/plain with NUL", b"a\x00b", "text/plain"),
)


def test_no_request_gets_a_server_error(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANTOA_VERIFY_RATE_LIMIT = "100000/60"
    settings.ACCOUNT_RATE_LIMITS = False
    roles = _seed()
    fields = _field_names()
    course_slug, assignment_slug, code = _course_slug(), _assignment_slug(), _certificate_code()

    def real_for(route: str) -> dict[str, str]:
        slug = course_slug if route.startswith("courses/") else assignment_slug
        return {"slug": slug, "code": code, "export_format": "xlsx", "kind": "attachment", "action": "approve"}

    patterns = _patterns()
    failures: list[Failure] = []
    requests = 0
    log = os.environ.get("LANTOA_FUZZ_LOG")
    log_file = open(log, "w", encoding="utf-8") if log else None  # noqa: SIM115 - progress of a long walk
    started = time.monotonic()
    clients: dict[str, Client] = {}
    for role, method, path, shift_or_body, what in _plan(patterns, real_for, roles):
        client = clients.get(role)
        if client is None:
            client = clients[role] = Client(raise_request_exception=True)
        user = roles[role]
        if user is not None and "_auth_user_id" not in client.session:
            client.force_login(user)
        requests += 1
        before = time.monotonic()
        if isinstance(shift_or_body, tuple):
            label, body, content_type = shift_or_body
            found = _send(client, role, method, path, body, what=label, content_type=content_type)
        else:
            found = _send(client, role, method, path, _data(fields, shift_or_body), what=f"{what}#{shift_or_body}")
        failures.extend(found)
        if log_file:
            log_file.write(f"{requests} {time.monotonic() - before:.2f}s {role} {method} {path[:100]!r} {found}\n")
            log_file.flush()
    elapsed = time.monotonic() - started
    print(f"\nfuzz: {requests} requests, {len(patterns)} URL patterns, {elapsed:.0f} s; {len(failures)} server errors")
    assert not failures, "\n".join(str(failure) for failure in failures[:200])


def _send(client, role, method, path, data, *, what, content_type=None) -> list[Failure]:
    try:
        if method == "GET":
            response = client.get(path, data)
        elif content_type is None:
            response = client.post(path, data)
        else:
            response = client.generic("POST", path, data, content_type=content_type)
    except Exception as error:  # noqa: BLE001 - the point is to find any
        return [Failure(role, method, path, what, f"{type(error).__name__}: {str(error)[:200]}")]
    if response.status_code >= 500:
        return [Failure(role, method, path, what, f"HTTP {response.status_code}")]
    return []


def _course_slug() -> str:
    from courses.models import Course

    return Course.objects.values_list("slug", flat=True).first() or "x"


def _certificate_code() -> str:
    from certificates.models import Certificate

    return Certificate.objects.values_list("code", flat=True).first() or "A" * 16


def _assignment_slug() -> str:
    from courses.models import Assignment

    return Assignment.objects.values_list("slug", flat=True).first() or "x"
