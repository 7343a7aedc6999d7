#!/usr/bin/env bash
# Grid coverage at the scale of a large community (issue 14), against a release build on loopback, on
# SQLite and on PostgreSQL. Into the demo, with SQL: 100 buildings × 10 units × 100 homes (100,000
# households) at 保利荔园天府和悦, spread over 50 micro-grids of 牧马山社区's 第一网格, one campaign over the
# community and 300,000 visits by its grid member (four days each for 75,000 households). Then, as the
# grid member with an API token:
#   - the campaign's coverage page (`GET /grid/campaigns/{id}`: by micro-grid, building and member),
#     200 times from one client and 200 times from 16; the campaigns list (`GET /grid`, each campaign's
#     total), 100 times from one client;
#   - a burst of 200 visits at once from 50 threads (phones coming back online), then the same 200 sent
#     again (their replays): each taken once, counted by the coverage API before and after.
#
#   benches/grid.sh [sqlite|postgres|all]     (default: all)
source "$(dirname "$0")/lib.sh"
WHAT=${1:-all}
PORT=${PORT:-18095}
BASE="http://127.0.0.1:$PORT"
bench_bin

# The seeding SQL; $1 is how a 'YYYY-MM-DD' text becomes a date on that database.
seed_sql() {
  local as_date=$1 now today; now=$(date -u +%Y-%m-%dT%H:%M:%S+00:00); today=$(TZ=Asia/Shanghai date +%F)
  local day; day() { TZ=Asia/Shanghai date -d "$today $1 day" +%F; }
  local project="(SELECT id FROM org_nodes WHERE kind = 'project' AND name = '保利荔园天府和悦')"
  local community="(SELECT id FROM org_nodes WHERE kind = 'community' AND name = '牧马山社区')"
  local grid="(SELECT g.id FROM org_nodes g JOIN org_nodes c ON c.id = $community WHERE g.kind = 'grid' AND g.parent_id = c.id)"
  local series="WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < %d) SELECT n FROM s"
  local fix_paths="UPDATE org_nodes SET path = (SELECT p.path FROM org_nodes p WHERE p.id = org_nodes.parent_id) || id || '/' WHERE path = 'x';"
  # 46 more micro-grids (50 in all), 100 buildings, 10 units each, 100 homes a unit.
  echo "INSERT INTO org_nodes (parent_id, kind, name, path, depth, created_at, updated_at) SELECT $grid, 'microgrid', '压测微网格' || n, 'x', 5, '$now', '$now' FROM ($(printf "$series" 46)) AS t;"
  echo "$fix_paths"
  echo "INSERT INTO org_nodes (parent_id, kind, name, path, depth, project_id, created_at, updated_at) SELECT $project, 'building', '压测' || n || '栋', 'x', 3, $project, '$now', '$now' FROM ($(printf "$series" 100)) AS t;"
  echo "$fix_paths"
  echo "INSERT INTO org_nodes (parent_id, kind, name, path, depth, project_id, created_at, updated_at) SELECT b.id, 'unit', n || '单元', 'x', 4, $project, '$now', '$now' FROM org_nodes b CROSS JOIN ($(printf "$series" 10)) AS t WHERE b.name LIKE '压测%栋';"
  echo "$fix_paths"
  echo "INSERT INTO org_nodes (parent_id, kind, name, path, depth, project_id, created_at, updated_at) SELECT u.id, 'household', 'Y' || n, 'x', 5, $project, '$now', '$now' FROM org_nodes u JOIN org_nodes b ON b.id = u.parent_id CROSS JOIN ($(printf "$series" 100)) AS t WHERE b.name LIKE '压测%栋';"
  echo "$fix_paths"
  echo "CREATE TEMP TABLE mg AS SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM org_nodes WHERE kind = 'microgrid' AND parent_id = $grid;"
  echo "INSERT INTO households (node_id, project_id, room, microgrid_id, unit_id, created_at) SELECT n.id, $project, n.name, mg.id, n.parent_id, '$now' FROM org_nodes n JOIN mg ON mg.k = n.id % 50 WHERE n.kind = 'household' AND n.name LIKE 'Y%';"
  echo "INSERT INTO grid_campaigns (node_id, topic, title, starts_on, ends_on, created_at) VALUES ($community, 'other', '压测走访', $(printf "$as_date" "'$(day -10)'"), $(printf "$as_date" "'$(day +20)'"), '$now');"
  local member="(SELECT person_id FROM users WHERE username = 'grid')"
  local campaign="(SELECT id FROM grid_campaigns WHERE title = '压测走访')"
  echo "INSERT INTO grid_visits (campaign_id, household_id, member_person_id, visited_on, how, found, idem_key, created_at, updated_at) \
SELECT $campaign, h.node_id, $member, $(printf "$as_date" "d.column1"), 'door', '已讲解', 'bench-' || h.node_id || '-' || d.column2, '$now', '$now' \
FROM households h CROSS JOIN (VALUES ('$(day -1)', 1), ('$(day -2)', 2), ('$(day -3)', 3), ('$(day -4)', 4)) AS d \
WHERE h.room LIKE 'Y%' AND h.node_id % 4 <> 0;"
  # The counters the app keeps with each visit (as migration m0035 fills them from existing visits).
  echo "INSERT INTO grid_reached (campaign_id, household_id, microgrid_id, unit_id, first_on) \
SELECT v.campaign_id, v.household_id, h.microgrid_id, hn.parent_id, MIN(v.visited_on) FROM grid_visits v \
JOIN households h ON h.node_id = v.household_id JOIN org_nodes hn ON hn.id = v.household_id \
WHERE v.campaign_id = $campaign GROUP BY v.campaign_id, v.household_id, h.microgrid_id, hn.parent_id;"
  echo "INSERT INTO grid_member_counts (campaign_id, member_person_id, visits, households) \
SELECT campaign_id, member_person_id, COUNT(*), COUNT(DISTINCT household_id) FROM grid_visits \
WHERE campaign_id = $campaign GROUP BY campaign_id, member_person_id;"
}

