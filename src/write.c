/*-------------------------------------------------------------------------
 * write.c
 *	  The write path (write.md): create, create_all, update_*, delete_*,
 *	  restore_*.  Each call is validated completely, converted in C (so a
 *	  bad value is reported with its path before anything runs) and then
 *	  executed as one statement:
 *
 *	  WITH w AS (INSERT | UPDATE | DELETE ... RETURNING <visible columns>)
 *	  SELECT jsonb_build_object('count', <rows of w>, 'data', <rows as JSON>)
 *
 *	  create_all sends each column as one array parameter and inserts with
 *	  INSERT ... SELECT FROM unnest(...), so 10,000 rows are one statement
 *	  whose text does not depend on the row count.  Rows that lack a key
 *	  must get the column DEFAULT, so rows are grouped by their set of keys,
 *	  one INSERT per group, all in the same statement.
 *-------------------------------------------------------------------------
 */
#include "ignis.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/syscache.h"


#define ARG_JSONB(n) (PG_ARGISNULL(n) ? NULL : PG_GETARG_JSONB_P(n))

/* A converted value for one column. */
typedef struct ColValue
{
	Datum		value;
	bool		isnull;
	JNode	   *json;			/* the caller's value, for options.log */
} ColValue;

/* A JSON-path assignment of an update. */
typedef struct PathSet
{
	List	   *components;
	JNode	   *value;
} PathSet;

/* ---------------------------------------------------------------------------
 * Value conversion (write.md §2.1)
 * ---------------------------------------------------------------------------
 */
static void
flatten_array(IgnisProperty *prop, JNode *arr, int depth, int *dims, List **elems,
			  StringInfo path)
{
	int			i;

	check_stack_depth();
	if (depth >= MAXDIM)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: array nested too deeply at %s", path->data)));
	if (dims[depth] < 0)
		dims[depth] = arr->n;
	else if (dims[depth] != arr->n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: nested arrays must be rectangular at %s", path->data)));
	for (i = 0; i < arr->n; i++)
	{
		JNode	   *item = arr->items[i];
		int			old = errpath_push_index(path, i);

		if (item->type == JN_ARRAY)
			flatten_array(prop, item, depth + 1, dims, elems, path);
		else if (dims[depth + 1] >= 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: nested arrays must be rectangular at %s", path->data)));
		else if (item->type == JN_OBJECT)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: an object is not a valid element of array property \"%s\" at %s",
							prop->name, path->data)));
		else
		{
			ColValue   *cv = palloc(sizeof(ColValue));

			cv->isnull = item->type == JN_NULL;
			cv->value = cv->isnull ? (Datum) 0
				: ignis_convert_scalar(prop, prop->elemtypid, item, path->data);
			*elems = lappend(*elems, cv);
		}
		errpath_pop(path, old);
	}
}

/* Convert one data value for a column; errors name `path`. */
static ColValue
convert_value(IgnisProperty *prop, JNode *v, StringInfo path)
{
	ColValue	cv;

	cv.isnull = false;
	cv.json = v;
	if (v->type == JN_NULL)
	{
		cv.isnull = true;
		cv.value = (Datum) 0;
		return cv;
	}
	switch (prop->kind)
	{
		case PROP_JSON:
		case PROP_JSONB:
			cv.value = JsonbPGetDatum(jnode_to_jsonb(v));
			return cv;
		case PROP_ARRAY:
			{
				int			dims[MAXDIM + 1];
				int			lbs[MAXDIM];
				List	   *elems = NIL;
				int			ndim = 0;
				int			n,
							i;
				Datum	   *values;
				bool	   *nulls;
				ListCell   *lc;
				int16		typlen;
				bool		typbyval;
				char		typalign;

				if (v->type != JN_ARRAY)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("ignis: array property \"%s\" needs a JSON array, not %s, at %s",
									prop->name, jnode_type_name(v), path->data),
							 v->type == JN_OBJECT
							 ? errhint("Update operators such as {\"append\": 1} are allowed in the data of updates only.") : 0));
				for (i = 0; i <= MAXDIM; i++)
					dims[i] = -1;
				flatten_array(prop, v, 0, dims, &elems, path);
				while (ndim < MAXDIM && dims[ndim] >= 0)
					ndim++;
				n = list_length(elems);
				if (n == 0)
				{
					cv.value = PointerGetDatum(construct_empty_array(prop->elemtypid));
					return cv;
				}
				values = palloc(sizeof(Datum) * n);
				nulls = palloc(sizeof(bool) * n);
				i = 0;
				foreach(lc, elems)
				{
					ColValue   *e = lfirst(lc);

					values[i] = e->value;
					nulls[i++] = e->isnull;
				}
				for (i = 0; i < ndim; i++)
					lbs[i] = 1;
				get_typlenbyvalalign(prop->elemtypid, &typlen, &typbyval, &typalign);
				cv.value = PointerGetDatum(construct_md_array(values, nulls, ndim, dims, lbs,
															  prop->elemtypid, typlen,
															  typbyval, typalign));
				return cv;
			}
		default:
			if (v->type == JN_OBJECT || v->type == JN_ARRAY)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("ignis: property \"%s\" (%s) takes a string, number or boolean, not %s, at %s",
								prop->name, prop->type_display, jnode_type_name(v), path->data),
						 v->type == JN_OBJECT
						 ? errhint("Update operators such as {\"increment\": 1} are allowed in the data of updates of numeric and array properties only.") : 0));
			cv.value = ignis_convert_scalar(prop, prop->typid, v, path->data);
			return cv;
	}
}

static void
check_data_object(JNode *v, const char *path)
{
	if (v->type != JN_OBJECT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: %s must be a JSON object, not %s", path, jnode_type_name(v))));
}

static JNode *
data_arg(FunctionCallInfo fcinfo, int argno)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("ignis: data must not be NULL")));
	return jnode_from_jsonb(PG_GETARG_JSONB_P(argno));
}

/* ---------------------------------------------------------------------------
 * RETURNING and the result object
 * ---------------------------------------------------------------------------
 */

/* RETURNING list: the primary key for ordering, then visible columns. */
static void
emit_returning(QueryBuilder *qb, IgnisModel *model, bool should_return)
{
	int			i;
	bool		first = true;

	appendStringInfoString(&qb->sql, " RETURNING ");
	if (qb->check_scope && ignis_scope_applies(model))
	{
		/* rows written outside the model's scope filter, counted by emit_result */
		appendStringInfoString(&qb->sql, "NOT COALESCE(");
		if (!where_emit(qb, ignis_scope_apply(model, NULL), "t0"))
			appendStringInfoString(&qb->sql, "true");
		appendStringInfoString(&qb->sql, ", false) AS \"?outside\", ");
		qb->scope_checked = model->name;
	}
	if (!should_return)
	{
		appendStringInfoString(&qb->sql, "1");
		return;
	}
	if (model->pk >= 0)
	{
		appendStringInfo(&qb->sql, "t0.%s AS \"?o\"", model->props[model->pk].column_sql);
		first = false;
	}
	for (i = 0; i < model->nprops; i++)
	{
		if (model->props[i].hidden)
			continue;
		appendStringInfo(&qb->sql, "%st0.%s AS %s", first ? "" : ", ",
						 model->props[i].column_sql, model->props[i].name_sql);
		first = false;
	}
	if (first)
		appendStringInfoString(&qb->sql, "1");
}

static void
emit_visible_columns(QueryBuilder *qb, IgnisModel *model, const char *alias)
{
	int			i;
	bool		first = true;

	for (i = 0; i < model->nprops; i++)
	{
		if (model->props[i].hidden)
			continue;
		appendStringInfo(&qb->sql, "%s%s.%s", first ? "" : ", ", alias,
						 model->props[i].name_sql);
		first = false;
	}
}

typedef enum ResultShape
{
	RESULT_ONE,					/* data: one row object or null */
	RESULT_MANY_PK,				/* data: array ordered by primary key */
	RESULT_MANY_INPUT			/* data: array in insertion order */
} ResultShape;

/* SELECT jsonb_build_object('count', ..., 'data', ...) over CTE w. */
static void
emit_result(QueryBuilder *qb, IgnisModel *model, ResultShape shape, bool should_return)
{
	appendStringInfoString(&qb->sql,
						   " SELECT pg_catalog.jsonb_build_object('count', (SELECT pg_catalog.count(*) FROM w), 'data', ");
	if (!should_return)
		appendStringInfoString(&qb->sql, "NULL::pg_catalog.jsonb");
	else if (shape == RESULT_ONE)
	{
		appendStringInfoString(&qb->sql, "(SELECT pg_catalog.to_jsonb(x) FROM (SELECT ");
		emit_visible_columns(qb, model, "w");
		appendStringInfoString(&qb->sql, " FROM w LIMIT 1) x)");
	}
	else
	{
		appendStringInfoString(&qb->sql,
							   "(SELECT COALESCE(pg_catalog.jsonb_agg(x), '[]'::pg_catalog.jsonb) FROM (SELECT ");
		emit_visible_columns(qb, model, "w");
		appendStringInfoString(&qb->sql, " FROM w");
		if (shape == RESULT_MANY_PK && model->pk >= 0)
			appendStringInfoString(&qb->sql, " ORDER BY w.\"?o\"");

		appendStringInfoString(&qb->sql, ") x)");
	}
	appendStringInfoChar(&qb->sql, ')');
	if (qb->scope_checked)
		appendStringInfoString(&qb->sql,
							   ", (SELECT pg_catalog.count(*) FROM w WHERE w.\"?outside\")");
}

/* ---------------------------------------------------------------------------
 * create / create_all
 * ---------------------------------------------------------------------------
 */

/*
 * The converted rows of a create: per row and property a value, or absent
 * (the column DEFAULT applies).
 */
typedef struct CreateRows
{
	int			nrows;
	ColValue  **rows;			/* rows[r][property] */
	bool	  **has;			/* has[r][property] */
	bool	   *any;			/* some row gives the property */
	bool		uniform;		/* every row gives the same properties */
} CreateRows;

static ColValue *
convert_row(IgnisModel *model, JNode *row, bool *has, StringInfo path)
{
	ColValue   *vals = palloc0(sizeof(ColValue) * Max(model->nprops, 1));
	int			i;

	check_data_object(row, path->data);
	for (i = 0; i < row->n; i++)
	{
		const char *key = row->keys[i];
		int			old = errpath_push_key(path, key);
		int			idx;

		if (strpbrk(key, ".[") != NULL && ignis_model_find_prop(model, key) < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: JSON-path keys are only allowed in updates, at %s", path->data),
					 errhint("Give the whole document in create, or update the path afterwards.")));
		idx = ignis_prop_or_error(model, key, path->data);
		vals[idx] = convert_value(&model->props[idx], row->items[i], path);
		has[idx] = true;
		errpath_pop(path, old);
	}
	return vals;
}

