\set id random(1, 6)
SELECT ignis.find_by_id('User', :id::bigint);