run() {
  local name=$1 url=$2 as_date=$3 dir; dir=$(mktemp -d)
  export XINGHUO_DATABASE_URL="$url" XINGHUO_DATA_DIR="$dir" XINGHUO_LISTEN="127.0.0.1:$PORT" XINGHUO_LOG=warn
  "$BIN" demo >/dev/null
  local file="${url#sqlite://}"; file="${file%%\?*}"
  local t0; t0=$(date +%s)
  if [ "$name" = sqlite ]; then
    (echo "BEGIN;"; seed_sql "$as_date"; echo "COMMIT;"; echo "ANALYZE;") | sqlite3 "$file"
  else
    # VACUUM as autovacuum would after a bulk load: index-only scans need the visibility map.
    (echo "BEGIN;"; seed_sql "$as_date"; echo "COMMIT;"; echo "VACUUM ANALYZE;") | psql -q -v ON_ERROR_STOP=1 "$url" >/dev/null
  fi
  local count="SELECT (SELECT COUNT(*) FROM households) || ' households, ' || (SELECT COUNT(*) FROM grid_visits) || ' visits'"
  if [ "$name" = sqlite ]; then n=$(sqlite3 "$file" "$count"); else n=$(psql -tA "$url" -c "$count"); fi
  echo "# $name: seeded in $(( $(date +%s) - t0 )) s: $n"
  local q="SELECT node_id FROM households WHERE room LIKE 'Y%' AND node_id % 4 = 0 ORDER BY node_id LIMIT 200"
  if [ "$name" = sqlite ]; then doors=$(sqlite3 "$file" "$q" | paste -sd,); else doors=$(psql -tA "$url" -c "$q" | paste -sd,); fi
  "$BIN" serve >"$dir/server.log" 2>&1 &
  SERVER=$!
  wait_ready "$BASE/readyz"
  python3 - "$BASE" "$name" "$doors" <<'PY'
import sys, time, uuid, urllib.request, urllib.error
sys.path.insert(0, "benches")
from benchlib import burst, get, post, result, staff_token, summary
base, name, doors = sys.argv[1], sys.argv[2], [int(x) for x in sys.argv[3].split(",")]
auth = staff_token(base, "grid")
campaign = [c for c in get(base, "/api/v1/grid/campaigns", auth) if c["campaign"]["title"] == "压测走访"][0]
cid = campaign["campaign"]["id"]
print(f"# {name}: campaign {cid}: {campaign['visited']}/{campaign['target']} households reached")
def timed(path):
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(urllib.request.Request(base + path, headers=auth)) as r:
            r.read()
            return r.status, "", time.perf_counter() - t
    except urllib.error.HTTPError as e:
        return e.code, "", time.perf_counter() - t
page = f"/grid/campaigns/{cid}"
timed(page)
res, total = burst(lambda _: timed(page), range(200), 1)
result(summary(res, total, backend=name, what="campaign coverage page, 1 client", calls=len(res)))
res, total = burst(lambda _: timed(page), range(200), 16)
result(summary(res, total, backend=name, what="campaign coverage page, 16 clients", calls=len(res)))
res, total = burst(lambda _: timed("/grid"), range(100), 1)
result(summary(res, total, backend=name, what="campaigns list (each campaign's total), 1 client", calls=len(res)))
# 200 visits at households not yet reached, from 50 threads at once (50 phones back online), then the
# same 200 again (their replays).
before = get(base, f"/api/v1/grid/campaigns/{cid}", auth)["visited"]
visits = [{"campaign_id": str(cid), "household_id": str(h), "how": "door", "found": "已讲解", "key": uuid.uuid4().hex} for h in doors]
send = lambda v: post(base + "/api/v1/grid/visits", v, auth)
res, total = burst(send, visits, 50)
result(summary(res, total, backend=name, what="200 visits from 50 phones at once", calls=len(res)))
res, total = burst(send, visits, 50)
result(summary(res, total, backend=name, what="the same 200 replayed", calls=len(res)))
after = get(base, f"/api/v1/grid/campaigns/{cid}", auth)["visited"]
print(f"# {name}: households reached {before} -> {after} (+{after - before}, expected +{len(doors)})")
PY
  cleanup; SERVER=
}

case "$WHAT" in
  sqlite) d=$(mktemp -d); run sqlite "sqlite://$d/g.db?mode=rwc" "%s" ;;
  postgres)
    psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS xinghuo_grid" -c "CREATE DATABASE xinghuo_grid"
    run postgres "postgres://postgres@127.0.0.1:5432/xinghuo_grid" "CAST(%s AS DATE)" ;;
  all)
    d=$(mktemp -d); run sqlite "sqlite://$d/g.db?mode=rwc" "%s"
    psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS xinghuo_grid" -c "CREATE DATABASE xinghuo_grid"
    run postgres "postgres://postgres@127.0.0.1:5432/xinghuo_grid" "CAST(%s AS DATE)" ;;
  *) echo "usage: $0 [sqlite|postgres|all]" >&2; exit 2 ;;
esac