/*
 * Convert the rows of data (an array when many, else one object) into cr;
 * path is "data".
 */
static void
convert_rows(IgnisModel *model, JNode *data, bool many, CreateRows *cr, StringInfo path)
{
	int			n = model->nprops;
	int			r,
				i;

	memset(cr, 0, sizeof(CreateRows));
	cr->nrows = many ? data->n : 1;
	cr->rows = palloc(sizeof(ColValue *) * Max(cr->nrows, 1));
	cr->has = palloc(sizeof(bool *) * Max(cr->nrows, 1));
	cr->any = palloc0(sizeof(bool) * Max(n, 1));
	cr->uniform = true;
	for (r = 0; r < cr->nrows; r++)
	{
		int			old = many ? errpath_push_index(path, r) : path->len;

		CHECK_FOR_INTERRUPTS();
		cr->has[r] = palloc0(sizeof(bool) * Max(n, 1));
		cr->rows[r] = convert_row(model, many ? data->items[r] : data, cr->has[r], path);
		for (i = 0; i < n; i++)
			cr->any[i] |= cr->has[r][i];
		if (r > 0 && memcmp(cr->has[r], cr->has[0], sizeof(bool) * n) != 0)
			cr->uniform = false;
		errpath_pop(path, old);
	}
}

/* Array columns and columns without an array type travel as text. */
static bool
column_as_text(IgnisProperty *prop)
{
	return prop->kind == PROP_ARRAY || !OidIsValid(prop->arraytypid);
}

/* One column of every row as one array parameter; returns its number. */
static int
column_array_param(QueryBuilder *qb, IgnisProperty *prop, CreateRows *cr, int col)
{
	int			n = cr->nrows;
	Datum	   *elems = palloc(sizeof(Datum) * Max(n, 1));
	bool	   *nulls = palloc(sizeof(bool) * Max(n, 1));
	JNode	   *json = jnode_array(n);
	Oid			elemtype;
	Oid			arraytype;
	Oid			typoutput = InvalidOid;
	bool		varlena;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	int			dims[1];
	int			lbs[1] = {1};
	int			r;

	if (column_as_text(prop))
	{
		/* unnest would flatten arrays of arrays: send array literals */
		getTypeOutputInfo(prop->typid, &typoutput, &varlena);
		elemtype = TEXTOID;
		arraytype = TEXTARRAYOID;
	}
	else
	{
		elemtype = prop->kind == PROP_JSON ? JSONBOID : prop->typid;
		arraytype = prop->kind == PROP_JSON ? JSONBARRAYOID : prop->arraytypid;
	}
	for (r = 0; r < n; r++)
	{
		ColValue   *v = &cr->rows[r][col];

		nulls[r] = !cr->has[r][col] || v->isnull;
		elems[r] = nulls[r] ? (Datum) 0
			: OidIsValid(typoutput) ? CStringGetTextDatum(OidOutputFunctionCall(typoutput, v->value))
			: v->value;
		jnode_append(json, v->json ? v->json : jnode_new(JN_NULL));
	}
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	dims[0] = n;
	return qb_param(qb, arraytype,
					PointerGetDatum(construct_md_array(elems, nulls, 1, dims, lbs, elemtype,
													   typlen, typbyval, typalign)),
					false, json);
}

/* A converted value as a parameter of the column's type (json travels as jsonb). */
static void
emit_value_param(QueryBuilder *qb, IgnisProperty *prop, ColValue *v)
{
	qb_append_new_param(qb, prop->kind == PROP_JSON ? JSONBOID : prop->typid,
						v->value, v->isnull, v->json);
	if (prop->kind == PROP_JSON)
		appendStringInfoString(&qb->sql, "::pg_catalog.json");
}

/* A value read from a text or jsonb carrier, cast back to the column type. */
static void
emit_carrier_cast(QueryBuilder *qb, IgnisProperty *prop)
{
	if (column_as_text(prop) || prop->kind == PROP_JSON)
		appendStringInfo(&qb->sql, "::%s", prop->type_sql);
}

/*
 * INSERT INTO rel AS t0 (columns) followed by, for one row, VALUES of one
 * parameter per value; for rows with the same keys, a SELECT over
 * ROWS FROM (unnest($1), unnest($2), ...), whose text does not depend on the
 * row count; for rows with different keys, a VALUES list with one parameter
 * per value and DEFAULT where a row lacks a key (one INSERT, so defaults and
 * identities are assigned in input order).
 */
/* One row of a VALUES list: a parameter per value, DEFAULT where the row has no key. */
static void
emit_values_row(QueryBuilder *qb, IgnisModel *model, CreateRows *cr, int r)
{
	ColValue   *row = cr->rows[r];
	bool		first = true;
	int			i;

	appendStringInfoChar(&qb->sql, '(');
	for (i = 0; i < model->nprops; i++)
	{
		IgnisProperty *prop = &model->props[i];

		if (!cr->any[i])
			continue;
		if (!first)
			appendStringInfoString(&qb->sql, ", ");
		first = false;
		if (!cr->has[r][i])
		{
			appendStringInfoString(&qb->sql, "DEFAULT");
			continue;
		}
		qb_append_new_param(qb, prop->kind == PROP_JSON ? JSONBOID : prop->typid,
							row[i].value, row[i].isnull, row[i].json);
		if (prop->kind == PROP_JSON)
			appendStringInfoString(&qb->sql, "::pg_catalog.json");
	}
	appendStringInfoChar(&qb->sql, ')');
}

static void
emit_insert(QueryBuilder *qb, IgnisModel *model, CreateRows *cr, bool single_row,
			bool should_return)
{
	int			n = model->nprops;
	int			i,
				r;
	int			ncols = 0;
	bool		first = true;

	qb->check_scope = true;	/* new rows must be inside the scope filter */

	for (i = 0; i < n; i++)
		if (cr->any[i])
			ncols++;
	appendStringInfo(&qb->sql, "INSERT INTO %s AS t0", model->rel_sql);
	if (ncols == 0)
	{
		if (single_row)
			appendStringInfoString(&qb->sql, " DEFAULT VALUES");
		else
		{
			JNode	   *j = jnode_new(JN_NUMBER);

			j->str = psprintf("%d", cr->nrows);
			appendStringInfoString(&qb->sql, " SELECT FROM pg_catalog.generate_series(1, ");
			qb_append_new_param(qb, INT4OID, Int32GetDatum(cr->nrows), false, j);
			appendStringInfoChar(&qb->sql, ')');
		}
		emit_returning(qb, model, should_return);
		return;
	}
	appendStringInfoString(&qb->sql, " (");
	for (i = 0; i < n; i++)
		if (cr->any[i])
		{
			appendStringInfo(&qb->sql, "%s%s", first ? "" : ", ", model->props[i].column_sql);
			first = false;
		}
	appendStringInfoChar(&qb->sql, ')');

	if (single_row)
	{
		appendStringInfoString(&qb->sql, " VALUES ");
		emit_values_row(qb, model, cr, 0);
		emit_returning(qb, model, should_return);
		return;
	}

	if (cr->uniform)
	{
		appendStringInfoString(&qb->sql, " SELECT ");
		first = true;
		for (i = 0; i < n; i++)
		{
			if (!cr->any[i])
				continue;
			appendStringInfo(&qb->sql, "%su.c%d", first ? "" : ", ", i);
			emit_carrier_cast(qb, &model->props[i]);
			first = false;
		}
		appendStringInfoString(&qb->sql, " FROM ROWS FROM (");
		first = true;
		for (i = 0; i < n; i++)
		{
			if (!cr->any[i])
				continue;
			appendStringInfoString(&qb->sql, first ? "pg_catalog.unnest(" : ", pg_catalog.unnest(");
			qb_append_param(qb, column_array_param(qb, &model->props[i], cr, i));
			appendStringInfoChar(&qb->sql, ')');
			first = false;
		}
		appendStringInfoString(&qb->sql, ") AS u(");
		first = true;
		for (i = 0; i < n; i++)
		{
			if (!cr->any[i])
				continue;
			appendStringInfo(&qb->sql, "%sc%d", first ? "" : ", ", i);
			first = false;
		}
		appendStringInfoChar(&qb->sql, ')');
		emit_returning(qb, model, should_return);
		return;
	}

	/*
	 * One parameter per value: a column array subscripted per row would be
	 * copied into the plan once per row as a constant (quadratic memory: 40,000
	 * rows of two key sets took 19 GB), so memory stays linear in the data.
	 */
	appendStringInfoString(&qb->sql, " VALUES ");
	qb->no_cache = true;		/* the text grows with the rows: not worth a plan */
	for (r = 0; r < cr->nrows; r++)
	{
		CHECK_FOR_INTERRUPTS();
		appendStringInfoString(&qb->sql, r ? ", " : "");
		emit_values_row(qb, model, cr, r);
	}
	emit_returning(qb, model, should_return);
}

static bool has_nested(IgnisModel *model, JNode *obj);
static Datum nested_create(IgnisModel *model, JNode *data, bool all, IgnisOptions *opts,
						   const char *fname);

static Datum
do_create(FunctionCallInfo fcinfo, bool all)
{
	IgnisModel *model = ignis_model_arg(fcinfo, 0);
	const char *fname = all ? "ignis.create_all" : "ignis.create";
	IgnisOptions opts;
	JNode	   *data;
	CreateRows	cr;
	QueryBuilder qb;
	StringInfoData path;

	ignis_check_scope(model, all ? OP_CREATE_ALL : OP_CREATE, all ? "create_all" : "create");
	data = data_arg(fcinfo, 1);
	options_parse(all ? OP_CREATE_ALL : OP_CREATE, fname, ARG_JSONB(2), &opts);

	initStringInfo(&path);
	appendStringInfoString(&path, "data");
	if (all && data->type != JN_ARRAY)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: data must be a JSON array of objects, not %s", jnode_type_name(data))));
	if (!all)
		check_data_object(data, "data");

	if ((all ? data->n : 1) == 0)
	{
		/* D22: nothing to insert, nothing executed */
		PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(opts.should_return
																	  ? "{\"count\": 0, \"data\": []}"
																	  : "{\"count\": 0, \"data\": null}")));
	}
	/* related rows under relation names: nested create */
	{
		int			r;

		for (r = 0; r < (all ? data->n : 1); r++)
			if (has_nested(model, all ? data->items[r] : data))
				PG_RETURN_DATUM(nested_create(model, data, all, &opts, fname));
	}
	convert_rows(model, data, all, &cr, &path);

	qb_init(&qb);
	appendStringInfoString(&qb.sql, "WITH w AS (");
	emit_insert(&qb, model, &cr, !all, opts.should_return);
	appendStringInfoChar(&qb.sql, ')');
	emit_result(&qb, model, all ? RESULT_MANY_INPUT : RESULT_ONE, opts.should_return);
	PG_RETURN_DATUM(ignis_run(&qb, &opts, fname, model, false));
}

