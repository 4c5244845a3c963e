/*-------------------------------------------------------------------------
 * aggregate.c
 *	  ignis.aggregate(model, spec, options): counts, sums, averages, minima
 *	  and maxima of a model's rows, grouped or not, in one statement:
 *
 *	  SELECT <groupBy keys>, count(*) AS "count",
 *			 jsonb_build_object('views', sum(t0.views)) AS "sum", ...
 *	  FROM rel t0 WHERE <where + default filter>
 *	  GROUP BY 1, 2 HAVING ... ORDER BY ... LIMIT ... OFFSET ...
 *
 *	  Hidden properties may filter (spec.where) but are never grouped or
 *	  aggregated: their values, even summed, would leave the database.
 *-------------------------------------------------------------------------
 */
#include "ignis.h"

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/typcache.h"

#define ARG_JSONB(n) (PG_ARGISNULL(n) ? NULL : PG_GETARG_JSONB_P(n))

static const char *const spec_keys[] = {
	"where", "groupBy", "count", "sum", "avg", "min", "max", "having", "order",
	"limit", "skip"
};

static const char *const agg_names[] = {"sum", "avg", "min", "max"};

#define AGG_SUM 0
#define AGG_AVG 1
#define AGG_MIN 2
#define AGG_MAX 3

static const char *const cmp_names[] = {"eq", "neq", "gt", "gte", "lt", "lte"};
static const char *const cmp_ops[] = {"=", "<>", ">", ">=", "<", "<="};

/* One groupBy key: a property, or the text at a JSON path of one. */
typedef struct GroupKey
{
	char	   *key;			/* as written: the result key */
	IgnisProperty *prop;
	List	   *path;			/* JSON path components, or NIL */
} GroupKey;

typedef struct AggSpec
{
	IgnisModel *model;
	List	   *groups;			/* of GroupKey* */
	bool		count;
	List	   *aggs[4];		/* per AGG_*: of IgnisProperty* */
} AggSpec;

static void
spec_error(const char *path, const char *msg, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("ignis: %s at %s", msg, path),
			 hint ? errhint("%s", hint) : 0));
}

/* A visible property named at path; hidden ones never leave the database. */
static IgnisProperty *
visible_prop(IgnisModel *model, const char *name, const char *path)
{
	IgnisProperty *prop = &model->props[ignis_prop_or_error(model, name, path)];

	if (prop->hidden)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: property \"%s\" of model \"%s\" is hidden and cannot be grouped or aggregated at %s",
						prop->name, model->name, path),
				 errhint("Hidden properties never leave the database; they may only appear in spec.where.")));
	return prop;
}

/* sum and avg: numbers only; min and max: types with an ordering. */
static void
check_aggregable(IgnisProperty *prop, int agg, const char *path)
{
	Oid			t = prop->basetypid;

	if (agg == AGG_SUM || agg == AGG_AVG)
	{
		if (t != INT2OID && t != INT4OID && t != INT8OID && t != FLOAT4OID &&
			t != FLOAT8OID && t != NUMERICOID)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FUNCTION),
					 errmsg("ignis: cannot compute %s of property \"%s\" of type %s at %s",
							agg_names[agg], prop->name, prop->type_display, path),
					 errhint("sum and avg take number properties (smallint, integer, bigint, real, double precision, numeric).")));
	}
	else if (prop->kind == PROP_JSON || prop->kind == PROP_JSONB ||
			 !OidIsValid(lookup_type_cache(prop->typid, TYPECACHE_LT_OPR)->lt_opr))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("ignis: cannot compute %s of property \"%s\" of type %s at %s",
						agg_names[agg], prop->name, prop->type_display, path),
				 errhint("min and max take properties whose type has an ordering and is not json or jsonb.")));
}

static GroupKey *
find_group(AggSpec *as, const char *key)
{
	ListCell   *lc;

	foreach(lc, as->groups)
		if (strcmp(((GroupKey *) lfirst(lc))->key, key) == 0)
			return lfirst(lc);
	return NULL;
}

