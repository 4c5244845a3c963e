-- The function-call floor: the hand-written find_by_id statement of the
-- sample data, wrapped in the smallest PL/pgSQL function that runs it (a
-- function call plus a nested, cached statement: the structure of every
-- ignis call).  Load docs/sample.sql first.
CREATE OR REPLACE FUNCTION public.wrap_by_id(id bigint) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE r jsonb;
BEGIN
  SELECT to_jsonb(x) INTO r
  FROM (SELECT t0.id AS "id", t0.email AS "email", t0.display_name AS "displayName",
               t0.role AS "role", t0.age AS "age", t0.created_at AS "createdAt"
        FROM public.users t0 WHERE t0.id = wrap_by_id.id ORDER BY t0.id LIMIT 1) x;
  RETURN r;
END $$;
