-- Results: how rows become the jsonb ignis returns (api.md §2).
--
-- Reads return plain rows and ignis converts each value straight into jsonb
-- as PostgreSQL's to_jsonb would: numbers as JSON numbers (NaN and the
-- infinities as strings), booleans, json/jsonb embedded, arrays as (nested)
-- JSON arrays, dates and timestamps in ISO 8601 in the session's TimeZone,
-- everything else as its text output.  Composite types and types with a cast
-- to json are converted by to_jsonb itself.  This suite checks every kind of
-- column against to_jsonb of the same rows.
SET TimeZone = 'UTC';
SET extra_float_digits = 0;
SET client_min_messages = warning;

CREATE TYPE public.res_mood AS ENUM ('sad', 'happy');
CREATE TYPE public.res_pair AS (a integer, b text);
CREATE DOMAIN public.res_posint AS integer CHECK (VALUE > 0);
CREATE DOMAIN public.res_tags AS text[];
-- a type with its own cast to json: to_jsonb goes through the cast
CREATE TYPE public.res_level AS ENUM ('low', 'high');
CREATE FUNCTION public.res_level_json(public.res_level) RETURNS json
  LANGUAGE sql IMMUTABLE AS $$ SELECT pg_catalog.json_build_object('level', $1::text) $$;
CREATE CAST (public.res_level AS json) WITH FUNCTION public.res_level_json(public.res_level);

CREATE TABLE public.res_types (
  id serial PRIMARY KEY,
  b boolean, i2 smallint, i4 integer, i8 bigint, f4 real, f8 double precision,
  n numeric, n2 numeric(10,2), t text, vc varchar(10), ch char(5), nm name, "char" "char",
  d date, ts timestamp, tstz timestamptz, tm time, tmtz timetz, iv interval,
  j json, jb jsonb, u uuid, by bytea, ip inet, mood public.res_mood, pair public.res_pair,
  pos public.res_posint, tags public.res_tags, lvl public.res_level, rng int4range, pt point,
  ia integer[], ta text[], ma integer[], na numeric[], fa float8[], tsa timestamptz[],
  ja jsonb[], pa public.res_pair[], ea public.res_mood[], ba boolean[], la public.res_level[]
);
INSERT INTO public.res_types (b, i2, i4, i8, f4, f8, n, n2, t, vc, ch, nm, "char", d, ts, tstz, tm, tmtz,
  iv, j, jb, u, by, ip, mood, pair, pos, tags, lvl, rng, pt, ia, ta, ma, na, fa, tsa, ja, pa, ea, ba, la)