static void
parse_group_by(AggSpec *as, JNode *v, StringInfo path)
{
	int			i;

	if (v->type != JN_ARRAY)
		spec_error(path->data, "groupBy must be an array of property names", NULL);
	for (i = 0; i < v->n; i++)
	{
		int			old = errpath_push_index(path, i);
		GroupKey   *g = palloc0(sizeof(GroupKey));

		CHECK_FOR_INTERRUPTS();
		if (v->items[i]->type != JN_STRING)
			spec_error(path->data, "a groupBy key must be a property name or JSON path", NULL);
		g->key = v->items[i]->str;
		if (find_group(as, g->key))
			spec_error(path->data, psprintf("\"%s\" is grouped twice", g->key), NULL);
		if (strpbrk(g->key, ".[") != NULL)
		{
			const char *rest;

			g->prop = ignis_json_path_prop(as->model, g->key, &rest, path->data);
			(void) visible_prop(as->model, g->prop->name, path->data);
			g->path = ignis_parse_json_path(rest, path->data);
		}
		else
			g->prop = visible_prop(as->model, g->key, path->data);
		as->groups = lappend(as->groups, g);
		errpath_pop(path, old);
	}
}

static void
parse_agg_list(AggSpec *as, int agg, JNode *v, StringInfo path)
{
	int			i;

	if (v->type != JN_ARRAY)
		spec_error(path->data, psprintf("%s must be an array of property names", agg_names[agg]),
				   NULL);
	for (i = 0; i < v->n; i++)
	{
		int			old = errpath_push_index(path, i);
		IgnisProperty *prop;

		if (v->items[i]->type != JN_STRING)
			spec_error(path->data, "an aggregated property must be a property name", NULL);
		prop = visible_prop(as->model, v->items[i]->str, path->data);
		check_aggregable(prop, agg, path->data);
		if (!list_member_ptr(as->aggs[agg], prop))
			as->aggs[agg] = lappend(as->aggs[agg], prop);
		errpath_pop(path, old);
	}
}

/* pg_catalog.sum(t0."views") */
static void
emit_agg(QueryBuilder *qb, int agg, IgnisProperty *prop)
{
	appendStringInfo(&qb->sql, "pg_catalog.%s(t0.%s)", agg_names[agg], prop->column_sql);
}

static void
emit_group_value(QueryBuilder *qb, GroupKey *g)
{
	if (g->path)
	{
		appendStringInfo(&qb->sql,
						 g->prop->kind == PROP_JSON
						 ? "(t0.%s::pg_catalog.jsonb OPERATOR(pg_catalog.#>>) "
						 : "(t0.%s OPERATOR(pg_catalog.#>>) ",
						 g->prop->column_sql);
		qb_append_param(qb, qb_path_param(qb, g->path));
		appendStringInfoChar(&qb->sql, ')');
	}
	else
		appendStringInfo(&qb->sql, g->prop->kind == PROP_JSON ? "t0.%s::pg_catalog.jsonb" : "t0.%s",
						 g->prop->column_sql);
}

/*
 * "sum.views" -> AGG_SUM and the property; "count" -> -1.  Returns false
 * when key names no aggregate (then it may be a groupBy key).
 */
static bool
parse_agg_key(AggSpec *as, const char *key, int *agg, IgnisProperty **prop, const char *path)
{
	const char *dot = strchr(key, '.');
	int			a;

	if (strcmp(key, "count") == 0)
	{
		*agg = -1;
		*prop = NULL;
		return true;
	}
	if (dot == NULL)
		return false;
	for (a = 0; a < 4; a++)
		if (strlen(agg_names[a]) == (size_t) (dot - key) && strncmp(key, agg_names[a], dot - key) == 0)
		{
			*agg = a;
			*prop = visible_prop(as->model, dot + 1, path);
			check_aggregable(*prop, a, path);
			return true;
		}
	return false;
}

/*
 * having: {"count": {"gt": 1}, "sum.views": {"gte": 100}} (also written
 * {"sum": {"views": {...}}}); the conditions combine with AND.
 */
