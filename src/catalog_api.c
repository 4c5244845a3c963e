/*-------------------------------------------------------------------------
 * catalog_api.c
 *	  register_model, unregister_model, register_relation,
 *	  unregister_relation, describe_model (api.md §3, models.md).
 *
 * Registration validates and normalises the settings, builds the model in
 * memory exactly as a later call would load it (which checks every property
 * a setting names), validates the default filter against it, and only then
 * writes the catalog row.
 *-------------------------------------------------------------------------
 */
#include "ignis.h"

#include "utils/guc.h"

#include "access/relation.h"
#include "access/xact.h"
#include "catalog/index.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "nodes/makefuncs.h"
#include "parser/parse_oper.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"


static const char *const settings_keys[] = {
	"naming", "properties", "primaryKey", "hiddenProperties", "defaultFilter",
	"softDelete", "operationScope", "defaultLimit", "defaultIncludeLimit", "scopeFilter", "textSearchConfig"
};

static text *
text_arg(FunctionCallInfo fcinfo, int argno, const char *name)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("ignis: %s must not be NULL", name)));
	return PG_GETARG_TEXT_PP(argno);
}

static pg_noreturn void
bad_setting(const char *path, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("ignis: %s must be %s", path, what)));
}

/* Run a catalog statement through SPI (caller is connected). */
static int
catalog_exec(const char *sql, int nargs, Oid *types, Datum *values, bool read_only)
{
	int			rc = SPI_execute_with_args(sql, nargs, types, values, NULL, read_only, 0);

	if (rc < 0)
		elog(ERROR, "ignis: catalog statement failed: %s", SPI_result_code_string(rc));
	return rc;
}

static bool
model_exists(const char *name)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1];

	values[0] = CStringGetTextDatum(name);
	catalog_exec("SELECT 1 FROM ignis.models WHERE name OPERATOR(pg_catalog.=) $1",
				 1, types, values, true);
	return SPI_processed > 0;
}

/* ---------------------------------------------------------------------------
 * describe
 * ---------------------------------------------------------------------------
 */
static void
json_str_array(StringInfo buf, char **items, int n)
{
	int			i;

	appendStringInfoChar(buf, '[');
	for (i = 0; i < n; i++)
	{
		if (i > 0)
			appendStringInfoString(buf, ", ");
		escape_json(buf, items[i]);
	}
	appendStringInfoChar(buf, ']');
}

static void
relation_json(StringInfo buf, const char *model, IgnisRelationDef *r, bool with_model)
{
	appendStringInfoChar(buf, '{');
	if (with_model)
	{
		appendStringInfoString(buf, "\"model\": ");
		escape_json(buf, model);
		appendStringInfoString(buf, ", ");
	}
	appendStringInfoString(buf, "\"name\": ");
	escape_json(buf, r->name);
	appendStringInfo(buf, ", \"type\": \"%s\", \"target\": ", r->many ? "many" : "one");
	escape_json(buf, r->target);
	appendStringInfoString(buf, ", \"fields\": ");
	json_str_array(buf, r->fields, r->nkeys);
	appendStringInfoString(buf, ", \"references\": ");
	json_str_array(buf, r->refs, r->nkeys);
	if (r->batched)
		appendStringInfoString(buf, ", \"strategy\": \"batched\"");
	appendStringInfoChar(buf, '}');
}

