#!/bin/sh
# Restore drill: restore the newest dump into a scratch database and check that it holds
# data (cases, residents, grids). Exit status non-zero when anything is missing.
# A real restore is the same pg_restore into the production database name, with the web
# and worker units stopped: systemctl stop 'gongzhi-web@*' 'gongzhi-worker@*'.
set -eu
BACKUP_DIR=${BACKUP_DIR:-/var/backups/gongzhi}
DB=${DB:-gongzhi}
SCRATCH=${SCRATCH:-gongzhi_restore_drill}
dump=$(ls -1t "$BACKUP_DIR"/"$DB"-*.dump | head -n 1)
[ -n "$dump" ] || { echo "no dump in $BACKUP_DIR" >&2; exit 1; }
dropdb --if-exists "$SCRATCH"
createdb "$SCRATCH"
started=$(date +%s)
pg_restore --no-owner --exit-on-error --jobs=2 --dbname="$SCRATCH" "$dump"
took=$(( $(date +%s) - started ))
check() {
    n=$(psql -At -d "$SCRATCH" -c "select count(*) from $1")
    echo "$1: $n rows"
    [ "$n" -gt 0 ] || { echo "restore drill FAILED: $1 is empty" >&2; exit 1; }
}
check grids_grid
check cases_case
check django_migrations
echo "restore drill OK: $dump restored in ${took}s into $SCRATCH"
dropdb "$SCRATCH"
