#!/usr/bin/env bash
# Load benchmark of Xinghuo's foundation routes against the bare axum + SQLite server in
# ../shared/bench/limit, in the same sitting, with ../shared/bench/load/load.sh (wrk on loopback).
#
#   benches/load.sh [sqlite|postgres|limit|all]     (default: all)
#
# Needs: release builds (the script builds them), wrk (apt-get install wrk), PostgreSQL on
# 127.0.0.1:5432 for the postgres run. Results: one RESULT line per phase, appended as JSON lines to
# $OUT_DIR (default target/bench-results). Summarise with python3 ../shared/bench/load/summarise.py.
source "$(dirname "$0")/lib.sh"
OUT_DIR=${OUT_DIR:-$ROOT/target/bench-results}
mkdir -p "$OUT_DIR"
WHAT=${1:-all}
PORT=${PORT:-18090}
BASE="http://127.0.0.1:$PORT"
export SEED=${SEED:-5000} N_CREATE=${N_CREATE:-2000} N_LIST=${N_LIST:-2000} N_EXTRA=${N_EXTRA:-2000} RUNS=${RUNS:-3} CONC=${CONC:-16}

need_wrk
# XINGHUO_BENCH_BIN: use this binary instead of building a release one.
bench_bin
cargo build --release --manifest-path "$SHARED/bench/limit/Cargo.toml" --target-dir "$CARGO_TARGET_DIR/bench-limit"

# Log in as the demo project manager and issue an API token (bearer auth for wrk).
token_for_staff() {
  local jar; jar=$(mktemp)
  local csrf
  csrf=$(curl -s -c "$jar" -b "$jar" "$BASE/login" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
  curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "_csrf=$csrf" -d "username=staff" --data-urlencode "password=Xinghuo@2026" -d "next=/" "$BASE/login"
  csrf=$(curl -s -c "$jar" -b "$jar" "$BASE/account" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
  curl -s -c "$jar" -b "$jar" --data-urlencode "_csrf=$csrf" --data-urlencode "name=bench" --data-urlencode "access=write" "$BASE/account/tokens" \
    | grep -o 'id="new-token">[^<]*' | sed 's/.*>//'
  rm -f "$jar"
}

run_xinghuo() {
  local name=$1 url=$2
  local dir; dir=$(mktemp -d)
  XINGHUO_DATABASE_URL="$url" XINGHUO_DATA_DIR="$dir" XINGHUO_LISTEN="127.0.0.1:$PORT" XINGHUO_LOG=warn \
    XINGHUO_DB_MAX_CONNECTIONS=8 "$BIN" serve --demo >"$dir/server.log" 2>&1 &
  SERVER=$!
  wait_ready "$BASE/readyz"
  local token; token=$(token_for_staff)
  [ -n "$token" ] || { echo "could not get an API token" >&2; exit 1; }
  local ids; ids=$(curl -s -H "Authorization: Bearer $token" "$BASE/api/v1/projects")
  local yeyu; yeyu=$(printf '%s' "$ids" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
  local hh; hh=$(curl -s -H "Authorization: Bearer $token" "$BASE/api/v1/people?q=zs" | python3 -c 'import json,sys; print([h for h in json.load(sys.stdin) if h["household_id"]][0]["household_id"])')
  # create = register a volunteer (validation, person row, role row, audit row, one transaction)
  # list   = search people by pinyin initials within scope (LIKE over name/pinyin, up to 100 rows)
  PROFILE=none NAME="xinghuo-$name" OUT="$OUT_DIR/xinghuo-$name.jsonl" AUTH="Bearer $token" \
    CREATE_PATH=/api/v1/people BODY="{\"name\":\"压测志愿者\",\"role\":\"volunteer\",\"node_id\":$yeyu}" \
    LIST_PATH='/api/v1/people?q=zs' SETTLE_PATH=/healthz \
    EXTRA_GETS="me=/api/v1/me household_json=/api/v1/households/$hh household_page=/households/$hh healthz=/healthz" \
    bash "$SHARED/bench/load/load.sh" "$BASE"
  cleanup; SERVER=
}

run_limit() {
  local dir; dir=$(mktemp -d)
  PORT=$PORT DB_PATH="$dir/limit.db" "$CARGO_TARGET_DIR/bench-limit/release/limit" >"$dir/limit.log" 2>&1 &
  SERVER=$!
  wait_ready "$BASE/hello"
  PROFILE=limit NAME=limit OUT="$OUT_DIR/limit.jsonl" bash "$SHARED/bench/load/load.sh" "$BASE"
  cleanup; SERVER=
}

case "$WHAT" in
  limit) run_limit ;;
  sqlite) run_xinghuo sqlite "sqlite://$(mktemp -d)/bench.db?mode=rwc" ;;
  postgres)
    psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS xinghuo_bench" -c "CREATE DATABASE xinghuo_bench"
    run_xinghuo postgres "postgres://postgres@127.0.0.1:5432/xinghuo_bench" ;;
  all)
    run_limit
    run_xinghuo sqlite "sqlite://$(mktemp -d)/bench.db?mode=rwc"
    psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS xinghuo_bench" -c "CREATE DATABASE xinghuo_bench"
    run_xinghuo postgres "postgres://postgres@127.0.0.1:5432/xinghuo_bench" ;;
  *) echo "usage: $0 [sqlite|postgres|limit|all]" >&2; exit 2 ;;
esac
