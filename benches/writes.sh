#!/usr/bin/env bash
# One write of each later capability at a sustained rate (issue 15): a check-in and a booking, each a
# distinct write (a volunteer checked in once, a room's slot booked once), wrk at CONC connections through
# benches/bodies.lua, RUNS runs of N writes each. Compare with `benches/requests.sh limit` in the same
# sitting (the bare server's insert).
#
#   benches/writes.sh [sqlite|postgres|all]     (default: sqlite)
#
#   checkin  POST /api/v1/occurrences/{id}/attendance {"action":"in","person_id":…} as the project manager:
#            token → principal, the occurrence and its project, then one unit: the sign-up row's
#            compare-and-set, the Party-meeting presence it credits, the audit row
#   booking  POST /api/v1/rooms/{id}/bookings {"date","start","end","purpose"} as the project manager:
#            the room, centre, hours and closed days, the rule check, then one unit: the booking, its
#            30-minute slot rows under the unique (room, slot) key, the audit row
# Seeded with SQL before the server starts: N×RUNS volunteers signed up to the first 全员保洁日 of 保利叶语
# (moved to start in ten minutes), and ROOMS rooms beside its 议事厅 (no approval, no notice, 30–240 min) with
# the centre open 06:00–22:00 every day and no closed days, so every body is a write that succeeds.
# Results: RESULT lines appended to $OUT_DIR/writes-<backend><TAG>.jsonl (TAG, e.g. -before, also ends each
# label, to compare two binaries in one sitting); summarise.py reads them.
source "$(dirname "$0")/lib.sh"
OUT_DIR=${OUT_DIR:-$ROOT/target/bench-results}
mkdir -p "$OUT_DIR"
WHAT=${1:-sqlite}
PORT=${PORT:-18096}
BASE="http://127.0.0.1:$PORT"
N=${N:-10000}
RUNS=${RUNS:-3}
CONC=${CONC:-16}
ROOMS=${ROOMS:-100}
TAG=${TAG:-}
need_wrk
bench_bin

# The same SQL text for both databases (timestamps as RFC 3339 UTC strings).
seed_sql() {
  local now start end total=$((N * RUNS))
  now=$(date -u +%Y-%m-%dT%H:%M:%S+00:00)
  start=$(date -u -d '+10 minutes' +%Y-%m-%dT%H:%M:%S+00:00); end=$(date -u -d '+130 minutes' +%Y-%m-%dT%H:%M:%S+00:00)
  local occ="(SELECT o.id FROM activity_occurrences o JOIN activities a ON a.id = o.activity_id JOIN org_nodes p ON p.id = a.project_id WHERE p.name = '保利叶语' AND a.title = '全员保洁日' ORDER BY o.starts_at LIMIT 1)"
  local yeyu="(SELECT id FROM org_nodes WHERE name = '保利叶语' AND kind = 'project')"
  local hall="(SELECT r.id FROM rooms r JOIN centres c ON c.id = r.centre_id WHERE c.project_id = $yeyu AND r.name = '议事厅' LIMIT 1)"
  local centre="(SELECT centre_id FROM rooms WHERE id = $hall)"
  cat <<SQL
WITH RECURSIVE s(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM s WHERE k < $total)
INSERT INTO persons (name, name_pinyin, name_initials, note, created_at, updated_at)
SELECT '压测志愿者' || k, 'yace' || k, 'yc', 'bench', '$now', '$now' FROM s;
INSERT INTO role_assignments (person_id, role, node_id, created_at) SELECT id, 'volunteer', $yeyu, '$now' FROM persons WHERE note = 'bench';
INSERT INTO signups (occurrence_id, person_id, state, created_at, updated_at) SELECT $occ, id, 'confirmed', '$now', '$now' FROM persons WHERE note = 'bench';
UPDATE activity_occurrences SET starts_at = '$start', ends_at = '$end' WHERE id = $occ;
UPDATE activities SET capacity = 0 WHERE id = (SELECT activity_id FROM activity_occurrences WHERE id = $occ);
WITH RECURSIVE s(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM s WHERE k < $ROOMS)
INSERT INTO rooms (centre_id, name, function, capacity, needs_approval, min_minutes, max_minutes, notice_minutes,
                   weekly_quota, no_show_minutes, horizon_days, created_at)
SELECT r.centre_id, '压测室' || k, r.function, r.capacity, false, 30, 240, 0, 0, r.no_show_minutes, 60, '$now'
FROM rooms r, s WHERE r.id = $hall;
DELETE FROM centre_closed_days WHERE centre_id = $centre;
DELETE FROM centre_hours WHERE centre_id = $centre;
WITH RECURSIVE s(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM s WHERE k < 7)
INSERT INTO centre_hours (centre_id, weekday, opens, closes) SELECT $centre, k, '06:00', '22:00' FROM s;
SQL
}