static Datum
describe_jsonb(IgnisModel *model)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"name\": ");
	escape_json(&buf, model->name);
	appendStringInfoString(&buf, ", \"relation\": ");
	escape_json(&buf, model->rel_display);
	appendStringInfoString(&buf, ", \"primaryKey\": ");
	if (model->pk >= 0)
		escape_json(&buf, model->props[model->pk].name);
	else
		appendStringInfoString(&buf, "null");
	appendStringInfo(&buf, ", \"operationScope\": \"%s\", \"softDelete\": ",
					 ignis_scope_name(model->scope));

	if (model->soft_delete >= 0)
	{
		appendStringInfoString(&buf, "{\"property\": ");
		escape_json(&buf, model->props[model->soft_delete].name);
		appendStringInfoChar(&buf, '}');
	}
	else
		appendStringInfoString(&buf, "null");
	if (model->default_limit >= 0)
		appendStringInfo(&buf, ", \"defaultLimit\": %d", model->default_limit);
	if (model->default_include_limit >= 0)
		appendStringInfo(&buf, ", \"defaultIncludeLimit\": %d", model->default_include_limit);
	appendStringInfoString(&buf, ", \"properties\": [");
	for (i = 0; i < model->nprops; i++)
	{
		IgnisProperty *p = &model->props[i];

		appendStringInfoString(&buf, i ? ", {\"name\": " : "{\"name\": ");
		escape_json(&buf, p->name);
		appendStringInfoString(&buf, ", \"column\": ");
		escape_json(&buf, p->column);
		appendStringInfoString(&buf, ", \"type\": ");
		escape_json(&buf, p->type_display);
		appendStringInfo(&buf, ", \"hidden\": %s}", p->hidden ? "true" : "false");
	}
	appendStringInfoString(&buf, "], \"defaultFilter\": ");
	if (model->default_filter)
		jnode_to_json(&buf, model->default_filter);
	else
		appendStringInfoString(&buf, "null");
	if (model->scope_where)
	{
		appendStringInfoString(&buf, ", \"scopeFilter\": {\"where\": ");
		jnode_to_json(&buf, model->scope_where);
		appendStringInfoChar(&buf, '}');
	}
	appendStringInfoString(&buf, ", \"relations\": [");
	for (i = 0; i < model->nrels; i++)
	{
		if (i > 0)
			appendStringInfoString(&buf, ", ");
		relation_json(&buf, model->name, &model->rels[i], false);
	}
	appendStringInfoString(&buf, "]}");
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
}

PG_FUNCTION_INFO_V1(ignis_describe_model);
Datum
ignis_describe_model(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(describe_jsonb(ignis_model_arg(fcinfo, 0)));
}

/* ---------------------------------------------------------------------------
 * register_model
 * ---------------------------------------------------------------------------
 */

/* The property of the table's single-column primary key, or NULL. */
static char *
default_primary_key(Oid relid, IgnisModel *model)
{
	Relation	rel = relation_open(relid, AccessShareLock);
#if PG_VERSION_NUM >= 180000
	/* 18 added deferrable_ok; false keeps the earlier behaviour */
	Oid			pkindex = RelationGetPrimaryKeyIndex(rel, false);
#else
	Oid			pkindex = RelationGetPrimaryKeyIndex(rel);
#endif
	char	   *result = NULL;

	if (OidIsValid(pkindex))
	{
		HeapTuple	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(pkindex));

		if (HeapTupleIsValid(tup))
		{
			Form_pg_index idx = (Form_pg_index) GETSTRUCT(tup);
			int			i;

			if (idx->indnkeyatts == 1)
				for (i = 0; i < model->nprops; i++)
					if (model->props[i].attnum == idx->indkey.values[0])
						result = model->props[i].name;
			ReleaseSysCache(tup);
		}
	}
	relation_close(rel, AccessShareLock);
	return result;
}