VALUES
  (true, -32768, 2147483647, 9223372036854775807, 1.5, 0.1, 12345678901234567890.123456789, 3.10,
   'plain "quoted" \ back / slash' || chr(10) || 'é ☃', 'short', 'ab', 'a name', 'x',
   '2024-02-29', '2024-01-05 10:00:00.123456', '2024-01-05 10:00:00+02', '23:59:59', '12:00+05', '1 day 02:03:04',
   '{"b": 1, "a": [1, 2, {"c": null}], "a": "dup"}', '{"z": {"y": [true, false]}, "n": 1.50}',
   'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\x00ff', '192.168.0.1/24', 'happy', ROW(1, 'one'),
   7, ARRAY['x', 'y'], 'high', '[1,10)', '(1,2)',
   ARRAY[1, NULL, 3], ARRAY['a', NULL], ARRAY[[1, 2], [3, 4]], ARRAY[1.0, 'NaN'::numeric, 'Infinity'::numeric],
   ARRAY['Infinity'::float8, '-Infinity', 'NaN', 1e300, 1.25], ARRAY['2024-01-01 00:00:00+00'::timestamptz, 'infinity'],
   ARRAY['{"a": 1}'::jsonb, '2', 'null', '"s"'], ARRAY[ROW(2, 'two')::public.res_pair], ARRAY['sad'::public.res_mood],
   ARRAY[true, false, NULL], ARRAY['low'::public.res_level]),
  (false, 0, -1, -9223372036854775808, 'NaN', '-Infinity', 'NaN', -0.5, '', NULL, NULL, NULL, NULL,
   'infinity', '-infinity', 'infinity', NULL, NULL, NULL,
   '"just a string"', '3', NULL, '', NULL, 'sad', ROW(NULL, NULL), NULL, '{}', 'low', 'empty', NULL,
   '{}', '{}', '{}', '{}', ARRAY['Infinity'::float8], '{}', '{}', '{}', '{}', '{}', '{}'),
  (NULL, NULL, NULL, NULL, NULL, NULL, 'Infinity', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
   NULL, NULL, NULL, 'null', 'null', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
SELECT ignis.register_model('ResType', 'public.res_types') ->> 'name' AS model;

-- Every value, every row, as to_jsonb converts it.
SELECT ignis.find('ResType', '{"order": "id"}') = (SELECT jsonb_agg(to_jsonb(r) ORDER BY r.id) FROM public.res_types r)
  AS find_equals_to_jsonb;
SELECT ignis.find_by_id('ResType', 1) = (SELECT to_jsonb(r) FROM public.res_types r WHERE id = 1) AS find_by_id_equals,
       ignis.find_one('ResType', '{"where": {"id": 2}}') = (SELECT to_jsonb(r) FROM public.res_types r WHERE id = 2) AS find_one_equals;
-- and column by column, so that a difference names its column
SELECT a.key AS differs
FROM public.res_types r, jsonb_each(to_jsonb(r)) a
WHERE (ignis.find_by_id('ResType', r.id) -> a.key) IS DISTINCT FROM a.value;

-- What the conversions look like.
SELECT jsonb_pretty(ignis.find_by_id('ResType', 2,
  '{"fields": ["f4", "f8", "n", "d", "ts", "tstz", "j", "jb", "by", "mood", "pair", "lvl", "rng", "ma", "fa", "tsa", "ja", "la"]}'));

-- The same conversions inside includes (converted by jsonb_agg in the
-- statement) and in range results.
CREATE TABLE public.res_children (id serial PRIMARY KEY, parent integer REFERENCES public.res_types, f8 float8, tstz timestamptz, lvl public.res_level);
INSERT INTO public.res_children (parent, f8, tstz, lvl) VALUES (1, 'NaN', '2024-01-01', 'high'), (1, 2.5, 'infinity', NULL), (2, NULL, NULL, 'low');
SELECT ignis.register_model('ResChild', 'public.res_children') ->> 'name' AS model;
SELECT ignis.register_relation('ResType', 'children', 'many', 'ResChild', '{"fields": ["id"], "references": ["parent"]}') ->> 'name' AS relation;
SELECT ignis.register_relation('ResChild', 'owner', 'one', 'ResType', '{"fields": ["parent"], "references": ["id"]}') ->> 'name' AS relation;
SELECT ignis.find('ResType', '{"fields": ["id"], "include": ["children"], "order": "id"}');
SELECT ignis.find('ResChild', '{"fields": ["id"], "include": [{"relation": "owner", "scope": {"fields": ["id", "pair", "lvl"]}}], "order": "id"}');

-- Range results: the page and the total of the same snapshot; an empty page
-- (an offset past the end) still reports the total.
SELECT ignis.find('ResType', '{"fields": ["id"], "limit": 2}', '{"shouldQueryRange": true}');
SELECT ignis.find('ResType', '{"fields": ["id"], "skip": 10}', '{"shouldQueryRange": true}');
SELECT ignis.find('ResType', '{"fields": ["id"], "where": {"id": -1}}', '{"shouldQueryRange": true}');
SELECT ignis.find('ResType', '{"fields": ["id"], "limit": 1}', '{"shouldQueryRange": true, "countStrategy": "exact"}');

-- Results of any size: 10,000 rows, each an element of one jsonb array
-- (jsonb stores an offset every 32 elements: every position reads back).
CREATE TABLE public.res_many AS SELECT g AS id, repeat('x', g % 50) AS s, g * 1.5 AS n FROM generate_series(1, 10000) g;
ALTER TABLE public.res_many ADD PRIMARY KEY (id);
SELECT ignis.register_model('ResMany', 'public.res_many') ->> 'name' AS model;
WITH r AS (SELECT ignis.find('ResMany', '{"limit": 10000}') AS j)
SELECT jsonb_array_length(j) AS rows,
       j = (SELECT jsonb_agg(to_jsonb(m) ORDER BY m.id) FROM public.res_many m) AS equals,
       (SELECT bool_and((j -> (g - 1)) = (SELECT to_jsonb(m) FROM public.res_many m WHERE m.id = g))
        FROM generate_series(1, 10000, 7) g) AS every_position,
       j -> 9999 AS last
FROM r;

-- build_query returns the statement find runs, wrapped in the aggregate that
-- turns its rows into the same jsonb, so that it can be run by hand.
SELECT ignis.build_query('ResType', '{"fields": ["id", "pair"], "limit": 1}') ->> 'sql' AS sql;

SELECT ignis.unregister_model('ResMany');
SELECT ignis.unregister_model('ResChild', true);
SELECT ignis.unregister_model('ResType', true);
DROP TABLE public.res_many, public.res_children, public.res_types;
DROP CAST (public.res_level AS json);
DROP FUNCTION public.res_level_json(public.res_level);
DROP TYPE public.res_level, public.res_pair, public.res_mood;
DROP DOMAIN public.res_posint, public.res_tags;
