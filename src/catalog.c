/*-------------------------------------------------------------------------
 * catalog.c
 *	  Model metadata: loaded from ignis.models / ignis.relations and the
 *	  relation's attributes, cached per backend.
 *
 * The cache lives in CacheMemoryContext, one child context per model.  A
 * relcache invalidation of a model's table drops that model; one of the
 * catalog tables (sent by their trigger, see ignis_catalog_changed) drops
 * everything.  A model also caches names that DDL can change without
 * touching its table: the schema-qualified table name, the qualified names
 * of its column types and the schema of their operators.  So, like
 * PostgreSQL's plan cache, it listens to syscache invalidations too: a
 * change to a schema (ALTER SCHEMA RENAME) or a type the model names drops
 * that model, any change to an operator drops every model.  No function
 * name is cached (statements name pg_catalog and ignis functions only), so
 * pg_proc needs no callback.
 *
 * Dropped entries are not freed at once, because a call in progress may
 * still point at them: they go to a graveyard emptied at transaction end.  Loading only reads (SPI in read-only mode), so the
 * read path works on a hot standby.
 *-------------------------------------------------------------------------
 */
#include "ignis.h"

#include "access/htup_details.h"
#include "access/relation.h"
#include "catalog/pg_collation.h"
#include "utils/formatting.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_ts_config.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "utils/array.h"
#include "utils/guc.h"
#include "utils/regproc.h"
#include "utils/syscache.h"
#include "utils/datum.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "catalog/pg_statistic.h"
#include "utils/syscache.h"

typedef struct ModelCacheEntry
{
	char		name[NAMEDATALEN];	/* hash key */
	IgnisModel *model;
} ModelCacheEntry;

static HTAB *model_cache = NULL;
static List *graveyard = NIL;	/* contexts of dropped models */
static Oid	catalog_models_relid = InvalidOid;
static Oid	catalog_relations_relid = InvalidOid;

static void
bury_model(IgnisModel *model)
{
	MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

	graveyard = lappend(graveyard, model->cxt);
	MemoryContextSwitchTo(old);
}

/* Remove an entry (during a hash_seq_search over the cache). */
static void
drop_entry(ModelCacheEntry *entry)
{
	bury_model(entry->model);
	hash_search(model_cache, entry->name, HASH_REMOVE, NULL);
}

void
ignis_cache_reset(void)
{
	HASH_SEQ_STATUS status;
	ModelCacheEntry *entry;

	if (model_cache == NULL)
		return;
	hash_seq_init(&status, model_cache);
	while ((entry = hash_seq_search(&status)) != NULL)
		drop_entry(entry);
}

static void
relcache_callback(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS status;
	ModelCacheEntry *entry;

	if (model_cache == NULL)
		return;
	if (relid == InvalidOid || relid == catalog_models_relid ||
		relid == catalog_relations_relid)
	{
		ignis_cache_reset();
		return;
	}
	hash_seq_init(&status, model_cache);
	while ((entry = hash_seq_search(&status)) != NULL)
	{
		if (entry->model->relid == relid)
		{
			drop_entry(entry);
			/* the table changed (ANALYZE included): plans may be measured again */
			plan_cache_new_generation();
		}
	}
}

/*
 * A schema, type or operator changed.  hashvalue 0 means "all of them"
 * (cache reset); operators are not tracked one by one because a model also
 * depends on operators that do not exist yet (operator_schema).
 */
static void
syscache_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	HASH_SEQ_STATUS status;
	ModelCacheEntry *entry;

	if (hashvalue == 0 || cacheid == OPEROID)
	{
		ignis_cache_reset();
		return;
	}
	if (model_cache == NULL)
		return;
	hash_seq_init(&status, model_cache);
	while ((entry = hash_seq_search(&status)) != NULL)
	{
		IgnisModel *model = entry->model;
		int			i;

		for (i = 0; i < model->ndeps; i++)
			if (model->dep_cache[i] == cacheid && model->dep_hash[i] == hashvalue)
			{
				drop_entry(entry);
				break;
			}
	}
}

