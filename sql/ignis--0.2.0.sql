-- ignis 0.2.0: catalog tables and SQL functions.
-- Every function is SECURITY INVOKER (the default) and pins nothing: the C code
-- schema-qualifies every object it names, so the caller's search_path is irrelevant.

\echo Use "CREATE EXTENSION ignis" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Catalog
-- ---------------------------------------------------------------------------

CREATE TABLE ignis.models (
  name       text        PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 63),
  relid      regclass    NOT NULL,
  settings   jsonb       NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ignis.relations (
  model     text   NOT NULL REFERENCES ignis.models(name) ON DELETE CASCADE,
  name      text   NOT NULL CHECK (length(name) BETWEEN 1 AND 63),
  type      text   NOT NULL CHECK (type IN ('one', 'many')),
  target    text   NOT NULL REFERENCES ignis.models(name),
  fields    text[] NOT NULL,
  refs      text[] NOT NULL,
  PRIMARY KEY (model, name),
  -- how includes load the related rows (docs/design.md): one correlated
  -- subquery per parent, or one batched scan per page
  strategy  text   NOT NULL DEFAULT 'correlated' CHECK (strategy IN ('correlated', 'batched'))
);
CREATE INDEX relations_target_idx ON ignis.relations (target);

SELECT pg_catalog.pg_extension_config_dump('ignis.models', '');
SELECT pg_catalog.pg_extension_config_dump('ignis.relations', '');

GRANT USAGE ON SCHEMA ignis TO PUBLIC;
GRANT SELECT ON ignis.models, ignis.relations TO PUBLIC;

-- Any change to the catalog tables invalidates every backend's metadata and
-- plan caches (transactionally: other backends see it at commit, this one at
-- the next command, and a rollback undoes it).
CREATE FUNCTION ignis._catalog_changed() RETURNS trigger
  LANGUAGE C AS 'MODULE_PATHNAME', 'ignis_catalog_changed';

CREATE TRIGGER models_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON ignis.models FOR EACH STATEMENT EXECUTE FUNCTION ignis._catalog_changed();
CREATE TRIGGER relations_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON ignis.relations FOR EACH STATEMENT EXECUTE FUNCTION ignis._catalog_changed();

-- ---------------------------------------------------------------------------
-- Catalog functions
-- ---------------------------------------------------------------------------

CREATE FUNCTION ignis.register_model(name text, relation regclass, settings jsonb DEFAULT '{}')
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE
  AS 'MODULE_PATHNAME', 'ignis_register_model';

CREATE FUNCTION ignis.alter_model(name text, settings jsonb)
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE
  AS 'MODULE_PATHNAME', 'ignis_alter_model';

CREATE FUNCTION ignis.unregister_model(name text, cascade_relations boolean DEFAULT false)
  RETURNS boolean LANGUAGE C VOLATILE PARALLEL UNSAFE
  AS 'MODULE_PATHNAME', 'ignis_unregister_model';

CREATE FUNCTION ignis.register_relation(model text, name text, type text, target text, settings jsonb DEFAULT '{}')
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE
  AS 'MODULE_PATHNAME', 'ignis_register_relation';

CREATE FUNCTION ignis.unregister_relation(model text, name text)
  RETURNS boolean LANGUAGE C VOLATILE PARALLEL UNSAFE
  AS 'MODULE_PATHNAME', 'ignis_unregister_relation';

CREATE FUNCTION ignis.describe_model(name text)
  RETURNS jsonb LANGUAGE C STABLE PARALLEL UNSAFE
  AS 'MODULE_PATHNAME', 'ignis_describe_model';

-- ---------------------------------------------------------------------------
-- Read functions
-- ---------------------------------------------------------------------------

CREATE FUNCTION ignis.find(model text, filter jsonb DEFAULT '{}', options jsonb DEFAULT '{}')
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE
  AS 'MODULE_PATHNAME', 'ignis_find';

CREATE FUNCTION ignis.find_one(model text, filter jsonb DEFAULT '{}', options jsonb DEFAULT '{}')
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE
  AS 'MODULE_PATHNAME', 'ignis_find_one';

CREATE FUNCTION ignis.find_by_id(model text, id text, filter jsonb DEFAULT '{}', options jsonb DEFAULT '{}')
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE
  AS 'MODULE_PATHNAME', 'ignis_find_by_id';
CREATE FUNCTION ignis.find_by_id(model text, id bigint, filter jsonb DEFAULT '{}', options jsonb DEFAULT '{}')
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE
  AS 'MODULE_PATHNAME', 'ignis_find_by_id';
CREATE FUNCTION ignis.find_by_id(model text, id uuid, filter jsonb DEFAULT '{}', options jsonb DEFAULT '{}')
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE
  AS 'MODULE_PATHNAME', 'ignis_find_by_id';

CREATE FUNCTION ignis.count(model text, conditions jsonb DEFAULT '{}', options jsonb DEFAULT '{}')
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE
  AS 'MODULE_PATHNAME', 'ignis_count';

CREATE FUNCTION ignis.exists_with(model text, conditions jsonb DEFAULT '{}', options jsonb DEFAULT '{}')
  RETURNS boolean LANGUAGE C VOLATILE PARALLEL UNSAFE
  AS 'MODULE_PATHNAME', 'ignis_exists_with';

