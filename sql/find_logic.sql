-- find_logic: null operators and logical groups (cases C036-C043).
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never

-- C036: is / isn
SELECT ignis.find('User', '{"where": {"age": {"is": null}}, "fields": ["id"]}');       -- → [{"id": 3}]
SELECT ignis.find('User', '{"where": {"age": {"isn": null}}, "fields": ["id"]}');      -- → [{"id": 1}, {"id": 2}, {"id": 4}, {"id": 5}, {"id": 6}]
SELECT ignis.find('User', '{"where": {"role": {"isn": "member"}}, "fields": ["id"]}');  -- → [{"id": 1}, {"id": 4}]
SELECT ignis.find('User', '{"where": {"role": {"is": "guest"}}, "fields": ["id"]}');    -- → [{"id": 4}]

-- C037: isNull / isNotNull
SELECT ignis.find('User', '{"where": {"age": {"isNull": true}}, "fields": ["id"]}');      -- → [{"id": 3}]
SELECT ignis.find('User', '{"where": {"age": {"isNull": false}}, "fields": ["id"]}');     -- → [{"id": 1}, {"id": 2}, {"id": 4}, {"id": 5}, {"id": 6}]
SELECT ignis.find('User', '{"where": {"age": {"isNotNull": false}}, "fields": ["id"]}');  -- → [{"id": 3}]
SELECT err($q$SELECT ignis.find('User', '{"where": {"age": {"isNull": "yes"}}}')$q$);    -- → error 22023

-- C038: or
SELECT ignis.find('User', '{"where": {"or": [{"role": "admin"}, {"age": {"lt": 20}}]}, "fields": ["id"]}');  -- → [{"id": 1}, {"id": 5}]

-- C039: and with a nested or
SELECT ignis.find('User', '{"where": {"and": [{"role": "member"}, {"or": [{"age": null}, {"age": {"gt": 26}}]}]}, "fields": ["id"]}');  -- → [{"id": 2}, {"id": 3}, {"id": 6}]

-- C040: property keys mixed with or
SELECT ignis.find('User', '{"where": {"role": "member", "or": [{"age": 19}, {"displayName": "Zoë"}]}, "fields": ["id"]}');  -- → [{"id": 5}, {"id": 6}]

-- C041: not (rows whose compared value is NULL are not selected)
SELECT ignis.find('User', '{"where": {"not": {"role": "member"}}, "fields": ["id"]}');   -- → [{"id": 1}, {"id": 4}]
SELECT ignis.find('User', '{"where": {"not": {"age": {"gt": 30}}}, "fields": ["id"]}');  -- → [{"id": 2}, {"id": 5}, {"id": 6}]

-- C042: empty groups: and [] is TRUE, or [] is FALSE, an empty element of or is TRUE, not {} is FALSE
SELECT ignis.count('User', '{"and": []}');              -- → {"count": 6}
SELECT ignis.count('User', '{"or": []}');               -- → {"count": 0}
SELECT ignis.count('User', '{"or": [{}, {"id": 1}]}');  -- → {"count": 6}
SELECT ignis.count('User', '{"not": {}}');              -- → {"count": 0}

-- C043: non-array group values: an object is a one-element list, anything else is an error
SELECT ignis.find('User', '{"where": {"and": {"role": "guest"}}, "fields": ["id"]}');  -- → [{"id": 4}]
SELECT err($q$SELECT ignis.find('User', '{"where": {"and": 5}}')$q$);                 -- → error 22023, contains filter.where.and
SELECT err($q$SELECT ignis.find('User', '{"where": {"not": [{"id": 1}]}}')$q$);       -- → error 22023
