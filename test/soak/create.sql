-- create_all of three rows; their ids are kept in soak_created in the same
-- transaction so that the end of the test can look for every one of them
\set g random(1, 20)
WITH c AS (SELECT ignis.create_all('SoakItem', jsonb_build_array(
             jsonb_build_object('grp', :g::int, 'ownerId', :g::int % 6 + 1, 'note', 'new'),
             jsonb_build_object('grp', :g::int, 'val', 1, 'meta', jsonb_build_object('c', :client_id::int)),
             jsonb_build_object('grp', :g::int))) AS r)
INSERT INTO public.soak_created (id)
SELECT (e->>'id')::int FROM c, jsonb_array_elements(c.r->'data') e;