PG_FUNCTION_INFO_V1(ignis_create);
Datum
ignis_create(PG_FUNCTION_ARGS)
{
	return do_create(fcinfo, false);
}

PG_FUNCTION_INFO_V1(ignis_create_all);
Datum
ignis_create_all(PG_FUNCTION_ARGS)
{
	return do_create(fcinfo, true);
}

/* ---------------------------------------------------------------------------
 * The where of updates, deletes and restores
 * ---------------------------------------------------------------------------
 */

/* {"<pk>": id} for the *_by_id functions. */
static JNode *
id_where(IgnisModel *model, const char *id)
{
	JNode	   *w = jnode_object(1);

	if (model->pk < 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("ignis: model \"%s\" has no primary key", model->name),
				 errhint("Set settings.primaryKey when registering the model.")));
	ignis_check_id(model, id);
	jnode_put(w, model->props[model->pk].name, jnode_string(id));
	return w;
}

/*
 * Validate the caller's where, apply empty-where protection (D12) on it,
 * and return the where to run: merged with the default filter unless
 * skipped; for restores the soft-delete key of the default is dropped and
 * "deleted" is required (D15).
 */
static WhereExpr *
write_where(IgnisModel *model, JNode *conditions, const char *argname, IgnisOptions *opts,
			const char *verb, const char *fname, bool guard, bool restore)
{
	StringInfoData path;
	WhereExpr  *own;
	JNode	   *defaults = NULL;
	JNode	   *merged = conditions;

	initStringInfo(&path);
	appendStringInfoString(&path, argname);
	own = where_parse(model, conditions, &path);
	if (guard && where_is_empty(own))
	{
		if (!opts->force)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: refusing to %s every row of model \"%s\" without options.force",
							verb, model->name),
					 errhint("Give a condition, or pass '{\"force\": true}' as options.")));
		ereport(WARNING,
				(errmsg("ignis: %s on model \"%s\" with empty condition (force)", fname + 6,
						model->name)));
	}

	if (!opts->skip_default_filter && model->default_filter)
	{
		defaults = jnode_get(ignis_default_filter(model), "where");
		if (restore && defaults && defaults->type == JN_OBJECT)
		{
			JNode	   *copy = jnode_object(defaults->n);
			const char *sd = model->props[model->soft_delete].name;
			int			i;

			for (i = 0; i < defaults->n; i++)
				if (strcmp(defaults->keys[i], sd) != 0)
					jnode_add(copy, defaults->keys[i], defaults->items[i]);
			defaults = copy;
		}
		merged = filter_merge_where(defaults, conditions);
	}
	if (restore)
	{
		/* always: only rows that are soft-deleted */
		JNode	   *deleted = jnode_object(1);
		JNode	   *isn = jnode_object(1);
		JNode	   *both = jnode_object(1);
		JNode	   *list = jnode_array(2);

		jnode_put(isn, "isNotNull", jnode_new(JN_BOOL));
		jnode_get(isn, "isNotNull")->b = true;
		jnode_put(deleted, model->props[model->soft_delete].name, isn);
		jnode_append(list, merged ? merged : jnode_object(0));
		jnode_append(list, deleted);
		jnode_put(both, "and", list);
		merged = both;
	}
	if (merged == conditions)
		return ignis_scope_apply(model, own);
	resetStringInfo(&path);
	appendStringInfoString(&path, argname);
	return ignis_scope_apply(model, where_parse(model, merged, &path));
}

static void
emit_where(QueryBuilder *qb, WhereExpr *where)
{
	int			mark = qb->sql.len;

	appendStringInfoString(&qb->sql, " WHERE ");
	if (!where_emit(qb, where, "t0"))
	{
		qb->sql.len = mark;
		qb->sql.data[mark] = '\0';
	}
}

/* ---------------------------------------------------------------------------
 * Updates
 * ---------------------------------------------------------------------------
 */
static int
cmp_pathset(const void *a, const void *b)
{
	const PathSet *pa = *(PathSet *const *) a;
	const PathSet *pb = *(PathSet *const *) b;
	ListCell   *la,
			   *lb;

	if (list_length(pa->components) != list_length(pb->components))
		return list_length(pa->components) - list_length(pb->components);
	forboth(la, pa->components, lb, pb->components)
	{
		int			c = strcmp((char *) lfirst(la), (char *) lfirst(lb));

		if (c != 0)
			return c;
	}
	return 0;
}

/*
 * Atomic update operators (decision 42): {"views": {"increment": 1}} on a
 * numeric property, {"tags": {"append": "x"}} on an array property.  Each
 * becomes one expression over the row's current value, so concurrent
 * updates of the same row never lose one another's change.
 */
typedef enum UpdateOpKind
{
	UOP_NONE,
	UOP_INCREMENT,
	UOP_DECREMENT,
	UOP_MULTIPLY,
	UOP_DIVIDE,
	UOP_APPEND,
	UOP_PREPEND,
	UOP_REMOVE
} UpdateOpKind;

static const char *const update_op_names[] = {
	"increment", "decrement", "multiply", "divide", "append", "prepend", "remove"
};

typedef struct UpdateOp
{
	UpdateOpKind kind;
	ColValue	operand;		/* number or array of the column's type */
	List	   *elems;			/* UOP_REMOVE: ColValue* of the element type */
} UpdateOp;

static bool
prop_is_numeric(IgnisProperty *prop)
{
	switch (prop->basetypid)
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case NUMERICOID:
		case FLOAT4OID:
		case FLOAT8OID:
			return true;
		default:
			return false;
	}
}

/* One element of an array operand, converted with the element type. */
static ColValue *
convert_element(IgnisProperty *prop, JNode *v, StringInfo path)
{
	ColValue   *cv = palloc0(sizeof(ColValue));

	if (v->type == JN_OBJECT || v->type == JN_ARRAY)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: %s is not a valid element of array property \"%s\" at %s",
						v->type == JN_OBJECT ? "an object" : "an array", prop->name, path->data)));
	cv->json = v;
	cv->isnull = v->type == JN_NULL;
	if (!cv->isnull)
		cv->value = ignis_convert_scalar(prop, prop->elemtypid, v, path->data);
	return cv;
}

/* The operator object given for a non-JSON property; path is data.<key>. */
static void
parse_update_op(IgnisProperty *prop, JNode *obj, StringInfo path, UpdateOp *out)
{
	const char *name;
	JNode	   *operand;
	int			k = -1;
	int			i,
				old;

	/*
	 * A property no operator applies to reports the object as a value of
	 * the wrong kind, unless it names an operator.
	 */
	if (!prop_is_numeric(prop) && prop->kind != PROP_ARRAY)
	{
		for (i = 0; obj->n == 1 && i < (int) lengthof(update_op_names); i++)
			if (strcmp(obj->keys[0], update_op_names[i]) == 0)
				k = i;
		if (k < 0)
			(void) convert_value(prop, obj, path);
		k = -1;
	}
	if (obj->n != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 obj->n == 0
				 ? errmsg("ignis: the update operator object of property \"%s\" is empty at %s",
						  prop->name, path->data)
				 : errmsg("ignis: property \"%s\" takes one update operator, not %d, at %s",
						  prop->name, obj->n, path->data),
				 errhint("Update operators are increment, decrement, multiply and divide on numbers, append, prepend and remove on arrays.")));
	name = obj->keys[0];
	operand = obj->items[0];
	old = errpath_push_key(path, name);
	for (i = 0; i < (int) lengthof(update_op_names); i++)
		if (strcmp(name, update_op_names[i]) == 0)
			k = i;
	if (k < 0)
	{
		const char *best = closest_match(name, update_op_names, lengthof(update_op_names));

		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: unknown update operator \"%s\" at %s", name, path->data),
				 best ? errhint("Did you mean \"%s\"?", best)
				 : errhint("Update operators are increment, decrement, multiply and divide on numbers, append, prepend and remove on arrays.")));
	}
	out->kind = (UpdateOpKind) (k + 1);
	out->operand.json = operand;
	if (out->kind <= UOP_DIVIDE)
	{
		if (!prop_is_numeric(prop))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: update operator \"%s\" needs a numeric property, and \"%s\" is %s, at %s",
							name, prop->name, prop->type_display, path->data),
					 prop->kind == PROP_ARRAY
					 ? errhint("Array properties take append, prepend and remove.") : 0));
		if (operand->type != JN_NUMBER && operand->type != JN_STRING)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: update operator \"%s\" takes a number, not %s, at %s",
							name, jnode_type_name(operand), path->data)));
		out->operand.value = ignis_convert_scalar(prop, prop->typid, operand, path->data);
	}
	else
	{
		if (prop->kind != PROP_ARRAY)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: update operator \"%s\" needs an array property, and \"%s\" is %s, at %s",
							name, prop->name, prop->type_display, path->data),
					 prop_is_numeric(prop)
					 ? errhint("Numeric properties take increment, decrement, multiply and divide.") : 0));
		if (out->kind == UOP_REMOVE)
		{
			if (operand->type == JN_ARRAY)
			{
				if (operand->n == 0)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("ignis: update operator \"remove\" needs at least one element at %s",
									path->data)));
				for (i = 0; i < operand->n; i++)
				{
					int			o = errpath_push_index(path, i);

					CHECK_FOR_INTERRUPTS();
					out->elems = lappend(out->elems, convert_element(prop, operand->items[i], path));
					errpath_pop(path, o);
				}
			}
			else
				out->elems = list_make1(convert_element(prop, operand, path));
		}
		else if (operand->type == JN_ARRAY)
			out->operand = convert_value(prop, operand, path);
		else
		{
			/* one element: a one-element array of the column's type */
			ColValue   *e = convert_element(prop, operand, path);
			int			dims[1] = {1};
			int			lbs[1] = {1};
			int16		typlen;
			bool		typbyval;
			char		typalign;

			get_typlenbyvalalign(prop->elemtypid, &typlen, &typbyval, &typalign);
			out->operand.isnull = false;
			out->operand.value =
				PointerGetDatum(construct_md_array(&e->value, &e->isnull, 1, dims, lbs,
												   prop->elemtypid, typlen, typbyval,
												   typalign));
		}
	}
	errpath_pop(path, old);
}

