"""Counting a browser journey: the clicks (and, apart, the quiz's answer ticks) and fields typed a person needs, and
the seconds it takes.

`Journey` wraps a `BrowserSession` (tests/e2e/browser.py): the test acts through it, so each click and each field
is counted, and the time spent auditing and photographing pages (`step`) is kept apart from the journey's own
seconds (what the person waits for: page loads, the server's work). `report()` prints the figures and appends
them to `figures.txt` in the screenshot folder.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from tests.e2e.browser import PASSWORD, BrowserSession, vi


@dataclass
class Journey:
    session: BrowserSession
    name: str
    clicks: int = 0
    ticks: int = 0  # answers ticked in a quiz: as many as the drawn questions' correct options, so counted apart
    fields: int = 0
    audit_seconds: float = 0.0
    started: float = field(default_factory=time.perf_counter)

    @property
    def page(self):
        return self.session.page

    def click(self, locator) -> None:
        self.clicks += 1
        locator.click()

    def check(self, locator) -> None:
        self.ticks += 1
        locator.check()

    def fill(self, locator, text: str) -> None:
        self.fields += 1
        locator.fill(text)

    def goto(self, path: str) -> None:
        """Opening a link from elsewhere (an email, a bookmark): counted as one click."""
        self.clicks += 1
        self.session.goto(path)

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Someone else's part of the story (the Office's, between two of the learner's): not the learner's seconds."""
        began = time.perf_counter()
        try:
            yield
        finally:
            self.audit_seconds += time.perf_counter() - began

    def step(self, name: str) -> None:
        began = time.perf_counter()
        self.session.step(name)
        self.audit_seconds += time.perf_counter() - began

    def sign_in(self, *, email: str, password: str = PASSWORD, step: str = "") -> None:
        """allauth's form, as `BrowserSession.sign_in` does it (by the labels a screen reader announces), counted."""
        page = self.page
        self.session.goto("/accounts/login/")
        if step:
            self.step(step)
        self.fill(page.get_by_label(vi("Email")), email)
        self.fill(page.get_by_label(vi("Password"), exact=True), password)
        self.click(page.get_by_role("button", name=vi("Sign In")))
        page.wait_for_url(self.session.base_url + "/")

    def sign_in_with_code(self, *, email: str, code: str, password: str = PASSWORD) -> None:
        """The Office's sign-in: the password, then the authenticator's code (two-factor)."""
        page = self.page
        self.session.goto("/accounts/login/")
        self.fill(page.get_by_label(vi("Email")), email)
        self.fill(page.get_by_label(vi("Password"), exact=True), password)
        self.click(page.get_by_role("button", name=vi("Sign In")))
        code_field = page.get_by_label(vi("Code"), exact=True)
        code_field.wait_for()
        self.fill(code_field, code)
        self.click(page.get_by_role("button", name=vi("Sign In")))
        page.wait_for_url(self.session.base_url + "/")

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started - self.audit_seconds

    def report(self) -> str:
        line = (
            f"journey {self.name}: {self.clicks} clicks, {self.ticks} answer ticks, {self.fields} fields typed, "
            f"{self.seconds:.1f} s "
            f"(without the {len(self.session.steps)} pages' audits and screenshots, {self.audit_seconds:.1f} s)"
        )
        print(line)
        self.session.folder.mkdir(parents=True, exist_ok=True)
        with (self.session.folder.parent / "figures.txt").open("a", encoding="utf-8") as figures:
            figures.write(line + "\n")
        return line
