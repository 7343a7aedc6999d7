#!/usr/bin/env bash
# Fill a Xinghuo database (already migrated, with the demo data) with N synthetic requests spread over
# the 11 demo projects and the last 365 days: older ones mostly closed and rated, the last week open.
#
#   benches/seed_requests.sh sqlite   /path/to/bench.db          [N]   (default N = 1000000)
#   benches/seed_requests.sh postgres postgres://…/xinghuo_bench [N]
set -euo pipefail
KIND=${1:?sqlite|postgres} TARGET=${2:?database file or URL} N=${3:-1000000}

# Shared shape: request n (1..N) belongs to category (n mod #categories), is created at
# now − 365 days + n × (365 days / N), and its state follows its age and n mod 20.
if [ "$KIND" = sqlite ]; then
  sqlite3 "$TARGET" <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
CREATE TEMP TABLE cats AS SELECT id, project_id, handler_post, ROW_NUMBER() OVER (ORDER BY id) - 1 AS rn FROM request_categories;
CREATE TEMP TABLE hh AS SELECT h.node_id, h.project_id, u.parent_id AS building_id, ROW_NUMBER() OVER (PARTITION BY h.project_id ORDER BY h.node_id) - 1 AS rn
  FROM households h JOIN org_nodes hn ON hn.id = h.node_id JOIN org_nodes u ON u.id = hn.parent_id;
CREATE TEMP TABLE base AS SELECT COUNT(*) AS ncat, CAST(strftime('%s', 'now') AS INTEGER) AS now_s FROM cats;
BEGIN;
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < $N),
rows AS (
  SELECT seq.n, c.id AS category_id, c.project_id, c.handler_post,
         b.now_s - 31536000 + CAST(seq.n AS INTEGER) * 31536000 / $N AS t,
         seq.n % 20 AS k
  FROM seq, base b JOIN cats c ON c.rn = seq.n % b.ncat
)
INSERT INTO requests (project_id, category_id, kind, channel, state, description, household_id, building_id,
  location_text, level, respond_by, complete_by, responded_at, completed_at, closed_at,
  rating_speed, rating_quality, rating_attitude, chase_count, created_at, updated_at, handler_post, manager_visit_due)
SELECT r.project_id, r.category_id, 'repair', 'resident_page',
  CASE WHEN r.t > (SELECT now_s FROM base) - 604800 THEN
         CASE r.k % 5 WHEN 0 THEN 'pending' WHEN 1 THEN 'dispatched' WHEN 2 THEN 'in_progress' WHEN 3 THEN 'awaiting_rating' ELSE 'closed' END
       WHEN r.k = 0 THEN 'voided' WHEN r.k = 1 THEN 'awaiting_rating' ELSE 'closed' END,
  '压测数据：第' || r.n || '号诉求', h.node_id, h.building_id,
  CASE WHEN h.node_id IS NULL THEN '公共区域' || (r.n % 50) || '号点位' END,
  -- Open work older than an hour has already climbed to the top of the escalation ladder (a backlog the
  -- SLA job has seen), so the job does not spend the benchmark raising it.
  CASE WHEN r.t > (SELECT now_s FROM base) - 604800 AND r.t < (SELECT now_s FROM base) - 3600 THEN 'branch' ELSE 'handler' END,
  strftime('%Y-%m-%dT%H:%M:%S+00:00', r.t + 3600, 'unixepoch'),
  strftime('%Y-%m-%dT%H:%M:%S+00:00', r.t + 172800, 'unixepoch'),
  strftime('%Y-%m-%dT%H:%M:%S+00:00', r.t + 600 + (r.k % 4) * 1800, 'unixepoch'),
  strftime('%Y-%m-%dT%H:%M:%S+00:00', r.t + 86400, 'unixepoch'),
  strftime('%Y-%m-%dT%H:%M:%S+00:00', r.t + 90000, 'unixepoch'),
  CASE WHEN r.k > 3 THEN 1 + r.n % 5 END, CASE WHEN r.k > 3 THEN 3 + r.n % 3 END, CASE WHEN r.k > 3 THEN 4 + r.n % 2 END,
  0,
  strftime('%Y-%m-%dT%H:%M:%S+00:00', r.t, 'unixepoch'),
  strftime('%Y-%m-%dT%H:%M:%S+00:00', r.t + 90000, 'unixepoch'),
  r.handler_post, 0
