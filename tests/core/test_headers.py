"""Headers on every page: the Content-Security-Policy, private caching for pages that know the user."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/indicators/", "/verify/AAAAAAAAAAAAAAAA/"])
def test_every_page_has_a_policy_without_inline_scripts(client, url):
    directives = _directives(client.get(url))

    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-eval'" not in directives.get("default-src", [])


def test_no_template_has_an_inline_script_or_handler():
    """Inline code would be blocked by the policy: scripts come from static files only."""
    offenders = []
    for template in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]:
        if ".venv" in template.parts or "node_modules" in template.parts:
            continue
        text = template.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:", text, flags=re.I):
            offenders.append(f"{template.relative_to(ROOT)}: {match.group(0)}")
    assert offenders == []


def test_a_page_with_the_signed_in_users_name_is_private(client, learner):
    client.force_login(learner)
    response = client.get("/indicators/")

    assert "/accounts/logout/" in response.content.decode()  # the page is built for this user
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_a_page_with_a_csrf_token_is_private_even_for_visitors(client):
    response = client.get("/indicators/")
    assert "csrfmiddlewaretoken" in response.content.decode()  # the language switch
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_public_data_keeps_public_caching(client):
    response = client.get("/indicators/data.json")
    assert response["Cache-Control"] == "public, max-age=300"
