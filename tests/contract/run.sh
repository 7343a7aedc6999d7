#!/usr/bin/env bash
# The API contract (issue 9): schemathesis generates calls from the running server's own OpenAPI
# document — as a read-write staff token, a resident's token and an anonymous caller — and fails on any
# server error (5xx) or any status the document does not declare. Bounded: a few examples per
# operation, a time limit for the whole run. Starts its own server (debug build) on a temp SQLite file.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN="${XINGHUO_BIN:?set XINGHUO_BIN to the xinghuo binary}"
VENV="${XINGHUO_CONTRACT_VENV:-$HOME/.cache/xinghuo/schemathesis-venv}"
if [ ! -x "$VENV/bin/schemathesis" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q -r tests/contract/requirements.txt
fi
PORT="${XINGHUO_CONTRACT_PORT:-18412}"
ST="$VENV/bin/schemathesis"
export XINGHUO_LOG=warn
# The contract is tested here, not the anti-automation limits (tests/it/trust.rs): off.
export XINGHUO_WRITE_RATE_PER_USER=0 XINGHUO_WRITE_RATE_PER_ADDRESS=0
PID=""
DIR=""
PG_SCHEMA=""
cleanup() {
  [ -n "$PID" ] && { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
  [ -n "$DIR" ] && rm -rf "$DIR"
  if [ -n "$PG_SCHEMA" ]; then psql "$XINGHUO_CONTRACT_PG" -qc "DROP SCHEMA IF EXISTS $PG_SCHEMA CASCADE" >/dev/null 2>&1 || true; fi
  PID=""; DIR=""; PG_SCHEMA=""
}
trap cleanup EXIT
token() { python3 tests/lib/xh.py token "$PORT" "$1"; }
run() {
  echo "-- schemathesis as $1"
  shift
  timeout 300 "$ST" run "$URL" --checks not_a_server_error,status_code_conformance \
    --max-examples "${XINGHUO_CONTRACT_EXAMPLES:-15}" --request-timeout 10 --generation-deterministic \
    --phases examples,coverage,fuzzing --suppress-health-check all "$@"
}
# One backend: start a demo server on it, run the three callers, stop it.
backend() {
  local name="$1" url="$2"
  echo "== contract on $name"
  XINGHUO_DATABASE_URL="$url" XINGHUO_DATA_DIR="$DIR" XINGHUO_LISTEN="127.0.0.1:$PORT" "$BIN" serve --demo >"$DIR/server.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
  STAFF="$(token staff)"
  RESIDENT="$(token resident)"
  URL="http://127.0.0.1:$PORT/api/v1/openapi.json"
  run "staff (read-write token)" -H "Authorization: Bearer $STAFF"
  run "resident (read-write token)" -H "Authorization: Bearer $RESIDENT"
  run "anonymous"
  if grep -q "panicked" "$DIR/server.log"; then
    echo "the server panicked during the run:" >&2; grep -A3 panicked "$DIR/server.log" >&2; exit 1
  fi
  cleanup
}
DIR="$(mktemp -d)"
backend SQLite "sqlite://$DIR/c.db?mode=rwc"
if [ -n "${XINGHUO_CONTRACT_PG:-}" ]; then
  DIR="$(mktemp -d)"
  PG_SCHEMA="contract_$$"
  psql "$XINGHUO_CONTRACT_PG" -qc "CREATE SCHEMA $PG_SCHEMA" >/dev/null
  backend PostgreSQL "$XINGHUO_CONTRACT_PG?options=-c%20search_path%3D$PG_SCHEMA"
fi
echo "contract: 0 server errors, 0 undeclared statuses"