/* col = <expression over t0.col> for an update operator. */
static void
emit_update_op(QueryBuilder *qb, IgnisProperty *prop, UpdateOp *op)
{
	static const char *const arith[] = {"+", "-", "*", "/"};
	ListCell   *lc;
	int			i;

	switch (op->kind)
	{
		case UOP_INCREMENT:
		case UOP_DECREMENT:
		case UOP_MULTIPLY:
		case UOP_DIVIDE:
			appendStringInfo(&qb->sql, "t0.%s OPERATOR(pg_catalog.%s) ", prop->column_sql,
							 arith[op->kind - UOP_INCREMENT]);
			qb_append_new_param(qb, prop->typid, op->operand.value, false, op->operand.json);
			break;
		case UOP_APPEND:
			appendStringInfo(&qb->sql, "pg_catalog.array_cat(t0.%s, ", prop->column_sql);
			qb_append_new_param(qb, prop->typid, op->operand.value, op->operand.isnull,
								op->operand.json);
			appendStringInfoChar(&qb->sql, ')');
			break;
		case UOP_PREPEND:
			appendStringInfoString(&qb->sql, "pg_catalog.array_cat(");
			qb_append_new_param(qb, prop->typid, op->operand.value, op->operand.isnull,
								op->operand.json);
			appendStringInfo(&qb->sql, ", t0.%s)", prop->column_sql);
			break;
		case UOP_REMOVE:
			for (i = 0; i < list_length(op->elems); i++)
				appendStringInfoString(&qb->sql, "pg_catalog.array_remove(");
			appendStringInfo(&qb->sql, "t0.%s", prop->column_sql);
			foreach(lc, op->elems)
			{
				ColValue   *e = lfirst(lc);

				appendStringInfoString(&qb->sql, ", ");
				qb_append_new_param(qb, prop->elemtypid, e->value, e->isnull, e->json);
				appendStringInfoChar(&qb->sql, ')');
			}
			break;
		case UOP_NONE:
			elog(ERROR, "ignis: no update operator");
	}
}

/* SET list of an update: regular keys, then JSON-path keys (D14). */
static void
emit_set_list(QueryBuilder *qb, IgnisModel *model, JNode *data)
{
	int			n = model->nprops;
	ColValue   *whole = palloc0(sizeof(ColValue) * Max(n, 1));
	bool	   *has_whole = palloc0(sizeof(bool) * Max(n, 1));
	List	  **paths = palloc0(sizeof(List *) * Max(n, 1));
	UpdateOp   *ops = palloc0(sizeof(UpdateOp) * Max(n, 1));
	StringInfoData path;
	bool		first = true;
	int			i;

	initStringInfo(&path);
	appendStringInfoString(&path, "data");
	check_data_object(data, "data");
	if (data->n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: update data is empty"),
				 errhint("Give at least one property to change.")));

	for (i = 0; i < data->n; i++)
	{
		const char *key = data->keys[i];
		int			old = errpath_push_key(&path, key);
		int			idx = ignis_model_find_prop(model, key);

		CHECK_FOR_INTERRUPTS();
		if (idx < 0 && strpbrk(key, ".[") != NULL)
		{
			const char *rest;
			IgnisProperty *prop = ignis_json_path_prop(model, key, &rest, path.data);
			PathSet    *ps = palloc(sizeof(PathSet));

			ps->components = ignis_parse_json_path(rest, path.data);
			ps->value = data->items[i];
			idx = prop - model->props;
			/* each path is one nested ignis._set_path call of the statement */
			if (list_length(paths[idx]) >= ignis_max_update_paths)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("ignis: more than %d JSON-path keys for property \"%s\" at %s",
								ignis_max_update_paths, prop->name, path.data),
						 errhint("Update the document as a whole, or raise ignis.max_update_paths.")));
			paths[idx] = lappend(paths[idx], ps);
		}
		else
		{
			IgnisProperty *prop;

			idx = ignis_prop_or_error(model, key, path.data);
			prop = &model->props[idx];
			if (data->items[i]->type == JN_OBJECT && prop->kind != PROP_JSON &&
				prop->kind != PROP_JSONB)
				parse_update_op(prop, data->items[i], &path, &ops[idx]);
			else
				whole[idx] = convert_value(prop, data->items[i], &path);
			has_whole[idx] = true;
		}
		errpath_pop(&path, old);
	}

	appendStringInfoString(&qb->sql, " SET ");
	for (i = 0; i < n; i++)
	{
		IgnisProperty *prop = &model->props[i];
		PathSet   **sorted;
		ListCell   *lc;
		int			k,
					np;

		if (!has_whole[i] && paths[i] == NIL)
			continue;
		appendStringInfo(&qb->sql, "%s%s = ", first ? "" : ", ", prop->column_sql);
		first = false;
		if (ops[i].kind != UOP_NONE)
		{
			emit_update_op(qb, prop, &ops[i]);
			continue;
		}
		if (paths[i] == NIL)
		{
			emit_value_param(qb, prop, &whole[i]);
			continue;
		}

		/* ignis._set_path(ignis._set_path(base, p1, v1, name), p2, v2, name) */
		np = list_length(paths[i]);
		sorted = palloc(sizeof(PathSet *) * np);
		k = 0;
		foreach(lc, paths[i])
			sorted[k++] = lfirst(lc);
		qsort(sorted, np, sizeof(PathSet *), cmp_pathset);
		appendStringInfoChar(&qb->sql, '(');
		for (k = 0; k < np; k++)
			appendStringInfoString(&qb->sql, "ignis._set_path(");
		/*
		 * The base document, {} when it is SQL NULL or JSON null.  Written
		 * as a searched CASE with a qualified operator: NULLIF would look
		 * "=" up through the caller's search_path.
		 */
		{
			int			wparam = has_whole[i]
				? qb_param(qb, JSONBOID, whole[i].value, whole[i].isnull, whole[i].json) : 0;

			for (int part = 0; part < 3; part++)
			{
				appendStringInfoString(&qb->sql, part == 0 ? "CASE WHEN "
									   : part == 1 ? " IS NULL OR " : " OPERATOR(pg_catalog.=) 'null'::pg_catalog.jsonb THEN '{}'::pg_catalog.jsonb ELSE ");
				if (wparam)
					qb_append_param(qb, wparam);
				else
					appendStringInfo(&qb->sql, prop->kind == PROP_JSON ? "t0.%s::pg_catalog.jsonb" : "t0.%s",
									 prop->column_sql);
			}
			appendStringInfoString(&qb->sql, " END");
		}
		for (k = 0; k < np; k++)
		{
			appendStringInfoString(&qb->sql, ", ");
			qb_append_param(qb, qb_path_param(qb, sorted[k]->components));
			appendStringInfoString(&qb->sql, ", ");
			qb_append_new_param(qb, JSONBOID, JsonbPGetDatum(jnode_to_jsonb(sorted[k]->value)),
								false, sorted[k]->value);
			appendStringInfo(&qb->sql, ", %s)", quote_literal_cstr(prop->name));
		}
		appendStringInfoChar(&qb->sql, ')');
		if (prop->kind == PROP_JSON)
			appendStringInfoString(&qb->sql, "::pg_catalog.json");
	}
}

static Datum
do_update(FunctionCallInfo fcinfo, bool by_id)
{
	IgnisModel *model = ignis_model_arg(fcinfo, 0);
	const char *fname = by_id ? "ignis.update_by_id" : "ignis.update_all";
	IgnisOptions opts;
	JNode	   *data;
	JNode	   *conditions;
	WhereExpr  *where;
	QueryBuilder qb;

	ignis_check_scope(model, by_id ? OP_UPDATE_BY_ID : OP_UPDATE_ALL,
					  by_id ? "update_by_id" : "update_all");
	options_parse(by_id ? OP_UPDATE_BY_ID : OP_UPDATE_ALL, fname, ARG_JSONB(3), &opts);
	if (by_id)
		conditions = id_where(model, ignis_id_arg(fcinfo, 1));
	else
		conditions = ignis_arg_object(ARG_JSONB(2), "conditions");
	data = data_arg(fcinfo, by_id ? 2 : 1);

	qb_init(&qb);
	appendStringInfo(&qb.sql, "WITH w AS (UPDATE %s AS t0", model->rel_sql);
	emit_set_list(&qb, model, data);
	where = write_where(model, conditions, by_id ? "id" : "conditions", &opts, "update",
						fname, !by_id, false);
	emit_where(&qb, where);
	qb.check_scope = true;		/* updated rows must stay inside the scope filter */
	emit_returning(&qb, model, opts.should_return);
	appendStringInfoChar(&qb.sql, ')');
	emit_result(&qb, model, by_id ? RESULT_ONE : RESULT_MANY_PK, opts.should_return);
	PG_RETURN_DATUM(ignis_run(&qb, &opts, fname, model, false));
}

PG_FUNCTION_INFO_V1(ignis_update_by_id);
Datum
ignis_update_by_id(PG_FUNCTION_ARGS)
{
	return do_update(fcinfo, true);
}

PG_FUNCTION_INFO_V1(ignis_update_all);
Datum
ignis_update_all(PG_FUNCTION_ARGS)
{
	return do_update(fcinfo, false);
}

/* ---------------------------------------------------------------------------
 * Deletes and restores
 * ---------------------------------------------------------------------------
 */