static void
xact_callback(XactEvent event, void *arg)
{
	ListCell   *lc;

	if (event != XACT_EVENT_COMMIT && event != XACT_EVENT_ABORT &&
		event != XACT_EVENT_PARALLEL_COMMIT && event != XACT_EVENT_PARALLEL_ABORT)
		return;
	foreach(lc, graveyard)
		MemoryContextDelete((MemoryContext) lfirst(lc));
	list_free(graveyard);
	graveyard = NIL;
}

void
ignis_cache_init(void)
{
	HASHCTL		ctl;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = NAMEDATALEN;
	ctl.entrysize = sizeof(ModelCacheEntry);
	ctl.hcxt = CacheMemoryContext;
	model_cache = hash_create("ignis model cache", 64, &ctl,
							  HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	CacheRegisterRelcacheCallback(relcache_callback, (Datum) 0);
	CacheRegisterSyscacheCallback(NAMESPACEOID, syscache_callback, (Datum) 0);
	CacheRegisterSyscacheCallback(TYPEOID, syscache_callback, (Datum) 0);
	CacheRegisterSyscacheCallback(OPEROID, syscache_callback, (Datum) 0);
	RegisterXactCallback(xact_callback, NULL);
}

/*
 * Statement-level trigger on the catalog tables: queue a relcache
 * invalidation of the table, which every backend (this one included, at the
 * next command) turns into a cache reset.  Being transactional, a rolled
 * back registration also resets this backend's cache.
 */
PG_FUNCTION_INFO_V1(ignis_catalog_changed);
Datum
ignis_catalog_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("ignis: _catalog_changed() must be called as a trigger")));
	CacheInvalidateRelcacheByRelid(RelationGetRelid(trigdata->tg_relation));
	return PointerGetDatum(NULL);
}

static void
remember_catalog_oids(void)
{
	Oid			nsp;

	if (OidIsValid(catalog_models_relid))
		return;
	nsp = get_namespace_oid("ignis", false);
	catalog_models_relid = get_relname_relid("models", nsp);
	catalog_relations_relid = get_relname_relid("relations", nsp);
}

/* ---------------------------------------------------------------------------
 * Property naming (models.md §4)
 * ---------------------------------------------------------------------------
 */
char *
ignis_camel_case(const char *column)
{
	StringInfoData buf;
	const char *p = column;
	bool		first_piece = true;

	initStringInfo(&buf);
	while (*p)
	{
		const char *start;
		int			len;

		while (*p == '_')
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p && *p != '_')
			p++;
		len = p - start;
		if (first_piece)
			appendBinaryStringInfo(&buf, start, len);
		else
		{
			/* upper-case the first character, Unicode-aware */
			int			clen = pg_mblen(start);
			char	   *first = pnstrdup(start, clen);
			char	   *upper = str_toupper(first, clen, C_COLLATION_OID);

			/* the C collation only folds ASCII; use the database default */
			if (strcmp(upper, first) == 0 && clen > 1)
				upper = str_toupper(first, clen, DEFAULT_COLLATION_OID);
			appendStringInfoString(&buf, upper);
			appendBinaryStringInfo(&buf, start + clen, len - clen);
		}
		first_piece = false;
	}
	if (buf.len == 0)
		appendStringInfoString(&buf, column);
	return buf.data;
}

const char *
ignis_scope_name(OperationScope scope)
{
	switch (scope)
	{
		case SCOPE_READ_ONLY:
			return "READ_ONLY";
		case SCOPE_WRITE_ONLY:
			return "WRITE_ONLY";
		default:
			return "READ_WRITE";
	}
}

int
ignis_model_find_prop(IgnisModel *model, const char *name)
{
	int			i;

	for (i = 0; i < model->nprops; i++)
		if (strcmp(model->props[i].name, name) == 0)
			return i;
	return -1;
}

