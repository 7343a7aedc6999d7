#!/usr/bin/env bash
# Resident-request benchmark (issue 3) against the bare axum + SQLite server in ../shared/bench/limit,
# in the same sitting, with ../shared/bench/load/load.sh (wrk on loopback).
#
#   benches/requests.sh [sqlite|postgres|limit|all]     (default: all)
#
# For each backend: a fresh database with the demo data, then N_ROWS (default 1,000,000) synthetic
# requests from benches/seed_requests.sh, then a release server and, per run:
#   create        POST /api/v1/requests as the demo resident (bearer token): auth, validation, the
#                 request row, its first timeline event and the audit row, one transaction
#   mine          GET /requests as that resident — their own requests, newest first
#   list          GET /requests as the project manager — the work-queue page (HTML), first page
#   queue_closed  GET /requests?state=closed — a filter over ~90 % of the rows
#   queue_api     GET /api/v1/requests?building_id=… — the queue as JSON, filtered by building
#   figures       GET /requests/figures?project=… — the month's 三率 for the project (aggregate SQL)
# The staff pages run at CONC connections (default 16), then once more at 1 connection (latency alone).
# Results: one RESULT line per phase, appended as JSON lines to $OUT_DIR (default target/bench-results).
# Summarise with python3 ../shared/bench/load/summarise.py $OUT_DIR/*.jsonl
# REUSE=1 (postgres only) skips the drop, the demo data and the seed: it measures the last seeded database
# (with the keyring it was seeded with, kept in $CARGO_TARGET_DIR/bench-pg-data).
# POOL: the server's database connections (XINGHUO_DB_MAX_CONNECTIONS, default 8).
# Durability, to compare the backends at the same one: SQLITE_SYNC=normal|full (XINGHUO_SQLITE_SYNCHRONOUS,
# default normal: the WAL is flushed at checkpoints) and PG_SYNC=on|off (the bench database's
# synchronous_commit, default on: every commit waits for its flush). normal matches off, full matches on.
source "$(dirname "$0")/lib.sh"
OUT_DIR=${OUT_DIR:-$ROOT/target/bench-results}
mkdir -p "$OUT_DIR"
WHAT=${1:-all}
PORT=${PORT:-18090}
BASE="http://127.0.0.1:$PORT"
N_ROWS=${N_ROWS:-1000000}
export SEED=${SEED:-0} N_CREATE=${N_CREATE:-4000} N_LIST=${N_LIST:-2000} N_EXTRA=${N_EXTRA:-1000} RUNS=${RUNS:-3} CONC=${CONC:-16}

need_wrk
command -v sqlite3 >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq sqlite3 >/dev/null; }
# XINGHUO_BENCH_BIN: use this binary instead of building a release one (e.g. to try the script).
bench_bin
if [ "$WHAT" = limit ] || [ "$WHAT" = all ]; then
  cargo build --release --manifest-path "$SHARED/bench/limit/Cargo.toml" --target-dir "$CARGO_TARGET_DIR/bench-limit"
fi

