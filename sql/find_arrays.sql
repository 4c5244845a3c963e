-- find_arrays: operators on PostgreSQL array columns (cases C051-C055).
-- Post 3 has NULL tags, post 4 an empty array; post 6 is soft-deleted and never shows.
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never

-- C051: contains
SELECT ignis.find('Post', '{"where": {"tags": {"contains": ["news"]}}, "fields": ["id"]}');          -- → [{"id": 1}, {"id": 5}]
SELECT ignis.find('Post', '{"where": {"tags": {"contains": ["tech", "news"]}}, "fields": ["id"]}');  -- → [{"id": 5}]
SELECT ignis.find('Post', '{"where": {"tags": {"contains": "tech"}}, "fields": ["id"]}');            -- → [{"id": 2}, {"id": 5}]

-- C052: containedBy and overlaps
SELECT ignis.find('Post', '{"where": {"tags": {"containedBy": ["news", "tech", "intro"]}}, "fields": ["id"]}');  -- → [{"id": 1}, {"id": 4}]
SELECT ignis.find('Post', '{"where": {"tags": {"overlaps": ["long-read", "featured"]}}, "fields": ["id"]}');    -- → [{"id": 2}, {"id": 5}]

-- C053: empty operands and NULL arrays (contains [] is TRUE, so post 3 with NULL tags is included)
SELECT ignis.find('Post', '{"where": {"tags": {"contains": []}}, "fields": ["id"]}');     -- → [{"id": 1}, {"id": 2}, {"id": 3}, {"id": 4}, {"id": 5}]
SELECT ignis.find('Post', '{"where": {"tags": {"containedBy": []}}, "fields": ["id"]}');  -- → [{"id": 4}]
SELECT ignis.find('Post', '{"where": {"tags": {"overlaps": []}}, "fields": ["id"]}');     -- → []

-- C054: array operator validation
SELECT err($q$SELECT ignis.find('Post', '{"where": {"title": {"contains": ["x"]}}}')$q$);          -- → error 22023, contains filter.where.title.contains
SELECT err($q$SELECT ignis.find('Post', '{"where": {"tags": {"overlaps": ["news", 1]}}}')$q$);     -- → error 22023
SELECT err($q$SELECT ignis.find('Post', '{"where": {"tags": {"overlaps": ["news", null]}}}')$q$);  -- → error 22023

-- C055: an array value on an array column means array equality (same elements, same order)
SELECT ignis.find('Post', '{"where": {"tags": ["intro", "news"]}, "fields": ["id"]}');  -- → [{"id": 1}]
SELECT ignis.find('Post', '{"where": {"tags": ["news", "intro"]}, "fields": ["id"]}');  -- → []
SELECT ignis.find('Post', '{"where": {"tags": []}, "fields": ["id"]}');                 -- → [{"id": 4}]
