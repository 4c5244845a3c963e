/*-------------------------------------------------------------------------
 * read_api.c
 *	  SQL-callable read functions: find, find_one, find_by_id, count,
 *	  exists_with, build_query (api.md §5, §7).
 *
 * Each one follows the same pipeline: model lookup -> operation scope ->
 * options -> filter (validated, default filter merged) -> one statement ->
 * plan cache + SPI -> the jsonb datum the statement built.
 *-------------------------------------------------------------------------
 */
#include "ignis.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/lsyscache.h"

#define ARG_JSONB(n) (PG_ARGISNULL(n) ? NULL : PG_GETARG_JSONB_P(n))


/* The model named by argument argno; SQL NULL is 22004. */
IgnisModel *
ignis_model_arg(FunctionCallInfo fcinfo, int argno)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("ignis: model must not be NULL")));
	return ignis_model_get_text(PG_GETARG_TEXT_PP(argno));
}

/* An id argument (text, bigint or uuid overload) as text. */
char *
ignis_id_arg(FunctionCallInfo fcinfo, int argno)
{
	Oid			type = get_fn_expr_argtype(fcinfo->flinfo, argno);
	Oid			typoutput;
	bool		varlena;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("ignis: id must not be NULL")));
	if (type == TEXTOID || !OidIsValid(type))
		return TextDatumGetCString(PG_GETARG_DATUM(argno));
	getTypeOutputInfo(type, &typoutput, &varlena);
	return OidOutputFunctionCall(typoutput, PG_GETARG_DATUM(argno));
}

/*
 * Convert an id to the primary key's type up front, so that a bad id is
 * reported as the id argument (the type's own error, e.g. 22P02).
 */
void
ignis_check_id(IgnisModel *model, const char *id)
{
	IgnisProperty *pk = &model->props[model->pk];

	(void) ignis_convert_scalar(pk, pk->typid, jnode_string(id), "id");
}

/*
 * A top-level find without a limit gets the model's defaultLimit, or
 * ignis.default_limit (0: none).
 */
static void
apply_default_limit(ParsedFilter *pf)
{
	int			limit = pf->model->default_limit >= 0 ? pf->model->default_limit
		: ignis_default_limit;

	if (!pf->has_limit && limit > 0)
	{
		pf->has_limit = true;
		pf->limit = limit;
	}
}

/* The planner's estimate of the rows matching a where. */
static int64
planned_count(IgnisModel *model, WhereExpr *where)
{
	QueryBuilder qb;

	qb_init(&qb);
	select_build_rows_of(&qb, model, where);
	return ignis_planned_rows(&qb);
}

/*
 * countStrategy (beyond Ignis): "planned" takes the planner's estimate,
 * "estimated" counts exactly while the estimate is at most
 * ignis.count_exact_threshold.  Returns the label of the strategy that
 * produces the total, and sets *planned when the estimate is the answer.
 */
static const char *
choose_count(IgnisOptions *opts, IgnisModel *model, WhereExpr *where, int64 *planned,
			 bool *use_planned)
{
	*use_planned = false;
	if (opts->count_strategy == COUNT_EXACT)
		return "exact";
	*planned = planned_count(model, where);
	if (opts->count_strategy == COUNT_ESTIMATED && *planned <= ignis_count_exact_threshold)
		return "exact";
	*use_planned = true;
	return "planned";
}

/*
 * A before page is read backwards and turned round by a window function,
 * which PostgreSQL does not lock rows under.
 */
static void
check_keyset_lock(ParsedFilter *pf, IgnisOptions *opts)
{
	if (opts->lock != 0 && pf->keyset == KEYSET_BEFORE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: options.lock cannot be used with filter.before"),
				 errhint("Lock the rows of an after page, or read the before page without locking.")));
}

PG_FUNCTION_INFO_V1(ignis_find);
Datum
ignis_find(PG_FUNCTION_ARGS)
{
	IgnisModel *model = ignis_model_arg(fcinfo, 0);
	IgnisOptions opts;
	ParsedFilter *pf;
	QueryBuilder qb;

	ignis_check_scope(model, OP_FIND, "find");
	options_parse(OP_FIND, "ignis.find", ARG_JSONB(2), &opts);
	pf = filter_parse(model, ignis_arg_object(ARG_JSONB(1), "filter"), "filter",
					  FILTER_FIND, opts.skip_default_filter, 0);
	apply_default_limit(pf);
	if (opts.query_range && opts.count_strategy_given)
		pf->count_label = choose_count(&opts, model, pf->where, &pf->planned_total,
									   &pf->use_planned_total);
	options_check_lock(&opts, "ignis.find");
	check_keyset_lock(pf, &opts);
	pf->lock_clause = options_lock_clause(&opts);
	qb_init(&qb);
	select_build_find(&qb, pf, opts.query_range, false);
	PG_RETURN_DATUM(ignis_run(&qb, &opts, "ignis.find", model, opts.lock == 0));
}

PG_FUNCTION_INFO_V1(ignis_find_one);
Datum
ignis_find_one(PG_FUNCTION_ARGS)
{
	IgnisModel *model = ignis_model_arg(fcinfo, 0);
	IgnisOptions opts;
	ParsedFilter *pf;
	QueryBuilder qb;

	ignis_check_scope(model, OP_FIND_ONE, "find_one");
	options_parse(OP_FIND_ONE, "ignis.find_one", ARG_JSONB(2), &opts);
	pf = filter_parse(model, ignis_arg_object(ARG_JSONB(1), "filter"), "filter",
					  FILTER_FIND_ONE, opts.skip_default_filter, 0);
	pf->has_limit = false;		/* limit 1, whatever the filter says */
	options_check_lock(&opts, "ignis.find_one");
	pf->lock_clause = options_lock_clause(&opts);
	qb_init(&qb);
	select_build_find(&qb, pf, false, true);
	PG_RETURN_DATUM(ignis_run(&qb, &opts, "ignis.find_one", model, opts.lock == 0));
}

