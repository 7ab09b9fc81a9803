#!/bin/sh
# Nightly PostgreSQL backup: one custom-format dump per night, kept KEEP_DAYS days.
# Copy BACKUP_DIR off the machine too (rsync/restic to another host): a dump on the same disk
# does not survive the disk. Media files (GONGZHI_VAR_DIR/media) need the same copy.
set -eu
BACKUP_DIR=${BACKUP_DIR:-/var/backups/gongzhi}
DB=${DB:-gongzhi}
KEEP_DAYS=${KEEP_DAYS:-14}
mkdir -p "$BACKUP_DIR"
stamp=$(date +%Y%m%d-%H%M%S)
tmp="$BACKUP_DIR/.$DB-$stamp.dump.part"
pg_dump --format=custom --compress=6 --no-owner --file="$tmp" "$DB"
mv "$tmp" "$BACKUP_DIR/$DB-$stamp.dump"          # only a complete dump gets its final name
find "$BACKUP_DIR" -name "$DB-*.dump" -mtime +"$KEEP_DAYS" -delete
echo "backup written: $BACKUP_DIR/$DB-$stamp.dump"
