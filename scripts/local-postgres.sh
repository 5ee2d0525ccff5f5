#!/usr/bin/env bash
# Source this to start the machine's own PostgreSQL cluster (Debian's pg_ctlcluster, as root) and
# export AGENTHIVE_TEST_POSTGRES for the tests. Does nothing when there is no such cluster or we may
# not start it: the tests then say how to provide a server.
password="${AGENTHIVE_LOCAL_PG_PASSWORD:-agenthive-local-tests}"
if command -v pg_lsclusters >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  read -r pg_version pg_cluster pg_port _ < <(pg_lsclusters -h | head -n 1)
  if [ -n "${pg_version:-}" ]; then
    pg_ctlcluster "$pg_version" "$pg_cluster" start 2>/dev/null || true
    for _ in $(seq 1 30); do
      pg_isready -q -h 127.0.0.1 -p "$pg_port" && break
      sleep 1
    done
    # TCP connections use password authentication; give the superuser a known local password.
    su postgres -c "psql -q -p $pg_port -c \"ALTER USER postgres PASSWORD '$password'\"" >/dev/null
    export AGENTHIVE_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Password=$password;Database=postgres"
    echo "Using local PostgreSQL $pg_version/$pg_cluster on port $pg_port for the tests."
  fi
fi
