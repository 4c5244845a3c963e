-- update_operators: atomic update operators in the data of update_by_id and
-- update_all. A non-JSON property may take an operator object instead of a
-- value: increment, decrement, multiply and divide on numeric properties,
-- append, prepend and remove on array properties. Each one is a single
-- expression over the row's current value (SET views = views + $1), so
-- concurrent updates of one row never lose a change (specs/concurrent_increments.spec).
-- Every case runs in a transaction that is rolled back.
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never
\set ON_ERROR_ROLLBACK on

-- increment, decrement, multiply, divide: post 1 has 120 views
BEGIN;
SELECT ignis.update_by_id('Post', '1', '{"views": {"increment": 1}}') -> 'data' -> 'views';    -- → 121
SELECT ignis.update_by_id('Post', '1', '{"views": {"decrement": 21}}') -> 'data' -> 'views';   -- → 100
SELECT ignis.update_by_id('Post', '1', '{"views": {"multiply": 3}}') -> 'data' -> 'views';     -- → 300
SELECT ignis.update_by_id('Post', '1', '{"views": {"divide": 7}}') -> 'data' -> 'views';       -- → 42 (integer division truncates, as in SQL)
SELECT ignis.update_by_id('Post', '1', '{"views": {"increment": "8"}}') -> 'data' -> 'views';  -- → 50 (strings convert as in create)
SELECT views FROM public.posts WHERE id = 1;                                                    -- → 50
ROLLBACK;

-- update_all: every matching row changes relative to its own value, and
-- operators mix with plain values in one call
BEGIN;
SELECT id, views FROM public.posts ORDER BY id;
SELECT ignis.update_all('Post', '{"views": {"increment": 10}, "status": "archived"}', '{"authorId": 1}', '{"shouldReturn": false}');
SELECT id, status, views FROM public.posts ORDER BY id;   -- → author 1's visible posts +10 and archived; post 6 (soft-deleted) untouched
ROLLBACK;

-- the statement: one SET expression, the operand a parameter of the column's type
BEGIN;
SET LOCAL client_min_messages = info;
SELECT ignis.update_by_id('Post', '2', '{"views": {"increment": 5}, "tags": {"append": "new"}}', '{"log": {"use": true, "level": "info"}, "shouldReturn": false}');
SET LOCAL client_min_messages = warning;
ROLLBACK;

