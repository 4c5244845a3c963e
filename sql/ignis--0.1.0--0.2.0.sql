-- ignis 0.1.0 -> 0.2.0 (ALTER EXTENSION ignis UPDATE TO '0.2.0').
-- Every change to the SQL surface between the two releases, in the order the
-- install script sql/ignis--0.2.0.sql has it; a fresh 0.2.0 install and an
-- upgraded 0.1.0 install define the same objects.

\echo Use "ALTER EXTENSION ignis UPDATE TO '0.2.0'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Upsert: insert, or update the row a unique constraint finds (issue 9)
-- ---------------------------------------------------------------------------

CREATE FUNCTION ignis.upsert(model text, data jsonb, options jsonb DEFAULT '{}')
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE AS 'MODULE_PATHNAME', 'ignis_upsert';
