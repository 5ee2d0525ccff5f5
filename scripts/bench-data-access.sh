#!/usr/bin/env bash
# Runs the data-access benchmarks (raw ADO.NET, Dapper, EF Core, generated layer) on SQLite and PostgreSQL.
# Extra arguments go to BenchmarkDotNet, e.g. `--job short` for a quicker, rougher run.
# PostgreSQL: AGENTHIVE_BENCH_POSTGRES or AGENTHIVE_TEST_POSTGRES (a role that may create databases), else the
# machine's own cluster through scripts/local-postgres.sh. The databases (agenthive_bench on PostgreSQL, or the
# name in AGENTHIVE_BENCH_POSTGRES_DATABASE; agenthive-bench/agent_hive_bench.db in the temp folder or
# AGENTHIVE_BENCH_SQLITE) are seeded once and reused.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${AGENTHIVE_BENCH_POSTGRES:-}" ] && [ -z "${AGENTHIVE_TEST_POSTGRES:-}" ]; then
  # shellcheck source=scripts/local-postgres.sh
  source scripts/local-postgres.sh
fi
# In-process: the out-of-process toolchain rebuilds the whole solution per run, which outlasts its build timeout on 2 cores.
# A --filter of your own (e.g. '*Sqlite*Routing10*') replaces the default one.
filter=(--filter '*DataAccess*')
for argument in "$@"; do
  if [ "$argument" = "--filter" ]; then filter=(); fi
done
exec dotnet run -c Release --project benchmarks/AgentHive.Benchmarks -- "${filter[@]}" --inProcess "$@"
