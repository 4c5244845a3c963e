-- soft delete and restore on overlapping rows
\set g random(1, 20)
\set id random(1, 400)
\set k random(0, 3)
\if :k = 0
SELECT ignis.delete_all('SoakItem', jsonb_build_object('grp', :g::int, 'val', jsonb_build_object('gt', 45)));
\elif :k = 1
SELECT ignis.restore_all('SoakItem', jsonb_build_object('grp', :g::int));
\elif :k = 2
SELECT ignis.delete_by_id('SoakItem', :id::int);
\else
SELECT ignis.restore_by_id('SoakItem', :id::int);
\endif