static void
emit_having_cond(QueryBuilder *qb, int agg, IgnisProperty *prop, JNode *ops, StringInfo path,
				 bool *first)
{
	int			i,
				c;

	if (ops->type != JN_OBJECT || ops->n == 0)
		spec_error(path->data, "a having condition must be an object of operators",
				   "Operators: eq, neq, gt, gte, lt, lte, as in {\"count\": {\"gt\": 1}}.");
	for (i = 0; i < ops->n; i++)
	{
		int			old = errpath_push_key(path, ops->keys[i]);
		JNode	   *v = ops->items[i];

		for (c = 0; c < (int) lengthof(cmp_names); c++)
			if (strcmp(ops->keys[i], cmp_names[c]) == 0)
				break;
		if (c == (int) lengthof(cmp_names))
		{
			const char *best = closest_match(ops->keys[i], cmp_names, lengthof(cmp_names));

			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: unknown having operator at %s", path->data),
					 best ? errhint("Did you mean \"%s\"?", best)
					 : errhint("Operators: eq, neq, gt, gte, lt, lte.")));
		}
		if (v->type != JN_NUMBER && (agg < AGG_MIN || v->type == JN_NULL ||
									 v->type == JN_OBJECT || v->type == JN_ARRAY))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("ignis: %s must be a %s, not %s", path->data,
							agg < AGG_MIN ? "number" : "value", jnode_type_name(v))));
		appendStringInfoString(&qb->sql, *first ? " HAVING " : " AND ");
		*first = false;
		if (agg < AGG_MIN)
		{
			/* count, sum and avg compare as numeric */
			if (agg < 0)
				appendStringInfoString(&qb->sql, "pg_catalog.count(*)");
			else
				emit_agg(qb, agg, prop);
			appendStringInfo(&qb->sql, "::pg_catalog.numeric OPERATOR(pg_catalog.%s) ", cmp_ops[c]);
			qb_append_new_param(qb, NUMERICOID, NumericGetDatum(v->num), false, v);
		}
		else
		{
			emit_agg(qb, agg, prop);
			appendStringInfo(&qb->sql, " OPERATOR(%s.%s) ", prop->op_ns, cmp_ops[c]);
			qb_append_new_param(qb, prop->typid,
								ignis_convert_scalar(prop, prop->typid, v, path->data), false, v);
		}
		errpath_pop(path, old);
	}
}

static void
emit_having(QueryBuilder *qb, AggSpec *as, JNode *having, StringInfo path)
{
	bool		first = true;
	int			i,
				j;

	if (having->type != JN_OBJECT)
		spec_error(path->data, "having must be an object", NULL);
	for (i = 0; i < having->n; i++)
	{
		int			old = errpath_push_key(path, having->keys[i]);
		const char *key = having->keys[i];
		int			agg;
		IgnisProperty *prop;
		int			a;

		CHECK_FOR_INTERRUPTS();
		for (a = 0; a < 4; a++)
			if (strcmp(key, agg_names[a]) == 0)
				break;
		if (a < 4)
		{
			JNode	   *per = having->items[i];

			if (per->type != JN_OBJECT)
				spec_error(path->data, psprintf("having.%s must be an object of properties", key),
						   NULL);
			for (j = 0; j < per->n; j++)
			{
				int			o2 = errpath_push_key(path, per->keys[j]);

				prop = visible_prop(as->model, per->keys[j], path->data);
				check_aggregable(prop, a, path->data);
				emit_having_cond(qb, a, prop, per->items[j], path, &first);
				errpath_pop(path, o2);
			}
		}
		else if (parse_agg_key(as, key, &agg, &prop, path->data))
			emit_having_cond(qb, agg, prop, having->items[i], path, &first);
		else
			spec_error(path->data, psprintf("unknown having key \"%s\"", key),
					   "having takes count, sum, avg, min and max, as in {\"count\": {\"gt\": 1}} or {\"sum\": {\"views\": {\"gte\": 100}}}.");
		errpath_pop(path, old);
	}
}