IgnisRelationDef *
ignis_model_find_rel(IgnisModel *model, const char *name)
{
	int			i;

	for (i = 0; i < model->nrels; i++)
		if (strcmp(model->rels[i].name, name) == 0)
			return &model->rels[i];
	return NULL;
}

/* "did you mean" for a property name, or the list of properties. */
const char *
ignis_prop_names_hint(IgnisModel *model)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < model->nprops; i++)
	{
		if (i > 0)
			appendStringInfoString(&buf, ", ");
		appendStringInfoString(&buf, model->props[i].name);
	}
	return buf.data;
}

/*
 * The index of a property; an unknown name is 42703 naming `path`, with the
 * closest property as a hint (or the list of properties).
 */
/*
 * 42703 for a name that is not a property of the model, with the closest
 * property (or, where a where takes them, relation) name as a hint.
 */
void
ignis_unknown_property(IgnisModel *model, const char *name, const char *path,
					   bool relations)
{
	const char **names = palloc(sizeof(char *) * (model->nprops + model->nrels + 1));
	const char *best;
	int			n = 0;
	int			i;

	for (i = 0; i < model->nprops; i++)
		names[n++] = model->props[i].name;
	for (i = 0; relations && i < model->nrels; i++)
		names[n++] = model->rels[i].name;
	best = closest_match(name, names, n);
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_COLUMN),
			 errmsg("ignis: unknown property \"%s\" of model \"%s\" at %s",
					name, model->name, path),
			 best ? errhint("Did you mean \"%s\"?", best)
			 : errhint("Properties of \"%s\": %s.", model->name,
					   ignis_prop_names_hint(model))));
}

int
ignis_prop_or_error(IgnisModel *model, const char *name, const char *path)
{
	int			i = ignis_model_find_prop(model, name);

	if (i < 0)
		ignis_unknown_property(model, name, path, false);
	return i;
}

/* Resolve a property name given in settings; 42703 with the path if unknown. */
static int
settings_prop(IgnisModel *model, JNode *node, const char *path)
{
	int			idx;

	if (node->type != JN_STRING)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: %s must be a property name (string), not %s",
						path, jnode_type_name(node))));
	idx = ignis_prop_or_error(model, node->str, path);
	return idx;
}

/* Note that the model caches the name of a catalog row (syscache cacheid, oid). */
static void
model_depends_on(IgnisModel *model, int cacheid, Oid oid)
{
	uint32		hash;
	int			i;

	if (!OidIsValid(oid))
		return;
	hash = GetSysCacheHashValue1(cacheid, ObjectIdGetDatum(oid));
	for (i = 0; i < model->ndeps; i++)
		if (model->dep_cache[i] == cacheid && model->dep_hash[i] == hash)
			return;
	if (model->ndeps >= model->maxdeps)
	{
		model->maxdeps = Max(16, model->maxdeps * 2);
		model->dep_cache = model->dep_cache
			? repalloc(model->dep_cache, sizeof(int) * model->maxdeps)
			: MemoryContextAlloc(model->cxt, sizeof(int) * model->maxdeps);
		model->dep_hash = model->dep_hash
			? repalloc(model->dep_hash, sizeof(uint32) * model->maxdeps)
			: MemoryContextAlloc(model->cxt, sizeof(uint32) * model->maxdeps);
	}
	model->dep_cache[model->ndeps] = cacheid;
	model->dep_hash[model->ndeps] = hash;
	model->ndeps++;
}

static Oid
get_typ_namespace_oid(Oid typid)
{
	HeapTuple	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(typid));
	Oid			nsp = InvalidOid;

	if (HeapTupleIsValid(tup))
	{
		nsp = ((Form_pg_type) GETSTRUCT(tup))->typnamespace;
		ReleaseSysCache(tup);
	}
	return nsp;
}

/*
 * A type as describe_model and error messages show it, the same whatever
 * the caller's search_path: built-in types (schema pg_catalog) by their SQL
 * name as format_type prints them ("integer", "text[]", "character
 * varying(20)"), every other type schema-qualified ("public.mood").
 */