static int
cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Check types and values of the settings object, in the documented order. */
static JNode *
normalise_settings(JNode *settings)
{
	JNode	   *norm = jnode_object(8);
	JNode	   *v;
	int			i,
				k;

	for (i = 0; i < settings->n; i++)
	{
		bool		known = false;

		for (k = 0; k < (int) lengthof(settings_keys); k++)
			if (strcmp(settings->keys[i], settings_keys[k]) == 0)
				known = true;
		if (!known)
		{
			const char *best = closest_match(settings->keys[i], settings_keys,
											 lengthof(settings_keys));

			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: unknown setting %s",
							errpath_with_key("settings", settings->keys[i])),
					 best ? errhint("Did you mean \"%s\"?", best)
					 : errhint("Settings: naming, properties, primaryKey, hiddenProperties, defaultFilter, softDelete, operationScope, defaultLimit, defaultIncludeLimit, scopeFilter, textSearchConfig.")));
		}
	}

	v = jnode_get(settings, "naming");
	if (v && v->type != JN_NULL &&
		(v->type != JN_STRING ||
		 (strcmp(v->str, "identity") != 0 && strcmp(v->str, "camelCase") != 0)))
		bad_setting("settings.naming", "\"identity\" or \"camelCase\"");
	jnode_put(norm, "naming", jnode_string(v && v->type == JN_STRING ? v->str : "identity"));

	v = jnode_get(settings, "properties");
	if (v && v->type != JN_NULL)
	{
		if (v->type != JN_OBJECT)
			bad_setting("settings.properties", "an object mapping property names to column names");
		for (i = 0; i < v->n; i++)
			if (v->items[i]->type != JN_STRING || v->keys[i][0] == '\0')
				bad_setting(errpath_with_key("settings.properties", v->keys[i]),
							"a column name, under a non-empty property name");
		for (i = 0; i < v->n; i++)
			for (k = 0; k < i; k++)
				if (strcmp(v->items[i]->str, v->items[k]->str) == 0)
					bad_setting(errpath_with_key("settings.properties", v->keys[i]),
								"a column not already mapped to another property");
		jnode_put(norm, "properties", v);
	}

	v = jnode_get(settings, "primaryKey");
	if (v && v->type != JN_NULL && v->type != JN_STRING)
		bad_setting("settings.primaryKey", "a property name or null");
	if (v)
		jnode_put(norm, "primaryKey", v);

	v = jnode_get(settings, "hiddenProperties");
	if (v && v->type != JN_NULL)
	{
		char	  **names;
		JNode	   *sorted;

		if (v->type != JN_ARRAY)
			bad_setting("settings.hiddenProperties", "an array of property names");
		names = palloc(sizeof(char *) * Max(v->n, 1));
		for (i = 0; i < v->n; i++)
		{
			if (v->items[i]->type != JN_STRING)
				bad_setting(psprintf("settings.hiddenProperties[%d]", i), "a property name");
			names[i] = v->items[i]->str;
		}
		qsort(names, v->n, sizeof(char *), cmp_cstr);
		sorted = jnode_array(v->n);
		for (i = 0; i < v->n; i++)
		{
			if (i > 0 && strcmp(names[i], names[i - 1]) == 0)
				bad_setting("settings.hiddenProperties", "a list of distinct property names");
			jnode_append(sorted, jnode_string(names[i]));
		}
		/* keep the caller's order for the path of unknown names: validate first */
		jnode_put(norm, "hiddenProperties", v);
		jnode_put(norm, "hiddenPropertiesSorted", sorted);
	}
	else
		jnode_put(norm, "hiddenProperties", jnode_array(0));

	v = jnode_get(settings, "defaultFilter");
	if (v && v->type != JN_NULL)
	{
		if (v->type != JN_OBJECT)
			bad_setting("settings.defaultFilter", "a filter object");
		jnode_put(norm, "defaultFilter", v);
	}

	/* full-text search configuration, resolved and fixed now (decision 28) */
	v = jnode_get(settings, "textSearchConfig");
	if (v && v->type != JN_NULL && v->type != JN_STRING)
		bad_setting("settings.textSearchConfig", "the name of a text search configuration");
	jnode_put(norm, "textSearchConfig",
			  jnode_string(ignis_ts_config_name(v && v->type == JN_STRING ? v->str
												: GetConfigOptionByName("default_text_search_config", NULL, false),
												"settings.textSearchConfig")));

	v = jnode_get(settings, "scopeFilter");
	if (v && v->type != JN_NULL)
	{
		JNode	   *w = v->type == JN_OBJECT ? jnode_get(v, "where") : NULL;

		if (v->type != JN_OBJECT || v->n != 1 || w == NULL || w->type != JN_OBJECT)
			bad_setting("settings.scopeFilter", "an object {\"where\": {...}}");
		jnode_put(norm, "scopeFilter", v);
	}

	v = jnode_get(settings, "softDelete");
	if (v == NULL || v->type == JN_NULL || (v->type == JN_BOOL && !v->b))
		jnode_put(norm, "softDelete", jnode_new(JN_NULL));
	else if (v->type == JN_BOOL)
	{
		JNode	   *sd = jnode_object(1);

		jnode_put(sd, "property", jnode_string("deletedAt"));
		jnode_put(norm, "softDelete", sd);
	}
	else if (v->type == JN_OBJECT)
	{
		JNode	   *p = jnode_get(v, "property");

		for (i = 0; i < v->n; i++)
			if (strcmp(v->keys[i], "property") != 0)
				bad_setting(errpath_with_key("settings.softDelete", v->keys[i]),
							"absent (softDelete takes only \"property\")");
		if (p == NULL || p->type != JN_STRING)
			bad_setting("settings.softDelete.property", "a property name");
		jnode_put(norm, "softDelete", v);
	}
	else
		bad_setting("settings.softDelete", "true, false or {\"property\": <name>}");

	v = jnode_get(settings, "operationScope");
	if (v && v->type != JN_NULL &&
		(v->type != JN_STRING ||
		 (strcmp(v->str, "READ_WRITE") != 0 && strcmp(v->str, "READ_ONLY") != 0 &&
		  strcmp(v->str, "WRITE_ONLY") != 0)))
		bad_setting("settings.operationScope", "\"READ_WRITE\", \"READ_ONLY\" or \"WRITE_ONLY\"");
	jnode_put(norm, "operationScope",
			  jnode_string(v && v->type == JN_STRING ? v->str : "READ_WRITE"));

	/* page sizes: kept only when given (decision 22) */
	for (k = 0; k < 2; k++)
	{
		const char *key = k == 0 ? "defaultLimit" : "defaultIncludeLimit";
		int64		n;

		v = jnode_get(settings, key);
		if (v == NULL || v->type == JN_NULL)
			continue;
		if (!jnode_is_integer(v, &n) || n < 0 || n > PG_INT32_MAX)
			bad_setting(errpath_with_key("settings", key),
						"a non-negative integer (0: no limit)");
		jnode_put(norm, key, v);
	}
	return norm;
}

