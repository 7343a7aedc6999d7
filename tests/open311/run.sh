#!/usr/bin/env bash
# Open311 against a real server, through client libraries from PyPI: start `xinghuo serve --demo` on a
# temporary SQLite database, issue a key with the CLI, run client_test.py in a virtualenv.
set -euo pipefail
cd "$(dirname "$0")"
BIN="${XINGHUO_BIN:?XINGHUO_BIN must point at the xinghuo binary}"
VENV="${XINGHUO_O311_VENV:-$HOME/.cache/xinghuo/open311-venv}"
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/pip" install -q -r requirements.txt

DIR="$(mktemp -d)"
PORT="${XINGHUO_O311_PORT:-18311}"
export XINGHUO_DATABASE_URL="sqlite://$DIR/o311.db?mode=rwc" XINGHUO_DATA_DIR="$DIR" XINGHUO_LISTEN="127.0.0.1:$PORT"
"$BIN" demo >/dev/null
KEY="$("$BIN" open311-key create --project 保利叶语 --label "Open311 客户端测试" | tail -1)"
"$BIN" serve >"$DIR/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$DIR"' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
"$VENV/bin/python" client_test.py "http://127.0.0.1:$PORT/open311/v2" "$KEY"
