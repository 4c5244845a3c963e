-- update_all on a group (overlapping rows across clients), half of them in
-- REPEATABLE READ transactions so that serialization failures happen and are
-- retried (pgbench --max-tries)
\set g random(1, 20)
\set v random(0, 49)
\set rr random(0, 1)
\if :rr
BEGIN ISOLATION LEVEL REPEATABLE READ;
\else
BEGIN;
\endif
SELECT ignis.update_all('SoakItem',
         jsonb_build_object('val', :v::int, 'note', 'client ' || :client_id::int, 'meta.last', :client_id::int),
         jsonb_build_object('grp', :g::int, 'val', jsonb_build_object('lt', 40)));
SELECT ignis.update_by_id('SoakItem', :v::int * 8 + :g::int, jsonb_build_object('meta.tags[1]', 'b'),
         '{"shouldReturn": false}');
COMMIT;
