#!/usr/bin/env bash
# The test command (README): unit + integration tests on SQLite, the integration suite again on
# PostgreSQL, then the real-browser test, the Open311 test through PyPI client libraries, kill -9 under
# write load, and the API contract (schemathesis) on both databases. Installs
# what it needs (chromium, CJK fonts, playwright-core, the Python clients in a virtualenv) when missing.
# Fails — never skips — when PostgreSQL or the browser is unavailable.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/xinghuo/target}"
PG_URL="${XINGHUO_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/test}"

echo "== PostgreSQL"
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
fi
pg_isready -h 127.0.0.1 -p 5432 || { echo "PostgreSQL at 127.0.0.1:5432 is unreachable: failing, not skipping" >&2; exit 1; }

echo "== Browser test dependencies"
if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  else
    echo "chromium and fonts-noto-cjk are needed: sudo apt-get install chromium fonts-noto-cjk" >&2; exit 1
  fi
fi
(cd tests/e2e && npm ci --no-audit --no-fund --silent)

echo "== cargo test (SQLite)"
cargo test --all-targets
cargo test --doc

echo "== cargo test (PostgreSQL)"
XINGHUO_TEST_PG="$PG_URL" cargo test --test it

echo "== browser test"
cargo build --bin xinghuo
XINGHUO_BIN="$CARGO_TARGET_DIR/debug/xinghuo" node tests/e2e/run.mjs

echo "== Open311 through client libraries from PyPI"
XINGHUO_BIN="$CARGO_TARGET_DIR/debug/xinghuo" bash tests/open311/run.sh

echo "== kill -9 under write load (SQLite)"
python3 tests/resilience/kill9.py "$CARGO_TARGET_DIR/debug/xinghuo"

echo "== API contract (schemathesis, SQLite and PostgreSQL)"
XINGHUO_BIN="$CARGO_TARGET_DIR/debug/xinghuo" XINGHUO_CONTRACT_PG="$PG_URL" bash tests/contract/run.sh
