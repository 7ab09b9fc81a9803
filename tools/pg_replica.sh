#!/usr/bin/env bash
# A streaming replica of this machine's PostgreSQL, on another port, for the replica tests and
# benchmarks (README, "Read replica"). Idempotent: `setup` reuses a replica that is streaming.
#
#   tools/pg_replica.sh setup     clone the primary (pg_basebackup) if needed, start, wait
#                                 until it streams and has replayed the primary's WAL
#   tools/pg_replica.sh start|stop|status
#   tools/pg_replica.sh url DB    the DATABASE_REPLICA_URL for database DB
#   tools/pg_replica.sh destroy   stop and delete the replica's data directory
#
# Settings (environment): PRIMARY_HOST (127.0.0.1), PRIMARY_PORT (5432), PGUSER (postgres),
# REPLICA_PORT (5433), REPLICA_DIR (/var/lib/postgresql/gongzhi-replica-$REPLICA_PORT),
# PG_BIN (/usr/lib/postgresql/<newest>/bin).
#
# On the primary it only ever adds one pg_hba.conf line ("host replication all 127.0.0.1/32
# trust") and reloads; it never restarts it. No replication slot: a replica left stopped must
# not make the primary keep WAL forever; `setup` clones again when it cannot catch up.
set -euo pipefail

PRIMARY_HOST="${PRIMARY_HOST:-127.0.0.1}"
PRIMARY_PORT="${PRIMARY_PORT:-5432}"
PGUSER="${PGUSER:-postgres}"
REPLICA_PORT="${REPLICA_PORT:-5433}"
REPLICA_DIR="${REPLICA_DIR:-/var/lib/postgresql/gongzhi-replica-${REPLICA_PORT}}"
if [ -z "${PG_BIN:-}" ]; then
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
fi
export PGUSER

die() {
  echo "pg_replica: $*" >&2
  exit 1
}

# The server refuses to run as root: run its tools as the owner of the data directory.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

primary() { psql -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -d postgres -XtAqc "$1"; }
replica() { psql -h 127.0.0.1 -p "$REPLICA_PORT" -d postgres -XtAqc "$1"; }

allow_replication() {
  local hba
  hba="$(primary 'show hba_file')"
  if ! grep -Eq '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
    [ -w "$hba" ] || die "cannot add the replication line to $hba (run as root or postgres)"
    echo "host replication all 127.0.0.1/32 trust  # gongzhi tools/pg_replica.sh" >>"$hba"
    primary 'select pg_reload_conf()' >/dev/null
    echo "pg_replica: allowed replication from 127.0.0.1 in $hba (reloaded)"
  fi
}

running() { as_owner "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" status >/dev/null 2>&1; }

streaming() {
  [ "$(replica "select count(*) from pg_stat_wal_receiver where status = 'streaming'" 2>/dev/null)" = "1" ]
}

write_config() {
  # A hot standby needs these at least as high as on the primary.
  local name settings=""
  for name in max_connections max_worker_processes max_wal_senders max_prepared_transactions \
    max_locks_per_transaction; do
    settings+="$name = $(primary "show $name")"$'\n'
  done
  as_owner tee "$REPLICA_DIR/postgresql.conf" >/dev/null <<EOF
# gongzhi tools/pg_replica.sh: a hot standby of ${PRIMARY_HOST}:${PRIMARY_PORT}
port = ${REPLICA_PORT}
listen_addresses = '127.0.0.1'
unix_socket_directories = '/var/run/postgresql'
hba_file = '${REPLICA_DIR}/pg_hba.conf'
ident_file = '${REPLICA_DIR}/pg_ident.conf'
hot_standby = on
# Long KPI and export queries are not cancelled by vacuum on the primary.
hot_standby_feedback = on
wal_receiver_status_interval = 1s
shared_buffers = 128MB
jit = off
${settings}
EOF
  as_owner tee "$REPLICA_DIR/pg_hba.conf" >/dev/null <<EOF
local all all trust
host all all 127.0.0.1/32 trust
EOF
  as_owner touch "$REPLICA_DIR/pg_ident.conf"
}

clone() {
  echo "pg_replica: cloning ${PRIMARY_HOST}:${PRIMARY_PORT} into $REPLICA_DIR"
  as_owner rm -rf "$REPLICA_DIR"
  # -R writes standby.signal and primary_conninfo; -X stream copies the WAL made meanwhile.
  as_owner "$PG_BIN/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$PGUSER" \
    -D "$REPLICA_DIR" -X stream -R -c fast
  write_config
}

start() {
  running && return 0
  [ -f "$REPLICA_DIR/standby.signal" ] || die "no replica in $REPLICA_DIR: run setup"
  as_owner "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" -l "$REPLICA_DIR/server.log" -w -t 60 start >/dev/null
}

wait_streaming() {
  local _
  for _ in $(seq 1 "${1:-30}"); do
    streaming && return 0
    sleep 1
  done
  return 1
}

# Wait until the standby has replayed all the WAL the primary had written when called, saying
# how far behind it is every 10 s (a standby left stopped during a test run has much to replay).
wait_replayed() {
  local target behind i
  target="$(primary 'select pg_current_wal_lsn()')"
  for i in $(seq 0 "${1:-600}"); do
    behind="$(replica "select greatest(pg_wal_lsn_diff('$target', pg_last_wal_replay_lsn()), 0)::bigint")"
    [ "$behind" = 0 ] && return 0
    [ $((i % 10)) -eq 0 ] && echo "pg_replica: replaying, $((behind / 1048576)) MB of WAL behind the primary"
    sleep 1
  done
  return 1
}

setup() {
  command -v pg_basebackup >/dev/null || [ -x "$PG_BIN/pg_basebackup" ] ||
    die "PostgreSQL's server tools are missing (apt-get install postgresql)"
  pg_isready -q -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" || die "the primary is not ready"
  allow_replication
  if [ -f "$REPLICA_DIR/standby.signal" ]; then
    start
    if wait_streaming 15; then
      wait_replayed 600 || die "the replica streams but did not catch up in 600 s"
      status
      return 0
    fi
    echo "pg_replica: the replica does not stream (WAL gone?); cloning again"
    as_owner "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" -m fast -w stop >/dev/null 2>&1 || true
  fi
  clone
  start
  wait_streaming 30 || die "the replica started but does not stream; see $REPLICA_DIR/server.log"
  wait_replayed 600 || die "the replica streams but did not catch up in 600 s"
  status
}

status() {
  if ! running; then
    echo "stopped ($REPLICA_DIR)"
    return 3
  fi
  echo "port ${REPLICA_PORT}: in recovery $(replica 'select pg_is_in_recovery()')," \
    "receiver $(replica 'select coalesce((select status from pg_stat_wal_receiver), $$none$$)'), lag" \
    "$(replica 'select case when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0 else extract(epoch from now() - pg_last_xact_replay_timestamp()) end')s"
}

case "${1:-}" in
  setup) setup ;;
  start) start && wait_streaming 30 && status ;;
  stop) running && as_owner "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" -m fast -w stop >/dev/null; echo stopped ;;
  status) status ;;
  url) echo "postgres://${PGUSER}@127.0.0.1:${REPLICA_PORT}/${2:?usage: url DATABASE}" ;;
  destroy)
    running && as_owner "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" -m fast -w stop >/dev/null
    as_owner rm -rf "$REPLICA_DIR"
    echo "removed $REPLICA_DIR"
    ;;
  *)
    sed -n '2,14p' "$0"
    exit 2
    ;;
esac