/*
 * Settings normalised against the built model: the primary key resolved
 * (explicit, or the table's single-column key) and hidden properties sorted.
 */
static void
settings_complete(IgnisModel *model, JNode *norm, Oid relid)
{
	JNode	   *sorted;

	if (jnode_get(norm, "primaryKey") == NULL)
	{
		char	   *pk = default_primary_key(relid, model);

		jnode_put(norm, "primaryKey", pk ? jnode_string(pk) : jnode_new(JN_NULL));
		if (pk)
			model->pk = ignis_model_find_prop(model, pk);
	}
	sorted = jnode_get(norm, "hiddenPropertiesSorted");
	if (sorted)
	{
		jnode_put(norm, "hiddenProperties", sorted);
		/* drop the helper key */
		norm->n--;
		for (int i = 0; i < norm->n; i++)
			if (strcmp(norm->keys[i], "hiddenPropertiesSorted") == 0)
			{
				norm->keys[i] = norm->keys[norm->n];
				norm->items[i] = norm->items[norm->n];
			}
	}
	model->settings = norm;
}

/*
 * The default and scope filters, validated against the model itself
 * ($setting operands stand for values only known at call time).
 */
static void
validate_filters(IgnisModel *model, JNode *norm, const char *name)
{

	if (jnode_get(norm, "defaultFilter"))
		(void) filter_parse(model,
							ignis_resolve_settings(jnode_get(norm, "defaultFilter"), name,
												   "settings.defaultFilter", true),
							"settings.defaultFilter", FILTER_DEFAULT, true, 0);
	if (jnode_get(norm, "scopeFilter"))
		(void) filter_parse(model,
							ignis_resolve_settings(jnode_get(norm, "scopeFilter"), name,
												   "settings.scopeFilter", true),
							"settings.scopeFilter", FILTER_DEFAULT, true, 0);

}

