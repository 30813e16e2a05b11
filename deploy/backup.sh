#!/usr/bin/env bash
# Back up Lan Tỏa: the database (pg_dump, custom format) and the stored files (MEDIA_ROOT), into DIR.
#
#   DATABASE_URL=postgres://… LANTOA_MEDIA_ROOT=/srv/lantoa/media deploy/backup.sh DIR
#
# Database first, files second: a certificate issued in between has its row in the dump only if its
# PDF is already on disk (the PDF is stored before the row points at it), so a restore never has a
# row without its file; at worst a file without a row, which nothing reads. Run it nightly from cron
# or a systemd timer as the lantoa user, and copy DIR to another machine.
set -euo pipefail
dir=${1:?usage: backup.sh DIR}
: "${DATABASE_URL:?DATABASE_URL is not set}"
: "${LANTOA_MEDIA_ROOT:?LANTOA_MEDIA_ROOT is not set}"
mkdir -p "$dir"
pg_dump --format=custom --no-owner --no-privileges --file="$dir/database.dump" --dbname="$DATABASE_URL"
tar --create --gzip --file="$dir/media.tar.gz" --directory="$LANTOA_MEDIA_ROOT" .
(cd "$dir" && sha256sum database.dump media.tar.gz > SHA256SUMS)
echo "backup: $(du -h "$dir/database.dump" | cut -f1) database, $(du -h "$dir/media.tar.gz" | cut -f1) files in $dir"