char *
ignis_type_display(Oid typid, int32 typmod)
{
	char	   *s = format_type_extended(typid, typmod,
										 FORMAT_TYPE_TYPEMOD_GIVEN | FORMAT_TYPE_FORCE_QUALIFY);

	if (strncmp(s, "pg_catalog.", 11) == 0)
		return s + 11;
	return s;
}

/* The operator schema for comparisons on a type: its own schema if it
 * defines "=" for itself (citext), else pg_catalog. */
static char *
operator_schema(IgnisModel *model, Oid basetypid)
{
	Oid			nsp = get_typ_namespace_oid(basetypid);
	char	   *nspname;

	if (nsp == PG_CATALOG_NAMESPACE || !OidIsValid(nsp))
		return "pg_catalog";
	model_depends_on(model, NAMESPACEOID, nsp);
	nspname = get_namespace_name(nsp);
	if (OidIsValid(OpernameGetOprid(list_make2(makeString(nspname), makeString("=")),
									basetypid, basetypid)))
		return nspname;
	return "pg_catalog";
}

/* The model names the type (and its schema): DDL on either drops the model. */
static void
model_depends_on_type(IgnisModel *model, Oid typid)
{
	model_depends_on(model, TYPEOID, typid);
	model_depends_on(model, NAMESPACEOID, get_typ_namespace_oid(typid));
}

static void
fill_type_info(IgnisModel *model, IgnisProperty *prop)
{
	char		category;
	bool		preferred;
	Oid			elem;

	prop->basetypid = getBaseType(prop->typid);
	prop->type_sql = format_type_extended(prop->typid, -1, FORMAT_TYPE_FORCE_QUALIFY);
	prop->type_display = ignis_type_display(prop->typid, prop->typmod);
	prop->arraytypid = get_array_type(prop->typid);
	if (!OidIsValid(prop->arraytypid))
		prop->arraytypid = get_array_type(prop->basetypid);
	prop->arraytype_sql = OidIsValid(prop->arraytypid)
		? format_type_extended(prop->arraytypid, -1, FORMAT_TYPE_FORCE_QUALIFY)
		: NULL;
	elem = get_element_type(prop->basetypid);
	get_type_category_preferred(prop->basetypid, &category, &preferred);

	if (prop->basetypid == JSONOID)
		prop->kind = PROP_JSON;
	else if (prop->basetypid == JSONBOID)
		prop->kind = PROP_JSONB;
	else if (OidIsValid(elem) && get_typlen(prop->basetypid) == -1)
	{
		prop->kind = PROP_ARRAY;
		prop->elemtypid = elem;
	}
	else if (category == TYPCATEGORY_STRING)
		prop->kind = PROP_TEXT;
	else
		prop->kind = PROP_SCALAR;
	model_depends_on_type(model, prop->typid);
	model_depends_on_type(model, prop->basetypid);
	model_depends_on_type(model, prop->arraytypid);
	model_depends_on_type(model, elem);
	prop->op_ns = operator_schema(model, prop->kind == PROP_ARRAY ? elem : prop->basetypid);
	prop->eq_op = psprintf("OPERATOR(%s.=)", quote_identifier(prop->op_ns));
}

/*
 * Does the column have dominant values?  True when ANALYZE found at least
 * two most-common values and the first covers 10% of the rows or more and
 * five times the last one: comparing such a column with a parameter is where
 * a generic plan goes wrong (docs/design.md).  The values covering 10% or
 * more are kept: a comparison with one of them is planned apart from a
 * comparison with any other value (plan_cache.c).
 */
