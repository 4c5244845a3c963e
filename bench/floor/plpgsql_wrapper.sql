\set id random(1, 6)
SELECT public.wrap_by_id(:id);
