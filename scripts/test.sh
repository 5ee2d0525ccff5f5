#!/usr/bin/env bash
# Runs every test, on SQLite and on a real PostgreSQL server. The server comes from
# AGENTHIVE_TEST_POSTGRES if set, else from a Docker engine (Testcontainers) if one answers, else from
# this machine's own PostgreSQL, started here.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ -z "${AGENTHIVE_TEST_POSTGRES:-}" ] && ! docker info >/dev/null 2>&1; then
  # shellcheck source=scripts/local-postgres.sh
  source scripts/local-postgres.sh
fi

# Mermaid's own parser checks the generated ER diagrams; tests/mermaid pins its version.
if [ ! -d tests/mermaid/node_modules/mermaid ] && command -v npm >/dev/null 2>&1; then
  npm ci --prefix tests/mermaid --no-audit --no-fund >/dev/null \
    || echo "npm ci in tests/mermaid failed; the Mermaid syntax test will fail and say why." >&2
fi

log=$(mktemp)
dotnet test AgentHive.sln 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# One closing line with the totals of every test project.
awk '/^(Passed|Failed)!/ {
       for (i = 1; i <= NF; i++) {
         if ($i == "Failed:") failed += $(i + 1)
         if ($i == "Passed:") passed += $(i + 1)
         if ($i == "Skipped:") skipped += $(i + 1)
       }
       seen = 1
     }
     END { if (seen) printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped }' \
  < <(sed 's/,//g' "$log")
rm -f "$log"
exit "$status"