static void
load_skew(IgnisProperty *prop, Oid relid)
{
	HeapTuple	tup = SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(relid),
									  Int16GetDatum(prop->attnum), BoolGetDatum(false));
	AttStatsSlot sslot;
	int16		typlen;
	bool		typbyval;
	int			i;

	if (!HeapTupleIsValid(tup))
		return;
	if (get_attstatsslot(&sslot, tup, STATISTIC_KIND_MCV, InvalidOid,
						 ATTSTATSSLOT_VALUES | ATTSTATSSLOT_NUMBERS))
	{
		if (sslot.nnumbers >= 2 && sslot.numbers[0] >= 0.1 &&
			sslot.numbers[0] >= 5 * sslot.numbers[sslot.nnumbers - 1] &&
			sslot.valuetype == prop->typid)
		{
			get_typlenbyval(sslot.valuetype, &typlen, &typbyval);
			prop->skewed = true;
			prop->common = palloc(sizeof(Datum) * sslot.nvalues);
			for (i = 0; i < sslot.nvalues && sslot.numbers[i] >= 0.1; i++)
				prop->common[prop->ncommon++] = datumCopy(sslot.values[i], typbyval, typlen);
		}
		free_attstatsslot(&sslot);
	}
	ReleaseSysCache(tup);
}

/*
 * Build the in-memory model from a relation and *normalised* settings.
 * Every setting that names a property is checked here, with its path, so
 * this also validates a registration.  Relations are attached by the caller.
 */
