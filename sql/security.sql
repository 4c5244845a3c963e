-- Safety by construction: a hostile search_path changes nothing, every
-- function runs as the caller (privileges, column privileges and row-level
-- security apply as if the caller had written the SQL).
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;

-- A hostile search_path changes nothing.  Every ignis function runs under two
-- attacks and must give exactly what it gives under a clean search_path
-- ('public'), while no planted object ever runs:
--   before: search_path = hostile_before, pg_catalog, public — a schema that
--           comes first, holding a same-signature clone of every pg_catalog
--           operator on the types ignis uses, of the functions and aggregates
--           it calls, domains named like the built-in types, a collation "C"
--           that sorts differently, and tables and views named like the
--           model tables and the system catalogs ignis reads;
--   after:  search_path = public, pg_catalog, hostile_after — a schema after
--           pg_catalog holding exact-type overloads of polymorphic and "any"
--           functions and operators (to_jsonb(integer), json_agg(record),
--           count(integer), =(integer[], integer[]), …), which an unqualified
--           call would prefer to pg_catalog's.
-- A planted object that runs bumps the sequence planted_runs (not undone by
-- the rollback of the call) and raises a WARNING naming itself.

-- the dataset: a model with a uuid key, soft delete, json, date, an enum and
-- an array, and a schema for discover with names that sort differently in
-- "C" and in another collation, a view, a partitioned table and foreign keys
CREATE TYPE public.sec_mood AS ENUM ('happy', 'sad');
CREATE TABLE public.sec_tokens (
  id         uuid PRIMARY KEY,
  label      text NOT NULL,
  doc        json,
  due        date,
  mood       public.sec_mood,
  scores     integer[],
  deleted_at timestamptz
);
INSERT INTO public.sec_tokens VALUES
  ('00000000-0000-0000-0000-000000000001', 'one', '{"a": {"b": 1}}', '2024-01-01', 'happy', '{1,2}', NULL),
  ('00000000-0000-0000-0000-000000000002', 'two', NULL, NULL, 'sad', '{}', NULL),
  ('00000000-0000-0000-0000-000000000003', 'gone', '{"a": 2}', '2024-03-01', NULL, NULL, '2024-04-01');
SELECT ignis.register_model('Token', 'public.sec_tokens', '{"naming": "camelCase", "softDelete": true}') ->> 'name';
SELECT ignis.register_relation('Post', 'Zauthor', 'one', 'User', '{"fields": ["authorId"], "references": ["id"]}') ->> 'name';

CREATE TABLE public.sec_defaults (id integer PRIMARY KEY DEFAULT 7, made date NOT NULL DEFAULT '2024-01-01');
SELECT ignis.register_model('Default', 'public.sec_defaults') ->> 'name';
-- a scope filter whose operand is a session setting (scope.c)
SELECT ignis.register_model('AuthorPost', 'public.posts',
  '{"naming": "camelCase", "softDelete": {"property": "deletedAt"}, "scopeFilter": {"where": {"authorId": {"$setting": "app.sec_author"}}}}') ->> 'name';
SET app.sec_author = '1';

