-- find_patterns: like / ilike / startsWith / endsWith / regexp (cases C028-C035).
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never

-- C028: like
SELECT ignis.find('User', '{"where": {"email": {"like": "%@example.com"}}, "fields": ["id"]}');  -- → [{"id": 1}, {"id": 2}, {"id": 4}, {"id": 5}]

-- C029: like is case-sensitive, ilike is not
SELECT ignis.find('User', '{"where": {"displayName": {"like": "d%"}}, "fields": ["id"]}');   -- → []
SELECT ignis.find('User', '{"where": {"displayName": {"ilike": "d%"}}, "fields": ["id"]}');  -- → [{"id": 4}, {"id": 5}]

-- C030: negated patterns and their aliases (NULL display names are left out)
SELECT ignis.find('User', '{"where": {"email": {"nlike": "%.com"}}, "fields": ["id"]}');         -- → [{"id": 3}, {"id": 6}]
SELECT ignis.find('User', '{"where": {"email": {"notLike": "%.com"}}, "fields": ["id"]}');       -- → [{"id": 3}, {"id": 6}]
SELECT ignis.find('User', '{"where": {"displayName": {"nilike": "%A%"}}, "fields": ["id"]}');    -- → [{"id": 2}, {"id": 6}]
SELECT ignis.find('User', '{"where": {"displayName": {"notILike": "%A%"}}, "fields": ["id"]}');  -- → [{"id": 2}, {"id": 6}]

-- C031: wildcards in like operands are not escaped ("_" matches "y" of Davey)
SELECT ignis.find('User', '{"where": {"displayName": {"like": "Dave_%"}}, "fields": ["id"]}');  -- → [{"id": 4}, {"id": 5}]

-- C032: startsWith / endsWith treat the operand literally
SELECT ignis.find('User', '{"where": {"displayName": {"startsWith": "Dave_"}}, "fields": ["id"]}');  -- → [{"id": 4}]
SELECT ignis.find('User', '{"where": {"displayName": {"startsWith": "Dave"}}, "fields": ["id"]}');   -- → [{"id": 4}, {"id": 5}]
SELECT ignis.find('User', '{"where": {"email": {"endsWith": ".fr"}}, "fields": ["id"]}');           -- → [{"id": 6}]
SELECT ignis.find('User', '{"where": {"email": {"endsWith": "%.com"}}, "fields": ["id"]}');         -- → []

-- C033: regexp and iregexp; an invalid expression is PostgreSQL's own error
SELECT ignis.find('User', '{"where": {"email": {"regexp": "^[a-c]"}}, "fields": ["id"]}');     -- → [{"id": 1}, {"id": 2}, {"id": 3}]
SELECT ignis.find('User', '{"where": {"displayName": {"iregexp": "^z"}}, "fields": ["id"]}');  -- → [{"id": 6}]
SELECT err($q$SELECT ignis.find('User', '{"where": {"email": {"regexp": "("}}}')$q$);         -- → error 2201B

-- C034: pattern operator validation
SELECT err($q$SELECT ignis.find('User', '{"where": {"age": {"like": "3%"}}}')$q$);          -- → error 22023, contains filter.where.age.like
SELECT err($q$SELECT ignis.find('User', '{"where": {"displayName": {"like": 5}}}')$q$);     -- → error 22023
SELECT err($q$SELECT ignis.find('User', '{"where": {"displayName": {"like": null}}}')$q$);  -- → error 22023

-- C035: unicode values
SELECT ignis.find('User', '{"where": {"displayName": "Zoë"}, "fields": ["id"]}');        -- → [{"id": 6}]
SELECT ignis.find('Post', '{"where": {"title": {"like": "%nïc%"}}, "fields": ["id"]}');  -- → [{"id": 5}]
SELECT ignis.find('Post', '{"where": {"title": {"endsWith": "✓"}}, "fields": ["id"]}');  -- → [{"id": 5}]
