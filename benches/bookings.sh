#!/usr/bin/env bash
# 200 simultaneous attempts to book the same slot (issue 4's booking burst), against a release build on
# loopback, on SQLite and on PostgreSQL: how many succeed (must be exactly 1), how the others are refused,
# and how long the burst takes.
#
#   benches/bookings.sh [sqlite|postgres|all]     (default: all)
source "$(dirname "$0")/lib.sh"
WHAT=${1:-all}
PORT=${PORT:-18091}
BASE="http://127.0.0.1:$PORT"
N=${N:-200}
bench_bin

run() {
  local name=$1 url=$2 dir; dir=$(mktemp -d)
  XINGHUO_DATABASE_URL="$url" XINGHUO_DATA_DIR="$dir" XINGHUO_LISTEN="127.0.0.1:$PORT" XINGHUO_LOG=warn \
    "$BIN" serve --demo >"$dir/server.log" 2>&1 &
  SERVER=$!
  wait_ready "$BASE/readyz"
  python3 - "$BASE" "$name" "$N" <<'PY'
import datetime, sys
sys.path.insert(0, "benches")
from benchlib import burst, get, post, result, staff_token, summary
base, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
auth = staff_token(base)
me = get(base, "/api/v1/me", auth)
centre = None
for c in range(1, 20):
    try:
        d = get(base, f"/api/v1/centres/{c}", auth)
    except Exception:
        continue
    if d["centre"]["project_id"] in me["projects"]:
        centre = d
        break
hall = [r for r in centre["rooms"] if r["name"] == "议事厅"][0]["id"]
day = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
body = {"date": day, "start": "14:00", "end": "15:00", "purpose": "并发压测"}
results, total = burst(lambda _: post(f"{base}/api/v1/rooms/{hall}/bookings", body, auth), range(n), n)
s = summary(results, total, backend=name, attempts=n)
result(s)
codes = s["outcomes"]
assert codes.get("200", 0) == 1, codes
PY
  cleanup; SERVER=
}

case "$WHAT" in
  sqlite) run sqlite "sqlite://$(mktemp -d)/b.db?mode=rwc" ;;
  postgres)
    psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS xinghuo_bookings" -c "CREATE DATABASE xinghuo_bookings"
    run postgres "postgres://postgres@127.0.0.1:5432/xinghuo_bookings" ;;
  all)
    run sqlite "sqlite://$(mktemp -d)/b.db?mode=rwc"
    psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS xinghuo_bookings" -c "CREATE DATABASE xinghuo_bookings"
    run postgres "postgres://postgres@127.0.0.1:5432/xinghuo_bookings" ;;
  *) echo "usage: $0 [sqlite|postgres|all]" >&2; exit 2 ;;
esac