IgnisModel *
ignis_model_build(const char *name, Oid relid, JNode *settings, MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	IgnisModel *model = palloc0(sizeof(IgnisModel));
	Relation	rel;
	TupleDesc	tupdesc;
	JNode	   *naming = jnode_get(settings, "naming");
	JNode	   *explicit = jnode_get(settings, "properties");
	JNode	   *node;
	bool		camel = naming && naming->type == JN_STRING &&
		strcmp(naming->str, "camelCase") == 0;
	int64		n;
	int			i,
				j;

	model->name = pstrdup(name);
	model->relid = relid;
	model->cxt = cxt;
	model->settings = jnode_copy(settings);
	model->pk = -1;
	model->soft_delete = -1;

	rel = try_relation_open(relid, AccessShareLock);
	if (rel == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("ignis: the relation of model \"%s\" no longer exists", name),
				 errhint("Register the model again, or remove it with ignis.unregister_model('%s').",
						 name)));
	switch (rel->rd_rel->relkind)
	{
		case RELKIND_RELATION:
		case RELKIND_PARTITIONED_TABLE:
		case RELKIND_VIEW:
		case RELKIND_MATVIEW:
		case RELKIND_FOREIGN_TABLE:
			break;
		default:
			relation_close(rel, AccessShareLock);
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("ignis: \"%s\" is not a table, view, materialized view or foreign table",
							RelationGetRelationName(rel))));
	}
	{
		char	   *nsp = get_namespace_name(RelationGetNamespace(rel));
		char	   *relname = RelationGetRelationName(rel);

		/* a renamed schema changes rel_sql without touching the table */
		model_depends_on(model, NAMESPACEOID, RelationGetNamespace(rel));

		model->rel_sql = psprintf("%s.%s", ignis_quote_ident(nsp), ignis_quote_ident(relname));
		model->rel_display = quote_qualified_identifier(nsp, relname);
	}

	/* properties, in attnum order */
	tupdesc = RelationGetDescr(rel);
	model->props = palloc0(sizeof(IgnisProperty) * Max(tupdesc->natts, 1));
	for (i = 0; i < tupdesc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, i);
		IgnisProperty *prop;
		char	   *pname = NULL;

		if (att->attisdropped)
			continue;
		prop = &model->props[model->nprops];
		prop->column = pstrdup(NameStr(att->attname));
		prop->column_sql = ignis_quote_ident(prop->column);
		prop->attnum = att->attnum;
		prop->typid = att->atttypid;
		prop->typmod = att->atttypmod;
		prop->generated = att->attgenerated != '\0';
		prop->notnull = att->attnotnull;
		prop->cxt = cxt;
		load_skew(prop, relid);
		if (explicit)
			for (j = 0; j < explicit->n; j++)
				if (explicit->items[j]->type == JN_STRING &&
					strcmp(explicit->items[j]->str, prop->column) == 0)
					pname = explicit->keys[j];
		if (pname == NULL)
			pname = camel ? ignis_camel_case(prop->column) : prop->column;
		prop->name = pstrdup(pname);
		prop->name_sql = ignis_quote_ident(prop->name);
		fill_type_info(model, prop);
		for (j = 0; j < model->nprops; j++)
			if (strcmp(model->props[j].name, prop->name) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_DUPLICATE_OBJECT),
						 errmsg("ignis: columns \"%s\" and \"%s\" of \"%s\" both map to property \"%s\"",
								model->props[j].column, prop->column, model->rel_display,
								prop->name),
						 errhint("Give one of them another name with settings.properties.")));
		if (strlen(prop->name) >= NAMEDATALEN)
			ereport(ERROR,
					(errcode(ERRCODE_NAME_TOO_LONG),
					 errmsg("ignis: property name \"%s\" is longer than %d bytes",
							prop->name, NAMEDATALEN - 1)));
		model->nprops++;
	}
	relation_close(rel, AccessShareLock);

	/* settings.properties values must be columns */
	if (explicit)
		for (j = 0; j < explicit->n; j++)
		{
			char	   *path = errpath_with_key("settings.properties", explicit->keys[j]);
			bool		found = false;

			if (explicit->items[j]->type != JN_STRING || explicit->keys[j][0] == '\0')
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("ignis: %s must map a non-empty property name to a column name",
								path)));
			for (i = 0; i < model->nprops; i++)
				if (strcmp(model->props[i].column, explicit->items[j]->str) == 0)
					found = true;
			if (!found)
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_COLUMN),
						 errmsg("ignis: column \"%s\" of %s does not exist (at %s)",
								explicit->items[j]->str, model->rel_display, path)));
		}

	node = jnode_get(settings, "primaryKey");
	if (node && node->type != JN_NULL)
		model->pk = settings_prop(model, node, "settings.primaryKey");

	node = jnode_get(settings, "hiddenProperties");
	if (node && node->type == JN_ARRAY)
		for (j = 0; j < node->n; j++)
		{
			StringInfoData path;

			initStringInfo(&path);
			appendStringInfo(&path, "settings.hiddenProperties[%d]", j);
			model->props[settings_prop(model, node->items[j], path.data)].hidden = true;
		}

	node = jnode_get(settings, "softDelete");
	if (node && node->type == JN_OBJECT)
	{
		JNode	   *p = jnode_get(node, "property");
		IgnisProperty *prop;
		Oid			t;

		model->soft_delete = settings_prop(model, p, "settings.softDelete.property");
		prop = &model->props[model->soft_delete];
		t = prop->basetypid;
		if (t != TIMESTAMPOID && t != TIMESTAMPTZOID && t != DATEOID)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: soft-delete property \"%s\" must be a timestamp, timestamptz or date column, not %s",
							prop->name, prop->type_display)));
	}

	/* page sizes (-1: not set) */
	model->default_limit = -1;
	model->default_include_limit = -1;
	node = jnode_get(settings, "defaultLimit");
	if (node && node->type == JN_NUMBER && jnode_is_integer(node, &n))
		model->default_limit = (int) n;
	node = jnode_get(settings, "defaultIncludeLimit");
	if (node && node->type == JN_NUMBER && jnode_is_integer(node, &n))
		model->default_include_limit = (int) n;

	node = jnode_get(settings, "operationScope");
	model->scope = SCOPE_READ_WRITE;
	if (node && node->type == JN_STRING)
	{
		if (strcmp(node->str, "READ_ONLY") == 0)
			model->scope = SCOPE_READ_ONLY;
		else if (strcmp(node->str, "WRITE_ONLY") == 0)
			model->scope = SCOPE_WRITE_ONLY;
	}

	/* effective default filter: the author's, plus {deletedAt: null} (D16) */
	node = jnode_get(settings, "defaultFilter");
	if (node && node->type == JN_OBJECT)
		model->default_filter = jnode_copy(node);
	if (model->soft_delete >= 0)
	{
		JNode	   *df = model->default_filter ? model->default_filter : jnode_object(1);
		JNode	   *where = jnode_get(df, "where");
		const char *sd = model->props[model->soft_delete].name;

		if (where == NULL || where->type != JN_OBJECT)
		{
			where = jnode_object(1);
			jnode_put(df, "where", where);
		}
		if (jnode_get(where, sd) == NULL)
			jnode_put(where, sd, jnode_new(JN_NULL));
		model->default_filter = df;
	}
	model->default_has_setting = ignis_has_setting(model->default_filter);

	/*
	 * Full-text search configuration (settings.textSearchConfig, fixed at
	 * registration; models of earlier releases use the database default)
	 */
	node = jnode_get(settings, "textSearchConfig");
	{
		char	   *cfg = node && node->type == JN_STRING ? node->str
			: ignis_ts_config_name(GetConfigOptionByName("default_text_search_config", NULL, false),
								   "default_text_search_config");
		char	   *lit = quote_literal_cstr(cfg);
		char	   *sql = psprintf("%s::pg_catalog.regconfig", lit);

		for (i = 0; i < model->nprops; i++)
			model->props[i].ts_config_sql = sql;
	}

	/* scope filter (scope.c): its where, AND-ed into every call */
	node = jnode_get(settings, "scopeFilter");
	if (node && node->type == JN_OBJECT)
	{
		JNode	   *where = jnode_get(node, "where");

		if (where && where->type == JN_OBJECT && where->n > 0)
			model->scope_where = jnode_copy(where);
	}

	MemoryContextSwitchTo(old);
	return model;
}