PG_FUNCTION_INFO_V1(ignis_register_model);
Datum
ignis_register_model(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(text_arg(fcinfo, 0, "name"));
	Oid			relid;
	JNode	   *settings;
	JNode	   *norm;
	IgnisModel *model;
	Datum		result;
	Oid			types[3] = {TEXTOID, OIDOID, JSONBOID};
	Datum		values[3];

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("ignis: relation must not be NULL")));
	relid = PG_GETARG_OID(1);
	if (strlen(name) < 1 || strlen(name) >= NAMEDATALEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: a model name must have 1 to %d characters", NAMEDATALEN - 1)));
	settings = ignis_arg_object(PG_ARGISNULL(2) ? NULL : PG_GETARG_JSONB_P(2), "settings");

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "ignis: SPI_connect failed");
	if (model_exists(name))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("ignis: model \"%s\" already exists", name),
				 errhint("Remove it first with ignis.unregister_model('%s').", name)));

	norm = normalise_settings(settings);
	model = ignis_model_build(name, relid, norm, CurrentMemoryContext);
	settings_complete(model, norm, relid);
	validate_filters(model, norm, name);

	values[0] = CStringGetTextDatum(name);
	values[1] = ObjectIdGetDatum(relid);
	values[2] = JsonbPGetDatum(jnode_to_jsonb(norm));
	catalog_exec("INSERT INTO ignis.models (name, relid, settings)"
				 " VALUES ($1, $2::pg_catalog.oid::pg_catalog.regclass, $3)",
				 3, types, values, false);
	result = describe_jsonb(model);
	result = SPI_datumTransfer(result, false, -1);
	SPI_finish();
	PG_RETURN_DATUM(result);
}

/*
 * ignis.alter_model(name, settings): change the settings of a registered
 * model and keep its relations.  Keys given replace the model's (null: back
 * to the default); the others stay.  The filters are validated against the
 * model as it will be, relations included, so a default filter may filter by
 * the model's own relations (they exist only after registration).
 */
PG_FUNCTION_INFO_V1(ignis_alter_model);
Datum
ignis_alter_model(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(text_arg(fcinfo, 0, "name"));
	JNode	   *changes;
	JNode	   *merged;
	JNode	   *norm;
	JNode	   *stored;
	IgnisModel *model;
	Oid			relid;
	Datum		result;
	Oid			types[2] = {TEXTOID, JSONBOID};
	Datum		values[2];
	int			i,
				r;

	changes = ignis_arg_object(PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1), "settings");
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "ignis: SPI_connect failed");
	if (!model_exists(name))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("ignis: model \"%s\" does not exist", name),
				 errhint("Register it with ignis.register_model().")));
	model = ignis_model_get(name);
	relid = model->relid;
	stored = model->settings;	/* the cache owns it: dropped by the reset below */

	merged = jnode_object(stored->n + changes->n);
	for (i = 0; i < stored->n; i++)
		if (jnode_get(changes, stored->keys[i]) == NULL)
			jnode_add(merged, stored->keys[i], stored->items[i]);
	for (i = 0; i < changes->n; i++)
		if (changes->items[i]->type != JN_NULL)
			jnode_add(merged, changes->keys[i], changes->items[i]);

	norm = normalise_settings(merged);
	model = ignis_model_build(name, relid, norm, CurrentMemoryContext);
	settings_complete(model, norm, relid);

	values[0] = CStringGetTextDatum(name);
	values[1] = JsonbPGetDatum(jnode_to_jsonb(norm));
	catalog_exec("UPDATE ignis.models SET settings = $2 WHERE name OPERATOR(pg_catalog.=) $1",
				 2, types, values, false);

	/*
	 * The model as it now is, with its relations, from the catalog; norm
	 * shares nodes with the stored settings the reset frees, so the filters
	 * are validated as the reloaded model holds them.
	 */
	CommandCounterIncrement();
	ignis_cache_reset();
	PushCopiedSnapshot(GetActiveSnapshot());
	UpdateActiveSnapshotCommandId();
	model = ignis_model_get(name);
	PopActiveSnapshot();
	for (r = 0; r < model->nrels; r++)
		for (i = 0; i < model->rels[r].nkeys; i++)
			if (ignis_model_find_prop(model, model->rels[r].fields[i]) < 0)
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_COLUMN),
						 errmsg("ignis: relation \"%s\" of model \"%s\" uses property \"%s\", which the new settings do not have",
								model->rels[r].name, name, model->rels[r].fields[i]),
						 errhint("Unregister the relation first, or keep the property.")));
	validate_filters(model, model->settings, name);

	result = describe_jsonb(model);
	result = SPI_datumTransfer(result, false, -1);
	SPI_finish();
	PG_RETURN_DATUM(result);
}

