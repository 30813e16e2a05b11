#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into an EMPTY database and an empty MEDIA_ROOT.
#
#   DATABASE_URL=postgres://… LANTOA_MEDIA_ROOT=/srv/lantoa/media deploy/restore.sh DIR
#
# Stop the web, worker and beat services first. Create the database beforehand (createdb -O lantoa
# lantoa); the script refuses a database that already has tables, and a MEDIA_ROOT with files in it.
set -euo pipefail
dir=${1:?usage: restore.sh DIR}
: "${DATABASE_URL:?DATABASE_URL is not set}"
: "${LANTOA_MEDIA_ROOT:?LANTOA_MEDIA_ROOT is not set}"
(cd "$dir" && sha256sum --check --quiet SHA256SUMS)
tables=$(psql "$DATABASE_URL" --no-align --tuples-only --command \
  "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
if [ "$tables" != "0" ]; then
  echo "restore: the database already has $tables tables; restore into an empty one" >&2
  exit 1
fi
mkdir -p "$LANTOA_MEDIA_ROOT"
if [ -n "$(ls -A "$LANTOA_MEDIA_ROOT")" ]; then
  echo "restore: $LANTOA_MEDIA_ROOT is not empty" >&2
  exit 1
fi
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$DATABASE_URL" "$dir/database.dump"
tar --extract --gzip --file="$dir/media.tar.gz" --directory="$LANTOA_MEDIA_ROOT"
echo "restore: database and files restored from $dir"