PG_FUNCTION_INFO_V1(ignis_find_by_id);
Datum
ignis_find_by_id(PG_FUNCTION_ARGS)
{
	IgnisModel *model = ignis_model_arg(fcinfo, 0);
	char	   *id = ignis_id_arg(fcinfo, 1);
	IgnisOptions opts;
	JNode	   *filter;
	JNode	   *where;
	ParsedFilter *pf;
	QueryBuilder qb;
	Datum		result;

	ignis_check_scope(model, OP_FIND_BY_ID, "find_by_id");
	options_parse(OP_FIND_BY_ID, "ignis.find_by_id", ARG_JSONB(3), &opts);
	if (model->pk < 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("ignis: model \"%s\" has no primary key", model->name),
				 errhint("Set settings.primaryKey when registering the model.")));
	filter = ignis_arg_object(ARG_JSONB(2), "filter");
	if (jnode_get(filter, "where"))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: find_by_id does not take filter.where"),
				 errhint("The where is {\"%s\": <id>}; use ignis.find_one for other conditions.",
						 model->props[model->pk].name)));
	ignis_check_id(model, id);
	where = jnode_object(1);
	jnode_put(where, model->props[model->pk].name, jnode_string(id));
	/* the tree was made for this call: add the where in place (no copy) */
	jnode_add(filter, "where", where);
	pf = filter_parse(model, filter, "filter", FILTER_FIND_BY_ID, opts.skip_default_filter, 0);
	pf->has_limit = false;		/* limit, skip, offset and order are ignored */
	pf->offset = 0;
	pf->order = NIL;
	options_check_lock(&opts, "ignis.find_by_id");
	pf->lock_clause = options_lock_clause(&opts);
	qb_init(&qb);
	select_build_find(&qb, pf, false, true);
	result = ignis_run(&qb, &opts, "ignis.find_by_id", model, opts.lock == 0);
	if (opts.is_strict && JB_ROOT_IS_SCALAR(DatumGetJsonbP(result)))
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("ignis: %s with id %s not found", model->name, id)));
	PG_RETURN_DATUM(result);
}

static Datum
count_or_exists(FunctionCallInfo fcinfo, bool exists)
{
	IgnisModel *model = ignis_model_arg(fcinfo, 0);
	IgnisOptions opts;
	WhereExpr  *where;
	QueryBuilder qb;
	const char *fname = exists ? "ignis.exists_with" : "ignis.count";

	ignis_check_scope(model, exists ? OP_EXISTS : OP_COUNT, exists ? "exists_with" : "count");
	options_parse(exists ? OP_EXISTS : OP_COUNT, fname, ARG_JSONB(2), &opts);
	where = filter_parse_conditions(model, ignis_arg_object(ARG_JSONB(1), "conditions"),
									"conditions", opts.skip_default_filter);
	if (!exists && opts.count_strategy_given)
	{
		int64		planned = 0;
		bool		use_planned;
		const char *label = choose_count(&opts, model, where, &planned, &use_planned);

		if (use_planned)
			return DirectFunctionCall1(jsonb_in,
									   CStringGetDatum(psprintf("{\"count\": " INT64_FORMAT
																", \"countStrategy\": \"planned\"}",
																planned)));
		qb_init(&qb);
		select_build_count(&qb, model, where, false);
		{
			Datum		exact = ignis_run(&qb, &opts, fname, model, true);
			JNode	   *doc = jnode_from_jsonb(DatumGetJsonbP(exact));

			jnode_put(doc, "countStrategy", jnode_string(label));
			return JsonbPGetDatum(jnode_to_jsonb(doc));
		}
	}
	qb_init(&qb);
	select_build_count(&qb, model, where, exists);
	return ignis_run(&qb, &opts, fname, model, true);
}

PG_FUNCTION_INFO_V1(ignis_count);
Datum
ignis_count(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(count_or_exists(fcinfo, false));
}

PG_FUNCTION_INFO_V1(ignis_exists_with);
Datum
ignis_exists_with(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(count_or_exists(fcinfo, true));
}

PG_FUNCTION_INFO_V1(ignis_build_query);
Datum
ignis_build_query(PG_FUNCTION_ARGS)
{
	IgnisModel *model = ignis_model_arg(fcinfo, 0);
	IgnisOptions opts;
	ParsedFilter *pf;
	QueryBuilder qb;
	StringInfoData out;
	char	   *sql;

	options_parse(OP_BUILD_QUERY, "ignis.build_query", ARG_JSONB(2), &opts);
	pf = filter_parse(model, ignis_arg_object(ARG_JSONB(1), "filter"), "filter",
					  FILTER_FIND, opts.skip_default_filter, 0);
	apply_default_limit(pf);
	check_keyset_lock(pf, &opts);
	pf->lock_clause = options_lock_clause(&opts);
	qb_init(&qb);
	select_build_find(&qb, pf, false, false);
	sql = select_as_jsonb(&qb);
	resetStringInfo(&qb.sql);
	appendStringInfoString(&qb.sql, sql);
	options_log(&opts, "ignis.build_query", model, &qb);

	initStringInfo(&out);
	appendStringInfoString(&out, "{\"sql\": ");
	escape_json(&out, sql);
	appendStringInfo(&out, ", \"params\": %s}", qb_params_json(&qb));
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(out.data)));
}
