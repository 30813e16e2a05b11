"""Layout figures of issue 10 for a tree, or two side by side: lines of code, upward imports, hand-written SQL.

Measured by reading the files, nothing is run but import-linter:

- **Lines of code by app**: non-blank lines of the `.py` files of each top-level package (a folder with
  an `__init__.py`), without its `migrations/` and tests; its templates (Django's and Jinja2's: files
  under `<app>/templates/`, `<app>/jinja2/`, and `templates/<app>/`, `jinja2/<app>/` at the top) in a
  column of their own, the project-wide templates (`templates/base.html`, `components/`, allauth's…) in
  a row of their own. `tests/` and `benchmarks/` are rows of their own (their templates too).
- **Modules importing upward**: THIS repository's `[tool.importlinter]` layers contract (pyproject.toml)
  is checked against the tree (`lint-imports` run in the tree with that contract in a temporary file, no
  cache written); the figure is the number of distinct modules that start a forbidden import chain.
- **Modules with hand-written SQL**: `.py` files outside tests, benchmarks and migrations that contain
  `connection.cursor`, `cursor.execute`, `.raw(`, `RawSQL` or `.extra(`.

    .venv/bin/python benchmarks/layout_figures.py --before /work/base [--after .]   # a table before/after
    .venv/bin/python benchmarks/layout_figures.py --tree /work/base                 # one tree

Printed as markdown; with --before, also written to benchmarks/results.md (unless --no-write).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import _common

REPO = Path(__file__).resolve().parents[1]
SKIP = {".venv", "node_modules", ".git", "staticfiles", "media", "locale", "__pycache__", ".pytest_cache"}
OWN_ROWS = ("tests", "benchmarks")
TEMPLATE_DIRS = ("templates", "jinja2")
TEMPLATE_SUFFIXES = {".html", ".txt", ".xml", ".svg", ".css", ".js", ".jinja", ".j2"}
SQL_PATTERNS = ("connection.cursor", "cursor.execute", ".raw(", "RawSQL", ".extra(")
CHAIN_START = re.compile(r"^- ([\w.]+) -> ")
PROJECT_TEMPLATES = "templates (project-wide)"


@dataclass
class Figures:
    tree: Path
    commit: str
    python_lines: Counter = field(default_factory=Counter)
    template_lines: Counter = field(default_factory=Counter)
    upward: list[str] = field(default_factory=list)
    upward_error: str = ""
    sql_modules: dict[str, int] = field(default_factory=dict)


def _lines(path: Path) -> int:
    try:
        return sum(1 for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip())
    except OSError:
        return 0


def _files(tree: Path):
    for path in sorted(tree.rglob("*")):
        parts = path.relative_to(tree).parts
        if path.is_file() and not SKIP & set(parts):
            yield path, parts


def _packages(tree: Path) -> set[str]:
    return {path.parent.name for path in tree.glob("*/__init__.py") if path.parent.name not in SKIP}


def _is_test(parts: tuple[str, ...]) -> bool:
    return "tests" in parts[:-1] or parts[-1].startswith("test_") or parts[-1] == "conftest.py"


def _template_owner(parts: tuple[str, ...], packages: set[str]) -> str | None:
    """Which row a template file counts in, or None if the file is no template."""
    if parts[0] in OWN_ROWS and any(part in TEMPLATE_DIRS for part in parts[1:-1]):
        return parts[0]
    if parts[0] in TEMPLATE_DIRS:
        return parts[1] if len(parts) > 2 and parts[1] in packages else PROJECT_TEMPLATES
    if parts[0] in packages and any(part in TEMPLATE_DIRS for part in parts[1:-1]):
        return parts[0]
    return None


def count_lines(figures: Figures) -> None:
    packages = _packages(figures.tree)
    for path, parts in _files(figures.tree):
        if path.suffix in TEMPLATE_SUFFIXES:
            owner = _template_owner(parts, packages)
            if owner is not None:
                figures.template_lines[owner] += _lines(path)
            continue
        if path.suffix != ".py" or "migrations" in parts:
            continue
        if parts[0] in OWN_ROWS:
            figures.python_lines[parts[0]] += _lines(path)
        elif _is_test(parts):
            figures.python_lines["tests"] += _lines(path)
        elif parts[0] in packages:
            figures.python_lines[parts[0]] += _lines(path)
        elif len(parts) == 1:
            figures.python_lines["(top-level scripts)"] += _lines(path)


def find_sql(figures: Figures) -> None:
    for path, parts in _files(figures.tree):
        if path.suffix != ".py" or "migrations" in parts or parts[0] in OWN_ROWS or _is_test(parts):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        hits = sum(text.count(pattern) for pattern in SQL_PATTERNS)
        if hits:
            figures.sql_modules[".".join(parts).removesuffix(".py")] = hits


def contract_file(directory: Path) -> Path:
    """This repository's import-linter section, alone in a TOML file (the same contract for every tree)."""
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    tomllib.loads(text)["tool"]["importlinter"]  # fail early if the section is missing
    section = text[text.index("[tool.importlinter]") :]
    following = re.search(r"^\[(?!\[?tool\.importlinter)", section, flags=re.MULTILINE)
    target = directory / "importlinter.toml"
    target.write_text(section[: following.start()] if following else section, encoding="utf-8")
    return target


def find_upward(figures: Figures, contract: Path) -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(
        [str(lint_imports), "--no-cache", "--no-logo", str(contract)],
        cwd=figures.tree,
        capture_output=True,
        text=True,
    )
    if done.returncode not in (0, 1) or "Contracts:" not in done.stdout:
        figures.upward_error = (done.stdout + done.stderr).strip().splitlines()[-1:][0][:200]
        return
    starts = {match.group(1) for line in done.stdout.splitlines() if (match := CHAIN_START.match(line))}
    figures.upward = sorted(starts)