FROM rows r LEFT JOIN hh h ON h.project_id = r.project_id AND r.n % 3 = 0 AND h.rn = (r.n / 3) % 20;
COMMIT;
ANALYZE;
SQL
else
  psql -q "$TARGET" <<SQL
CREATE TEMP TABLE cats AS SELECT id, project_id, handler_post, (ROW_NUMBER() OVER (ORDER BY id) - 1)::int AS rn FROM request_categories;
CREATE TEMP TABLE hh AS SELECT h.node_id, h.project_id, u.parent_id AS building_id, (ROW_NUMBER() OVER (PARTITION BY h.project_id ORDER BY h.node_id) - 1)::int AS rn
  FROM households h JOIN org_nodes hn ON hn.id = h.node_id JOIN org_nodes u ON u.id = hn.parent_id;
WITH b AS (SELECT COUNT(*)::int AS ncat, now() AS now_t FROM cats),
rows AS (
  SELECT s.n, c.id AS category_id, c.project_id, c.handler_post,
         b.now_t - interval '365 days' + (s.n::bigint * 31536 / ($N / 1000.0)) * interval '1 second' AS t,
         s.n % 20 AS k, b.now_t
  FROM generate_series(1, $N) AS s(n), b JOIN cats c ON true WHERE c.rn = s.n % b.ncat
)
INSERT INTO requests (project_id, category_id, kind, channel, state, description, household_id, building_id,
  location_text, level, respond_by, complete_by, responded_at, completed_at, closed_at,
  rating_speed, rating_quality, rating_attitude, chase_count, created_at, updated_at, handler_post, manager_visit_due)
SELECT r.project_id, r.category_id, 'repair', 'resident_page',
  CASE WHEN r.t > r.now_t - interval '7 days' THEN
         CASE r.k % 5 WHEN 0 THEN 'pending' WHEN 1 THEN 'dispatched' WHEN 2 THEN 'in_progress' WHEN 3 THEN 'awaiting_rating' ELSE 'closed' END
       WHEN r.k = 0 THEN 'voided' WHEN r.k = 1 THEN 'awaiting_rating' ELSE 'closed' END,
  '压测数据：第' || r.n || '号诉求', h.node_id, h.building_id,
  CASE WHEN h.node_id IS NULL THEN '公共区域' || (r.n % 50) || '号点位' END,
  CASE WHEN r.t > r.now_t - interval '7 days' AND r.t < r.now_t - interval '1 hour' THEN 'branch' ELSE 'handler' END,
  r.t + interval '1 hour', r.t + interval '2 days', r.t + (600 + (r.k % 4) * 1800) * interval '1 second',
  r.t + interval '1 day', r.t + interval '25 hours',
  CASE WHEN r.k > 3 THEN 1 + r.n % 5 END, CASE WHEN r.k > 3 THEN 3 + r.n % 3 END, CASE WHEN r.k > 3 THEN 4 + r.n % 2 END,
  0, r.t, r.t + interval '25 hours', r.handler_post, false
FROM rows r LEFT JOIN hh h ON h.project_id = r.project_id AND r.n % 3 = 0 AND h.rn = (r.n / 3) % 20;
-- The seed updated the day counters once per row (their triggers): vacuum the dead versions away now, as
-- autovacuum would have by the time a real database held this history (and a CI server may run without
-- autovacuum: the measured runs must not walk a million dead counter versions).
VACUUM (ANALYZE) requests;
VACUUM (ANALYZE) request_day_counts;
-- And the statistics of every other table (the org tree, households, persons, categories), as autovacuum
-- would have gathered them after the demo data. This machine's PostgreSQL runs with autovacuum off, so
-- without this the small tables were never analyzed and the planner guessed their sizes (reltuples -1).
-- Measured in the ninth sitting: the work queue's plan changes, its time does not (0.38 vs 0.40 ms a page);
-- the point is that a measured run plans on real statistics, as a production database would.
ANALYZE;
SQL
fi
echo "seeded $N requests into $KIND"