# Log in as a demo user and issue an API token (bearer auth for wrk).
token_for() {
  local user=$1 jar; jar=$(mktemp)
  local csrf
  csrf=$(curl -s -c "$jar" -b "$jar" "$BASE/login" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
  curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "_csrf=$csrf" -d "username=$user" --data-urlencode "password=Xinghuo@2026" -d "next=/" "$BASE/login"
  csrf=$(curl -s -c "$jar" -b "$jar" "$BASE/account" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
  curl -s -c "$jar" -b "$jar" --data-urlencode "_csrf=$csrf" --data-urlencode "name=bench" --data-urlencode "access=write" "$BASE/account/tokens" \
    | grep -o 'id="new-token">[^<]*' | sed 's/.*>//'
  rm -f "$jar"
}

run_xinghuo() {
  local name=$1 url=$2 seed_target=$3
  # The data directory holds the keyring the seeded database was written with: a reused database needs
  # the same one, so PostgreSQL's lives beside the build (BENCH_PG_DATA), SQLite's in a fresh directory.
  local dir
  if [ "$name" = postgres ]; then
    dir=${BENCH_PG_DATA:-$CARGO_TARGET_DIR/bench-pg-data}
    [ "${REUSE:-0}" = 1 ] || { rm -rf "$dir"; mkdir -p "$dir"; }
  else
    dir=$(mktemp -d)
  fi
  export XINGHUO_DATABASE_URL="$url" XINGHUO_DATA_DIR="$dir" XINGHUO_LISTEN="127.0.0.1:$PORT" XINGHUO_LOG=warn XINGHUO_DB_MAX_CONNECTIONS=${POOL:-8} \
    XINGHUO_SQLITE_SYNCHRONOUS=${SQLITE_SYNC:-normal}
  if [ "${REUSE:-0}" = 1 ]; then
    echo "reusing the seeded database at $url"
    # The earlier passes' creates (12,000 open requests each) are not yet all-visible: vacuum them as
    # autovacuum would (it is off on the CI machine's PostgreSQL), or the overdue board pays a heap fetch
    # for each of them (docs/benchmarks.md, tenth sitting).
    psql -q "$url" -c "VACUUM (ANALYZE) requests, request_day_counts, request_events, audit_log"
  else
    "$BIN" demo >/dev/null
    local t0=$SECONDS
    bash benches/seed_requests.sh "$name" "$seed_target" "$N_ROWS"
    echo "seeded $N_ROWS rows in $((SECONDS - t0)) s"
  fi
  if [ "$name" = postgres ]; then
    psql -q "$url" -c "ALTER DATABASE xinghuo_bench SET synchronous_commit = ${PG_SYNC:-on}"
    echo "synchronous_commit = ${PG_SYNC:-on}"
  fi
  # The seed leaves about a gigabyte of dirty pages: write them back now, not under the measured runs
  # (where they slow every fsync — SQLite's checkpoints, PostgreSQL's commits).
  sync
  "$BIN" serve >"$dir/server.log" 2>&1 &
  SERVER=$!
  wait_ready "$BASE/readyz"
  local staff resident; staff=$(token_for staff); resident=$(token_for resident)
  [ -n "$staff" ] && [ -n "$resident" ] || { echo "could not get API tokens" >&2; exit 1; }
  local me; me=$(curl -s -H "Authorization: Bearer $resident" "$BASE/api/v1/me")
  local hh; hh=$(printf '%s' "$me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["households"][0])')
  local yeyu cat building
  read -r yeyu cat building < <(curl -s -H "Authorization: Bearer $resident" "$BASE/api/v1/households/$hh" | python3 -c '
import json,sys; h=json.load(sys.stdin)["household"]; print(h["project_id"], 0, h["building_id"])')
  cat=$(curl -s -H "Authorization: Bearer $staff" "$BASE/open311/v2/services.json?jurisdiction_id=$yeyu" | python3 -c '
import json,sys; print([s for s in json.load(sys.stdin) if s["service_name"]=="公共照明"][0]["service_code"])')
  PROFILE=none NAME="requests-$name" OUT="$OUT_DIR/requests-$name.jsonl" AUTH="Bearer $resident" \
    CREATE_PATH=/api/v1/requests \
    BODY="{\"category_id\":$cat,\"description\":\"压测报事{n}：楼道灯不亮\",\"household_id\":$hh}" \
    N_LIST=0 LIST_PATH='/requests' SETTLE_PATH=/healthz EXTRA_GETS="mine=/requests" \
    bash "$SHARED/bench/load/load.sh" "$BASE" 2>&1 | sed "s/^/[$name] /"
  # The desk pages, as the project manager.
  PROFILE=none NAME="requests-$name-staff" OUT="$OUT_DIR/requests-$name.jsonl" AUTH="Bearer $staff" \
    N_CREATE=0 LIST_PATH='/requests' SETTLE_PATH=/healthz \
    EXTRA_GETS="queue_closed=/requests?state=closed queue_api=/api/v1/requests?building_id=$building figures=/requests/figures?project=$yeyu" \
    bash "$SHARED/bench/load/load.sh" "$BASE" 2>&1 | sed "s/^/[$name staff] /"
  # The same pages one at a time: the latency a single user sees (no queueing behind 15 others).
  PROFILE=none NAME="requests-$name-staff-c1" OUT="$OUT_DIR/requests-$name.jsonl" AUTH="Bearer $staff" \
    CONC=1 RUNS=1 N_CREATE=0 N_LIST=300 N_EXTRA=200 LIST_PATH='/requests' SETTLE_PATH=/healthz \
    EXTRA_GETS="queue_closed=/requests?state=closed queue_api=/api/v1/requests?building_id=$building figures=/requests/figures?project=$yeyu" \
    bash "$SHARED/bench/load/load.sh" "$BASE" 2>&1 | sed "s/^/[$name staff c1] /"
  cleanup; SERVER=
}

run_limit() {
  local dir; dir=$(mktemp -d)
  PORT=$PORT DB_PATH="$dir/limit.db" "$CARGO_TARGET_DIR/bench-limit/release/limit" >"$dir/limit.log" 2>&1 &
  SERVER=$!
  wait_ready "$BASE/hello"
  PROFILE=limit NAME=limit SEED=10000 N_CREATE=$N_CREATE OUT="$OUT_DIR/limit.jsonl" bash "$SHARED/bench/load/load.sh" "$BASE"
  cleanup; SERVER=
}

sqlite_run() {
  [ "${REUSE:-0}" = 1 ] && { echo "REUSE=1 is for postgres only" >&2; exit 2; }
  local d; d=$(mktemp -d); run_xinghuo sqlite "sqlite://$d/bench.db?mode=rwc" "$d/bench.db"
}
pg_run() {
  # REUSE=1: measure the database a previous run seeded (a 10,000,000-row seed takes ~20 minutes); its
  # earlier runs' creates (12,000 a run) stay in it.
  if [ "${REUSE:-0}" != 1 ]; then
    psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS xinghuo_bench" -c "CREATE DATABASE xinghuo_bench"
  fi
  # PG_SOCKET=1: reach PostgreSQL through its Unix socket (/var/run/postgresql) instead of TCP loopback.
  local url=postgres://postgres@127.0.0.1:5432/xinghuo_bench
  [ "${PG_SOCKET:-0}" = 1 ] && url="postgres://postgres@localhost/xinghuo_bench?host=/var/run/postgresql"
  run_xinghuo postgres "$url" "$url"
}

case "$WHAT" in
  limit) run_limit ;;
  sqlite) sqlite_run ;;
  postgres) pg_run ;;
  all) run_limit; sqlite_run; pg_run ;;
  *) echo "usage: $0 [sqlite|postgres|limit|all]" >&2; exit 2 ;;
esac
