#!/usr/bin/env bash
# The 组织生活 compliance board for a company with 500 branches and five years of meetings (issue 13),
# against a release build on loopback, on SQLite and on PostgreSQL. 500 branches are added under the
# company's Party committee, each with 8 full members and the meetings of 2022-01 … 2026-11 (主题党日 and
# 支委会 monthly, 党员大会 quarterly, 党课, 组织生活会 and 民主评议 yearly: 153 a branch, 76,500 in all),
# inserted with SQL. Then, as the company's admin with an API token:
#   - the company committee's page (`GET /party/orgs/{id}`: every branch's board computed for its overdue
#     count), 200 times from one client and 200 times from 16;
#   - each branch's board (`GET /api/v1/party/orgs/{id}/compliance`), all 500 from 16 clients.
#
#   benches/party_board.sh [sqlite|postgres|all]     (default: all)
source "$(dirname "$0")/lib.sh"
WHAT=${1:-all}
PORT=${PORT:-18094}
BASE="http://127.0.0.1:$PORT"
BRANCHES=${BRANCHES:-500}
bench_bin

# The seeding SQL; $1 is how a 'YYYY-MM-DD' text becomes a date on that database.
seed_sql() {
  local as_date=$1 now; now=$(date -u +%Y-%m-%dT%H:%M:%S+00:00)
  local company="(SELECT MIN(id) FROM party_orgs WHERE kind = 'company_committee')"
  local node="(SELECT node_id FROM party_orgs WHERE id = $company)"
  local series="WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < $BRANCHES) SELECT n FROM s"
  echo "INSERT INTO party_orgs (node_id, kind, name, parent_id, created_at) SELECT $node, 'branch', '压测支部' || n, $company, '$now' FROM ($series) AS t;"
  for m in 1 2 3 4 5 6 7 8; do
    echo "INSERT INTO persons (name, name_pinyin, name_initials, note, created_at, updated_at) SELECT '压测党员' || n || '-$m', 'yace', 'yc', 'bench', '$now', '$now' FROM ($series) AS t;"
  done
  echo "INSERT INTO party_memberships (person_id, org_id, status, joined_on, confirmed_on, since, current_person_id, created_at) \
SELECT p.id, o.id, 'full', $(printf "$as_date" "'2010-07-01'"), $(printf "$as_date" "'2011-07-01'"), $(printf "$as_date" "'2020-01-01'"), p.id, '$now' \
FROM persons p JOIN party_orgs o ON o.name = '压测支部' || substr(p.name, 5, length(p.name) - 6) WHERE p.note = 'bench';"
  # Every meeting day of five years, and which kinds are held on it.
  local values=""
  for y in 2022 2023 2024 2025 2026; do
    for mo in 01 02 03 04 05 06 07 08 09 10 11 12; do
      [ "$y$mo" -gt 202611 ] && continue
      values+="('$y-$mo-15','theme_day'),('$y-$mo-20','committee'),"
      case $mo in 03|06|09|12) values+="('$y-$mo-25','assembly')," ;; esac
      [ "$mo" = 06 ] && values+="('$y-$mo-28','lecture'),"
      [ "$mo" = 11 ] && values+="('$y-$mo-10','life_meeting'),('$y-$mo-12','appraisal'),"
    done
  done
  values=${values%,}
  echo "INSERT INTO party_meetings (org_id, kind, title, held_on, voters, present_voters, created_at) \
SELECT o.id, v.column2, '压测会议', $(printf "$as_date" "v.column1"), 8, 7, '$now' FROM party_orgs o CROSS JOIN (VALUES $values) AS v \
WHERE o.name LIKE '压测支部%';"
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
    (echo "BEGIN;"; seed_sql "$as_date"; echo "COMMIT;"; echo "ANALYZE;") | psql -q -v ON_ERROR_STOP=1 "$url" >/dev/null
  fi
  local count="SELECT COUNT(*) FROM party_meetings m JOIN party_orgs o ON o.id = m.org_id WHERE o.name LIKE '压测支部%'"
  if [ "$name" = sqlite ]; then n=$(sqlite3 "$file" "$count"); else n=$(psql -tA "$url" -c "$count"); fi
  echo "# $name: seeded in $(( $(date +%s) - t0 )) s: $n meetings of the bench branches"
  "$BIN" serve >"$dir/server.log" 2>&1 &
  SERVER=$!
  wait_ready "$BASE/readyz"
  python3 - "$BASE" "$name" <<'PY'
import sys, time, urllib.request, urllib.error
sys.path.insert(0, "benches")
from benchlib import burst, get, result, staff_token, summary
base, name = sys.argv[1], sys.argv[2]
auth = staff_token(base, "admin")
orgs = get(base, "/api/v1/party/orgs", auth)
company = [o for o in orgs if o["kind"] == "company_committee"][0]
branches = [o["id"] for o in orgs if o["name"].startswith("压测支部")]
meetings = 0
def timed(path):
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(urllib.request.Request(base + path, headers=auth)) as r:
            body = r.read()
            return r.status, "", time.perf_counter() - t
    except urllib.error.HTTPError as e:
        return e.code, "", time.perf_counter() - t
page = f"/party/orgs/{company['id']}"
html = urllib.request.urlopen(urllib.request.Request(base + page, headers=auth)).read().decode()
print(f"# {name}: company committee {company['id']}, {len(branches)} bench branches, page {len(html) // 1024} KiB, "
      f"{html.count('压测支部')} branch rows")
timed(page)
res, total = burst(lambda _: timed(page), range(200), 1)
result(summary(res, total, backend=name, what="company board page, 1 client", calls=len(res)))
res, total = burst(lambda _: timed(page), range(200), 16)
result(summary(res, total, backend=name, what="company board page, 16 clients", calls=len(res)))
res, total = burst(lambda b: timed(f"/api/v1/party/orgs/{b}/compliance"), branches, 16)
result(summary(res, total, backend=name, what="branch board API, 16 clients", calls=len(res)))
PY
  cleanup; SERVER=
}

case "$WHAT" in
  sqlite) d=$(mktemp -d); run sqlite "sqlite://$d/p.db?mode=rwc" "%s" ;;
  postgres)
    psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS xinghuo_party" -c "CREATE DATABASE xinghuo_party"
    run postgres "postgres://postgres@127.0.0.1:5432/xinghuo_party" "CAST(%s AS DATE)" ;;
  all)
    d=$(mktemp -d); run sqlite "sqlite://$d/p.db?mode=rwc" "%s"
    psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS xinghuo_party" -c "CREATE DATABASE xinghuo_party"
    run postgres "postgres://postgres@127.0.0.1:5432/xinghuo_party" "CAST(%s AS DATE)" ;;
  *) echo "usage: $0 [sqlite|postgres|all]" >&2; exit 2 ;;
esac
