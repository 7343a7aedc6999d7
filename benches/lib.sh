# Sourced by every benches/*.sh: the preamble they share. After it the script runs from the repository's
# root with ROOT, SHARED and CARGO_TARGET_DIR set, the anti-automation limits off, and SERVER (a server it
# starts) stopped when it exits. `bench_bin` sets BIN; `wait_ready URL` waits for a server; `need_wrk`.
set -euo pipefail
# Throughput is measured here, not the anti-automation limits (tested in tests/it/trust.rs): off.
export XINGHUO_WRITE_RATE_PER_USER=0 XINGHUO_WRITE_RATE_PER_ADDRESS=0
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
SHARED=${SHARED:-$ROOT/../shared}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/xinghuo/target}

# BIN: $XINGHUO_BENCH_BIN if set (a binary built before, e.g. to compare two commits), else a release build.
bench_bin() {
  if [ -z "${XINGHUO_BENCH_BIN:-}" ]; then cargo build --release --bin xinghuo; fi
  BIN=${XINGHUO_BENCH_BIN:-$CARGO_TARGET_DIR/release/xinghuo}
}

need_wrk() {
  command -v wrk >/dev/null && return 0
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq wrk >/dev/null; else echo "wrk is needed: apt-get install wrk" >&2; exit 2; fi
}

SERVER=
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT

# Wait until URL answers (up to a minute), or fail the run.
wait_ready() {
  for _ in $(seq 1 300); do curl -sf "$1" >/dev/null && return 0; sleep 0.2; done
  echo "server did not start: $1" >&2
  exit 1
}
