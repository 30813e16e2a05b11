"""What every end-to-end step does on the page it reaches: axe-core, a 360 px overflow check, a screenshot."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import translation

PROJECT_ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING_IMPACTS = {"serious", "critical"}
PASSWORD = "mat-khau-demo-2026"  # what tests.factories.UserFactory sets
# The phone every journey runs on: a 360 × 740 touch screen in Vietnamese, in the department's time zone.
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "vi-VN",
    "timezone_id": "Asia/Ho_Chi_Minh",
}

_AXE_RUN = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations.map((violation) => ({
    id: violation.id, impact: violation.impact, help: violation.help, helpUrl: violation.helpUrl,
    nodes: violation.nodes.map((node) => ({target: node.target, html: node.html, summary: node.failureSummary})),
  }));
}"""

_OVERFLOW = """() => {
  const width = window.innerWidth;
  const wide = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 0.5) {
      const classes = typeof element.className === "string" ? element.className.trim().split(/\\s+/) : [];
      wide.push(element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
        + classes.filter(Boolean).map((name) => "." + name).join("") + " right=" + Math.round(box.right));
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width: width, wide: wide.slice(0, 10)};
}"""


def vi(message: str) -> str:
    """The Vietnamese text the page shows for an English msgid (what a screen reader announces)."""
    with translation.override("vi"):
        return translation.gettext(message)


@dataclass
class BrowserSession:
    page: object
    base_url: str
    folder: Path
    steps: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def sign_in(self, *, email: str, password: str = PASSWORD, step: str = "") -> None:
        """Through allauth's real form, by the labels a screen reader announces; lands on the home page."""
        from playwright.sync_api import expect

        page = self.page
        self.goto("/accounts/login/")
        expect(page.get_by_role("heading", level=1)).to_have_text(vi("Sign In"))
        if step:
            self.step(step)
        page.get_by_label(vi("Email")).fill(email)
        page.get_by_label(vi("Password"), exact=True).fill(password)
        page.get_by_role("button", name=vi("Sign In")).click()
        page.wait_for_url(self.base_url + "/")

    def step(self, name: str) -> None:
        """Audit the page now shown and keep a full-page screenshot of it."""
        self.page.wait_for_load_state("load")
        number = len(self.steps) + 1
        label = f"{number:02d}-{name}"
        self.steps.append(label)
        self.folder.mkdir(parents=True, exist_ok=True)
        # From the top, so sticky parts (the quiz countdown) are drawn where a reader first sees them.
        self.page.evaluate("() => window.scrollTo(0, 0)")
        self.page.screenshot(path=str(self.folder / f"{label}.png"), full_page=True, scale="css")
        found = self._axe_problems() + self._overflow_problems()
        for problem in found:
            message = f"[{label}] {self.page.url}\n{problem}"
            self.problems.append(message)
            print(message)  # shown with the captured output if a later step fails

    def assert_accessible(self) -> None:
        assert not self.problems, (
            f"{len(self.problems)} accessibility or layout problem(s) on {len(self.steps)} pages "
            f"(screenshots in {self.folder}):\n\n" + "\n\n".join(self.problems)
        )

    def _axe_problems(self) -> list[str]:
        # Evaluated through the DevTools protocol: an injected <script> would be (rightly) blocked by the site's
        # Content-Security-Policy, which stays on so that the journeys also prove the pages work under it.
        self.page.evaluate(AXE_PATH.read_text(encoding="utf-8") + "\n;undefined")
        violations = self.page.evaluate(_AXE_RUN, AXE_TAGS)
        problems = []
        for violation in violations:
            if violation["impact"] not in BLOCKING_IMPACTS:
                continue
            lines = [f"axe {violation['impact']}: {violation['id']} — {violation['help']} ({violation['helpUrl']})"]
            for node in violation["nodes"]:
                lines.append(f"  at {json.dumps(node['target'], ensure_ascii=False)}: {node['html'][:200]}")
                lines.extend(f"    {line}" for line in (node["summary"] or "").splitlines())
            problems.append("\n".join(lines))
        return problems

    def _overflow_problems(self) -> list[str]:
        measured = self.page.evaluate(_OVERFLOW)
        if measured["scrollWidth"] <= measured["width"]:
            return []
        return [
            f"horizontal scrolling: the page is {measured['scrollWidth']} px wide on a {measured['width']} px screen; "
            f"wider elements: {', '.join(measured['wide']) or 'none found'}"
        ]