PG_FUNCTION_INFO_V1(ignis_unregister_model);
Datum
ignis_unregister_model(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(text_arg(fcinfo, 0, "name"));
	bool		cascade = PG_ARGISNULL(1) ? false : PG_GETARG_BOOL(1);
	Oid			types[1] = {TEXTOID};
	Datum		values[1];

	values[0] = CStringGetTextDatum(name);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "ignis: SPI_connect failed");
	if (!model_exists(name))
	{
		SPI_finish();
		PG_RETURN_BOOL(false);
	}
	catalog_exec("SELECT pg_catalog.string_agg(pg_catalog.format('%s.%s', model, name), ', ' ORDER BY model, name)"
				 " FROM ignis.relations WHERE target OPERATOR(pg_catalog.=) $1"
				 " AND model OPERATOR(pg_catalog.<>) $1", 1, types, values, true);
	if (!cascade && SPI_processed > 0)
	{
		char	   *deps = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);

		if (deps != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
					 errmsg("ignis: cannot unregister model \"%s\": relations of other models target it",
							name),
					 errdetail("Relations targeting \"%s\": %s.", name, deps),
					 errhint("Use ignis.unregister_model('%s', cascade_relations => true) to remove them too.",
							 name)));
	}
	catalog_exec("DELETE FROM ignis.relations WHERE model OPERATOR(pg_catalog.=) $1"
				 " OR target OPERATOR(pg_catalog.=) $1", 1, types, values, false);
	catalog_exec("DELETE FROM ignis.models WHERE name OPERATOR(pg_catalog.=) $1",
				 1, types, values, false);
	SPI_finish();
	PG_RETURN_BOOL(true);
}

/* ---------------------------------------------------------------------------
 * register_relation
 * ---------------------------------------------------------------------------
 */
static char **
key_list(JNode *v, const char *path, int *n)
{
	char	  **keys;
	int			i;

	if (v->type != JN_ARRAY || v->n == 0)
		bad_setting(path, "a non-empty array of property names");
	keys = palloc(sizeof(char *) * v->n);
	for (i = 0; i < v->n; i++)
	{
		if (v->items[i]->type != JN_STRING)
			bad_setting(psprintf("%s[%d]", path, i), "a property name");
		keys[i] = v->items[i]->str;
	}
	*n = v->n;
	return keys;
}

static void
check_key_props(IgnisModel *model, char **keys, int n, const char *path)
{
	int			i;

	for (i = 0; i < n; i++)
		(void) ignis_prop_or_error(model, keys[i], psprintf("%s[%d]", path, i));
}

