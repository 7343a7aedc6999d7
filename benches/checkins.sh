#!/usr/bin/env bash
# A burst of 500 check-ins to one activity (issue 4), against a release build on loopback, on SQLite and
# on PostgreSQL. 500 volunteers are signed up to the first 全员保洁日 of 保利叶语 (inserted with SQL),
# the occurrence is moved to start in ten minutes, then the project manager checks all 500 in at once
# through `POST /api/v1/occurrences/{id}/attendance` (64 concurrent connections).
#
#   benches/checkins.sh [sqlite|postgres|all]     (default: all)
source "$(dirname "$0")/lib.sh"
WHAT=${1:-all}
PORT=${PORT:-18093}
BASE="http://127.0.0.1:$PORT"
N=${N:-500}
bench_bin

# The seeding SQL, the same text for both databases (timestamps passed in as RFC 3339 UTC strings).
seed_sql() {
  local now start end; now=$(date -u +%Y-%m-%dT%H:%M:%S+00:00)
  start=$(date -u -d '+10 minutes' +%Y-%m-%dT%H:%M:%S+00:00); end=$(date -u -d '+130 minutes' +%Y-%m-%dT%H:%M:%S+00:00)
  local occ="(SELECT o.id FROM activity_occurrences o JOIN activities a ON a.id = o.activity_id JOIN org_nodes p ON p.id = a.project_id WHERE p.name = '保利叶语' AND a.title = '全员保洁日' ORDER BY o.starts_at LIMIT 1)"
  local yeyu="(SELECT id FROM org_nodes WHERE name = '保利叶语' AND kind = 'project')"
  for i in $(seq 1 "$N"); do
    echo "INSERT INTO persons (name, name_pinyin, name_initials, note, created_at, updated_at) VALUES ('压测志愿者$i', 'yace$i', 'yc$i', 'bench', '$now', '$now');"
  done
  echo "INSERT INTO role_assignments (person_id, role, node_id, created_at) SELECT id, 'volunteer', $yeyu, '$now' FROM persons WHERE note = 'bench';"
  echo "INSERT INTO signups (occurrence_id, person_id, state, created_at, updated_at) SELECT $occ, id, 'confirmed', '$now', '$now' FROM persons WHERE note = 'bench';"
  echo "UPDATE activity_occurrences SET starts_at = '$start', ends_at = '$end' WHERE id = $occ;"
  echo "UPDATE activities SET capacity = 0 WHERE id = (SELECT activity_id FROM activity_occurrences WHERE id = $occ);"
}

run() {
  local name=$1 url=$2 dir; dir=$(mktemp -d)
  export XINGHUO_DATABASE_URL="$url" XINGHUO_DATA_DIR="$dir" XINGHUO_LISTEN="127.0.0.1:$PORT" XINGHUO_LOG=warn
  "$BIN" demo >/dev/null
  local file="${url#sqlite://}"; file="${file%%\?*}"
  if [ "$name" = sqlite ]; then
    (echo "BEGIN;"; seed_sql; echo "COMMIT;") | sqlite3 "$file"
    sqlite3 "$file" "SELECT id FROM persons WHERE note = 'bench'" > "$dir/ids.txt"
  else
    (echo "BEGIN;"; seed_sql; echo "COMMIT;") | psql -q "$url" >/dev/null
    psql -tA "$url" -c "SELECT id FROM persons WHERE note = 'bench'" > "$dir/ids.txt"
  fi
  "$BIN" serve >"$dir/server.log" 2>&1 &
  SERVER=$!
  wait_ready "$BASE/readyz"
  python3 - "$BASE" "$name" "$dir/ids.txt" <<'PY'
import sys
sys.path.insert(0, "benches")
from benchlib import burst, get, post, result, staff_token, summary
base, name, ids_file = sys.argv[1], sys.argv[2], sys.argv[3]
auth = staff_token(base)
acts = get(base, "/api/v1/activities", auth)
occ = [a for a in acts if a["title"] == "全员保洁日" and a["project_name"] == "保利叶语"][0]
occ_id, people = occ["id"], occ["confirmed"]
persons = [int(x) for x in open(ids_file).read().split()]
print(f"# {name}: occurrence {occ_id}, {people} confirmed, {len(persons)} volunteers")
url = f"{base}/api/v1/occurrences/{occ_id}/attendance"
results, total = burst(lambda pid: post(url, {"action": "in", "person_id": pid}, auth), persons, 64)
result(summary(results, total, backend=name, check_ins=len(results)))
PY
  cleanup; SERVER=
}

case "$WHAT" in
  sqlite) d=$(mktemp -d); run sqlite "sqlite://$d/c.db?mode=rwc" ;;
  postgres)
    psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS xinghuo_checkins" -c "CREATE DATABASE xinghuo_checkins"
    run postgres "postgres://postgres@127.0.0.1:5432/xinghuo_checkins" ;;
  all)
    d=$(mktemp -d); run sqlite "sqlite://$d/c.db?mode=rwc"
    psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS xinghuo_checkins" -c "CREATE DATABASE xinghuo_checkins"
    run postgres "postgres://postgres@127.0.0.1:5432/xinghuo_checkins" ;;
  *) echo "usage: $0 [sqlite|postgres|all]" >&2; exit 2 ;;
esac
