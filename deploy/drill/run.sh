#!/bin/sh
# Bring up the multi-process topology on this machine and run the fault drill under load
# (bench/drill.py: nginx, two app instances, two supervised task workers, PostgreSQL
# database gz_ops_drill, Redis database 2). Needs nginx (apt-get install nginx-light),
# PostgreSQL 15 at 127.0.0.1:5432 (user postgres, trust) and Redis at 127.0.0.1:6379.
# Options: --clients N --settle SECONDS --no-redis-restart --no-pg-restart
set -eu
cd "$(dirname "$0")/../.."
exec .venv/bin/python bench/drill.py "$@"
