#!/usr/bin/env bash
# The restore drill: back up, WIPE, restore, and prove nothing changed.
#
#   DATABASE_URL=postgres://…/lantoa_staging LANTOA_MEDIA_ROOT=/srv/lantoa-staging/media \
#     deploy/restore_drill.sh --wipe-this-database
#
# 1. fingerprint (deploy/fingerprint.py): every assignment's coverage JSON and every certificate's
#    SHA-256 (the register's and the stored file's);
# 2. backup (deploy/backup.sh) into a temporary folder (or BACKUP_DIR);
# 3. wipe: DROP the database, create it empty, delete every stored file;
# 4. restore (deploy/restore.sh);
# 5. fingerprint again: identical, or the drill fails (exit 1) showing the difference.
# Run it on a staging copy (restore last night's backup there, then drill), never on the live
# database: step 3 is real. Run with the project's venv (PYTHON, default .venv/bin/python).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" != "--wipe-this-database" ]; then
  echo "usage: restore_drill.sh --wipe-this-database   (it drops \$DATABASE_URL and empties \$LANTOA_MEDIA_ROOT)" >&2
  exit 2
fi
: "${DATABASE_URL:?DATABASE_URL is not set}"
: "${LANTOA_MEDIA_ROOT:?LANTOA_MEDIA_ROOT is not set}"
PYTHON=${PYTHON:-.venv/bin/python}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
backup=${BACKUP_DIR:-$work/backup}
as_of=$(date +%F)
database=${DATABASE_URL##*/}
database=${database%%\?*}
maintenance=${DATABASE_URL%/*}/postgres

"$PYTHON" deploy/fingerprint.py --as-of "$as_of" > "$work/before.json"
"$PYTHON" - "$work/before.json" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
bad = [serial for serial, digest in data["certificates"].items() if digest["file"] != digest["register"]]
if bad:
    sys.exit(f"restore drill: before the backup already, these PDFs differ from the register: {bad}")
PY
deploy/backup.sh "$backup"

echo "restore drill: wiping database $database and $LANTOA_MEDIA_ROOT"
psql "$maintenance" --quiet --set ON_ERROR_STOP=1 --command "DROP DATABASE \"$database\" WITH (FORCE)"
psql "$maintenance" --quiet --set ON_ERROR_STOP=1 --command "CREATE DATABASE \"$database\""
find "$LANTOA_MEDIA_ROOT" -mindepth 1 -delete

deploy/restore.sh "$backup"
"$PYTHON" deploy/fingerprint.py --as-of "$as_of" > "$work/after.json"
if ! diff -u "$work/before.json" "$work/after.json"; then
  echo "restore drill: FAILED — the restored data differ (above)" >&2
  exit 1
fi
"$PYTHON" - "$work/after.json" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
print(f"restore drill: identical after backup, wipe and restore — coverage of {len(data['coverage'])} "
      f"assignment(s) as of {data['as_of']}, {len(data['certificates'])} certificate(s) with the same SHA-256")
PY
