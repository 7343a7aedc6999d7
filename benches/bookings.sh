#!/usr/bin/env bash
# 200 simultaneous attempts to book the same slot (issue 4's booking burst), against a release build on
# loopback, on SQLite and on PostgreSQL: how many succeed (must be exactly 1), how the others are refused,
# and how long the burst takes.
#
#   benches/bookings.sh [sqlite|postgres|all]     (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/xinghuo/target}
WHAT=${1:-all}
PORT=${PORT:-18091}
BASE="http://127.0.0.1:$PORT"
N=${N:-200}
if [ -z "${XINGHUO_BENCH_BIN:-}" ]; then cargo build --release --bin xinghuo; fi
BIN=${XINGHUO_BENCH_BIN:-$CARGO_TARGET_DIR/release/xinghuo}
SERVER=
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT

run() {
  local name=$1 url=$2 dir; dir=$(mktemp -d)
  XINGHUO_DATABASE_URL="$url" XINGHUO_DATA_DIR="$dir" XINGHUO_LISTEN="127.0.0.1:$PORT" XINGHUO_LOG=warn \
    "$BIN" serve --demo >"$dir/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 300); do curl -sf "$BASE/readyz" >/dev/null && break; sleep 0.2; done
  python3 - "$BASE" "$name" "$N" <<'PY'
import concurrent.futures, datetime, http.cookiejar, json, re, sys, time, urllib.error, urllib.parse, urllib.request
base, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
jar = http.cookiejar.CookieJar()
op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
csrf = lambda html: re.search(r'name="_csrf" value="([^"]+)"', html).group(1)
page = op.open(base + "/login").read().decode()
op.open(base + "/login", data=urllib.parse.urlencode({"_csrf": csrf(page), "username": "staff", "password": "Xinghuo@2026", "next": "/"}).encode())
page = op.open(base + "/account").read().decode()
html = op.open(base + "/account/tokens", data=urllib.parse.urlencode({"_csrf": csrf(page), "name": "bench"}).encode()).read().decode()
token = re.search(r'id="new-token">([^<]+)', html).group(1)
auth = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
def get(path):
    return json.load(urllib.request.urlopen(urllib.request.Request(base + path, headers=auth)))
me = get("/api/v1/me")
centre = None
for c in range(1, 20):
    try:
        d = get(f"/api/v1/centres/{c}")
    except Exception:
        continue
    if d["centre"]["project_id"] in me["projects"]:
        centre = d
        break
hall = [r for r in centre["rooms"] if r["name"] == "议事厅"][0]["id"]
day = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
body = json.dumps({"date": day, "start": "14:00", "end": "15:00", "purpose": "并发压测"}).encode()
def attempt(_):
    req = urllib.request.Request(f"{base}/api/v1/rooms/{hall}/bookings", data=body, headers=auth, method="POST")
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, "", time.perf_counter() - t
    except urllib.error.HTTPError as e:
        return e.code, json.load(e).get("code", ""), time.perf_counter() - t
with concurrent.futures.ThreadPoolExecutor(n) as pool:
    t0 = time.perf_counter()
    results = list(pool.map(attempt, range(n)))
    total = time.perf_counter() - t0
lat = sorted(r[2] for r in results)
codes = {}
for s, c, _ in results:
    codes[f"{s} {c}".strip()] = codes.get(f"{s} {c}".strip(), 0) + 1
print("RESULT " + json.dumps({"backend": name, "attempts": n, "outcomes": codes, "burst_s": round(total, 3),
      "p50_ms": round(lat[len(lat)//2]*1000, 1), "p99_ms": round(lat[int(len(lat)*0.99)-1]*1000, 1)}, ensure_ascii=False))
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