-- numeric types: bigint, numeric and float columns; NULL stays NULL (SQL arithmetic)
BEGIN;
CREATE TABLE public.counters (id integer PRIMARY KEY, hits bigint, amount numeric(10,2), ratio double precision, small smallint);
INSERT INTO public.counters VALUES (1, 9007199254740993, 10.50, 1.5, 7), (2, NULL, NULL, NULL, NULL);
SELECT ignis.register_model('Counter', 'public.counters') ->> 'name' AS model;
SELECT ignis.update_by_id('Counter', '1', '{"hits": {"increment": 2}, "amount": {"multiply": 1.1}, "ratio": {"divide": 4}, "small": {"decrement": 8}}') -> 'data';
-- → hits 9007199254740995 (exact), amount 11.55 (rounded to the column's scale), ratio 0.375, small -1
SELECT ignis.update_by_id('Counter', '2', '{"hits": {"increment": 1}}') -> 'data';   -- → hits stays null
ROLLBACK;

-- arrays: append and prepend take one element or an array of elements;
-- remove drops every occurrence of each element given. Post 1 has tags {intro,news}.
BEGIN;
SELECT ignis.update_by_id('Post', '1', '{"tags": {"append": "ext"}}') -> 'data' -> 'tags';            -- → ["intro", "news", "ext"]
SELECT ignis.update_by_id('Post', '1', '{"tags": {"append": ["a", "b"]}}') -> 'data' -> 'tags';       -- → [..., "a", "b"]
SELECT ignis.update_by_id('Post', '1', '{"tags": {"prepend": "first"}}') -> 'data' -> 'tags';         -- → ["first", ...]
SELECT ignis.update_by_id('Post', '1', '{"tags": {"prepend": ["x", "y"]}}') -> 'data' -> 'tags';      -- → ["x", "y", "first", ...]
SELECT ignis.update_by_id('Post', '1', '{"tags": {"remove": "news"}}') -> 'data' -> 'tags';           -- → without "news"
SELECT ignis.update_by_id('Post', '1', '{"tags": {"remove": ["x", "a", "missing"]}}') -> 'data' -> 'tags';  -- → without "x" and "a"
SELECT ignis.update_by_id('Post', '1', '{"tags": {"append": []}}') -> 'data' -> 'tags';               -- → unchanged
SELECT ignis.update_by_id('Post', '1', '{"tags": {"append": null}}') -> 'data' -> 'tags';             -- → a null element at the end
SELECT ignis.update_by_id('Post', '1', '{"tags": {"remove": null}}') -> 'data' -> 'tags';             -- → the null element removed
ROLLBACK;

-- appending to a NULL array gives the operand; removing from NULL stays NULL
BEGIN;
UPDATE public.posts SET tags = NULL WHERE id = 4;
SELECT ignis.update_by_id('Post', '4', '{"tags": {"append": "one"}}') -> 'data' -> 'tags';  -- → ["one"]
UPDATE public.posts SET tags = NULL WHERE id = 4;
SELECT ignis.update_by_id('Post', '4', '{"tags": {"remove": "one"}}') -> 'data' -> 'tags';  -- → null
ROLLBACK;

-- integer arrays: elements convert with the element type
BEGIN;
CREATE TABLE public.series (id integer PRIMARY KEY, points integer[]);
INSERT INTO public.series VALUES (1, '{1,2,3,2}');
SELECT ignis.register_model('Series', 'public.series') ->> 'name' AS model;
SELECT ignis.update_by_id('Series', '1', '{"points": {"remove": 2}}') -> 'data';              -- → [1, 3]
SELECT ignis.update_by_id('Series', '1', '{"points": {"append": [4, "5"]}}') -> 'data';       -- → [1, 3, 4, 5]
SELECT err($q$SELECT ignis.update_by_id('Series', '1', '{"points": {"append": ["x"]}}')$q$);  -- → error 22P02
ROLLBACK;

-- JSON properties keep their meaning: an object is a document, and dotted
-- paths still update inside it
BEGIN;
SELECT ignis.update_by_id('Post', '1', '{"metadata": {"increment": 1}}') -> 'data' -> 'metadata';        -- → {"increment": 1}
SELECT ignis.update_by_id('Post', '1', '{"metadata.count": {"increment": 1}}') -> 'data' -> 'metadata';  -- → {"count": {"increment": 1}, "increment": 1}
ROLLBACK;

-- create takes values only: an operator object there is a value of the wrong kind
SELECT err_hint($q$SELECT ignis.create('Post', '{"title": "x", "views": {"increment": 1}}')$q$);  -- → 22023, hint: updates only

-- errors: the path names the operator; nothing is written
BEGIN;
SELECT err_hint($q$SELECT ignis.update_by_id('Post', '1', '{"views": {"incremnt": 1}}')$q$);            -- → 22023 unknown update operator at data.views.incremnt, did you mean increment
SELECT err_hint($q$SELECT ignis.update_by_id('Post', '1', '{"views": {"add": 1}}')$q$);                 -- → 22023, the operators in the hint
SELECT err_hint($q$SELECT ignis.update_by_id('Post', '1', '{"views": {}}')$q$);                         -- → 22023 empty
SELECT err_hint($q$SELECT ignis.update_by_id('Post', '1', '{"views": {"increment": 1, "multiply": 2}}')$q$);  -- → 22023 one operator
SELECT err_hint($q$SELECT ignis.update_by_id('Post', '1', '{"title": {"increment": 1}}')$q$);           -- → 22023 needs a numeric property, at data.title.increment
SELECT err_hint($q$SELECT ignis.update_by_id('Post', '1', '{"tags": {"increment": 1}}')$q$);            -- → 22023, hint: append, prepend, remove
SELECT err_hint($q$SELECT ignis.update_by_id('Post', '1', '{"views": {"append": 1}}')$q$);              -- → 22023 needs an array property, hint: increment ...
SELECT err_hint($q$SELECT ignis.update_by_id('Post', '1', '{"publishedAt": {"increment": 1}}')$q$);     -- → 22023 (timestamps are not numbers)
SELECT err($q$SELECT ignis.update_by_id('Post', '1', '{"views": {"increment": null}}')$q$);             -- → 22023 takes a number, not null
SELECT err($q$SELECT ignis.update_by_id('Post', '1', '{"views": {"increment": true}}')$q$);             -- → 22023
SELECT err($q$SELECT ignis.update_by_id('Post', '1', '{"views": {"increment": [1]}}')$q$);              -- → 22023
SELECT err($q$SELECT ignis.update_by_id('Post', '1', '{"views": {"increment": 1.5}}')$q$);              -- → 22P02 (converted with the column's type)
SELECT err($q$SELECT ignis.update_by_id('Post', '1', '{"views": {"divide": 0}}')$q$);                   -- → 22012 division by zero
SELECT err($q$SELECT ignis.update_by_id('Post', '1', '{"views": {"multiply": 2147483647}}')$q$);        -- → 22003 out of range
SELECT err($q$SELECT ignis.update_by_id('Post', '1', '{"tags": {"append": {"a": 1}}}')$q$);             -- → 22023 an object is not a valid element
SELECT err($q$SELECT ignis.update_by_id('Post', '1', '{"tags": {"remove": [["a"]]}}')$q$);              -- → 22023 at data.tags.remove[0]
SELECT err($q$SELECT ignis.update_by_id('Post', '1', '{"tags": {"remove": []}}')$q$);                   -- → 22023 at least one element
SELECT err($q$SELECT ignis.update_all('Post', '{"views": {"increment": "x"}}', '{"id": 1}')$q$);       -- → 22P02
SELECT views, tags FROM public.posts WHERE id = 1;                                                       -- → unchanged
ROLLBACK;

-- the value error of a conversion names the operator's path
\set SHOW_CONTEXT always
SELECT ignis.update_by_id('Post', '1', '{"views": {"increment": "ten"}}');
\set SHOW_CONTEXT never

-- an object on a property no operator applies to is a value of the wrong
-- kind, as before; naming an operator says which properties take it
SELECT err_hint($q$SELECT ignis.update_by_id('User', '1', '{"displayName": {"a": 1}}')$q$);          -- → 22023 takes a string, number or boolean, not object
SELECT err_hint($q$SELECT ignis.update_by_id('User', '1', '{"displayName": {}}')$q$);                -- → 22023, the same
SELECT err_hint($q$SELECT ignis.update_by_id('User', '1', '{"displayName": {"append": "x"}}')$q$);   -- → 22023 needs an array property, at data.displayName.append
