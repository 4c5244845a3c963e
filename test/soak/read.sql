-- Reads: a page with its total (range) and an include; a found row must never
-- be soft-deleted and the page never longer than its total (1/0 otherwise:
-- the client aborts with 22012 and the test fails).
\set g random(1, 20)
\set v random(0, 49)
SELECT 1 / (NOT jsonb_path_exists(r->'data', '$[*] ? (@.deletedAt != null)')
            AND jsonb_array_length(r->'data') <= (r->'range'->>'total')::int)::int
  FROM (SELECT ignis.find('SoakItem',
          jsonb_build_object('where', jsonb_build_object('grp', :g::int, 'val', jsonb_build_object('gte', :v::int)),
                             'include', jsonb_build_array('owner'), 'order', 'val DESC', 'limit', 10),
          '{"shouldQueryRange": true}') AS r) s;
SELECT ignis.find('User', jsonb_build_object('where', jsonb_build_object('id', :g::int % 6 + 1),
         'include', jsonb_build_array(jsonb_build_object('relation', 'items',
           'scope', jsonb_build_object('where', jsonb_build_object('grp', :g::int), 'limit', 5)))));
SELECT ignis.count('SoakItem', jsonb_build_object('grp', :g::int));