static Datum
do_delete(FunctionCallInfo fcinfo, bool by_id, bool restore)
{
	IgnisModel *model = ignis_model_arg(fcinfo, 0);
	const char *fname = restore ? (by_id ? "ignis.restore_by_id" : "ignis.restore_all")
		: (by_id ? "ignis.delete_by_id" : "ignis.delete_all");
	IgnisOp		op = restore ? (by_id ? OP_RESTORE_BY_ID : OP_RESTORE_ALL)
		: (by_id ? OP_DELETE_BY_ID : OP_DELETE_ALL);
	IgnisOptions opts;
	JNode	   *conditions;
	WhereExpr  *where;
	QueryBuilder qb;
	bool		soft;

	ignis_check_scope(model, op, fname + 6);
	options_parse(op, fname, ARG_JSONB(2), &opts);
	if (restore && model->soft_delete < 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("ignis: model \"%s\" has no soft delete to restore from", model->name),
				 errhint("Enable it with settings.softDelete when registering the model.")));
	if (by_id)
		conditions = id_where(model, ignis_id_arg(fcinfo, 1));
	else
		conditions = ignis_arg_object(ARG_JSONB(1), "conditions");
	soft = model->soft_delete >= 0 && !opts.hard_delete;

	where = write_where(model, conditions, by_id ? "id" : "conditions", &opts,
						restore ? "restore" : "delete", fname, !by_id, restore);

	qb_init(&qb);
	if (restore || soft)
	{
		IgnisProperty *sd = &model->props[model->soft_delete];

		appendStringInfo(&qb.sql, "WITH w AS (UPDATE %s AS t0 SET %s = ", model->rel_sql,
						 sd->column_sql);
		if (restore)
			appendStringInfoString(&qb.sql, "NULL");
		else
			appendStringInfo(&qb.sql, "pg_catalog.now()::%s", sd->type_sql);
	}
	else
		appendStringInfo(&qb.sql, "WITH w AS (DELETE FROM %s AS t0", model->rel_sql);
	emit_where(&qb, where);
	emit_returning(&qb, model, opts.should_return);
	appendStringInfoChar(&qb.sql, ')');
	emit_result(&qb, model, by_id ? RESULT_ONE : RESULT_MANY_PK, opts.should_return);
	PG_RETURN_DATUM(ignis_run(&qb, &opts, fname, model, false));
}

PG_FUNCTION_INFO_V1(ignis_delete_by_id);
Datum
ignis_delete_by_id(PG_FUNCTION_ARGS)
{
	return do_delete(fcinfo, true, false);
}

PG_FUNCTION_INFO_V1(ignis_delete_all);
Datum
ignis_delete_all(PG_FUNCTION_ARGS)
{
	return do_delete(fcinfo, false, false);
}

PG_FUNCTION_INFO_V1(ignis_restore_by_id);
Datum
ignis_restore_by_id(PG_FUNCTION_ARGS)
{
	return do_delete(fcinfo, true, true);
}

PG_FUNCTION_INFO_V1(ignis_restore_all);
Datum
ignis_restore_all(PG_FUNCTION_ARGS)
{
	return do_delete(fcinfo, false, true);
}

/* ---------------------------------------------------------------------------
 * upsert (decision 43)
 *
 *	 WITH v AS (SELECT u."?n", u.c0, ... FROM ROWS FROM (unnest($1), ...)
 *				WITH ORDINALITY AS u(c0, ..., "?n")),
 *		  w AS (INSERT INTO rel AS t0 (...) SELECT ... FROM v ORDER BY keys
 *				ON CONFLICT (keys) DO UPDATE SET c = EXCLUDED.c, ... [WHERE ...]
 *				RETURNING keys, t0.xmax = 0 AS "?i", visible columns),
 *		  e AS (the existing rows of the input keys that w did not return:
 *				the conflict arm's WHERE rejected them)
 *	 SELECT jsonb_build_object('count', ..., 'data', ..., 'inserted', ...,
 *							   'updated', ...)
 *
 * The rows are matched back to the input by their conflict keys, so data
 * keeps the input order.  With options.update [] the conflict arm is a
 * no-op update of the first key (SET k = t0.k): unlike DO NOTHING it locks
 * and returns the conflicting row even when another transaction committed
 * it after this statement's snapshot was taken.
 * ---------------------------------------------------------------------------
 */

/*
 * Is there a unique index (or constraint) whose key columns are exactly
 * the properties keys[0..nkeys-1], usable as an ON CONFLICT arbiter?
 */
static bool
has_unique_index(IgnisModel *model, int *keys, int nkeys)
{
	Relation	rel = table_open(model->relid, AccessShareLock);
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;
	bool		found = false;

	foreach(lc, indexes)
	{
		HeapTuple	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(lfirst_oid(lc)));
		Form_pg_index idx;
		int			i,
					k;
		bool		match;

		if (!HeapTupleIsValid(tup))
			continue;
		idx = (Form_pg_index) GETSTRUCT(tup);
		match = idx->indisunique && idx->indimmediate && idx->indisvalid &&
			idx->indnkeyatts == nkeys &&
			heap_attisnull(tup, Anum_pg_index_indexprs, NULL) &&
			heap_attisnull(tup, Anum_pg_index_indpred, NULL);
		for (i = 0; match && i < nkeys; i++)
		{
			bool		in = false;

			for (k = 0; k < nkeys; k++)
				if (idx->indkey.values[i] == model->props[keys[k]].attnum)
					in = true;
			match = in;
		}
		ReleaseSysCache(tup);
		if (match)
		{
			found = true;
			break;
		}
	}
	list_free(indexes);
	table_close(rel, AccessShareLock);
	return found;
}

/*
 * Upsert and nested create do not check a scope filter yet (the rows they
 * write and the conflicting rows they update would have to be inside it):
 * models with one are refused rather than written around it.
 */
static void
refuse_scope_filter(IgnisModel *model, const char *what)
{
	if (ignis_scope_applies(model))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("ignis: %s is not supported on model \"%s\", which has a scope filter",
						what, model->name),
				 errhint("Use create and update_all, which check the scope filter.")));
}

/* options.conflict: the property indexes of the conflict target. */
static int *
upsert_conflict(IgnisModel *model, JNode *opt, int *nkeys)
{
	int		   *keys;
	int			i,
				j;
	StringInfoData names;

	initStringInfo(&names);
	if (opt == NULL || opt->type == JN_NULL)
	{
		if (model->pk < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_COLUMN_REFERENCE),
					 errmsg("ignis: model \"%s\" has no primary key to upsert on", model->name),
					 errhint("Name the properties of a unique constraint in options.conflict.")));
		keys = palloc(sizeof(int));
		keys[0] = model->pk;
		*nkeys = 1;
	}
	else
	{
		if (opt->type == JN_STRING)
		{
			JNode	   *arr = jnode_array(1);

			jnode_append(arr, opt);
			opt = arr;
		}
		if (opt->type != JN_ARRAY || opt->n == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: options.conflict must be a non-empty array of property names, not %s",
							opt->type == JN_ARRAY ? "an empty array" : jnode_type_name(opt))));
		keys = palloc(sizeof(int) * opt->n);
		for (i = 0; i < opt->n; i++)
		{
			char	   *path = psprintf("options.conflict[%d]", i);

			if (opt->items[i]->type != JN_STRING)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("ignis: %s must be a property name, not %s", path,
								jnode_type_name(opt->items[i]))));
			keys[i] = ignis_prop_or_error(model, opt->items[i]->str, path);
			for (j = 0; j < i; j++)
				if (keys[j] == keys[i])
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("ignis: property \"%s\" is named twice in options.conflict",
									opt->items[i]->str)));
		}
		*nkeys = opt->n;
	}
	for (i = 0; i < *nkeys; i++)
		appendStringInfo(&names, "%s%s", i ? ", " : "", model->props[keys[i]].name);
	if (!has_unique_index(model, keys, *nkeys))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_COLUMN_REFERENCE),
				 errmsg("ignis: no unique constraint or unique index of model \"%s\" is on exactly (%s)",
						model->name, names.data),
				 errhint("options.conflict names the properties of a unique constraint, a unique index without WHERE or expressions, or the primary key.")));
	return keys;
}

/* options.update: which given properties a conflict overwrites. */
static bool *
upsert_update_list(IgnisModel *model, JNode *opt, bool *given, int *keys, int nkeys,
				   int *nupdate)
{
	bool	   *upd = palloc0(sizeof(bool) * Max(model->nprops, 1));
	int			i;

	*nupdate = 0;
	if (opt == NULL || opt->type == JN_NULL)
	{
		for (i = 0; i < model->nprops; i++)
			upd[i] = given[i];
		for (i = 0; i < nkeys; i++)
			upd[keys[i]] = false;
	}
	else
	{
		if (opt->type != JN_ARRAY)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: options.update must be an array of property names, not %s",
							jnode_type_name(opt)),
					 errhint("Use [] to leave conflicting rows as they are.")));
		for (i = 0; i < opt->n; i++)
		{
			char	   *path = psprintf("options.update[%d]", i);
			int			idx;

			if (opt->items[i]->type != JN_STRING)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("ignis: %s must be a property name, not %s", path,
								jnode_type_name(opt->items[i]))));
			idx = ignis_prop_or_error(model, opt->items[i]->str, path);
			if (!given[idx])
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("ignis: %s names property \"%s\", which data does not give",
								path, model->props[idx].name),
						 errhint("A conflict can only overwrite a property with the value given for it.")));
			upd[idx] = true;
		}
	}
	for (i = 0; i < model->nprops; i++)
		if (upd[i])
			(*nupdate)++;
	return upd;
}

/* "w"."?k0" = v.c3 AND ... : a returned or existing row against its input row */
static void
emit_key_match(QueryBuilder *qb, IgnisModel *model, int *keys, int nkeys,
			   const char *alias, bool returned)
{
	int			k;

	for (k = 0; k < nkeys; k++)
	{
		IgnisProperty *prop = &model->props[keys[k]];

		if (k)
			appendStringInfoString(&qb->sql, " AND ");
		if (returned)
			appendStringInfo(&qb->sql, "%s.\"?k%d\"", alias, k);
		else
			appendStringInfo(&qb->sql, "%s.%s", alias, prop->column_sql);
		appendStringInfo(&qb->sql, " %s v.c%d", prop->eq_op, keys[k]);
	}
}

/* (SELECT to_jsonb(x) FROM (SELECT alias.a, alias.b) x) */
static void
emit_row_object(QueryBuilder *qb, IgnisModel *model, const char *alias)
{
	appendStringInfoString(&qb->sql, "(SELECT pg_catalog.to_jsonb(x) FROM (SELECT ");
	emit_visible_columns(qb, model, alias);
	appendStringInfoString(&qb->sql, ") x)");
}

/* ", t0.col AS prop" for every visible property */
static void
emit_visible_aliased(QueryBuilder *qb, IgnisModel *model)
{
	int			i;

	for (i = 0; i < model->nprops; i++)
		if (!model->props[i].hidden)
			appendStringInfo(&qb->sql, ", t0.%s AS %s", model->props[i].column_sql,
							 model->props[i].name_sql);
}

/* a where, or TRUE when it has no condition */
static void
emit_condition(QueryBuilder *qb, WhereExpr *where)
{
	int			mark = qb->sql.len;

	if (where == NULL || !where_emit(qb, where, "t0"))
	{
		qb->sql.len = mark;
		qb->sql.data[mark] = '\0';
		appendStringInfoString(&qb->sql, "true");
	}
}

