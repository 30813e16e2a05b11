"""What a restore must give back, as JSON: every assignment's coverage JSON and every certificate's SHA-256.

    DJANGO_SETTINGS_MODULE=config.settings.production python deploy/fingerprint.py --as-of YYYY-MM-DD

For each assignment, `coverage_report --format json` as of the date (the public contract, the
figures a report would print); for each certificate in the register, the SHA-256 recorded at issue
and the SHA-256 of the stored PDF's bytes read back from storage now. deploy/restore_drill.sh
compares the output before the backup and after the restore; `file` must also equal `register`.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")


def fingerprint(*, as_of: str) -> dict:
    from django.core.management import call_command

    from certificates.models import Certificate
    from courses.models import Assignment

    coverage = {}
    for slug in Assignment.objects.order_by("slug").values_list("slug", flat=True):
        out = io.StringIO()
        call_command("coverage_report", assignment=slug, as_of=as_of, export_format="json", stdout=out)
        coverage[slug] = json.loads(out.getvalue())
    certificates = {}
    for certificate in Certificate.objects.order_by("year", "number"):
        digest = None
        if certificate.pdf:
            with certificate.pdf.open("rb") as pdf:
                digest = hashlib.sha256(pdf.read()).hexdigest()
        certificates[certificate.serial] = {"register": certificate.pdf_sha256, "file": digest}
    return {"as_of": as_of, "coverage": coverage, "certificates": certificates}


def main() -> None:
    import django

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--as-of", required=True)
    args = parser.parse_args()
    django.setup()
    print(json.dumps(fingerprint(as_of=args.as_of), ensure_ascii=False, sort_keys=True, indent=1))


if __name__ == "__main__":
    main()
