-- fixture: installs the extension, loads the shared fixture of the behaviour
-- spec (cases.md §1.1), registers its models and relations (§1.2) and defines
-- the helpers later suites use. Every later suite runs in this database and
-- relies on this data being unchanged.
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never

-- cases.md §1.1 and §1.2: the tables and data, the extension, and the
-- registration of the models and relations (shared with the demo).
\i docs/sample.sql

SELECT name FROM ignis.models ORDER BY name;
SELECT model, name, type, target FROM ignis.relations ORDER BY model, name;

-- Test helpers (schema public, used by every later suite).
--
-- err(q): runs statement q and returns 'SQLSTATE: message' for the error it
-- raises, or 'no error: <first column of the first row>' when it succeeds.
-- Expected errors are written as  SELECT err($q$ <statement> $q$);
CREATE FUNCTION public.err(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  r text;
BEGIN
  EXECUTE q INTO r;
  RETURN 'no error: ' || coalesce(r, 'NULL');
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- err_hint(q): like err(), followed by ' | HINT: <hint>' when the error has one.
CREATE FUNCTION public.err_hint(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  r text;
  h text;
BEGIN
  EXECUTE q INTO r;
  RETURN 'no error: ' || coalesce(r, 'NULL');
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS h = PG_EXCEPTION_HINT;
  RETURN SQLSTATE || ': ' || SQLERRM || CASE WHEN coalesce(h, '') <> '' THEN ' | HINT: ' || h ELSE '' END;
END $$;

-- err_state(q): only the SQLSTATE of the error ('00000' when there is none);
-- for errors whose message text depends on server settings.
CREATE FUNCTION public.err_state(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
  RETURN '00000';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE;
END $$;

-- run_build_query(q): runs build_query's statement with its params bound, as a
-- caller would by hand ($n becomes the n-th element of one text[] parameter,
-- converted by the statement's own cast).
CREATE FUNCTION public.run_build_query(q jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  p text[];
  r jsonb;
BEGIN
  SELECT array_agg(CASE WHEN jsonb_typeof(e) = 'null' THEN NULL
                        WHEN jsonb_typeof(e) = 'string' THEN e #>> '{}'
                        WHEN jsonb_typeof(e) = 'array' AND q ->> 'sql' ~ ('\$' || n || '::[a-z_."]+\[\]')
                          THEN (SELECT '{' || string_agg('"' || (x #>> '{}') || '"', ',') || '}'
                                FROM jsonb_array_elements(e) AS a(x))
                        ELSE e::text END ORDER BY n)
    INTO p FROM jsonb_array_elements(q -> 'params') WITH ORDINALITY AS t(e, n);
  EXECUTE regexp_replace(q ->> 'sql', '\$([0-9]+)', '($1)[\1]', 'g') INTO r USING coalesce(p, '{}');
  RETURN r;
END $$;
