-- ignis 0.1.0 -> 0.2.0 (ALTER EXTENSION ignis UPDATE TO '0.2.0').
-- Every change to the SQL surface between the two releases, in the order the
-- install script sql/ignis--0.2.0.sql has it; a fresh 0.2.0 install and an
-- upgraded 0.1.0 install define the same objects.

\echo Use "ALTER EXTENSION ignis UPDATE TO '0.2.0'" to load this file. \quit

-- Relation strategies: one correlated subquery per parent, or one batched
-- scan per page (register_relation's settings.strategy).
ALTER TABLE ignis.relations ADD COLUMN strategy text NOT NULL DEFAULT 'correlated'
  CHECK (strategy IN ('correlated', 'batched'));

-- ---------------------------------------------------------------------------
-- The catalog trigger function is not for PUBLIC
-- ---------------------------------------------------------------------------
-- ignis._set_path and ignis._json_numeric stay executable by every role: the
-- statements ignis generates call them as the caller.  They check their
-- arguments and are linear in them (docs/decisions.md).  The trigger function
-- of the catalog tables has no use outside their triggers.
REVOKE EXECUTE ON FUNCTION ignis._catalog_changed() FROM PUBLIC;

-- Aggregates (ignis.aggregate): count, sum, avg, min and max of a model's
-- rows, grouped or not, in one statement.
CREATE FUNCTION ignis.aggregate(model text, spec jsonb DEFAULT '{}', options jsonb DEFAULT '{}')
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE
  AS 'MODULE_PATHNAME', 'ignis_aggregate';

-- ---------------------------------------------------------------------------
-- Upsert: insert, or update the row a unique constraint finds
-- ---------------------------------------------------------------------------

CREATE FUNCTION ignis.upsert(model text, data jsonb, options jsonb DEFAULT '{}')
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE AS 'MODULE_PATHNAME', 'ignis_upsert';

-- ---------------------------------------------------------------------------
-- alter_model: change a registered model's settings and keep its relations
-- (a default filter may then filter by the model's own relations)
-- ---------------------------------------------------------------------------

CREATE FUNCTION ignis.alter_model(name text, settings jsonb)
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE
  AS 'MODULE_PATHNAME', 'ignis_alter_model';
