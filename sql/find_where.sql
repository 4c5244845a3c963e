-- find_where: comparisons in the where language (cases C011-C022).
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never

-- C011: implicit equality
SELECT ignis.find('User', '{"where": {"role": "member"}, "fields": ["id"]}');  -- → [{"id": 2}, {"id": 3}, {"id": 5}, {"id": 6}]

-- C012: implicit AND
SELECT ignis.find('User', '{"where": {"role": "member", "age": 27}, "fields": ["id"]}');  -- → [{"id": 2}, {"id": 6}]

-- C013: explicit eq and eq null
SELECT ignis.find('User', '{"where": {"age": {"eq": 27}}, "fields": ["id"]}');    -- → [{"id": 2}, {"id": 6}]
SELECT ignis.find('User', '{"where": {"age": {"eq": null}}, "fields": ["id"]}');  -- → [{"id": 3}]
SELECT ignis.find('User', '{"where": {"age": null}, "fields": ["id"]}');          -- → [{"id": 3}]

-- C014: neq leaves NULL rows out (user 3 has no age)
SELECT ignis.find('User', '{"where": {"age": {"neq": 27}}, "fields": ["id"]}');  -- → [{"id": 1}, {"id": 4}, {"id": 5}]

-- C015: ne with null is IS NOT NULL
SELECT ignis.find('User', '{"where": {"displayName": {"ne": null}}, "fields": ["id"]}');  -- → [{"id": 1}, {"id": 2}, {"id": 4}, {"id": 5}, {"id": 6}]

-- C016: several operators on one property are AND-ed
SELECT ignis.find('User', '{"where": {"age": {"gte": 27, "lt": 41}}, "fields": ["id"]}');  -- → [{"id": 1}, {"id": 2}, {"id": 6}]

-- C017: string and timestamp comparisons
SELECT ignis.find('User', '{"where": {"email": {"gt": "d"}}, "fields": ["id"]}');  -- → [{"id": 4}, {"id": 5}, {"id": 6}]
SELECT ignis.find('User', '{"where": {"createdAt": {"gte": "2024-04-01T00:00:00Z"}}, "fields": ["id"]}');  -- → [{"id": 4}, {"id": 5}, {"id": 6}]

-- C018: operand converted to the column type
SELECT ignis.find('User', '{"where": {"age": {"gt": "40"}}, "fields": ["id"]}');  -- → [{"id": 4}]
SELECT err($q$SELECT ignis.find('User', '{"where": {"age": "abc"}}')$q$);        -- → error 22P02

-- C019: null operand of an ordering operator
SELECT err($q$SELECT ignis.find('User', '{"where": {"age": {"gt": null}}}')$q$);  -- → error 22023, contains filter.where.age.gt

-- C020: between is inclusive and not symmetric
SELECT ignis.find('User', '{"where": {"age": {"between": [19, 27]}}, "fields": ["id"]}');  -- → [{"id": 2}, {"id": 5}, {"id": 6}]
SELECT ignis.find('User', '{"where": {"age": {"between": [27, 19]}}, "fields": ["id"]}');  -- → []

-- C021: notBetween leaves NULL rows out
SELECT ignis.find('User', '{"where": {"age": {"notBetween": [20, 40]}}, "fields": ["id"]}');  -- → [{"id": 4}, {"id": 5}]

-- C022: between validation
SELECT err($q$SELECT ignis.find('User', '{"where": {"age": {"between": [19]}}}')$q$);        -- → error 22023, contains filter.where.age.between
SELECT err($q$SELECT ignis.find('User', '{"where": {"age": {"between": [19, null]}}}')$q$);  -- → error 22023
SELECT err($q$SELECT ignis.find('User', '{"where": {"age": {"between": 19}}}')$q$);          -- → error 22023
