#!/usr/bin/env python3
"""`make audit`: pip-audit over every locked package, where a vulnerability database answers.

pip-audit asks a vulnerability service about each package version: OSV (api.osv.dev) or PyPI's
JSON API (`/pypi/<name>/<version>/json`, whose `vulnerabilities` it reads). This script first
checks which of them answers; with neither (offline, or a package mirror without that API) it
says so and exits 0 without auditing, rather than reporting every package "not found". With one,
it installs the pinned pip-audit into the tools venv (`make tools`) and runs it with `--strict`,
so a package that could not be checked fails the audit instead of passing it silently.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCKS = ["requirements-dev.lock"]  # the dev lock contains the runtime one
PROBE_TIMEOUT = 8


def _answers(request: urllib.request.Request, check) -> bool:
    try:
        with urllib.request.urlopen(request, timeout=PROBE_TIMEOUT) as response:  # noqa: S310 - fixed https URLs
            return check(json.load(response))
    except (urllib.error.URLError, OSError, ValueError):
        return False


def service_available() -> str | None:
    """'osv' or 'pypi', whichever vulnerability service answers a known query; None when neither does."""
    osv = urllib.request.Request(
        "https://api.osv.dev/v1/query",
        data=json.dumps({"package": {"name": "django", "ecosystem": "PyPI"}, "version": "3.2.0"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    if _answers(osv, lambda body: bool(body.get("vulns"))):
        return "osv"
    # Django 3.2.0 has known vulnerabilities: a service that answers with none is not a real answer.
    pypi = urllib.request.Request("https://pypi.org/pypi/django/3.2/json")
    if _answers(pypi, lambda body: bool(body.get("vulnerabilities"))):
        return "pypi"
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tools-venv", default=".venv-tools")
    args = parser.parse_args()
    service = service_available()
    if service is None:
        print(
            "make audit: skipped — no vulnerability database answers from here (neither api.osv.dev nor "
            "PyPI's per-version JSON API with its vulnerability data). Run `make audit` on a machine with "
            "internet access; it checks the same locks."
        )
        return 0
    subprocess.run(["make", "--no-print-directory", "tools", f"TOOLS_VENV={args.tools_venv}"], cwd=ROOT, check=True)  # noqa: S603,S607 - our own make target
    command = [str(ROOT / args.tools_venv / "bin" / "pip-audit"), "--strict", "--disable-pip", "--require-hashes"]
    command += ["--vulnerability-service", service]
    for lock in LOCKS:
        command += ["-r", str(ROOT / lock)]
    print(f"make audit: pip-audit against {service} over {', '.join(LOCKS)}")
    return subprocess.run(command, cwd=ROOT).returncode  # noqa: S603 - the pinned pip-audit


if __name__ == "__main__":
    sys.exit(main())