/*
 * A text search configuration's schema-qualified name (resolved once, so
 * that later calls never depend on the search_path), or 42704.
 */
char *
ignis_ts_config_name(const char *name, const char *path)
{
#if PG_VERSION_NUM >= 160000
	Oid			cfg = get_ts_config_oid(stringToQualifiedNameList(name, NULL), true);
#else
	Oid			cfg = get_ts_config_oid(stringToQualifiedNameList(name), true);
#endif
	HeapTuple	tup;
	Form_pg_ts_config form;
	char	   *result;

	if (!OidIsValid(cfg))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("ignis: text search configuration \"%s\" does not exist (%s)", name, path)));
	tup = SearchSysCache1(TSCONFIGOID, ObjectIdGetDatum(cfg));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for text search configuration %u", cfg);
	form = (Form_pg_ts_config) GETSTRUCT(tup);
	result = quote_qualified_identifier(get_namespace_name(form->cfgnamespace),
										NameStr(form->cfgname));
	ReleaseSysCache(tup);
	return result;
}

/*
 * Whether ignis.relations has the strategy column (0.2.0).  A database whose
 * extension is still at 0.1.0 while the library is newer (before ALTER
 * EXTENSION ignis UPDATE) keeps working: its relations are correlated.
 */
bool
ignis_catalog_has_strategy(void)
{
	Oid			nsp = get_namespace_oid("ignis", true);
	Oid			rel = OidIsValid(nsp) ? get_relname_relid("relations", nsp) : InvalidOid;

	return OidIsValid(rel) && get_attnum(rel, "strategy") != InvalidAttrNumber;
}

