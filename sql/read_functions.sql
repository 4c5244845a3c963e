-- read_functions: find_one, find_by_id, count, exists_with (cases C082-C087).
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never

-- C082: find_one (limit is ignored; nothing found is the JSON value null)
SELECT ignis.find_one('User', '{"order": ["age DESC NULLS LAST"], "fields": ["id", "displayName"]}');  -- → {"id": 4, "displayName": "Dave_X"}
SELECT ignis.find_one('User', '{"where": {"role": "member"}, "limit": 5}');  -- → U2
SELECT ignis.find_one('User', '{"where": {"id": 99}}') = 'null'::jsonb;     -- → true
SELECT err($q$SELECT ignis.find_one('User', '{}', '{"shouldQueryRange": true}')$q$);  -- → error 22023

-- C083: find_by_id, overloads and conversion
SELECT ignis.find_by_id('User', '1');   -- → U1
SELECT ignis.find_by_id('User', 1);     -- → U1
SELECT ignis.find_by_id('User', '99');  -- → null
SELECT err($q$SELECT ignis.find_by_id('User', 'abc')$q$);  -- → error 22P02

-- C084: isStrict
SELECT err($q$SELECT ignis.find_by_id('User', '99', '{}', '{"isStrict": true}')$q$);  -- → error P0002, contains 99

-- C085: the default filter applies to find_by_id (post 6 is soft-deleted)
SELECT ignis.find_by_id('Post', '6');                                             -- → null
SELECT ignis.find_by_id('Post', '6', '{}', '{"shouldSkipDefaultFilter": true}');  -- → P6

-- C086: find_by_id filter restrictions
SELECT ignis.find_by_id('User', '1', '{"fields": ["email"]}');  -- → {"email": "alice@example.com"}
SELECT err($q$SELECT ignis.find_by_id('User', '1', '{"where": {"role": "admin"}}')$q$);  -- → error 22023, contains filter.where

-- C087: count and exists_with
SELECT ignis.count('User', '{"role": "member"}');                       -- → {"count": 4}
SELECT ignis.count('User', '{"password": {"like": "pw%"}}');            -- → {"count": 6}
SELECT ignis.count('Post');                                             -- → {"count": 5}
SELECT ignis.count('Post', '{}', '{"shouldSkipDefaultFilter": true}');  -- → {"count": 6}
SELECT ignis.exists_with('User', '{"email": "bob@example.com"}');       -- → true
SELECT ignis.exists_with('Post', '{"title": "Removed Post"}');          -- → false
SELECT ignis.exists_with('Post', '{"title": "Removed Post"}', '{"shouldSkipDefaultFilter": true}');  -- → true
