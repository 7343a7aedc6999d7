#!/usr/bin/env bash
# PostgreSQL's side of a report alone (issue 15): pgbench sends the one statement a report is written as
# (`requests::store::create_chain` plus its audit line, as the statement log shows it) from 16 clients,
# with no app in between, and samples what the backends wait on meanwhile. It tells PostgreSQL's own
# limit for a create from the app's, and what holds the backends (row locks, the WAL, the CPU).
#
#   benches/pg_chain.sh [DATABASE_URL]   (default: postgres://postgres@127.0.0.1:5432/xinghuo_cpu, the
#                                         database `DB=postgres benches/create_cpu.py` leaves seeded)
#   SECONDS_PER_RUN=20 RUNS=2 CLIENTS=16 benches/pg_chain.sh
#
# The ids (the 保利叶语 project, its 公共照明 category, a household of it, the demo resident) are looked up
# in the database. Every run adds its rows to the database.
set -euo pipefail
URL=${1:-postgres://postgres@127.0.0.1:5432/xinghuo_cpu}
SECS=${SECONDS_PER_RUN:-20} RUNS=${RUNS:-2} CLIENTS=${CLIENTS:-16}
q() { psql -X -Atq "$URL" -c "$1"; }
project=$(q "SELECT id FROM org_nodes WHERE kind = 'project' AND name = '保利叶语'")
category=$(q "SELECT id FROM request_categories WHERE project_id = $project AND name = '公共照明'")
household=$(q "SELECT node_id FROM households WHERE project_id = $project ORDER BY node_id LIMIT 1")
building=$(q "SELECT u.parent_id FROM org_nodes h JOIN org_nodes u ON u.id = h.parent_id WHERE h.id = $household")
user=$(q "SELECT id FROM users WHERE username = 'resident'")
person=$(q "SELECT COALESCE(person_id, 0) FROM users WHERE id = $user")
[ -n "$project" ] && [ -n "$category" ] && [ -n "$household" ] && [ -n "$user" ] || { echo "not a seeded demo database: $URL" >&2; exit 1; }
SQL=$(mktemp --suffix .sql)
trap 'rm -f "$SQL"' EXIT
cat >"$SQL" <<EOF
WITH xh_head AS (INSERT INTO requests (project_id, category_id, kind, channel, state, description, household_id, building_id, location_text, reporter_person_id, created_by, level, respond_by, complete_by, chase_count, created_at, updated_at, handler_post, lat, lng, open311_token, manager_visit_due, unit_id, spot_id, confirm_via) VALUES ($project, $category, 'repair', 'resident_page', 'pending', '压测报事：楼道灯不亮', $household, $building, NULL, NULLIF($person, 0), $user, 'handler', now() + interval '1 hour', now() + interval '2 days', 0, now(), now(), '工程维修', NULL, NULL, NULL, false, NULL, NULL, NULL) RETURNING id), xh_1 AS (INSERT INTO request_events (request_id, at, actor_user_id, actor, action, from_state, to_state, note) VALUES ((SELECT id FROM xh_head), now(), $user, '张三', 'create', NULL, 'pending', '压测报事：楼道灯不亮')), xh_2 AS (INSERT INTO audit_log (at, user_id, actor, action, entity, entity_id, project_id, summary, ip, request_id) VALUES (now(), $user, '张三', 'create', 'request', (SELECT id FROM xh_head), $project, '提交诉求#' || CAST((SELECT id FROM xh_head) AS TEXT) || '（公共照明，业主手机端）', '127.0.0.1', gen_random_uuid()::text)) SELECT id FROM xh_head;
EOF
db=$(q "SELECT current_database()")
for run in $(seq "$RUNS"); do
  pgbench -n -M prepared -c "$CLIENTS" -j 2 -T "$SECS" -f "$SQL" "$URL" >"$SQL.out" 2>&1 &
  bench=$!
  sleep $((SECS / 3))
  waits=""
  for _ in 1 2 3 4 5; do
    waits+=$(q "SELECT string_agg(w || '×' || n, ' ') FROM (SELECT COALESCE(wait_event_type || ':' || wait_event, 'CPU') AS w, COUNT(*) AS n \
      FROM pg_stat_activity WHERE datname = '$db' AND application_name = 'pgbench' GROUP BY 1 ORDER BY 2 DESC) s")" | "
    sleep 1
  done
  wait "$bench" || { cat "$SQL.out" >&2; exit 1; }
  tps=$(grep -E '^tps' "$SQL.out" | awk '{printf "%d", $3}')
  failed=$(grep -E 'number of failed' "$SQL.out" | awk '{print $5}')
  echo "RESULT {\"bench\": \"pg_chain\", \"run\": $run, \"clients\": $CLIENTS, \"tps\": $tps, \"failed\": ${failed:-0}, \"waits\": \"${waits% | }\"}"
  rm -f "$SQL.out"
done