CREATE FUNCTION ignis.build_query(model text, filter jsonb DEFAULT '{}', options jsonb DEFAULT '{}')
  RETURNS jsonb LANGUAGE C STABLE PARALLEL UNSAFE
  AS 'MODULE_PATHNAME', 'ignis_build_query';

-- ---------------------------------------------------------------------------
-- Introspection
-- ---------------------------------------------------------------------------

CREATE FUNCTION ignis.plan_cache_stats()
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE
  AS 'MODULE_PATHNAME', 'ignis_plan_cache_stats';

CREATE FUNCTION ignis.reset_caches()
  RETURNS void LANGUAGE C VOLATILE PARALLEL UNSAFE
  AS 'MODULE_PATHNAME', 'ignis_reset_caches';

-- ---------------------------------------------------------------------------
-- Write functions
-- ---------------------------------------------------------------------------

CREATE FUNCTION ignis._set_path(doc jsonb, path text[], value jsonb, property text)
  RETURNS jsonb LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
  AS 'MODULE_PATHNAME', 'ignis_set_path';

CREATE FUNCTION ignis.create(model text, data jsonb, options jsonb DEFAULT '{}')
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE AS 'MODULE_PATHNAME', 'ignis_create';
CREATE FUNCTION ignis.create_all(model text, data jsonb, options jsonb DEFAULT '{}')
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE AS 'MODULE_PATHNAME', 'ignis_create_all';

CREATE FUNCTION ignis.update_by_id(model text, id text, data jsonb, options jsonb DEFAULT '{}')
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE AS 'MODULE_PATHNAME', 'ignis_update_by_id';
CREATE FUNCTION ignis.update_by_id(model text, id bigint, data jsonb, options jsonb DEFAULT '{}')
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE AS 'MODULE_PATHNAME', 'ignis_update_by_id';
CREATE FUNCTION ignis.update_by_id(model text, id uuid, data jsonb, options jsonb DEFAULT '{}')
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE AS 'MODULE_PATHNAME', 'ignis_update_by_id';
CREATE FUNCTION ignis.update_all(model text, data jsonb, conditions jsonb, options jsonb DEFAULT '{}')
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE AS 'MODULE_PATHNAME', 'ignis_update_all';
CREATE FUNCTION ignis.update_by(model text, data jsonb, conditions jsonb, options jsonb DEFAULT '{}')
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE AS 'MODULE_PATHNAME', 'ignis_update_all';

CREATE FUNCTION ignis.delete_by_id(model text, id text, options jsonb DEFAULT '{}')
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE AS 'MODULE_PATHNAME', 'ignis_delete_by_id';
CREATE FUNCTION ignis.delete_by_id(model text, id bigint, options jsonb DEFAULT '{}')
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE AS 'MODULE_PATHNAME', 'ignis_delete_by_id';
CREATE FUNCTION ignis.delete_by_id(model text, id uuid, options jsonb DEFAULT '{}')
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE AS 'MODULE_PATHNAME', 'ignis_delete_by_id';
CREATE FUNCTION ignis.delete_all(model text, conditions jsonb DEFAULT '{}', options jsonb DEFAULT '{}')
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE AS 'MODULE_PATHNAME', 'ignis_delete_all';
CREATE FUNCTION ignis.delete_by(model text, conditions jsonb, options jsonb DEFAULT '{}')
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE AS 'MODULE_PATHNAME', 'ignis_delete_all';

CREATE FUNCTION ignis.restore_by_id(model text, id text, options jsonb DEFAULT '{}')
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE AS 'MODULE_PATHNAME', 'ignis_restore_by_id';
CREATE FUNCTION ignis.restore_by_id(model text, id bigint, options jsonb DEFAULT '{}')
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE AS 'MODULE_PATHNAME', 'ignis_restore_by_id';
CREATE FUNCTION ignis.restore_by_id(model text, id uuid, options jsonb DEFAULT '{}')
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE AS 'MODULE_PATHNAME', 'ignis_restore_by_id';
CREATE FUNCTION ignis.restore_all(model text, conditions jsonb DEFAULT '{}', options jsonb DEFAULT '{}')
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE AS 'MODULE_PATHNAME', 'ignis_restore_all';
CREATE FUNCTION ignis.restore_by(model text, conditions jsonb, options jsonb DEFAULT '{}')
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE AS 'MODULE_PATHNAME', 'ignis_restore_all';

-- ---------------------------------------------------------------------------
-- Discovery: register a schema's relations as models and its foreign keys
-- as relations (docs/discover.md)
-- ---------------------------------------------------------------------------

CREATE FUNCTION ignis.discover(schema name DEFAULT 'public', options jsonb DEFAULT '{}')
  RETURNS jsonb LANGUAGE C VOLATILE PARALLEL UNSAFE
  AS 'MODULE_PATHNAME', 'ignis_discover';

CREATE FUNCTION ignis._json_numeric(doc jsonb, path text[])
  RETURNS numeric LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
  AS 'MODULE_PATHNAME', 'ignis_json_numeric';

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