PG_FUNCTION_INFO_V1(ignis_upsert);
Datum
ignis_upsert(PG_FUNCTION_ARGS)
{
	IgnisModel *model = ignis_model_arg(fcinfo, 0);
	const char *fname = "ignis.upsert";
	IgnisOptions opts;
	JNode	   *data;
	JNode	   *optobj;
	JNode	   *opt_where;
	CreateRows	cr;
	QueryBuilder qb;
	StringInfoData path;
	int			n = model->nprops;
	int		   *keys;
	int			nkeys;
	bool	   *upd;
	int			nupdate;
	bool		many;
	WhereExpr  *arm_where = NULL;
	WhereExpr  *visible = NULL;
	Datum		result;
	int			r,
				i,
				k;
	bool		first;
	bool		need_e;

	ignis_check_scope(model, OP_UPSERT, "upsert");
	refuse_scope_filter(model, "upsert");
	data = data_arg(fcinfo, 1);
	options_parse(OP_UPSERT, fname, ARG_JSONB(2), &opts);
	optobj = ignis_arg_object(ARG_JSONB(2), "options");
	many = data->type == JN_ARRAY;
	if (!many)
		check_data_object(data, "data");

	keys = upsert_conflict(model, jnode_get(optobj, "conflict"), &nkeys);

	initStringInfo(&path);
	appendStringInfoString(&path, "data");
	if ((many ? data->n : 1) == 0)
		PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(opts.should_return
																	  ? "{\"count\": 0, \"data\": [], \"inserted\": 0, \"updated\": 0}"
																	  : "{\"count\": 0, \"data\": null, \"inserted\": 0, \"updated\": 0}")));
	convert_rows(model, data, many, &cr, &path);
	for (r = 0; r < cr.nrows; r++)
	{
		int			old = many ? errpath_push_index(&path, r) : path.len;

		for (k = 0; k < nkeys; k++)
			if (!cr.has[r][keys[k]] || cr.rows[r][keys[k]].isnull)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("ignis: upsert needs a value for conflict property \"%s\" at %s",
								model->props[keys[k]].name, path.data),
						 errhint("Every row names the row it inserts or updates by the conflict properties (%s).",
								 nkeys == 1 ? "the primary key unless options.conflict says otherwise"
								 : "options.conflict")));
		if (r > 0 && memcmp(cr.has[r], cr.has[0], sizeof(bool) * n) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: every row of an upsert must give the same properties, and %s differs from data[0]",
							path.data),
					 errhint("A conflict overwrites the properties given: split rows with different properties into separate calls.")));
		errpath_pop(&path, old);
	}
	for (i = 0; i < n; i++)
		cr.any[i] = cr.has[0][i];

	upd = upsert_update_list(model, jnode_get(optobj, "update"), cr.any, keys, nkeys, &nupdate);

	/* the conflict arm's WHERE: options.where and the default filter */
	opt_where = jnode_get(optobj, "where");
	if (opt_where && opt_where->type != JN_NULL)
		filter_check_object(opt_where, "options.where");
	else
		opt_where = jnode_object(0);
	arm_where = write_where(model, opt_where, "options.where", &opts, "upsert", fname,
							false, false);
	if (!opts.skip_default_filter && model->default_filter &&
		jnode_get(ignis_default_filter(model), "where"))
	{
		StringInfoData dpath;

		initStringInfo(&dpath);
		appendStringInfoString(&dpath, "settings.defaultFilter.where");
		visible = where_parse(model, jnode_get(ignis_default_filter(model), "where"), &dpath);
	}

	qb_init(&qb);
	/* v: the input rows with their position */
	appendStringInfoString(&qb.sql, "WITH v AS (SELECT u.\"?n\"");
	for (i = 0; i < n; i++)
		if (cr.any[i])
		{
			appendStringInfo(&qb.sql, ", u.c%d", i);
			emit_carrier_cast(&qb, &model->props[i]);
			appendStringInfo(&qb.sql, " AS c%d", i);
		}
	appendStringInfoString(&qb.sql, " FROM ROWS FROM (");
	first = true;
	for (i = 0; i < n; i++)
		if (cr.any[i])
		{
			appendStringInfoString(&qb.sql, first ? "pg_catalog.unnest(" : ", pg_catalog.unnest(");
			qb_append_param(&qb, column_array_param(&qb, &model->props[i], &cr, i));
			appendStringInfoChar(&qb.sql, ')');
			first = false;
		}
	appendStringInfoString(&qb.sql, ") WITH ORDINALITY AS u(");
	for (i = 0; i < n; i++)
		if (cr.any[i])
			appendStringInfo(&qb.sql, "c%d, ", i);
	appendStringInfoString(&qb.sql, "\"?n\")), ");

	/* w: the insert with its conflict arm */
	appendStringInfo(&qb.sql, "w AS (INSERT INTO %s AS t0 (", model->rel_sql);
	first = true;
	for (i = 0; i < n; i++)
		if (cr.any[i])
		{
			appendStringInfo(&qb.sql, "%s%s", first ? "" : ", ", model->props[i].column_sql);
			first = false;
		}
	appendStringInfoString(&qb.sql, ") SELECT ");
	first = true;
	for (i = 0; i < n; i++)
		if (cr.any[i])
		{
			appendStringInfo(&qb.sql, "%sv.c%d", first ? "" : ", ", i);
			first = false;
		}
	/* rows in key order: batches over the same keys lock them in one order */
	appendStringInfoString(&qb.sql, " FROM v ORDER BY ");
	for (k = 0; k < nkeys; k++)
		appendStringInfo(&qb.sql, "v.c%d, ", keys[k]);
	appendStringInfoString(&qb.sql, "v.\"?n\" ON CONFLICT (");
	for (k = 0; k < nkeys; k++)
		appendStringInfo(&qb.sql, "%s%s", k ? ", " : "", model->props[keys[k]].column_sql);
	appendStringInfoString(&qb.sql, ") DO UPDATE SET ");
	if (nupdate == 0)
		appendStringInfo(&qb.sql, "%s = t0.%s", model->props[keys[0]].column_sql,
						 model->props[keys[0]].column_sql);
	else
	{
		first = true;
		for (i = 0; i < n; i++)
			if (upd[i])
			{
				appendStringInfo(&qb.sql, "%s%s = EXCLUDED.%s", first ? "" : ", ",
								 model->props[i].column_sql, model->props[i].column_sql);
				first = false;
			}
	}
	emit_where(&qb, arm_where);
	appendStringInfoString(&qb.sql, " RETURNING ");
	for (k = 0; k < nkeys; k++)
		appendStringInfo(&qb.sql, "t0.%s AS \"?k%d\", ", model->props[keys[k]].column_sql, k);
	appendStringInfoString(&qb.sql,
						   "(t0.xmax OPERATOR(pg_catalog.=) '0'::pg_catalog.xid) AS \"?i\"");
	emit_visible_aliased(&qb, model);
	appendStringInfoString(&qb.sql, "), ");

	/*
	 * e: existing rows the conflict arm left alone.  Without a condition on
	 * the arm every conflicting row is updated and returned by w, so e is
	 * empty and left out.
	 */
	need_e = !where_is_empty(arm_where);
	if (!need_e)
	{
		qb.sql.len -= 2;		/* the ", " after w */
		qb.sql.data[qb.sql.len] = '\0';
		appendStringInfoChar(&qb.sql, ' ');
	}
	else
	{
		appendStringInfoString(&qb.sql, "e AS (SELECT v.\"?n\", (");
		emit_condition(&qb, visible);
		appendStringInfoString(&qb.sql, ") AS \"?v\"");
		emit_visible_aliased(&qb, model);
		appendStringInfo(&qb.sql, " FROM v JOIN %s AS t0 ON ", model->rel_sql);
		emit_key_match(&qb, model, keys, nkeys, "t0", false);
		appendStringInfoString(&qb.sql, " WHERE NOT EXISTS (SELECT FROM w WHERE ");
		emit_key_match(&qb, model, keys, nkeys, "w", true);
		appendStringInfoString(&qb.sql, ")) ");
	}

	/* the result */
	appendStringInfoString(&qb.sql,
						   "SELECT pg_catalog.jsonb_build_object('count', (SELECT pg_catalog.count(*) FROM w)");
	if (need_e)
		appendStringInfoString(&qb.sql,
							   " OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM e WHERE e.\"?v\")");
	appendStringInfoString(&qb.sql, ", 'data', ");
	if (!opts.should_return)
		appendStringInfoString(&qb.sql, "NULL::pg_catalog.jsonb");
	else if (!need_e)
	{
		/* every input row has its row in w: aggregate w in input order */
		appendStringInfoString(&qb.sql, many
							   ? "(SELECT COALESCE(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(x)), '[]'::pg_catalog.jsonb) FROM (SELECT "
							   : "(SELECT pg_catalog.to_jsonb(x) FROM (SELECT ");
		emit_visible_columns(&qb, model, "w");
		if (many)
		{
			appendStringInfoString(&qb.sql, " FROM v JOIN w ON ");
			emit_key_match(&qb, model, keys, nkeys, "w", true);
			appendStringInfoString(&qb.sql, " ORDER BY v.\"?n\") x)");
		}
		else
			appendStringInfoString(&qb.sql, " FROM w) x)");
	}
	else
	{
		appendStringInfoString(&qb.sql, many
							   ? "(SELECT COALESCE(pg_catalog.jsonb_agg("
							   : "(SELECT ");
		appendStringInfoString(&qb.sql, "CASE WHEN w.\"?i\" IS NOT NULL THEN ");
		emit_row_object(&qb, model, "w");
		appendStringInfoString(&qb.sql, " WHEN e.\"?v\" THEN ");
		emit_row_object(&qb, model, "e");
		appendStringInfoString(&qb.sql, " END");
		if (many)
			appendStringInfoString(&qb.sql, " ORDER BY v.\"?n\"), '[]'::pg_catalog.jsonb)");
		appendStringInfoString(&qb.sql, " FROM v LEFT JOIN w ON ");
		emit_key_match(&qb, model, keys, nkeys, "w", true);
		appendStringInfoString(&qb.sql, " LEFT JOIN e ON e.\"?n\" OPERATOR(pg_catalog.=) v.\"?n\")");
	}
	appendStringInfoString(&qb.sql,
						   ", 'inserted', (SELECT pg_catalog.count(*) FROM w WHERE w.\"?i\"), "
						   "'updated', ");
	if (nupdate == 0)
		appendStringInfoString(&qb.sql, "0");
	else
		appendStringInfoString(&qb.sql, "(SELECT pg_catalog.count(*) FROM w WHERE NOT w.\"?i\")");
	appendStringInfoChar(&qb.sql, ')');
	if (need_e)
		appendStringInfoString(&qb.sql,
							   " OPERATOR(pg_catalog.||) COALESCE((SELECT pg_catalog.jsonb_build_object('?hidden', "
							   "pg_catalog.min(e.\"?n\")) FROM e WHERE NOT e.\"?v\" HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 0), "
							   "'{}'::pg_catalog.jsonb)");

	result = ignis_run(&qb, &opts, fname, model, false);
	{
		Jsonb	   *jb = DatumGetJsonbP(result);
		JsonbValue	key;
		JsonbValue *hidden;

		key.type = jbvString;
		key.val.string.val = "?hidden";
		key.val.string.len = 7;
		hidden = findJsonbValueFromContainer(&jb->root, JB_FOBJECT, &key);
		if (hidden != NULL && hidden->type == jbvNumeric)
		{
			int64		pos = DatumGetInt64(DirectFunctionCall1(numeric_int8,
																NumericGetDatum(hidden->val.numeric)));

			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 many
					 ? errmsg("ignis: upsert on model \"%s\" conflicts with a row its default filter hides, at data[%d]",
							  model->name, (int) pos - 1)
					 : errmsg("ignis: upsert on model \"%s\" conflicts with a row its default filter hides",
							  model->name),
					 model->soft_delete >= 0
					 ? errhint("A soft-deleted row keeps its key: restore it first, or pass shouldSkipDefaultFilter to update it as it is.")
					 : errhint("Pass shouldSkipDefaultFilter to update rows outside the default filter.")));
		}
	}
	PG_RETURN_DATUM(result);
}

