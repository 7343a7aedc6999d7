#!/usr/bin/env bash
# 爱心超市 under a burst (issue 4: no double spend, no negative stock), against a release build on
# loopback, on SQLite and on PostgreSQL:
#   1. N residents (default 500, inserted with SQL: a home at 保利叶语, a user, an API token and 100
#      points each) redeem the same item, stock 100, all at once (64 connections): exactly 100 succeed;
#   2. one resident with 100 points sends 64 redemptions of a 30-point item at once: exactly 3 succeed.
#
#   benches/redemptions.sh [sqlite|postgres|all]     (default: all)
source "$(dirname "$0")/lib.sh"
WHAT=${1:-all}
PORT=${PORT:-18095}
BASE="http://127.0.0.1:$PORT"
N=${N:-500}
bench_bin

# The seeding SQL, the same text for both databases; tokens are xh_bench_<i>, stored as SHA-256.
seed_sql() {
  python3 - "$N" <<'PY'
import datetime, hashlib, sys
n = int(sys.argv[1])
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")
exp = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
yeyu = "(SELECT id FROM org_nodes WHERE name = '保利叶语' AND kind = 'project')"
home = f"(SELECT node_id FROM households WHERE project_id = {yeyu} ORDER BY node_id LIMIT 1)"
for i in range(1, n + 1):
    print(f"INSERT INTO persons (name, name_pinyin, name_initials, note, created_at, updated_at) VALUES ('压测住户{i}', 'yace{i}', 'yc{i}', 'bench{i}', '{now}', '{now}');")
    pid = f"(SELECT id FROM persons WHERE note = 'bench{i}')"
    print(f"INSERT INTO household_members (household_id, person_id, relation, created_at) VALUES ({home}, {pid}, 'tenant', '{now}');")
    print(f"INSERT INTO users (username, person_id, display_name, password_hash, is_active, failed_logins, large_type, lang, created_at, password_changed_at) "
          f"VALUES ('bench{i}', {pid}, '压测住户{i}', '!', TRUE, 0, FALSE, 'zh', '{now}', '{now}');")
    h = hashlib.sha256(f"xh_bench_{i}".encode()).hexdigest()
    print(f"INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at, access) VALUES ((SELECT id FROM users WHERE username = 'bench{i}'), 'bench', '{h}', '{now}', '{exp}', 'write');")
    print(f"INSERT INTO points_ledger (person_id, project_id, delta, minutes, reason, created_at) VALUES ({pid}, {yeyu}, 100, 0, '压测积分', '{now}');")
print(f"INSERT INTO reward_items (project_id, name, description, points, stock, active, created_at, updated_at) VALUES ({yeyu}, '压测毛巾', '', 10, 100, TRUE, '{now}', '{now}');")
print(f"INSERT INTO reward_items (project_id, name, description, points, stock, active, created_at, updated_at) VALUES ({yeyu}, '压测香皂', '', 30, 1000, TRUE, '{now}', '{now}');")
PY
}

run() {
  local name=$1 url=$2 dir; dir=$(mktemp -d)
  export XINGHUO_DATABASE_URL="$url" XINGHUO_DATA_DIR="$dir" XINGHUO_LISTEN="127.0.0.1:$PORT" XINGHUO_LOG=warn
  "$BIN" demo >/dev/null
  local file="${url#sqlite://}"; file="${file%%\?*}"
  if [ "$name" = sqlite ]; then
    (echo "BEGIN;"; seed_sql; echo "COMMIT;") | sqlite3 "$file"
  else
    (echo "BEGIN;"; seed_sql; echo "COMMIT;") | psql -q "$url" >/dev/null
  fi
  "$BIN" serve >"$dir/server.log" 2>&1 &
  SERVER=$!
  wait_ready "$BASE/readyz"
  python3 - "$BASE" "$name" "$N" <<'PY'
import sys
sys.path.insert(0, "benches")
from benchlib import bearer, burst, get, post, result, summary
base, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
shelf = get(base, "/api/v1/rewards", bearer("xh_bench_1"))["shelves"][0]["items"]
towel = [i for i in shelf if i["name"] == "压测毛巾"][0]["id"]
soap = [i for i in shelf if i["name"] == "压测香皂"][0]["id"]
results, total = burst(lambda i: post(f"{base}/api/v1/rewards/{towel}/redeem", {}, bearer(f"xh_bench_{i}")), range(1, n + 1), 64)
s = summary(results, total, backend=name, test="stock 100, one each", residents=n)
result(s)
assert s["outcomes"].get("200", 0) == 100, s
after = get(base, "/api/v1/rewards", bearer("xh_bench_1"))["shelves"][0]["items"]
assert [i for i in after if i["id"] == towel][0]["stock"] == 0
# One resident (100 points, 10 spent above) sends 64 at once for a 30-point item: 90 buys exactly 3.
results, total = burst(lambda _: post(f"{base}/api/v1/rewards/{soap}/redeem", {}, bearer("xh_bench_1")), range(64), 64)
s = summary(results, total, backend=name, test="one resident, 90 points, 30 each", attempts=64)
result(s)
assert s["outcomes"].get("200", 0) == 3, s
PY
  cleanup; SERVER=
}

case "$WHAT" in
  sqlite) d=$(mktemp -d); run sqlite "sqlite://$d/r.db?mode=rwc" ;;
  postgres)
    psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS xinghuo_redemptions" -c "CREATE DATABASE xinghuo_redemptions"
    run postgres "postgres://postgres@127.0.0.1:5432/xinghuo_redemptions" ;;
  all)
    d=$(mktemp -d); run sqlite "sqlite://$d/r.db?mode=rwc"
    psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS xinghuo_redemptions" -c "CREATE DATABASE xinghuo_redemptions"
    run postgres "postgres://postgres@127.0.0.1:5432/xinghuo_redemptions" ;;
  *) echo "usage: $0 [sqlite|postgres|all]" >&2; exit 2 ;;
esac
