-- Plan cache: one prepared statement per filter shape, the generic-plan trap
-- on skewed columns, and counting strategies beyond Ignis.
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;

-- The statement text depends only on the shape of the filter: the same shape
-- with other values is a cache hit, a new shape is a miss.
SELECT ignis.reset_caches();
CREATE TEMP TABLE s0 AS SELECT ignis.plan_cache_stats() AS s;
SELECT ignis.find('User', '{"where": {"role": "member"}, "fields": ["id"]}');
SELECT ignis.find('User', '{"where": {"role": "guest"}, "fields": ["id"]}');
SELECT ignis.find('User', '{"where": {"role": "admin"}, "fields": ["id"], "limit": 3}');
SELECT ignis.find('User', '{"where": {"id": {"in": [1, 2, 3, 4, 5]}}, "fields": ["id"]}');
SELECT ignis.find('User', '{"where": {"id": {"in": [6]}}, "fields": ["id"]}');   -- IN lists of any length: one shape
SELECT (s1.s ->> 'misses')::int - (s0.s ->> 'misses')::int AS misses,
       (s1.s ->> 'hits')::int - (s0.s ->> 'hits')::int AS hits,
       s1.s -> 'entries' AS entries
FROM s0, LATERAL (SELECT ignis.plan_cache_stats() AS s) s1;

-- ignis.plan_mode = off: every call is parsed and planned on its own.
SET ignis.plan_mode = off;
SELECT ignis.count('User', '{"role": "member"}');
SELECT (ignis.plan_cache_stats() ->> 'uncached')::int > 0 AS uncached_counted;
RESET ignis.plan_mode;

-- The cache is bounded: with room for two statements the oldest is evicted.
SET ignis.plan_cache_size = 2;
SELECT ignis.reset_caches();
SELECT ignis.count('User', '{"role": "member"}'), ignis.count('User', '{"age": 27}'),
       ignis.count('User', '{"email": "zoe@example.fr"}');
SELECT ignis.plan_cache_stats() -> 'entries' AS entries;
RESET ignis.plan_cache_size;

-- DDL on a model's table is picked up: cached plans are replanned and the
-- model's properties reloaded.
BEGIN;
SELECT ignis.find('Tag', '{"fields": ["id"], "limit": 1}');
ALTER TABLE public.tags ADD COLUMN color text DEFAULT 'red';
SELECT ignis.find('Tag', '{"limit": 1}');
ROLLBACK;
SELECT ignis.find('Tag', '{"limit": 1}');

-- The generic-plan trap: a column where one value dominates.  A statement
-- comparing such a column with a value is cached once per class of value
-- (one of the dominant values, or another), so the generic plan PostgreSQL
-- settles on for 'closed' never serves 'open', and the other way round.
-- Other statements are cached once.
CREATE TABLE public.tickets (id integer PRIMARY KEY, status text NOT NULL, n integer);
INSERT INTO public.tickets
  SELECT g, CASE WHEN g % 100 = 0 THEN 'open' WHEN g % 100 = 1 THEN 'escalated' ELSE 'closed' END, g
  FROM generate_series(1, 20000) g;
CREATE INDEX ON public.tickets (status);
ANALYZE public.tickets;
SELECT ignis.register_model('Ticket', 'public.tickets') IS NOT NULL AS registered;
SELECT ignis.reset_caches();
CREATE TEMP TABLE s2 AS SELECT ignis.plan_cache_stats() AS s;
SELECT jsonb_array_length(ignis.find('Ticket', '{"where": {"status": "open"}, "limit": 5}')) FROM generate_series(1, 6);
SELECT jsonb_array_length(ignis.find('Ticket', '{"where": {"status": "closed"}, "limit": 5}')) FROM generate_series(1, 6);
SELECT jsonb_array_length(ignis.find('Ticket', '{"where": {"status": "escalated"}, "limit": 5}')) FROM generate_series(1, 6);
SELECT jsonb_array_length(ignis.find('Ticket', '{"where": {"n": {"gt": 100}}, "limit": 5}')) FROM generate_series(1, 6);
-- three statements: status with a rare value ('open', 'escalated'), status
-- with the dominant value ('closed'), and the one on n
SELECT (s3.s ->> 'misses')::int - (s2.s ->> 'misses')::int AS statements,
       (s3.s ->> 'skew_class_entries')::int - (s2.s ->> 'skew_class_entries')::int AS per_value_class
FROM s2, LATERAL (SELECT ignis.plan_cache_stats() AS s) s3;

-- countStrategy (beyond Ignis): "exact" counts (the default), "planned" takes
-- the planner's estimate, "estimated" counts exactly up to
-- ignis.count_exact_threshold rows and estimates beyond.  The answer says
-- which strategy produced the number.
SELECT ignis.count('Ticket', '{"status": "open"}', '{"countStrategy": "exact"}');
SELECT ignis.count('Ticket', '{"status": "open"}', '{"countStrategy": "planned"}');
SELECT ignis.count('Ticket', '{"status": "closed"}', '{"countStrategy": "estimated"}');
SET ignis.count_exact_threshold = 100000;
SELECT ignis.count('Ticket', '{"status": "closed"}', '{"countStrategy": "estimated"}');
RESET ignis.count_exact_threshold;
SELECT ignis.find('Ticket', '{"where": {"status": "escalated"}, "fields": ["id"], "limit": 2}',
                  '{"shouldQueryRange": true, "countStrategy": "planned"}');
SELECT ignis.find('Ticket', '{"where": {"status": "escalated"}, "fields": ["id"], "limit": 2}',
                  '{"shouldQueryRange": true}');
SELECT err($q$SELECT ignis.count('Ticket', '{}', '{"countStrategy": "guess"}')$q$);
SELECT err($q$SELECT ignis.find_one('Ticket', '{}', '{"countStrategy": "planned"}')$q$);
SELECT ignis.unregister_model('Ticket');
DROP TABLE public.tickets;