/* ---------------------------------------------------------------------------
 * Nested create (decision 44)
 *
 * create / create_all data may hold related rows under relation names.  The
 * tree becomes one statement of data-modifying CTEs, one per inserted group
 * of rows, in dependency order:
 *
 *	 n0 AS (INSERT INTO users ... VALUES-like SELECT ... RETURNING *),
 *	 n1 AS (INSERT INTO posts (author_id, title) SELECT s0."id", u.c3
 *			FROM n0 AS s0, ROWS FROM (unnest($2)) WITH ORDINALITY AS u(c3, "?n")
 *			ORDER BY u."?n" RETURNING ...)
 *
 * A group is one row (a row that has related rows of its own, or whose
 * siblings give different properties) or every row of a relation's array.
 * Rows that fill a key come from one-row CTEs, so a cross join with them
 * gives each child its parent's key.  A `one` relation whose key sits on the
 * row (Post -> author: the post's authorId references the user's id) inserts
 * the target first; the others (many, and a `one` whose key sits on the
 * target) insert the row first.
 * ---------------------------------------------------------------------------
 */
typedef struct NestNode NestNode;

typedef struct NestRel
{
	const char *name;
	bool		many;
	List	   *children;		/* NestNode*, in input order */
} NestRel;

struct NestNode
{
	IgnisModel *model;
	int			id;				/* CTE n<id> */
	bool		group;			/* several rows, converted into cr */
	CreateRows	cr;
	int			nfill;
	int		   *fill_prop;		/* property of this model ... */
	NestNode  **fill_src;		/* ... taken from this node ... */
	int		   *fill_srcprop;	/* ... property */
	List	   *rels;			/* NestRel*, for the returned data */
};

typedef struct NestBuild
{
	List	   *nodes;			/* in insertion order */
	int			next_id;
} NestBuild;

/* Does the relation's key sit on the source row (insert the target first)? */
static bool
rel_target_first(IgnisModel *model, IgnisRelationDef *rel, IgnisModel *target)
{
	if (rel->many || rel->nkeys != 1 || target->pk < 0)
		return false;
	return strcmp(rel->refs[0], target->props[target->pk].name) == 0 &&
		(model->pk < 0 || strcmp(rel->fields[0], model->props[model->pk].name) != 0);
}

/* Is some key of obj a relation name (and not a property)? */
static bool
has_nested(IgnisModel *model, JNode *obj)
{
	int			i;

	if (obj->type != JN_OBJECT)
		return false;
	for (i = 0; i < obj->n; i++)
		if (ignis_model_find_prop(model, obj->keys[i]) < 0 &&
			ignis_model_find_rel(model, obj->keys[i]) != NULL)
			return true;
	return false;
}

/* obj without its relation keys */
static JNode *
own_properties(IgnisModel *model, JNode *obj)
{
	JNode	   *copy = jnode_object(obj->n);
	int			i;

	for (i = 0; i < obj->n; i++)
		if (ignis_model_find_prop(model, obj->keys[i]) >= 0 ||
			ignis_model_find_rel(model, obj->keys[i]) == NULL)
			jnode_put(copy, obj->keys[i], obj->items[i]);
	return copy;
}

static void
add_fill(NestNode *node, int prop, NestNode *src, int srcprop)
{
	node->fill_prop = repalloc(node->fill_prop, sizeof(int) * (node->nfill + 1));
	node->fill_src = repalloc(node->fill_src, sizeof(NestNode *) * (node->nfill + 1));
	node->fill_srcprop = repalloc(node->fill_srcprop, sizeof(int) * (node->nfill + 1));
	node->fill_prop[node->nfill] = prop;
	node->fill_src[node->nfill] = src;
	node->fill_srcprop[node->nfill] = srcprop;
	node->nfill++;
}

static NestNode *
nest_node_new(NestBuild *nb, IgnisModel *model)
{
	NestNode   *node = palloc0(sizeof(NestNode));

	node->model = model;
	node->id = nb->next_id++;
	node->fill_prop = palloc(sizeof(int));
	node->fill_src = palloc(sizeof(NestNode *));
	node->fill_srcprop = palloc(sizeof(int));
	return node;
}

/* The filled keys must not be given: 22023 at the row's key. */
static void
check_not_given(IgnisModel *model, JNode *obj, char **names, int n, const char *relname,
				StringInfo path)
{
	int			k;

	for (k = 0; k < n; k++)
		if (obj->type == JN_OBJECT && jnode_get(obj, names[k]) != NULL)
		{
			(void) errpath_push_key(path, names[k]);
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: %s is filled in by relation \"%s\" and must not be given, at %s",
							names[k], relname, path->data),
					 errhint("Leave the key out: the related row's key is used.")));
		}
}

static void
check_nest_depth(int depth, StringInfo path)
{
	if (depth > IGNIS_MAX_INCLUDE_DEPTH)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("ignis: related rows nested deeper than %d levels at %s",
						IGNIS_MAX_INCLUDE_DEPTH, path->data)));
}

static NestNode *nest_row(NestBuild *nb, IgnisModel *model, JNode *obj, NestNode *parent,
						  IgnisRelationDef *via, StringInfo path, int depth);

/* The rows under relation rel of node (inserted after it). */
static NestRel *
nest_children(NestBuild *nb, NestNode *node, IgnisRelationDef *rel, IgnisModel *target,
			  JNode *value, StringInfo path, int depth)
{
	NestRel    *nr = palloc0(sizeof(NestRel));
	bool		split = false;
	int			i;

	nr->name = rel->name;
	nr->many = rel->many;
	check_nest_depth(depth + 1, path);
	if (rel->many ? value->type != JN_ARRAY : value->type != JN_OBJECT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: relation \"%s\" takes %s of related rows, not %s, at %s", rel->name,
						rel->many ? "an array" : "an object", jnode_type_name(value), path->data)));
	if (!rel->many)
	{
		nr->children = list_make1(nest_row(nb, target, value, node, rel, path, depth + 1));
		return nr;
	}
	for (i = 0; i < value->n; i++)
	{
		int			old = errpath_push_index(path, i);

		check_data_object(value->items[i], path->data);
		check_not_given(target, value->items[i], rel->refs, rel->nkeys, rel->name, path);
		if (has_nested(target, value->items[i]))
			split = true;
		errpath_pop(path, old);
	}
	if (value->n == 0)
		return nr;
	if (!split)
	{
		/* one group, if every row gives the same properties */
		CreateRows	cr;

		convert_rows(target, value, true, &cr, path);
		if (cr.uniform)
		{
			NestNode   *g = nest_node_new(nb, target);
			int			k;

			ignis_check_scope(target, OP_CREATE_ALL, "create_all");
			refuse_scope_filter(target, "nested create");
			g->cr = cr;
			g->group = true;
			for (k = 0; k < rel->nkeys; k++)
				add_fill(g, ignis_model_find_prop(target, rel->refs[k]), node,
						 ignis_model_find_prop(node->model, rel->fields[k]));
			nb->nodes = lappend(nb->nodes, g);
			nr->children = list_make1(g);
			return nr;
		}
	}
	for (i = 0; i < value->n; i++)
	{
		int			old = errpath_push_index(path, i);

		nr->children = lappend(nr->children,
							   nest_row(nb, target, value->items[i], node, rel, path, depth + 1));
		errpath_pop(path, old);
	}
	return nr;
}

/*
 * One row object: its target-first relations, the row itself, then the
 * rows that reference it.  parent/via: the node whose key this row takes.
 */