/* Read the relations declared on a model (ordered by name). */
static void
load_relations(IgnisModel *model)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1];
	uint64		i;
	int			rc;

	values[0] = CStringGetTextDatum(model->name);
	rc = SPI_execute_with_args(ignis_catalog_has_strategy()
							   ? "SELECT name, type, target, fields, refs, strategy FROM ignis.relations"
							   " WHERE model OPERATOR(pg_catalog.=) $1"
							   " ORDER BY name COLLATE pg_catalog.\"C\""
							   : "SELECT name, type, target, fields, refs, 'correlated' FROM ignis.relations"
							   " WHERE model OPERATOR(pg_catalog.=) $1"
							   " ORDER BY name COLLATE pg_catalog.\"C\"",
							   1, argtypes, values, NULL, true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "ignis: reading ignis.relations failed: %s", SPI_result_code_string(rc));

	model->nrels = (int) SPI_processed;
	model->rels = MemoryContextAllocZero(model->cxt,
										 sizeof(IgnisRelationDef) * Max(SPI_processed, 1));
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		IgnisRelationDef *r = &model->rels[i];
		MemoryContext old = MemoryContextSwitchTo(model->cxt);
		bool		isnull;
		Datum	   *elems;
		int			n,
					k;

		r->name = SPI_getvalue(tup, desc, 1);
		r->many = strcmp(SPI_getvalue(tup, desc, 2), "many") == 0;
		r->target = SPI_getvalue(tup, desc, 3);
		deconstruct_array(DatumGetArrayTypeP(SPI_getbinval(tup, desc, 4, &isnull)),
						  TEXTOID, -1, false, TYPALIGN_INT, &elems, NULL, &n);
		r->nkeys = n;
		r->fields = palloc(sizeof(char *) * n);
		for (k = 0; k < n; k++)
			r->fields[k] = TextDatumGetCString(elems[k]);
		deconstruct_array(DatumGetArrayTypeP(SPI_getbinval(tup, desc, 5, &isnull)),
						  TEXTOID, -1, false, TYPALIGN_INT, &elems, NULL, &n);
		r->refs = palloc(sizeof(char *) * n);
		for (k = 0; k < n && k < r->nkeys; k++)
			r->refs[k] = TextDatumGetCString(elems[k]);
		r->batched = strcmp(SPI_getvalue(tup, desc, 6), "batched") == 0;
		MemoryContextSwitchTo(old);
	}
}

static IgnisModel *
load_model(const char *name)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1];
	int			rc;
	Oid			relid;
	JNode	   *settings;
	bool		isnull;
	IgnisModel *model;
	MemoryContext cxt;
	MemoryContext old;

	values[0] = CStringGetTextDatum(name);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "ignis: SPI_connect failed");
	rc = SPI_execute_with_args("SELECT relid::pg_catalog.oid, settings FROM ignis.models"
							   " WHERE name OPERATOR(pg_catalog.=) $1",
							   1, argtypes, values, NULL, true, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "ignis: reading ignis.models failed: %s", SPI_result_code_string(rc));
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("ignis: unknown model \"%s\"", name),
				 errhint("Register it with ignis.register_model('%s', '<table>').", name)));
	relid = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
										   1, &isnull));

	cxt = AllocSetContextCreate(CacheMemoryContext, "ignis model", ALLOCSET_SMALL_SIZES);
	MemoryContextCopyAndSetIdentifier(cxt, name);
	PG_TRY();
	{
		old = MemoryContextSwitchTo(cxt);
		settings = jnode_from_jsonb(DatumGetJsonbPCopy(SPI_getbinval(SPI_tuptable->vals[0],
																	 SPI_tuptable->tupdesc,
																	 2, &isnull)));
		MemoryContextSwitchTo(old);
		model = ignis_model_build(name, relid, settings, cxt);
		load_relations(model);
	}
	PG_CATCH();
	{
		MemoryContextDelete(cxt);
		PG_RE_THROW();
	}
	PG_END_TRY();
	SPI_finish();
	return model;
}

IgnisModel *
ignis_model_get(const char *name)
{
	ModelCacheEntry *entry;
	bool		found;
	IgnisModel *model;

	if (strlen(name) >= NAMEDATALEN || name[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("ignis: unknown model \"%s\"", name)));
	if (model_cache == NULL)
		ignis_cache_init();
	remember_catalog_oids();
	AcceptInvalidationMessages();

	entry = hash_search(model_cache, name, HASH_FIND, NULL);
	if (entry)
		return entry->model;

	model = load_model(name);
	/* loading may have processed invalidations; insert only now */
	entry = hash_search(model_cache, name, HASH_ENTER, &found);
	if (found)
		bury_model(entry->model);
	entry->model = model;
	return model;
}

IgnisModel *
ignis_model_get_text(text *name)
{
	return ignis_model_get(text_to_cstring(name));
}
