\set id random(1, 6)
SELECT to_jsonb(x) FROM (SELECT t0.id AS "id", t0.email AS "email", t0.display_name AS "displayName", t0.role AS "role", t0.age AS "age", t0.created_at AS "createdAt" FROM public.users t0 WHERE t0.id = :id ORDER BY t0.id LIMIT 1) x;