def measure(tree: Path, contract: Path) -> Figures:
    commit = subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    figures = Figures(tree=tree, commit=commit.stdout.strip() or "?")
    count_lines(figures)
    find_sql(figures)
    find_upward(figures, contract)
    return figures


def _number(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


def _change(before: int, after: int) -> str:
    if not before:
        return ""
    return f"{(after - before) / before:+.0%}"


def table(columns: list[tuple[str, Figures]]) -> str:
    names = [name for name, _figures in columns]
    rows_order = sorted(
        {row for _name, figures in columns for row in [*figures.python_lines, *figures.template_lines]},
        key=lambda row: (row in (*OWN_ROWS, PROJECT_TEMPLATES, "(top-level scripts)"), row),
    )
    pair = len(columns) == 2
    header = ["app"] + [f"{name}: .py" for name in names] + [f"{name}: templates" for name in names]
    if pair:
        header.insert(3, ".py change")
    lines = ["| " + " | ".join(header) + " |", "| --- |" + " ---: |" * (len(header) - 1)]
    totals = {name: [0, 0] for name in names}
    for row in rows_order:
        python = [figures.python_lines.get(row) for _name, figures in columns]
        templates = [figures.template_lines.get(row) for _name, figures in columns]
        if row not in OWN_ROWS:
            for name, value, template in zip(names, python, templates, strict=True):
                totals[name][0] += value or 0
                totals[name][1] += template or 0
        cells = [f"`{row}`" if row in _all_packages(columns) else row]
        cells += [_number(value) for value in python]
        if pair:
            cells.append(_change(python[0] or 0, python[1] or 0))
        cells += [_number(value) for value in templates]
        lines.append("| " + " | ".join(cells) + " |")
    cells = ["**product code (apps, without tests and benchmarks)**"]
    cells += [f"**{totals[name][0]:,}**" for name in names]
    if pair:
        cells.append(_change(totals[names[0]][0], totals[names[1]][0]))
    cells += [f"**{totals[name][1]:,}**" for name in names]
    lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _all_packages(columns: list[tuple[str, Figures]]) -> set[str]:
    return {package for _name, figures in columns for package in _packages(figures.tree)}


def summary(columns: list[tuple[str, Figures]]) -> str:
    names = [name for name, _figures in columns]
    lines = ["| figure | " + " | ".join(names) + " |", "| --- |" + " --- |" * len(names)]
    upward = []
    for _name, figures in columns:
        if figures.upward_error:
            upward.append(f"not measured ({figures.upward_error})")
        else:
            upward.append(f"**{len(figures.upward)}**")
    lines.append("| modules importing upward (import-linter, this repository's layers) | " + " | ".join(upward) + " |")
    sql = [f"**{len(figures.sql_modules)}**" for _name, figures in columns]
    lines.append("| modules with hand-written SQL | " + " | ".join(sql) + " |")
    lines.append("| commit | " + " | ".join(figures.commit for _name, figures in columns) + " |")
    return "\n".join(lines)


def details(columns: list[tuple[str, Figures]]) -> str:
    lines = []
    for name, figures in columns:
        modules = ", ".join(f"`{module}`" for module in figures.upward) or "none"
        lines.append(f"- {name}: modules importing upward: {modules}.")
        sql = ", ".join(f"`{module}` ({hits})" for module, hits in sorted(figures.sql_modules.items())) or "none"
        lines.append(f"- {name}: modules with hand-written SQL (matches): {sql}.")
    return "\n".join(lines)


def report(columns: list[tuple[str, Figures]]) -> str:
    trees = "; ".join(f"{name}: `{figures.tree}` at {figures.commit}" for name, figures in columns)
    return "\n".join(
        [
            "## Layout figures (`benchmarks/layout_figures.py`)",
            "",
            f"Trees: {trees}.",
            "",
            summary(columns),
            "",
            "Non-blank lines; `.py` without migrations and tests; templates (Django and Jinja2) per app, "
            "project-wide ones on their own row:",
            "",
            table(columns),
            "",
            details(columns),
            "",
            "Upward imports: the modules that start a chain import-linter reports as broken under this "
            "repository's `[tool.importlinter]` layers contract. Hand-written SQL: `connection.cursor`, "
            "`cursor.execute`, `.raw(`, `RawSQL`, `.extra(` outside tests, benchmarks and migrations.",
        ]
    )


def write_results(text: str) -> None:
    start, end = "<!-- layout_figures:start -->", "<!-- layout_figures:end -->"
    _common.results_write(f"{start}\n{text}\n{end}", start=start, end=end)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tree", type=Path, help="one tree only")
    parser.add_argument("--before", type=Path, help="the tree before the change (e.g. /work/base)")
    parser.add_argument("--after", type=Path, default=REPO, help="the tree after the change (default: this one)")
    parser.add_argument("--no-after", action="store_true", help="--before only")
    parser.add_argument("--no-write", action="store_true", help="print only; leave benchmarks/results.md alone")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lantoa-layout-") as directory:
        contract = contract_file(Path(directory))
        if options.tree:
            columns = [(options.tree.name or str(options.tree), measure(options.tree.resolve(), contract))]
        else:
            columns = [] if options.no_after else [("after", measure(options.after.resolve(), contract))]
            if options.before:
                columns.insert(0, ("before", measure(options.before.resolve(), contract)))
            if not columns:
                raise SystemExit("Nothing to measure: give --before or --tree, or leave out --no-after.")
    text = report(columns)
    print(text)
    if options.before and not options.tree and not options.no_write:
        write_results(text)


if __name__ == "__main__":
    main()