run() {
  local name=$1 url=$2 dir; dir=$(mktemp -d)
  export XINGHUO_DATABASE_URL="$url" XINGHUO_DATA_DIR="$dir" XINGHUO_LISTEN="127.0.0.1:$PORT" XINGHUO_LOG=warn XINGHUO_DB_MAX_CONNECTIONS=8
  "$BIN" demo >/dev/null
  local q
  if [ "$name" = sqlite ]; then
    local file="${url#sqlite://}"; file="${file%%\?*}"
    (echo "BEGIN;"; seed_sql; echo "COMMIT;") | sqlite3 "$file"
    q() { sqlite3 "$file" "$1"; }
  else
    (echo "BEGIN;"; seed_sql; echo "COMMIT;") | psql -q -v ON_ERROR_STOP=1 "$url" >/dev/null
    q() { psql -tA "$url" -c "$1"; }
  fi
  local occ rooms
  occ=$(q "SELECT occurrence_id FROM signups s JOIN persons p ON p.id = s.person_id WHERE p.note = 'bench' LIMIT 1")
  q "SELECT id FROM persons WHERE note = 'bench' ORDER BY id" > "$dir/persons.txt"
  q "SELECT id FROM rooms WHERE name LIKE '压测室%' ORDER BY id" > "$dir/rooms.txt"
  "$BIN" serve >"$dir/server.log" 2>&1 &
  SERVER=$!
  wait_ready "$BASE/readyz"
  local token
  token=$(python3 -c 'import sys; sys.path.insert(0, "benches"); from benchlib import staff_token; print(staff_token(sys.argv[1])["Authorization"])' "$BASE")
  # The bodies: run r takes lines r*N … r*N+N-1. Bookings walk the rooms first, then the day's half hours,
  # then the days (from tomorrow, China time), so concurrent ones rarely share a room's slot rows' pages.
  python3 - "$dir" "$N" "$RUNS" "$occ" <<'PY'
import datetime, json, sys
d, n, runs, occ = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
persons = open(f"{d}/persons.txt").read().split()
rooms = open(f"{d}/rooms.txt").read().split()
today = (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).date()
def bookings():
    for day in range(1, 59):
        date = (today + datetime.timedelta(days=day)).isoformat()
        for half in range(32):
            h, m = divmod(6 * 60 + half * 30, 60)
            e = h * 60 + m + 30
            for r in rooms:
                yield f"/api/v1/rooms/{r}/bookings\t" + json.dumps(
                    {"date": date, "start": f"{h:02}:{m:02}", "end": f"{e // 60:02}:{e % 60:02}", "purpose": "压测"})
b = bookings()
for run in range(runs):
    with open(f"{d}/checkin{run}.txt", "w") as f:
        for p in persons[run * n:(run + 1) * n]:
            f.write(json.dumps({"action": "in", "person_id": int(p)}) + "\n")
    with open(f"{d}/booking{run}.txt", "w") as f:
        for _ in range(n):
            f.write(next(b) + "\n")
PY
  for r in $(seq 0 $((RUNS - 1))); do
    for what in checkin booking; do
      BODIES_FILE="$dir/$what$r.txt" LOAD_PATH="/api/v1/occurrences/$occ/attendance" LOAD_AUTH="$token" \
        LOAD_LABEL="$name$TAG $what#$((r + 1))" wrk -t1 -c"$CONC" -d120s --latency -s benches/bodies.lua "$BASE" \
        | grep '^RESULT' | sed 's/^RESULT //' | tee -a "$OUT_DIR/writes-$name$TAG.jsonl"
    done
  done
  # Every write landed once: as many checked-in sign-ups and bench bookings as bodies sent.
  local ins books
  ins=$(q "SELECT COUNT(*) FROM signups s JOIN persons p ON p.id = s.person_id WHERE p.note = 'bench' AND s.checked_in_at IS NOT NULL")
  books=$(q "SELECT COUNT(*) FROM bookings b JOIN rooms r ON r.id = b.room_id WHERE r.name LIKE '压测室%'")
  echo "# $name: $ins check-ins and $books bookings stored, $((N * RUNS)) of each sent"
  [ "$ins" = $((N * RUNS)) ] && [ "$books" = $((N * RUNS)) ] || { echo "writes lost or doubled" >&2; exit 1; }
  cleanup; SERVER=
}

pg() {
  psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS xinghuo_writes" -c "CREATE DATABASE xinghuo_writes"
  run postgres "postgres://postgres@127.0.0.1:5432/xinghuo_writes"
}
case "$WHAT" in
  sqlite) run sqlite "sqlite://$(mktemp -d)/w.db?mode=rwc" ;;
  postgres) pg ;;
  all) run sqlite "sqlite://$(mktemp -d)/w.db?mode=rwc"; pg ;;
  *) echo "usage: $0 [sqlite|postgres|all]" >&2; exit 2 ;;
esac