static void
emit_agg_order(QueryBuilder *qb, AggSpec *as, JNode *order, StringInfo path)
{
	JNode	   *list = order;
	bool		first = true;
	ListCell   *lc;
	int			i;

	if (order && order->type == JN_STRING)
	{
		list = jnode_array(1);
		jnode_append(list, order);
	}
	else if (order && order->type != JN_ARRAY)
		spec_error(path->data, "order must be a string or an array of strings", NULL);
	for (i = 0; list && i < list->n; i++)
	{
		int			old = order->type == JN_ARRAY ? errpath_push_index(path, i) : path->len;
		bool		desc;
		int			nulls;
		char	   *key;
		int			agg;
		IgnisProperty *prop;
		GroupKey   *g;

		if (list->items[i]->type != JN_STRING)
			spec_error(path->data, "an order item must be a string", NULL);
		key = filter_order_words(list->items[i]->str, &desc, &nulls, path->data);
		appendStringInfoString(&qb->sql, first ? " ORDER BY " : ", ");
		first = false;
		if ((g = find_group(as, key)) != NULL)
		{
			int			pos = 1;

			foreach(lc, as->groups)
			{
				if (lfirst(lc) == g)
					break;
				pos++;
			}
			appendStringInfo(&qb->sql, "%d", pos);
		}
		else if (parse_agg_key(as, key, &agg, &prop, path->data))
		{
			if (agg < 0)
				appendStringInfoString(&qb->sql, "pg_catalog.count(*)");
			else
				emit_agg(qb, agg, prop);
		}
		else
			spec_error(path->data, psprintf("cannot order by \"%s\"", key),
					   "Order by a groupBy key, \"count\", or \"sum.<property>\", \"avg.<property>\", \"min.<property>\", \"max.<property>\".");
		if (desc)
			appendStringInfoString(&qb->sql, " DESC");
		if (nulls == 1)
			appendStringInfoString(&qb->sql, " NULLS FIRST");
		else if (nulls == 2)
			appendStringInfoString(&qb->sql, " NULLS LAST");
		errpath_pop(path, old);
	}
	/* the groups in groupBy order, after what the spec asks for */
	i = 1;
	foreach(lc, as->groups)
	{
		appendStringInfo(&qb->sql, "%s%d", first ? " ORDER BY " : ", ", i++);
		first = false;
	}
}

static JNode *
spec_get(JNode *spec, const char *key)
{
	JNode	   *v = jnode_get(spec, key);

	return (v && v->type != JN_NULL) ? v : NULL;
}

/* spec.limit / spec.skip: " LIMIT $n" / " OFFSET $n" */
static void
emit_page_param(QueryBuilder *qb, JNode *spec, const char *key, const char *clause)
{
	JNode	   *v = spec_get(spec, key);
	int64		n;

	if (v == NULL)
		return;
	if (!jnode_is_integer(v, &n) || n < 0)
		spec_error(psprintf("spec.%s", key), psprintf("%s must be an integer >= 0", key), NULL);
	appendStringInfoString(&qb->sql, clause);
	qb_append_new_param(qb, INT8OID, Int64GetDatum(n), false, v);
}

/* The statement of an aggregate spec (also what build_query would show). */
static void
aggregate_build(QueryBuilder *qb, AggSpec *as, JNode *spec, WhereExpr *where)
{
	StringInfoData path;
	ListCell   *lc;
	bool		first = true;
	int			mark;
	int			a;
	JNode	   *v;

	initStringInfo(&path);
	appendStringInfoString(&path, "spec");
	appendStringInfoString(&qb->sql, "SELECT ");
	foreach(lc, as->groups)
	{
		GroupKey   *g = lfirst(lc);

		if (!first)
			appendStringInfoString(&qb->sql, ", ");
		first = false;
		emit_group_value(qb, g);
		appendStringInfo(&qb->sql, " AS %s", ignis_quote_ident(g->key));
	}
	if (as->count)
	{
		appendStringInfo(&qb->sql, "%spg_catalog.count(*) AS \"count\"", first ? "" : ", ");
		first = false;
	}
	for (a = 0; a < 4; a++)
	{
		bool		f2 = true;

		if (as->aggs[a] == NIL)
			continue;
		appendStringInfo(&qb->sql, "%spg_catalog.jsonb_build_object(", first ? "" : ", ");
		first = false;
		foreach(lc, as->aggs[a])
		{
			IgnisProperty *prop = lfirst(lc);

			appendStringInfo(&qb->sql, "%s%s::pg_catalog.text, ", f2 ? "" : ", ",
							 quote_literal_cstr(prop->name));
			f2 = false;
			emit_agg(qb, a, prop);
		}
		appendStringInfo(&qb->sql, ") AS %s", ignis_quote_ident(agg_names[a]));
	}
	appendStringInfo(&qb->sql, " FROM %s t0", as->model->rel_sql);
	mark = qb->sql.len;
	appendStringInfoString(&qb->sql, " WHERE ");
	if (!where_emit(qb, where, "t0"))
	{
		qb->sql.len = mark;
		qb->sql.data[mark] = '\0';
	}
	if (as->groups != NIL)
	{
		int			i;

		appendStringInfoString(&qb->sql, " GROUP BY ");
		for (i = 1; i <= list_length(as->groups); i++)
			appendStringInfo(&qb->sql, "%s%d", i > 1 ? ", " : "", i);
	}
	v = spec_get(spec, "having");
	if (v)
	{
		int			old = errpath_push_key(&path, "having");

		emit_having(qb, as, v, &path);
		errpath_pop(&path, old);
	}
	v = spec_get(spec, "order");
	{
		int			old = errpath_push_key(&path, "order");

		emit_agg_order(qb, as, v, &path);
		errpath_pop(&path, old);
	}
	emit_page_param(qb, spec, "limit", " LIMIT ");
	emit_page_param(qb, spec, "skip", " OFFSET ");
}

