#!/usr/bin/env python3
"""Check that the locks match requirements*.txt: each pin is locked at the same version, with hashes.

`make lock` rewrites the locks; this check (stdlib only, offline) catches a package added to a
requirements file without `make lock` (pip installs only from the locks, so it would be missing),
and a runtime lock whose versions drifted from the dev lock's. Exits 1 listing every problem.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCKS = {"requirements.txt": "requirements.lock", "requirements-dev.txt": "requirements-dev.lock"}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;\\]+)")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins_in(requirements: Path) -> dict[str, str]:
    """name → version of every `name==version` line, following `-r other.txt`."""
    pins: dict[str, str] = {}
    for line in requirements.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith(("-r ", "--requirement ")):
            pins.update(pins_in(requirements.parent / line.split(None, 1)[1]))
        elif match := PIN.match(line):
            pins[normalise(match.group(1))] = match.group(3)
    return pins


def locked(lock: Path) -> tuple[dict[str, str], list[str]]:
    """name → version in a lock, and the names of entries without a hash."""
    versions: dict[str, str] = {}
    unhashed: list[str] = []
    text = lock.read_text(encoding="utf-8")
    for entry in re.split(r"\n(?=\S)", text):
        if match := PIN.match(entry.strip()):
            name = normalise(match.group(1))
            versions[name] = match.group(3)
            if "--hash=sha256:" not in entry:
                unhashed.append(name)
    return versions, unhashed


def main() -> int:
    problems: list[str] = []
    locks: dict[str, dict[str, str]] = {}
    for requirements, lock_name in LOCKS.items():
        lock = ROOT / lock_name
        if not lock.is_file():
            problems.append(f"{lock_name} is missing: run `make lock`")
            continue
        versions, unhashed = locked(lock)
        locks[lock_name] = versions
        problems.extend(f"{lock_name}: {name} has no hash" for name in unhashed)
        for name, version in pins_in(ROOT / requirements).items():
            if name not in versions:
                problems.append(f"{requirements} pins {name}=={version}, which {lock_name} lacks: run `make lock`")
            elif versions[name] != version:
                problems.append(
                    f"{requirements} pins {name}=={version}, {lock_name} has {versions[name]}: run `make lock`"
                )
    if len(locks) == 2:
        runtime, dev = locks["requirements.lock"], locks["requirements-dev.lock"]
        for name, version in runtime.items():
            if dev.get(name) != version:
                problems.append(
                    f"requirements.lock has {name}=={version}, requirements-dev.lock {dev.get(name)}: run `make lock`"
                )
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    print(
        f"locks match requirements: {len(locks.get('requirements.lock', {}))} runtime and "
        f"{len(locks.get('requirements-dev.lock', {}))} dev packages, each pinned with hashes"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