static NestNode *
nest_row(NestBuild *nb, IgnisModel *model, JNode *obj, NestNode *parent,
		 IgnisRelationDef *via, StringInfo path, int depth)
{
	NestNode   *node;
	List	   *before = NIL;	/* (rel, node) pairs inserted first */
	List	   *before_rels = NIL;
	ListCell   *lc,
			   *lc2;
	int			i,
				k;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();
	check_data_object(obj, path->data);
	check_nest_depth(depth, path);
	ignis_check_scope(model, OP_CREATE, "create");
	refuse_scope_filter(model, "nested create");
	if (via)
		check_not_given(model, obj, via->refs, via->nkeys, via->name, path);

	/* targets the row references: inserted before it */
	for (i = 0; i < obj->n; i++)
	{
		IgnisRelationDef *rel;
		IgnisModel *target;

		if (ignis_model_find_prop(model, obj->keys[i]) >= 0 ||
			(rel = ignis_model_find_rel(model, obj->keys[i])) == NULL)
			continue;
		target = ignis_model_get(rel->target);
		if (!rel_target_first(model, rel, target))
			continue;
		check_not_given(model, obj, rel->fields, rel->nkeys, rel->name, path);
		{
			int			old = errpath_push_key(path, obj->keys[i]);

			if (obj->items[i]->type != JN_OBJECT)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("ignis: relation \"%s\" takes an object of a related row, not %s, at %s",
								rel->name, jnode_type_name(obj->items[i]), path->data)));
			before = lappend(before, nest_row(nb, target, obj->items[i], NULL, NULL, path,
											  depth + 1));
			before_rels = lappend(before_rels, rel);
			errpath_pop(path, old);
		}
	}

	node = nest_node_new(nb, model);
	convert_rows(model, own_properties(model, obj), false, &node->cr, path);
	if (via)
		for (k = 0; k < via->nkeys; k++)
			add_fill(node, ignis_model_find_prop(model, via->refs[k]), parent,
					 ignis_model_find_prop(parent->model, via->fields[k]));
	forboth(lc, before, lc2, before_rels)
	{
		NestNode   *t = lfirst(lc);
		IgnisRelationDef *rel = lfirst(lc2);
		NestRel    *nr = palloc0(sizeof(NestRel));

		for (k = 0; k < rel->nkeys; k++)
			add_fill(node, ignis_model_find_prop(model, rel->fields[k]), t,
					 ignis_model_find_prop(t->model, rel->refs[k]));
		nr->name = rel->name;
		nr->children = list_make1(t);
		node->rels = lappend(node->rels, nr);
	}
	nb->nodes = lappend(nb->nodes, node);

	/* rows that reference this one */
	for (i = 0; i < obj->n; i++)
	{
		IgnisRelationDef *rel;
		IgnisModel *target;
		int			old;

		if (ignis_model_find_prop(model, obj->keys[i]) >= 0 ||
			(rel = ignis_model_find_rel(model, obj->keys[i])) == NULL)
			continue;
		target = ignis_model_get(rel->target);
		if (rel_target_first(model, rel, target))
			continue;
		old = errpath_push_key(path, obj->keys[i]);
		node->rels = lappend(node->rels,
							 nest_children(nb, node, rel, target, obj->items[i], path, depth));
		errpath_pop(path, old);
	}
	return node;
}

/* How a node's RETURNING names property i. */
static void
append_nest_col(StringInfo sql, IgnisModel *model, int i)
{
	if (model->props[i].hidden)
		appendStringInfo(sql, "\"?h%d\"", i);
	else
		appendStringInfoString(sql, model->props[i].name_sql);
}

static void
emit_nest_node(QueryBuilder *qb, NestNode *node)
{
	IgnisModel *model = node->model;
	CreateRows *cr = &node->cr;
	int			n = model->nprops;
	int			i,
				k;
	int			ncols = 0;
	bool		first = true;

	appendStringInfo(&qb->sql, "n%d AS (INSERT INTO %s AS t0", node->id, model->rel_sql);
	for (i = 0; i < n; i++)
		if (cr->any[i])
			ncols++;
	if (ncols + node->nfill == 0)
		appendStringInfoString(&qb->sql, " DEFAULT VALUES");
	else
	{
		appendStringInfoString(&qb->sql, " (");
		for (i = 0; i < n; i++)
			if (cr->any[i])
			{
				appendStringInfo(&qb->sql, "%s%s", first ? "" : ", ", model->props[i].column_sql);
				first = false;
			}
		for (k = 0; k < node->nfill; k++)
		{
			appendStringInfo(&qb->sql, "%s%s", first ? "" : ", ",
							 model->props[node->fill_prop[k]].column_sql);
			first = false;
		}
		appendStringInfoString(&qb->sql, ") SELECT ");
		first = true;
		for (i = 0; i < n; i++)
		{
			IgnisProperty *prop = &model->props[i];

			if (!cr->any[i])
				continue;
			if (!first)
				appendStringInfoString(&qb->sql, ", ");
			first = false;
			if (node->group)
			{
				appendStringInfo(&qb->sql, "u.c%d", i);
				emit_carrier_cast(qb, prop);
				continue;
			}
			emit_value_param(qb, prop, &cr->rows[0][i]);
		}
		for (k = 0; k < node->nfill; k++)
		{
			appendStringInfo(&qb->sql, "%ss%d.", first ? "" : ", ", node->fill_src[k]->id);
			append_nest_col(&qb->sql, node->fill_src[k]->model, node->fill_srcprop[k]);
			first = false;
		}
		/* FROM the one-row nodes the keys come from, and the group's arrays */
		first = true;
		for (k = 0; k < node->nfill; k++)
		{
			int			j;
			bool		seen = false;

			for (j = 0; j < k; j++)
				seen |= node->fill_src[j] == node->fill_src[k];
			if (seen)
				continue;
			appendStringInfo(&qb->sql, "%sn%d AS s%d", first ? " FROM " : ", ",
							 node->fill_src[k]->id, node->fill_src[k]->id);
			first = false;
		}
		if (node->group && ncols == 0)
		{
			/* rows of column defaults only: one per input row */
			JNode	   *j = jnode_new(JN_NUMBER);

			j->str = psprintf("%d", cr->nrows);
			appendStringInfoString(&qb->sql, first ? " FROM " : ", ");
			appendStringInfoString(&qb->sql, "pg_catalog.generate_series(1, ");
			qb_append_new_param(qb, INT4OID, Int32GetDatum(cr->nrows), false, j);
			appendStringInfoString(&qb->sql, ") AS u(\"?n\") ORDER BY u.\"?n\"");
		}
		else if (node->group)
		{
			appendStringInfoString(&qb->sql, first ? " FROM ROWS FROM (" : ", ROWS FROM (");
			first = true;
			for (i = 0; i < n; i++)
				if (cr->any[i])
				{
					appendStringInfoString(&qb->sql, first ? "pg_catalog.unnest(" : ", pg_catalog.unnest(");
					qb_append_param(qb, column_array_param(qb, &model->props[i], cr, i));
					appendStringInfoChar(&qb->sql, ')');
					first = false;
				}
			appendStringInfoString(&qb->sql, ") WITH ORDINALITY AS u(");
			for (i = 0; i < n; i++)
				if (cr->any[i])
					appendStringInfo(&qb->sql, "c%d, ", i);
			appendStringInfoString(&qb->sql, "\"?n\") ORDER BY u.\"?n\"");
		}
	}
	appendStringInfoString(&qb->sql, " RETURNING ");
	for (i = 0; i < n; i++)
	{
		appendStringInfo(&qb->sql, "%st0.%s AS ", i ? ", " : "", model->props[i].column_sql);
		append_nest_col(&qb->sql, model, i);
	}
	if (n == 0)
		appendStringInfoString(&qb->sql, "1");
	appendStringInfoString(&qb->sql, ")");
}

/* a jsonb_build_array of many expressions, in chunks under the argument limit */
static void emit_nest_json(QueryBuilder *qb, NestNode *node);

static void
emit_nest_array(QueryBuilder *qb, List *nodes)
{
	ListCell   *lc;
	int			k = 0;

	if (nodes == NIL)
	{
		appendStringInfoString(&qb->sql, "'[]'::pg_catalog.jsonb");
		return;
	}
	appendStringInfoString(&qb->sql, "(pg_catalog.jsonb_build_array(");
	foreach(lc, nodes)
	{
		if (k > 0 && k % 90 == 0)
			appendStringInfoString(&qb->sql, ") OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_array(");
		else if (k > 0)
			appendStringInfoString(&qb->sql, ", ");
		emit_nest_json(qb, lfirst(lc));
		k++;
	}
	appendStringInfoString(&qb->sql, "))");
}

/* The returned object of a one-row node (or array of a group), with its relations. */
static void
emit_nest_json(QueryBuilder *qb, NestNode *node)
{
	IgnisModel *model = node->model;
	ListCell   *lc;
	int			i;
	bool		first = true;

	check_stack_depth();
	appendStringInfoString(&qb->sql, node->group
						   ? "(SELECT COALESCE(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(x)), '[]'::pg_catalog.jsonb) FROM (SELECT "
						   : "((SELECT pg_catalog.to_jsonb(x) FROM (SELECT ");
	for (i = 0; i < model->nprops; i++)
	{
		if (model->props[i].hidden)
			continue;
		appendStringInfo(&qb->sql, "%sr.%s", first ? "" : ", ", model->props[i].name_sql);
		first = false;
	}
	if (first)
		appendStringInfoString(&qb->sql, "1 AS \"?\"");
	appendStringInfo(&qb->sql, " FROM n%d r) x)", node->id);
	if (node->group)
		return;
	if (node->rels != NIL)
	{
		appendStringInfoString(&qb->sql, " OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(");
		first = true;
		foreach(lc, node->rels)
		{
			NestRel    *nr = lfirst(lc);

			appendStringInfo(&qb->sql, "%s%s, ", first ? "" : ", ", quote_literal_cstr(nr->name));
			first = false;
			if (!nr->many)
				emit_nest_json(qb, linitial(nr->children));
			else if (list_length(nr->children) == 1 && ((NestNode *) linitial(nr->children))->group)
				emit_nest_json(qb, linitial(nr->children));
			else
				emit_nest_array(qb, nr->children);
		}
		appendStringInfoChar(&qb->sql, ')');
	}
	appendStringInfoChar(&qb->sql, ')');
}

/*
 * create / create_all with related rows: data is one object (all false) or
 * an array of objects.  Returns the call's result.
 */
static Datum
nested_create(IgnisModel *model, JNode *data, bool all, IgnisOptions *opts, const char *fname)
{
	NestBuild	nb;
	List	   *roots = NIL;
	QueryBuilder qb;
	StringInfoData path;
	ListCell   *lc;
	bool		first = true;

	memset(&nb, 0, sizeof(nb));
	initStringInfo(&path);
	appendStringInfoString(&path, "data");
	if (all)
	{
		int			i;

		for (i = 0; i < data->n; i++)
		{
			int			old = errpath_push_index(&path, i);

			roots = lappend(roots, nest_row(&nb, model, data->items[i], NULL, NULL, &path, 0));
			errpath_pop(&path, old);
		}
	}
	else
		roots = list_make1(nest_row(&nb, model, data, NULL, NULL, &path, 0));

	qb_init(&qb);
	appendStringInfoString(&qb.sql, "WITH ");
	foreach(lc, nb.nodes)
	{
		if (!first)
			appendStringInfoString(&qb.sql, ", ");
		first = false;
		emit_nest_node(&qb, lfirst(lc));
	}
	appendStringInfo(&qb.sql, " SELECT pg_catalog.jsonb_build_object('count', %d, 'data', ",
					 list_length(roots));
	if (!opts->should_return)
		appendStringInfoString(&qb.sql, "NULL::pg_catalog.jsonb");
	else if (all)
		emit_nest_array(&qb, roots);
	else
		emit_nest_json(&qb, linitial(roots));
	appendStringInfoChar(&qb.sql, ')');
	if (list_length(nb.nodes) > 8)
		qb.no_cache = true;		/* the text grows with the rows */
	return ignis_run(&qb, opts, fname, model, false);
}