PG_FUNCTION_INFO_V1(ignis_register_relation);
Datum
ignis_register_relation(PG_FUNCTION_ARGS)
{
	IgnisModel *model = ignis_model_arg(fcinfo, 0);
	char	   *name = text_to_cstring(text_arg(fcinfo, 1, "name"));
	char	   *type = text_to_cstring(text_arg(fcinfo, 2, "type"));
	char	   *target_name = text_to_cstring(text_arg(fcinfo, 3, "target"));
	JNode	   *settings = ignis_arg_object(PG_ARGISNULL(4) ? NULL : PG_GETARG_JSONB_P(4),
											"settings");
	IgnisModel *target;
	bool		many;
	JNode	   *fields = jnode_get(settings, "fields");
	JNode	   *refs = jnode_get(settings, "references");
	JNode	   *inverse = jnode_get(settings, "inverseOf");
	IgnisRelationDef rel;
	int			i;
	StringInfoData buf;
	Datum		result;

	if (strcmp(type, "one") != 0 && strcmp(type, "many") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: relation type must be 'one' or 'many', not \"%s\"", type)));
	many = strcmp(type, "many") == 0;
	target = ignis_model_get(target_name);

	for (i = 0; i < settings->n; i++)
	{
		const char *k = settings->keys[i];

		if (strcmp(k, "through") == 0)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("ignis: relations through a junction model are not supported (settings.through)"),
					 errhint("Register the junction table as a model with two \"one\" relations and nest includes through it.")));
		if (strcmp(k, "fields") != 0 && strcmp(k, "references") != 0 &&
			strcmp(k, "inverseOf") != 0 && strcmp(k, "strategy") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: unknown setting %s", errpath_with_key("settings", k)),
					 errhint("Relation settings: fields, references, inverseOf, strategy.")));
	}
	if (name[0] == '\0' || strlen(name) >= NAMEDATALEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: a relation name must have 1 to %d characters", NAMEDATALEN - 1)));
	/* a where reads these keys as logical operators and JSON paths */
	if (strcmp(name, "and") == 0 || strcmp(name, "or") == 0 || strcmp(name, "not") == 0 ||
		strpbrk(name, ".[") != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: relation name \"%s\" cannot be used in a where or an order", name),
				 errhint("\"and\", \"or\" and \"not\" are logical keys, and a key with \".\" or \"[\" is a path; choose another name.")));
	if (ignis_model_find_rel(model, name))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("ignis: relation \"%s\" of model \"%s\" already exists", name, model->name)));
	if (ignis_model_find_prop(model, name) >= 0)
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("ignis: relation name \"%s\" is also a property of model \"%s\"",
						name, model->name),
				 errhint("Both would be keys of the same result object; choose another name.")));

	memset(&rel, 0, sizeof(rel));
	rel.name = name;
	rel.many = many;
	rel.target = target->name;
	{
		JNode	   *strategy = jnode_get(settings, "strategy");

		if (strategy && strategy->type != JN_NULL &&
			(strategy->type != JN_STRING ||
			 (strcmp(strategy->str, "correlated") != 0 && strcmp(strategy->str, "batched") != 0)))
			bad_setting("settings.strategy", "\"correlated\" or \"batched\"");
		rel.batched = strategy && strategy->type == JN_STRING &&
			strcmp(strategy->str, "batched") == 0;
	}

	if (inverse && !many)
		bad_setting("settings.inverseOf", "absent on a \"one\" relation");
	if (inverse && (fields || refs))
		bad_setting("settings.inverseOf", "given without fields/references");
	if (!inverse && (fields || refs))
	{
		int			nf = 0,
					nr = 0;

		if (!fields || !refs)
			bad_setting(fields ? "settings.references" : "settings.fields",
						"given together with the other key list");
		rel.fields = key_list(fields, "settings.fields", &nf);
		rel.refs = key_list(refs, "settings.references", &nr);
		if (nf != nr)
			bad_setting("settings.references", "as long as settings.fields");
		rel.nkeys = nf;
	}
	else if (!many)
		bad_setting("settings.fields", "given (a \"one\" relation needs fields and references)");
	else
	{
		/* many: read a "one" relation of the target backwards */
		IgnisRelationDef *inv = NULL;

		if (inverse)
		{
			if (inverse->type != JN_STRING)
				bad_setting("settings.inverseOf", "a relation name");
			inv = ignis_model_find_rel(target, inverse->str);
			if (inv == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_OBJECT),
						 errmsg("ignis: unknown relation \"%s\" of model \"%s\" at settings.inverseOf",
								inverse->str, target->name)));
			if (inv->many || strcmp(inv->target, model->name) != 0)
				bad_setting("settings.inverseOf",
							psprintf("a \"one\" relation of \"%s\" targeting \"%s\"",
									 target->name, model->name));
		}
		else
		{
			int			found = 0;

			for (i = 0; i < target->nrels; i++)
				if (!target->rels[i].many && strcmp(target->rels[i].target, model->name) == 0)
				{
					inv = &target->rels[i];
					found++;
				}
			if (found != 1)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("ignis: cannot infer the keys of relation \"%s\": %s \"one\" relations of \"%s\" target \"%s\"",
								name, found ? "several" : "no", target->name, model->name),
						 errhint("Give settings.fields and settings.references, or settings.inverseOf.")));
		}
		rel.nkeys = inv->nkeys;
		rel.fields = inv->refs;
		rel.refs = inv->fields;
	}

	check_key_props(model, rel.fields, rel.nkeys, "settings.fields");
	check_key_props(target, rel.refs, rel.nkeys, "settings.references");
	for (i = 0; i < rel.nkeys; i++)
	{
		IgnisProperty *f = &model->props[ignis_model_find_prop(model, rel.fields[i])];
		IgnisProperty *r = &target->props[ignis_model_find_prop(target, rel.refs[i])];
		/* the operator the join will use (r->eq_op), never the search_path's */
		Operator	op = oper(NULL, list_make2(makeString(r->op_ns), makeString("=")),
							  r->typid, f->typid, true, -1);

		if (op == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FUNCTION),
					 errmsg("ignis: no equality operator between %s (%s.%s) and %s (%s.%s)",
							r->type_display, target->name, r->name,
							f->type_display, model->name, f->name)));
		ReleaseSysCache(op);
	}

	{
		Oid			types[7] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTARRAYOID, TEXTARRAYOID,
		TEXTOID};
		Datum		values[7];
		Datum	   *fe = palloc(sizeof(Datum) * rel.nkeys);
		Datum	   *re = palloc(sizeof(Datum) * rel.nkeys);

		for (i = 0; i < rel.nkeys; i++)
		{
			fe[i] = CStringGetTextDatum(rel.fields[i]);
			re[i] = CStringGetTextDatum(rel.refs[i]);
		}
		values[0] = CStringGetTextDatum(model->name);
		values[1] = CStringGetTextDatum(name);
		values[2] = CStringGetTextDatum(type);
		values[3] = CStringGetTextDatum(target->name);
		values[4] = PointerGetDatum(construct_array(fe, rel.nkeys, TEXTOID, -1, false, TYPALIGN_INT));
		values[5] = PointerGetDatum(construct_array(re, rel.nkeys, TEXTOID, -1, false, TYPALIGN_INT));
		values[6] = CStringGetTextDatum(rel.batched ? "batched" : "correlated");
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "ignis: SPI_connect failed");
		if (ignis_catalog_has_strategy())
			catalog_exec("INSERT INTO ignis.relations (model, name, type, target, fields, refs, strategy)"
						 " VALUES ($1, $2, $3, $4, $5, $6, $7)", 7, types, values, false);
		else if (rel.batched)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("ignis: relation strategies need extension version 0.2.0"),
					 errhint("Run ALTER EXTENSION ignis UPDATE.")));
		else
			catalog_exec("INSERT INTO ignis.relations (model, name, type, target, fields, refs)"
						 " VALUES ($1, $2, $3, $4, $5, $6)", 6, types, values, false);
		SPI_finish();
	}

	initStringInfo(&buf);
	relation_json(&buf, model->name, &rel, true);
	result = DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
	PG_RETURN_DATUM(result);
}

PG_FUNCTION_INFO_V1(ignis_unregister_relation);
Datum
ignis_unregister_relation(PG_FUNCTION_ARGS)
{
	char	   *model = text_to_cstring(text_arg(fcinfo, 0, "model"));
	char	   *name = text_to_cstring(text_arg(fcinfo, 1, "name"));
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		values[2];
	bool		removed;

	values[0] = CStringGetTextDatum(model);
	values[1] = CStringGetTextDatum(name);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "ignis: SPI_connect failed");
	catalog_exec("DELETE FROM ignis.relations WHERE model OPERATOR(pg_catalog.=) $1"
				 " AND name OPERATOR(pg_catalog.=) $2", 2, types, values, false);
	removed = SPI_processed > 0;
	SPI_finish();
	PG_RETURN_BOOL(removed);
}