PG_FUNCTION_INFO_V1(ignis_aggregate);
Datum
ignis_aggregate(PG_FUNCTION_ARGS)
{
	IgnisModel *model = ignis_model_arg(fcinfo, 0);
	IgnisOptions opts;
	JNode	   *spec;
	AggSpec    *as;
	WhereExpr  *where;
	QueryBuilder qb;
	StringInfoData path;
	JNode	   *v;
	int			i,
				a;

	ignis_check_scope(model, OP_COUNT, "aggregate");
	options_parse(OP_COUNT, "ignis.aggregate", ARG_JSONB(2), &opts);
	if (opts.count_strategy_given && opts.count_strategy != COUNT_EXACT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: aggregates count exactly; options.countStrategy must be \"exact\""),
				 errhint("A planned count is ignis.count's option: the planner estimates rows, not groups.")));
	spec = ignis_arg_object(ARG_JSONB(1), "spec");
	initStringInfo(&path);
	appendStringInfoString(&path, "spec");
	for (i = 0; i < spec->n; i++)
	{
		int			k;
		bool		known = false;

		for (k = 0; k < (int) lengthof(spec_keys); k++)
			if (strcmp(spec->keys[i], spec_keys[k]) == 0)
				known = true;
		if (!known)
		{
			const char *best = closest_match(spec->keys[i], spec_keys, lengthof(spec_keys));

			errpath_push_key(&path, spec->keys[i]);
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: unknown aggregate key at %s", path.data),
					 best ? errhint("Did you mean \"%s\"?", best)
					 : errhint("Aggregate keys: where, groupBy, count, sum, avg, min, max, having, order, limit, skip.")));
		}
	}

	as = palloc0(sizeof(AggSpec));
	as->model = model;
	v = spec_get(spec, "where");
	if (v)
		filter_check_object(v, "spec.where");
	where = filter_parse_conditions(model, v ? v : jnode_object(0), "spec.where",
									opts.skip_default_filter);
	v = spec_get(spec, "groupBy");
	if (v)
	{
		int			old = errpath_push_key(&path, "groupBy");

		parse_group_by(as, v, &path);
		errpath_pop(&path, old);
	}
	v = spec_get(spec, "count");
	if (v)
	{
		if (v->type != JN_BOOL)
			spec_error("spec.count", "count must be true or false", NULL);
		as->count = v->b;
	}
	for (a = 0; a < 4; a++)
	{
		v = spec_get(spec, agg_names[a]);
		if (v)
		{
			int			old = errpath_push_key(&path, agg_names[a]);

			parse_agg_list(as, a, v, &path);
			errpath_pop(&path, old);
		}
	}
	if (as->groups == NIL && !as->count && as->aggs[0] == NIL && as->aggs[1] == NIL &&
		as->aggs[2] == NIL && as->aggs[3] == NIL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: spec asks for nothing to compute"),
				 errhint("Give \"count\": true, \"sum\", \"avg\", \"min\", \"max\" or \"groupBy\".")));

	qb_init(&qb);
	aggregate_build(&qb, as, spec, where);
	if (as->groups != NIL)
		qb.result = RESULT_ARRAY;
	else
	{
		qb.result = RESULT_OBJECT;
		qb.single_row = true;
	}
	PG_RETURN_DATUM(ignis_run(&qb, &opts, "ignis.aggregate", model, true));
}
