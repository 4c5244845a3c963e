-- Full-text search (operator "search"): on a text property,
-- {"title": {"search": "postgres index -mysql"}} means
-- to_tsvector(<config>, title) @@ websearch_to_tsquery(<config>, $1), the
-- query in the websearch syntax users type (words, "phrases", or, -not);
-- on a tsvector property, col @@ websearch_to_tsquery(<config>, $1).
-- <config> is the model's settings.textSearchConfig, by default the
-- database's default_text_search_config when the model was registered,
-- written as a constant so that an expression index on
-- to_tsvector('<config>', col) serves the search.
SET TimeZone = 'UTC';
SET client_min_messages = warning;

CREATE TABLE public.fts_docs (id integer PRIMARY KEY, title text NOT NULL, body text, tsv tsvector, n integer);
INSERT INTO public.fts_docs (id, title, body, n) VALUES
  (1, 'Indexing in PostgreSQL', 'B-tree and GIN indexes explained', 1),
  (2, 'MySQL index tuning', 'Indexes in MySQL', 2),
  (3, 'Running postgres on a laptop', 'Small databases, fast indexes', 3),
  (4, 'Cooking with friends', 'Nothing about databases', 4),
  (5, 'The running index', NULL, 5);
UPDATE public.fts_docs SET tsv = to_tsvector('english', title || ' ' || coalesce(body, ''));
CREATE INDEX fts_docs_title_en ON public.fts_docs USING gin (to_tsvector('english', title));
SELECT ignis.register_model('Doc', 'public.fts_docs', '{"textSearchConfig": "english"}') ->> 'name' AS model;
SELECT ignis.register_model('DocSimple', 'public.fts_docs', '{"textSearchConfig": "simple"}') ->> 'name' AS model;

-- words are stemmed by the configuration ("indexes" finds "Indexing")
SELECT ignis.find('Doc', '{"where": {"title": {"search": "indexes"}}, "fields": ["id"]}');
-- websearch syntax: all words, -excluded, "phrases", or
SELECT ignis.find('Doc', '{"where": {"title": {"search": "index -mysql"}}, "fields": ["id"]}');
SELECT ignis.find('Doc', '{"where": {"title": {"search": "\"running postgres\""}}, "fields": ["id"]}');
SELECT ignis.find('Doc', '{"where": {"title": {"search": "cooking or laptop"}}, "fields": ["id"]}');
-- a tsvector property is searched as it is
SELECT ignis.find('Doc', '{"where": {"tsv": {"search": "database"}}, "fields": ["id"]}');
-- the "simple" configuration does not stem
SELECT ignis.find('DocSimple', '{"where": {"title": {"search": "indexes"}}, "fields": ["id"]}');
-- with other conditions, in or/not, in counts; NULL bodies never match
SELECT ignis.count('Doc', '{"or": [{"body": {"search": "indexes"}}, {"n": {"gt": 4}}]}');
SELECT ignis.find('Doc', '{"where": {"not": {"body": {"search": "databases"}}}, "fields": ["id"]}');

-- the statement: the configuration is a constant, the query a parameter
SELECT ignis.build_query('Doc', '{"where": {"title": {"search": "postgres"}}, "fields": ["id"]}');
-- so the expression index is used
SET enable_seqscan = off;
CREATE FUNCTION public.fts_plan(q jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE line text; plan text := '';
BEGIN
  -- the statement with its parameters written in (it has $1 query, $2 limit, $3 offset)
  FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || replace(replace(replace(q ->> 'sql', '$1', quote_literal(q -> 'params' ->> 0)),
                        '$2', '10'), '$3', '0') LOOP
    plan := plan || line || E'\n';
  END LOOP;
  RETURN plan;
END $$;
SELECT position('fts_docs_title_en' IN public.fts_plan(ignis.build_query('Doc',
  '{"where": {"title": {"search": "postgres"}}, "fields": ["id"], "limit": 10}'))) > 0 AS uses_index;
RESET enable_seqscan;

-- errors
SELECT err_hint($q$SELECT ignis.find('Doc', '{"where": {"n": {"search": "1"}}}')$q$);
SELECT err($q$SELECT ignis.find('Doc', '{"where": {"title": {"search": 5}}}')$q$);
SELECT err($q$SELECT ignis.find('Doc', '{"where": {"title.x": {"search": "a"}}}')$q$);
SELECT err($q$SELECT ignis.register_model('DocBad', 'public.fts_docs', '{"textSearchConfig": "klingon"}')$q$);
SELECT err($q$SELECT ignis.register_model('DocBad', 'public.fts_docs', '{"textSearchConfig": 7}')$q$);

DROP FUNCTION public.fts_plan(jsonb);
SELECT ignis.unregister_model('Doc'), ignis.unregister_model('DocSimple');
DROP TABLE public.fts_docs;