CREATE SCHEMA sec_disc;
CREATE TABLE sec_disc."Zeta" (id integer PRIMARY KEY, name text);
CREATE TABLE sec_disc.alpha (id integer PRIMARY KEY, zeta_id integer REFERENCES sec_disc."Zeta", note text);
CREATE TABLE sec_disc.events (id integer, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE sec_disc.events_2024 PARTITION OF sec_disc.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE VIEW sec_disc.alpha_notes AS SELECT id, note FROM sec_disc.alpha WHERE note IS NOT NULL;

CREATE SEQUENCE public.planted_runs;
CREATE FUNCTION public.planted(what text) RETURNS boolean
  LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
  PERFORM pg_catalog.nextval('public.planted_runs');
  RAISE WARNING 'planted object ran: %', what;
  RETURN true;
END $$;

CREATE SCHEMA hostile_before;
CREATE SCHEMA hostile_after;

-- (before) a clone of every binary pg_catalog operator on the types ignis
-- compares, casts, concatenates or reads paths of
DO $$
DECLARE
  o record;
  n integer := 0;
  types regtype[] := ARRAY['int2', 'int4', 'int8', 'numeric', 'float4', 'float8', 'text', 'bpchar',
    'bool', 'jsonb', 'json', '"char"', 'oid', 'name', 'regclass', 'uuid', 'date', 'timestamp',
    'timestamptz', 'interval', '_text', '_int4', 'anyarray', 'anyelement', 'anycompatiblearray',
    'anynonarray', 'anyenum', 'anycompatible', 'anycompatiblenonarray'];
BEGIN
  FOR o IN
    SELECT op.oid, op.oprname, op.oprleft::regtype AS l, op.oprright::regtype AS r,
           op.oprresult::regtype AS res, op.oprcode::regproc AS code
      FROM pg_operator op
     WHERE op.oprnamespace = 'pg_catalog'::regnamespace AND op.oprkind = 'b'
       AND op.oprleft = ANY (types) AND op.oprright = ANY (types)
  LOOP
    EXECUTE format('CREATE FUNCTION hostile_before.op_%s(a %s, b %s) RETURNS %s'
                   ' LANGUAGE plpgsql SET search_path = pg_catalog AS %L',
                   o.oid, o.l, o.r, o.res,
                   format('BEGIN PERFORM public.planted(%L); RETURN %s(a, b); END',
                          format('operator %s(%s, %s)', o.oprname, o.l, o.r), o.code));
    EXECUTE format('CREATE OPERATOR hostile_before.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = hostile_before.op_%s)',
                   o.oprname, o.l, o.r, o.oid);
    n := n + 1;
  END LOOP;
  RAISE NOTICE 'cloned % operators', n;
END $$;
-- an "=" between integer and text, which pg_catalog lacks (relation keys)
CREATE FUNCTION hostile_before.int_text_eq(integer, text) RETURNS boolean
  LANGUAGE sql AS $$ SELECT public.planted('operator =(integer, text)') $$;
CREATE OPERATOR hostile_before.= (LEFTARG = integer, RIGHTARG = text, FUNCTION = hostile_before.int_text_eq);

-- (before) clones of the functions ignis' statements call or could call
DO $$
DECLARE
  f record;
BEGIN
  FOR f IN
    SELECT p.oid, p.proname, pg_get_function_identity_arguments(p.oid) AS args,
           pg_get_function_result(p.oid) AS res, p.pronargs
      FROM pg_proc p
     WHERE p.pronamespace = 'pg_catalog'::regnamespace AND p.prokind = 'f' AND NOT p.proretset
       AND p.proname IN ('to_jsonb', 'to_json', 'row_to_json', 'jsonb_typeof', 'now',
             'jsonb_set', 'jsonb_extract_path', 'jsonb_extract_path_text', 'array_length',
             'pg_relation_is_updatable', 'lower', 'upper', 'length', 'quote_ident',
             'nextval', 'left', 'md5', 'textcat', 'int4', 'int8', 'text', 'numeric',
             'jsonb_object_field', 'jsonb_array_length', 'jsonb_strip_nulls', 'concat_ws')
       AND NOT p.proargtypes::oid[] && ARRAY['"any"', 'internal', 'cstring', 'record', 'anyrange',
             'anymultirange', 'anycompatiblerange', 'anycompatiblemultirange']::regtype[]::oid[]
       AND p.provariadic = 0
  LOOP
    EXECUTE format('CREATE FUNCTION hostile_before.%I(%s) RETURNS %s LANGUAGE plpgsql'
                   ' SET search_path = pg_catalog AS %L',
                   f.proname, f.args, f.res,
                   format('BEGIN PERFORM public.planted(%L); RETURN pg_catalog.%I(%s); END',
                          format('function %s(%s)', f.proname, f.args), f.proname,
                          (SELECT string_agg('$' || i, ', ') FROM generate_series(1, f.pronargs) i)));
  END LOOP;
END $$;
CREATE FUNCTION hostile_before.unnest(anyarray) RETURNS SETOF anyelement
  LANGUAGE sql AS $$ SELECT x FROM pg_catalog.unnest($1) x WHERE public.planted('function unnest(anyarray)') $$;
CREATE FUNCTION hostile_before.generate_series(integer, integer) RETURNS SETOF integer
  LANGUAGE sql AS $$ SELECT x FROM pg_catalog.generate_series($1, $2) x WHERE public.planted('function generate_series(integer, integer)') $$;
CREATE FUNCTION hostile_before.jsonb_array_elements(jsonb) RETURNS SETOF jsonb
  LANGUAGE sql AS $$ SELECT x FROM pg_catalog.jsonb_array_elements($1) x WHERE public.planted('function jsonb_array_elements(jsonb)') $$;
-- "any"-variadic builders cannot be written in SQL: same signature, another
-- built-in behind it (an object becomes an array, a format a concat_ws)
CREATE FUNCTION hostile_before.jsonb_build_object(VARIADIC "any") RETURNS jsonb
  LANGUAGE internal STABLE AS 'jsonb_build_array';
CREATE FUNCTION hostile_before.json_build_object(VARIADIC "any") RETURNS json
  LANGUAGE internal STABLE AS 'json_build_array';
CREATE FUNCTION hostile_before.format(text, VARIADIC "any") RETURNS text
  LANGUAGE internal STABLE AS 'text_concat_ws';
-- aggregates: json_agg, jsonb_agg, array_agg, string_agg, count(*)
CREATE FUNCTION hostile_before.agg_step(state json, v anyelement) RETURNS json
  LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN PERFORM public.planted('aggregate json_agg/jsonb_agg/array_agg'); RETURN state; END $$;
CREATE AGGREGATE hostile_before.json_agg(anyelement) (SFUNC = hostile_before.agg_step, STYPE = json, INITCOND = '[]');
CREATE FUNCTION hostile_before.jsonb_agg_final(json) RETURNS jsonb LANGUAGE sql AS 'SELECT $1::pg_catalog.jsonb';
CREATE AGGREGATE hostile_before.jsonb_agg(anyelement) (SFUNC = hostile_before.agg_step, STYPE = json, INITCOND = '[]', FINALFUNC = hostile_before.jsonb_agg_final);
CREATE FUNCTION hostile_before.text_step(state text, v text, d text) RETURNS text
  LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN PERFORM public.planted('aggregate string_agg(text, text)'); RETURN state; END $$;
CREATE AGGREGATE hostile_before.string_agg(text, text) (SFUNC = hostile_before.text_step, STYPE = text);
CREATE FUNCTION hostile_before.count_step(state bigint) RETURNS bigint
  LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN PERFORM public.planted('aggregate count(*)'); RETURN state + 1000; END $$;
CREATE AGGREGATE hostile_before.count(*) (SFUNC = hostile_before.count_step, STYPE = bigint, INITCOND = '0');

-- (before) types named like the built-in ones (domains whose check records),
-- a collation "C" that sorts case-insensitively
CREATE FUNCTION public.planted_check(what text, v anyelement) RETURNS boolean
  LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN RETURN public.planted(what); END $$;
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['text', 'jsonb', 'json', 'int8', 'int4', 'int2', 'numeric', 'bool',
                           'oid', 'regclass', 'name', 'timestamptz', 'date', 'uuid', 'float8']
  LOOP
    EXECUTE format('CREATE DOMAIN hostile_before.%I AS pg_catalog.%I CHECK (public.planted_check(%L, VALUE))',
                   t, t, 'type ' || t);
  END LOOP;
END $$;
CREATE DOMAIN hostile_before."char" AS pg_catalog."char" CHECK (public.planted_check('type "char"', VALUE));
-- (ICU sorts case-insensitively; a server built without ICU gets a libc one)
DO $$
BEGIN
  CREATE COLLATION hostile_before."C" (provider = icu, locale = 'und');
EXCEPTION WHEN feature_not_supported THEN
  CREATE COLLATION hostile_before."C" (provider = libc, locale = 'POSIX');
END $$;

-- (before) relations named like the model tables, ignis' catalog and the
-- system catalogs ignis reads: views that record every read
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['public.users', 'public.posts', 'public.profiles', 'public.categories',
                           'public.tags', 'public.post_tags', 'public.sec_tokens',
                           'ignis.models', 'ignis.relations', 'pg_catalog.pg_class',
                           'pg_catalog.pg_attribute', 'pg_catalog.pg_namespace',
                           'pg_catalog.pg_inherits', 'pg_catalog.pg_depend',
                           'pg_catalog.pg_extension', 'pg_catalog.pg_constraint', 'pg_catalog.pg_type']
  LOOP
    EXECUTE format('CREATE VIEW hostile_before.%I AS SELECT %s FROM %s WHERE public.planted(%L)',
                   split_part(t, '.', 2),
                   (SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute
                     WHERE attrelid = t::regclass AND attnum > 0 AND NOT attisdropped
                       AND atttypid <> 'anyarray'::regtype),
                   t, 'relation ' || split_part(t, '.', 2));
  END LOOP;
END $$;

-- (after) exact-type overloads of polymorphic and "any" functions and
-- operators: an unqualified call would pick them over pg_catalog's
DO $$
DECLARE
  sig text;
BEGIN
  FOREACH sig IN ARRAY ARRAY[
      'to_jsonb(integer) RETURNS jsonb', 'to_jsonb(text) RETURNS jsonb',
      'to_jsonb(bigint) RETURNS jsonb', 'to_jsonb(record) RETURNS jsonb',
      'to_json(record) RETURNS json',
      'jsonb_build_object(text, integer) RETURNS jsonb', 'jsonb_build_object(text, bigint) RETURNS jsonb',
      'jsonb_build_object(text, text) RETURNS jsonb', 'jsonb_build_object(text, jsonb) RETURNS jsonb',
      'jsonb_build_object(text, bigint, text, jsonb) RETURNS jsonb',
      'jsonb_build_object(text, json, text, jsonb) RETURNS jsonb',
      'jsonb_build_object(text, bigint, text, bigint, text, bigint) RETURNS jsonb',
      'jsonb_build_object(text, bigint, text, bigint, text, bigint, text, text) RETURNS jsonb',
      'format(text, text) RETURNS text', 'format(text, text, text) RETURNS text',
      'concat(text, text) RETURNS text', 'concat_ws(text, text, text) RETURNS text',
      'jsonb_build_array(integer) RETURNS jsonb', 'json_build_object(text, integer) RETURNS json']
  LOOP
    EXECUTE format('CREATE FUNCTION hostile_after.%s LANGUAGE plpgsql SET search_path = pg_catalog'
                   ' AS %L', sig,
                   format('BEGIN PERFORM public.planted(%L); RETURN NULL; END', 'overload ' || sig));
  END LOOP;
END $$;
CREATE FUNCTION hostile_after.unnest(integer[]) RETURNS SETOF integer
  LANGUAGE sql AS $$ SELECT x FROM pg_catalog.unnest($1) x WHERE public.planted('overload unnest(integer[])') $$;
CREATE FUNCTION hostile_after.unnest(text[]) RETURNS SETOF text
  LANGUAGE sql AS $$ SELECT x FROM pg_catalog.unnest($1) x WHERE public.planted('overload unnest(text[])') $$;
CREATE FUNCTION hostile_after.unnest(uuid[]) RETURNS SETOF uuid
  LANGUAGE sql AS $$ SELECT x FROM pg_catalog.unnest($1) x WHERE public.planted('overload unnest(uuid[])') $$;
CREATE FUNCTION hostile_after.rec_step(state json, v record) RETURNS json
  LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN PERFORM public.planted('overload json_agg(record)'); RETURN state; END $$;
CREATE AGGREGATE hostile_after.json_agg(record) (SFUNC = hostile_after.rec_step, STYPE = json, INITCOND = '[]');
CREATE FUNCTION hostile_after.int_step(state bigint, v integer) RETURNS bigint
  LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN PERFORM public.planted('overload count(integer)'); RETURN state; END $$;
CREATE AGGREGATE hostile_after.count(integer) (SFUNC = hostile_after.int_step, STYPE = bigint, INITCOND = '0');
DO $$
DECLARE
  o text[];
BEGIN
  FOREACH o SLICE 1 IN ARRAY ARRAY[
      ['=', 'integer[]'], ['<>', 'integer[]'], ['&&', 'integer[]'], ['@>', 'integer[]'], ['<@', 'integer[]'],
      ['=', 'text[]'], ['&&', 'text[]'], ['@>', 'text[]'], ['<@', 'text[]'],
      ['=', 'public.sec_mood'], ['<', 'public.sec_mood'], ['>', 'public.sec_mood'],
      ['<>', 'public.sec_mood'], ['=', 'public.sec_mood[]']]
  LOOP
    EXECUTE format('CREATE FUNCTION hostile_after.%I(%s, %s) RETURNS boolean LANGUAGE sql'
                   ' AS %L', 'op_' || md5(o[1] || o[2]), o[2], o[2],
                   format('SELECT public.planted(%L)', format('overload operator %s(%s, %s)', o[1], o[2], o[2])));
    EXECUTE format('CREATE OPERATOR hostile_after.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = hostile_after.%I)',
                   o[1], o[2], o[2], 'op_' || md5(o[1] || o[2]));
  END LOOP;
END $$;
CREATE FUNCTION hostile_after.int_text_eq(integer, text) RETURNS boolean
  LANGUAGE sql AS $$ SELECT public.planted('overload operator =(integer, text)') $$;
CREATE OPERATOR hostile_after.= (LEFTARG = integer, RIGHTARG = text, FUNCTION = hostile_after.int_text_eq);
CREATE FUNCTION hostile_after.text_int_cat(text, integer) RETURNS text
  LANGUAGE sql AS $$ SELECT 'x' WHERE public.planted('overload operator ||(text, integer)') $$;
CREATE OPERATOR hostile_after.|| (LEFTARG = text, RIGHTARG = integer, FUNCTION = hostile_after.text_int_cat);

-- What was planted (each bullet runs a recording function when used):
SELECT n.nspname AS schema,
       count(*) FILTER (WHERE o.kind = 'operator') >= CASE n.nspname WHEN 'hostile_before' THEN 250 ELSE 15 END AS operators,
       count(*) FILTER (WHERE o.kind = 'function') >= CASE n.nspname WHEN 'hostile_before' THEN 50 ELSE 20 END AS functions,
       count(*) FILTER (WHERE o.kind = 'aggregate') AS aggregates,
       count(*) FILTER (WHERE o.kind = 'type') AS types,
       count(*) FILTER (WHERE o.kind = 'relation') AS relations,
       count(*) FILTER (WHERE o.kind = 'collation') AS collations
  FROM pg_namespace n
  JOIN (SELECT oprnamespace, 'operator' FROM pg_operator
        UNION ALL SELECT pronamespace, CASE prokind WHEN 'a' THEN 'aggregate' ELSE 'function' END FROM pg_proc
        UNION ALL SELECT typnamespace, 'type' FROM pg_type WHERE typtype = 'd'
        UNION ALL SELECT relnamespace, 'relation' FROM pg_class
        UNION ALL SELECT collnamespace, 'collation' FROM pg_collation) o(nsp, kind) ON o.nsp = n.oid
 WHERE n.nspname IN ('hostile_before', 'hostile_after')
 GROUP BY n.nspname ORDER BY n.nspname;

-- probe(path, call, state): empties ignis' caches, runs `call` with
-- search_path = path, then reads the table `state` (if given) with a clean
-- search_path, and rolls it all back; returns the call's result or error
-- and a digest of the table.
CREATE FUNCTION public.probe(path text, call text, state text) RETURNS text
  LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
  r text;
  digest text;
BEGIN
  BEGIN
    BEGIN
      -- models and statements are loaded and prepared afresh under `path`
      PERFORM ignis.reset_caches();
      PERFORM pg_catalog.set_config('search_path', path, true);
      EXECUTE call INTO r;
      PERFORM pg_catalog.set_config('search_path', 'pg_catalog, public', true);
    EXCEPTION WHEN OTHERS THEN
      -- the rollback of this block restored the clean search_path
      r := 'ERROR ' || SQLSTATE || ': ' || SQLERRM;
    END;
    IF state IS NOT NULL THEN
      EXECUTE format('SELECT md5(string_agg(t::text, '','' ORDER BY t::text)) FROM %s t', state)
        INTO digest;
      r := coalesce(r, 'NULL') || ' / ' || state || ' ' || coalesce(digest, 'empty');
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'ZZ001', MESSAGE = coalesce(r, 'NULL');
  EXCEPTION WHEN SQLSTATE 'ZZ001' THEN
    RETURN SQLERRM;
  END;
END $$;

-- Every ignis function, every overload, reads with every feature that
-- generates SQL, every write, every catalog function.
CREATE TABLE public.sec_calls (id serial PRIMARY KEY, fn text NOT NULL, call text NOT NULL, state text);
INSERT INTO public.sec_calls (fn, call, state) VALUES
-- reads
('find', $$SELECT ignis.find('User', '{"where": {"age": 27}, "fields": ["id"]}')$$, NULL),
('find', $$SELECT ignis.find('User', '{"where": {"not": {"posts": {"every": {"views": {"gt": 50}}}}, "profile": {"some": {}}, "or": [{"posts": {"some": {"postTags": {"none": {"tag": {"some": {"name": {"ilike": "%js%"}}}}}}}}]}, "fields": ["id"]}')$$, NULL),
('find', $$SELECT ignis.find('Post', '{"where": {"or": [{"title": {"like": "%o%"}}, {"views": {"between": [10, 100]}}], "status": {"inq": ["published", "draft"]}, "tags": {"overlaps": ["news", "tech"]}}, "order": ["title DESC"], "limit": 3, "skip": 1}')$$, NULL),
('find', $$SELECT ignis.find('Post', '{"where": {"and": [{"title": {"ilike": "%D%"}}, {"title": {"nlike": "x%"}}, {"title": {"regexp": "^[DH]"}}, {"status": {"neq": "draft"}}, {"views": {"notBetween": [0, 5]}}, {"authorId": {"nin": [9]}}, {"not": {"id": {"gt": 4}}}, {"categoryId": {"in": [1, 2, null]}}]}, "fields": ["id", "title"]}')$$, NULL),
('find', $$SELECT ignis.find('Post', '{"where": {"tags": {"contains": ["tech"]}, "publishedAt": {"lt": "2024-06-01T00:00:00Z", "gte": "2024-01-01"}}, "fields": ["id", "tags"], "order": ["views DESC"]}')$$, NULL),
('find', $$SELECT ignis.find('Post', '{"where": {"tags": {"containedBy": ["news", "intro", "tech", "long-read"]}}, "fields": ["id"]}')$$, NULL),
('find', $$SELECT ignis.find('Post', '{"where": {"metadata.priority": {"gt": 2}, "metadata.flags.featured": true}, "fields": ["id", "metadata"], "order": ["metadata.priority DESC"]}')$$, NULL),
('find', $$SELECT ignis.find('Post', '{"where": {"or": [{"metadata.ratings": {"contains": [4]}}, {"metadata.ratings": {"overlaps": [3, 9]}}, {"metadata": {"jsonPath": "$.flags.featured", "eq": false}}, {"metadata.priority": {"in": [1.5, 2]}}, {"metadata.priority": {"like": "h%"}}]}, "fields": ["id"]}')$$, NULL),
('find', $$SELECT ignis.find('Post', '{"where": {"metadata.flags": null, "metadata": {"priority": "high"}}, "fields": ["id"]}', '{"shouldSkipDefaultFilter": true}')$$, NULL),
('find', $$SELECT ignis.find('User', '{"fields": ["id", "email"], "include": [{"relation": "posts", "scope": {"fields": ["id", "authorId"], "order": ["views DESC"], "limit": 2, "include": [{"relation": "postTags", "scope": {"include": ["tag"]}}, "category"]}}, "profile"], "order": ["id"]}')$$, NULL),
('find', $$SELECT ignis.find('User', '{"fields": ["id"], "limit": 2, "skip": 2}', '{"shouldQueryRange": true}')$$, NULL),
('find', $$SELECT ignis.find('Post', '{"where": {"views": {"gt": 1}}, "fields": ["id"], "limit": 2}', '{"shouldQueryRange": true, "countStrategy": "exact"}')$$, NULL),
-- (planned totals are the planner's estimate, which follows the statistics of the
-- moment: only the rest of their answers is shown)
('find', $$SELECT ignis.find('Post', '{"where": {"views": {"gt": 1}}, "fields": ["id"], "limit": 2}', '{"shouldQueryRange": true, "countStrategy": "planned"}') OPERATOR(pg_catalog.#-) '{range,total}'$$, NULL),
('find', $$SELECT ignis.find('Post', '{"where": {"views": {"gt": 1}}, "fields": ["id"], "limit": 2}', '{"shouldQueryRange": true, "countStrategy": "estimated"}')$$, NULL),
('find', $$SELECT ignis.find('Token', '{"where": {"mood": {"inq": ["happy", "sad"]}, "scores": {"overlaps": [1, 5]}, "due": {"lte": "2024-12-31"}, "doc.a.b": 1}}')$$, NULL),
('find', $$SELECT ignis.find('Token', '{"where": {"mood": {"gt": "happy"}}, "order": ["doc DESC", "label"]}', '{"shouldSkipDefaultFilter": true}')$$, NULL),
('find_one', $$SELECT ignis.find_one('Post', '{"where": {"authorId": 1}, "order": ["views"], "include": ["author"]}')$$, NULL),
('find_by_id(text)', $$SELECT ignis.find_by_id('Post', '1'::pg_catalog.text, '{"fields": ["id", "title"], "include": [{"relation": "postTags", "scope": {"include": ["tag"]}}]}')$$, NULL),
('find_by_id(bigint)', $$SELECT ignis.find_by_id('User', 1, '{"include": [{"relation": "posts", "scope": {"fields": ["id"], "include": ["Zauthor"]}}]}')$$, NULL),
('find_by_id(uuid)', $$SELECT ignis.find_by_id('Token', '00000000-0000-0000-0000-000000000001'::pg_catalog.uuid)$$, NULL),
('count', $$SELECT ignis.count('Post', '{"status": "published", "tags": {"overlaps": ["news"]}}')$$, NULL),
('count', $$SELECT ignis.count('Post', '{"views": {"gte": 10}}', '{"countStrategy": "exact"}')$$, NULL),
('count', $$SELECT ignis.count('Post', '{"views": {"gte": 10}}', '{"countStrategy": "planned"}') OPERATOR(pg_catalog.-) 'count'::pg_catalog.text$$, NULL),
('count', $$SELECT ignis.count('Post', '{"views": {"gte": 10}}', '{"countStrategy": "estimated"}')$$, NULL),
('exists_with', $$SELECT ignis.exists_with('Token', '{"label": "gone"}', '{"shouldSkipDefaultFilter": true}')$$, NULL),
('build_query', $$SELECT ignis.build_query('Post', '{"where": {"metadata.flags.featured": true, "tags": {"overlaps": ["news"]}}, "include": ["author"]}')$$, NULL),
('plan_cache_stats', $$SELECT pg_catalog.array_to_string(ARRAY(SELECT pg_catalog.jsonb_object_keys(ignis.plan_cache_stats())), ',')$$, NULL),
('reset_caches', $$SELECT pg_catalog.count(*) FROM (SELECT ignis.reset_caches()) r$$, NULL),
('find (scope filter)', $$SELECT ignis.find('AuthorPost', '{"where": {"or": [{"authorId": 2}, {"views": {"gt": 0}}]}, "fields": ["id", "authorId"]}')$$, NULL),
('count (scope filter)', $$SELECT ignis.count('AuthorPost', '{}', '{"shouldSkipDefaultFilter": true}')$$, NULL),
-- writes
('create (scope filter)', $$SELECT ignis.create('AuthorPost', '{"id": 60, "authorId": 2, "title": "other author"}')$$, 'public.posts'),
('update_all (scope filter)', $$SELECT ignis.update_all('AuthorPost', '{"views": 0}', '{"views": {"gte": 0}}')$$, 'public.posts'),
('create', $$SELECT ignis.create('Post', '{"id": 50, "authorId": 2, "title": "New", "tags": ["a", "b"], "metadata": {"k": [1]}}')$$, 'public.posts'),
('create', $$SELECT ignis.create('Token', '{"id": "00000000-0000-0000-0000-000000000009", "label": "nine", "doc": {"x": null}, "due": "2025-01-01", "mood": "sad", "scores": [3]}')$$, 'public.sec_tokens'),
('create_all', $$SELECT ignis.create_all('Post', '[{"id": 51, "title": "A", "tags": ["x"]}, {"id": 52, "title": "B", "tags": []}]')$$, 'public.posts'),
('create_all', $$SELECT ignis.create_all('Token', '[{"id": "00000000-0000-0000-0000-00000000000a", "label": "a", "mood": "happy", "doc": [1]}, {"id": "00000000-0000-0000-0000-00000000000b", "label": "b", "scores": [1, 2]}]')$$, 'public.sec_tokens'),
('create_all', $$SELECT ignis.create_all('Category', '[{"id": 10, "name": "x"}, {"id": 11, "name": "y", "deletedAt": "2024-01-01T00:00:00Z"}]')$$, 'public.categories'),
('create', $$SELECT ignis.create('Default', '{}')$$, 'public.sec_defaults'),
('create_all', $$SELECT ignis.create_all('Default', '[{}]')$$, 'public.sec_defaults'),
('update_by_id(text)', $$SELECT ignis.update_by_id('Post', '1'::pg_catalog.text, '{"metadata.flags.featured": false}')$$, 'public.posts'),
('update_by_id(text)', $$SELECT ignis.update_by_id('Post', '5'::pg_catalog.text, '{"metadata.flags.featured": false, "metadata.ratings[1]": 2, "title": "T"}')$$, 'public.posts'),
('update_by_id(bigint)', $$SELECT ignis.update_by_id('Post', 2, '{"metadata": {"priority": 9}, "metadata.flags.new": true, "views": 1}')$$, 'public.posts'),
('update_by_id(uuid)', $$SELECT ignis.update_by_id('Token', '00000000-0000-0000-0000-000000000002'::pg_catalog.uuid, '{"doc.a.b": 2, "mood": "happy", "scores": [7]}')$$, 'public.sec_tokens'),
('update_all', $$SELECT ignis.update_all('Post', '{"status": "archived"}', '{"tags": {"overlaps": ["news"]}, "views": {"lt": 200}}')$$, 'public.posts'),
('update_by', $$SELECT ignis.update_by('User', '{"age": 30}', '{"role": {"inq": ["member", "guest"]}}')$$, 'public.users'),
('delete_by_id(text)', $$SELECT ignis.delete_by_id('Post', '3'::pg_catalog.text)$$, 'public.posts'),
('delete_by_id(bigint)', $$SELECT ignis.delete_by_id('Post', 3, '{"shouldHardDelete": true}')$$, 'public.posts'),
('delete_by_id(uuid)', $$SELECT ignis.delete_by_id('Token', '00000000-0000-0000-0000-000000000001'::pg_catalog.uuid)$$, 'public.sec_tokens'),
('delete_all', $$SELECT ignis.delete_all('Category', '{"name": {"like": "%e%"}}')$$, 'public.categories'),
('delete_by', $$SELECT ignis.delete_by('PostTag', '{"tagId": {"inq": [2, 3]}}', '{"shouldHardDelete": true}')$$, 'public.post_tags'),
('restore_by_id(text)', $$SELECT ignis.restore_by_id('Post', '6'::pg_catalog.text)$$, 'public.posts'),
('restore_by_id(bigint)', $$SELECT ignis.restore_by_id('Category', 3)$$, 'public.categories'),
('restore_by_id(uuid)', $$SELECT ignis.restore_by_id('Token', '00000000-0000-0000-0000-000000000003'::pg_catalog.uuid)$$, 'public.sec_tokens'),
('restore_all', $$SELECT ignis.restore_all('Post', '{"views": {"gte": 0}}')$$, 'public.posts'),
('restore_by', $$SELECT ignis.restore_by('Token', '{"label": {"startsWith": "go"}}')$$, 'public.sec_tokens'),
('update_by_id(bigint)', $$SELECT ignis.update_by_id('Post', 1, '{"views": {"increment": 2}, "tags": {"append": ["z"]}, "categoryId": {"multiply": 1}}')$$, 'public.posts'),
('update_all', $$SELECT ignis.update_all('Token', '{"scores": {"remove": [1, 3]}}', '{"label": {"neq": "x"}}')$$, 'public.sec_tokens'),
('upsert', $$SELECT ignis.upsert('Post', '[{"id": 1, "title": "One", "tags": ["a"]}, {"id": 60, "title": "Sixty", "tags": []}]', '{"where": {"views": {"gt": 0}}}')$$, 'public.posts'),
('upsert', $$SELECT ignis.upsert('Token', '{"id": "00000000-0000-0000-0000-000000000002", "label": "two", "mood": "sad", "doc": {"a": 1}, "scores": [4]}', '{"update": ["mood", "doc"]}')$$, 'public.sec_tokens'),
('upsert', $$SELECT ignis.upsert('Category', '[{"id": 1, "name": "n1"}, {"id": 12, "name": "n12"}]', '{"update": []}')$$, 'public.categories'),
('create', $$SELECT ignis.create('User', '{"id": 40, "email": "n@example.com", "createdAt": "2024-01-01T00:00:00Z", "posts": [{"id": 70, "title": "N", "postTags": [{"id": 80, "tagId": 1}]}, {"id": 71, "title": "M", "metadata": {"a": 1}}], "profile": {"id": 40}}')$$, 'public.post_tags'),
('create_all', $$SELECT ignis.create_all('Post', '[{"id": 72, "title": "P", "author": {"id": 41, "email": "p@example.com", "createdAt": "2024-01-01T00:00:00Z"}}]')$$, 'public.users'),
-- catalog functions
('register_model', $$SELECT ignis.register_model('Probe', 'public.sec_tokens', '{"naming": "camelCase", "hiddenProperties": ["doc"], "defaultFilter": {"where": {"mood": "happy"}}}')$$, 'ignis.models'),
('register_relation', $$SELECT ignis.register_relation('Token', 'author', 'one', 'User', '{"fields": ["scores"], "references": ["id"]}')$$, 'ignis.relations'),
('register_relation', $$SELECT ignis.register_relation('User', 'byEmail', 'one', 'Post', '{"fields": ["email"], "references": ["id"]}')$$, 'ignis.relations'),
('register_relation', $$SELECT ignis.register_relation('Tag', 'postTags', 'many', 'PostTag', '{"fields": ["id"], "references": ["tagId"]}')$$, 'ignis.relations'),
('alter_model', $$SELECT ignis.alter_model('Token', '{"hiddenProperties": ["doc"], "defaultFilter": {"where": {"mood": "happy"}}}')$$, 'ignis.models'),
('unregister_relation', $$SELECT ignis.unregister_relation('Post', 'Zauthor')$$, 'ignis.relations'),
('unregister_model', $$SELECT ignis.unregister_model('PostTag', true)$$, 'ignis.models'),
('describe_model', $$SELECT ignis.describe_model('Token')$$, NULL),
('describe_model', $$SELECT ignis.describe_model('Post')$$, NULL),
('discover', $$SELECT ignis.discover('sec_disc')$$, 'ignis.relations'),
('discover', $$SELECT ignis.discover('sec_disc', '{"naming": "camelCase", "modelNames": "table"}')$$, 'ignis.models'),
('aggregate', $$SELECT ignis.aggregate('Post', '{"where": {"views": {"gte": 1}}, "groupBy": ["status", "metadata.priority"], "count": true, "sum": ["views"], "avg": ["views"], "min": ["publishedAt"], "max": ["title"], "having": {"count": {"gte": 1}, "max": {"title": {"gt": "A"}}}, "order": ["count DESC", "sum.views"], "limit": 5, "skip": 0}')$$, NULL),
('find', $$SELECT ignis.find('Post', '{"fields": ["id"], "order": ["author.displayName", "category.name DESC", "author.posts.count"]}')$$, NULL),
('find', $$SELECT ignis.find('User', '{"fields": ["id"], "order": ["posts.count DESC"], "include": [{"relation": "posts", "count": true, "scope": {"where": {"views": {"gt": 1}}}}]}')$$, NULL);

-- the calls and their result under a clean search_path (today's timestamps
-- shown as <now>; the digest of the table afterwards is left out here)
SELECT id, fn,
       left(regexp_replace(split_part(probe('public', call, state), ' / ', 1),
                           '"' || to_char(now(), 'YYYY-MM-DD') || 'T[^"]*"', '"<now>"', 'g'), 100) AS clean_result,
       state AS table_checked
  FROM public.sec_calls ORDER BY id;

-- the same calls under each attack: "same" means the identical result and
-- the identical table contents afterwards
SELECT c.id, c.fn,
       probe('hostile_before, pg_catalog, public', c.call, c.state) IS NOT DISTINCT FROM clean AS before_same,
       probe('public, pg_catalog, hostile_after', c.call, c.state) IS NOT DISTINCT FROM clean AS after_same
  FROM public.sec_calls c, LATERAL (SELECT probe('public', c.call, c.state) AS clean) p
 ORDER BY c.id;

-- nothing planted ran, every ignis function was called, and the figure:
-- functions × attack shapes
SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS planted_runs FROM public.planted_runs;  -- → 0
SELECT array_agg(p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' ORDER BY 1) AS never_called
  FROM pg_proc p
 WHERE p.pronamespace = 'ignis'::regnamespace AND p.proname NOT LIKE '\_%'
   AND NOT EXISTS (SELECT 1 FROM public.sec_calls c
                    WHERE c.fn = p.proname
                       OR c.fn = p.proname || '(' || format_type(p.proargtypes[1], NULL) || ')');
SELECT count(DISTINCT fn) AS functions, 2 AS attack_shapes, count(DISTINCT fn) * 2 AS functions_x_shapes,
       count(*) AS calls, count(*) * 2 AS hostile_calls
  FROM public.sec_calls;

-- The attack as first reported: an "=" on jsonb that is always true made a
-- JSON-path update replace the whole document.  The other keys stay.
CREATE SCHEMA evil;
CREATE FUNCTION evil.always(jsonb, jsonb) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR evil.= (LEFTARG = jsonb, RIGHTARG = jsonb, FUNCTION = evil.always);
BEGIN;
SET LOCAL search_path = evil, pg_catalog, public;
SELECT ignis.update_by_id('Post', '1', '{"metadata.flags.featured": false}', '{"shouldReturn": false}');
RESET search_path;
SELECT metadata FROM public.posts WHERE id = 1;   -- → {"flags": {"featured": false}, "ratings": [5, 4], "priority": 3}
ROLLBACK;
DROP SCHEMA evil CASCADE;

RESET search_path;
DROP SCHEMA hostile_before CASCADE;
DROP SCHEMA hostile_after CASCADE;
SELECT ignis.unregister_relation('Post', 'Zauthor');
SELECT ignis.unregister_model('Token');
SELECT ignis.unregister_model('Default');
SELECT ignis.unregister_model('AuthorPost');
RESET app.sec_author;
DROP TABLE public.sec_calls, public.sec_tokens, public.sec_defaults;
DROP TYPE public.sec_mood;
DROP SCHEMA sec_disc CASCADE;
DROP FUNCTION public.probe(text, text, text), public.planted_check(text, anyelement), public.planted(text);
DROP SEQUENCE public.planted_runs;

-- Privileges are the caller's.
CREATE ROLE regress_ignis_reader;
GRANT SELECT (id, email, display_name) ON public.users TO regress_ignis_reader;
GRANT SELECT ON public.posts TO regress_ignis_reader;
SET ROLE regress_ignis_reader;
SELECT ignis.find('User', '{"fields": ["id", "email"], "limit": 2}');     -- column privileges allow it
SELECT err($q$SELECT ignis.find('User', '{"fields": ["id", "age"]}')$q$);  -- → 42501: no SELECT on "age"
SELECT err($q$SELECT ignis.find('Profile')$q$);                          -- → 42501: no SELECT on profiles
SELECT err($q$SELECT ignis.delete_by_id('Post', 1)$q$);                  -- → 42501: no UPDATE on posts
RESET ROLE;

-- Row-level security applies to every read and write.
ALTER TABLE public.posts ENABLE ROW LEVEL SECURITY;
CREATE POLICY only_alice ON public.posts TO regress_ignis_reader USING (author_id = 1);
SET ROLE regress_ignis_reader;
SELECT ignis.find('Post', '{"fields": ["id", "authorId"]}');            -- → only Alice's posts
SELECT ignis.count('Post', '{}', '{"shouldSkipDefaultFilter": true}'); -- → {"count": 2}
RESET ROLE;
SELECT ignis.count('Post', '{}', '{"shouldSkipDefaultFilter": true}'); -- the owner is not subject to it → {"count": 6}
DROP POLICY only_alice ON public.posts;
ALTER TABLE public.posts DISABLE ROW LEVEL SECURITY;
REVOKE ALL ON public.users, public.posts FROM regress_ignis_reader;
DROP ROLE regress_ignis_reader;
