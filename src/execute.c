/*-------------------------------------------------------------------------
 * execute.c
 *	  Run a built statement through SPI and hand back its one result datum.
 *-------------------------------------------------------------------------
 */
#include "ignis.h"

#include "executor/spi.h"
#include "jit/jit.h"
#include "portability/instr_time.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"

/*
 * The rows of a read statement (qb->result) as the API's jsonb, allocated
 * in `into`.  Runs inside SPI: the tuples are alive, and the JsonbValue
 * tree is built in SPI's procedure context, which SPI_finish frees.
 */
static Datum
assemble_result(QueryBuilder *qb, PlanHandle *handle, MemoryContext into, bool *isnull)
{
	SPITupleTable *tuptable = SPI_tuptable;
	TupleDesc	desc = tuptable->tupdesc;
	uint64		nrows = SPI_processed;
	int			first = qb->result == RESULT_RANGE ? 2 : 0;
	ResultLayout *shape = handle->shape ? *handle->shape : NULL;
	JsonbParseState *ps = NULL;
	JsonbValue *root;
	Datum	   *values;
	bool	   *nulls;
	uint64		i;
	int64		total = 0;
	int64		page = 0;
	Jsonb	   *jb;
	MemoryContext old;

	if (!result_layout_matches(shape, desc))
	{
		shape = result_layout_build(desc, first,
								   handle->shape ? handle->shape_cxt : CurrentMemoryContext);
		if (handle->shape)
			*handle->shape = shape;
	}
	values = palloc(sizeof(Datum) * desc->natts);
	nulls = palloc(sizeof(bool) * desc->natts);
	*isnull = false;

	if (qb->result == RESULT_OBJECT)
	{
		if (nrows == 0)
		{
			*isnull = true;
			return (Datum) 0;
		}
		root = result_push_row(&ps, shape, 0, tuptable->vals[0], desc, values, nulls);
	}
	else if (qb->result == RESULT_ARRAY)
	{
		pushJsonbValue(&ps, WJB_BEGIN_ARRAY, NULL);
		for (i = 0; i < nrows; i++)
			result_push_row(&ps, shape, 0, tuptable->vals[i], desc, values, nulls);
		root = pushJsonbValue(&ps, WJB_END_ARRAY, NULL);
	}
	else
	{
		/* RESULT_RANGE: columns total, page marker, then the row */
		pushJsonbValue(&ps, WJB_BEGIN_OBJECT, NULL);
		result_push_key(&ps, "data");
		pushJsonbValue(&ps, WJB_BEGIN_ARRAY, NULL);
		for (i = 0; i < nrows; i++)
		{
			HeapTuple	tuple = tuptable->vals[i];
			bool		null;

			if (i == 0)
				total = DatumGetInt64(SPI_getbinval(tuple, desc, 1, &null));
			(void) SPI_getbinval(tuple, desc, 2, &null);
			if (null)
				continue;		/* the page is empty */
			result_push_row(&ps, shape, 2, tuple, desc, values, nulls);
			page++;
		}
		pushJsonbValue(&ps, WJB_END_ARRAY, NULL);
		result_push_key(&ps, "range");
		pushJsonbValue(&ps, WJB_BEGIN_OBJECT, NULL);
		result_push_key(&ps, "start");
		result_push_int8(&ps, WJB_VALUE, qb->range_offset);
		result_push_key(&ps, "end");
		result_push_int8(&ps, WJB_VALUE, page > 0 ? qb->range_offset + page - 1 : qb->range_offset);
		result_push_key(&ps, "total");
		result_push_int8(&ps, WJB_VALUE, total);
		if (qb->range_label)
		{
			JsonbValue	v;

			result_push_key(&ps, "countStrategy");
			v.type = jbvString;
			v.val.string.val = (char *) qb->range_label;
			v.val.string.len = strlen(qb->range_label);
			pushJsonbValue(&ps, WJB_VALUE, &v);
		}
		pushJsonbValue(&ps, WJB_END_OBJECT, NULL);
		root = pushJsonbValue(&ps, WJB_END_OBJECT, NULL);
	}

	old = MemoryContextSwitchTo(into);
	jb = JsonbValueToJsonb(root);
	MemoryContextSwitchTo(old);
	return JsonbPGetDatum(jb);
}

/* The first column of the first row, copied out of SPI's memory. */
static Datum
first_value(bool *isnull)
{
	TupleDesc	desc = SPI_tuptable->tupdesc;
	Oid			type = SPI_gettypeid(desc, 1);
	Datum		result;
	int16		typlen;
	bool		typbyval;

	result = SPI_getbinval(SPI_tuptable->vals[0], desc, 1, isnull);
	if (!*isnull)
	{
		get_typlenbyval(type, &typlen, &typbyval);
		result = SPI_datumTransfer(result, typbyval, typlen);
	}
	return result;
}

/* Run the statement: through its cached plan, or unprepared. */
static int
run_statement(QueryBuilder *qb, SPIPlanPtr plan, bool read_only)
{
	return plan ? SPI_execute_plan(plan, qb->values, qb->nulls, read_only, 0)
		: SPI_execute_with_args(qb->sql.data, qb->nparams, qb->types, qb->values,
								qb->nulls, read_only, 0);
}

/*
 * Execute qb's statement (through the plan cache) and return its result:
 * the first column of its single row, or the rows assembled into jsonb
 * (qb->result), copied out of SPI's memory.  read_only statements run on
 * the caller's snapshot and write nothing, so they also work on a hot
 * standby.
 */
Datum
ignis_execute(QueryBuilder *qb, bool read_only, bool *isnull)
{
	MemoryContext caller = CurrentMemoryContext;
	PlanHandle	handle;
	instr_time	start;
	int			rc;
	Datum		volatile result = (Datum) 0;
	bool		jit_off = !ignis_allow_jit && jit_enabled;

	/*
	 * No tuple count is passed because the executor refuses parallel
	 * workers when one is.
	 */
	*isnull = true;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "ignis: SPI_connect failed");

	plan_cache_get(&handle, qb->sql.data, qb->plan_class.data, qb->nparams, qb->types,
				   qb->no_cache);
	if (handle.measuring)
		INSTR_TIME_SET_CURRENT(start);

	/*
	 * A generic plan costs LIMIT $n as a tenth of the table, which can push
	 * a 20-row page over jit_above_cost and compile it on every call.  Pages
	 * of JSON do not profit from JIT: unless ignis.jit allows it, plans are
	 * made with JIT disabled.  The planner reads jit_enabled directly; it is
	 * switched off around the call and restored on return and on error
	 * (cheaper than a GUC nest level on every call).  The cache entry is
	 * pinned while it runs: an ignis call nested inside this statement (a
	 * trigger, a function) may evict or reset entries, and a pinned plan is
	 * freed only when released.
	 */
	PG_TRY();
	{
		if (jit_off)
			jit_enabled = false;
		rc = run_statement(qb, handle.plan, read_only);
		if (jit_off)
			jit_enabled = true;
		if (handle.measuring)
		{
			instr_time	elapsed;

			INSTR_TIME_SET_CURRENT(elapsed);
			INSTR_TIME_SUBTRACT(elapsed, start);
			plan_cache_report(&handle, INSTR_TIME_GET_MICROSEC(elapsed));
		}
		if (rc < 0)
			elog(ERROR, "ignis: executing the statement failed: %s",
				 SPI_result_code_string(rc));
		if (qb->result != RESULT_DATUM && SPI_tuptable != NULL)
			result = assemble_result(qb, &handle, caller, isnull);
		else if (SPI_processed > 0 && SPI_tuptable != NULL)
			result = first_value(isnull);
	}
	PG_FINALLY();
	{
		if (jit_off)
			jit_enabled = true;
		plan_cache_release(&handle);
	}
	PG_END_TRY();
	SPI_finish();
	return result;
}

/* Log (options.log) and run a call's statement; its result must not be NULL. */
Datum
ignis_run(QueryBuilder *qb, IgnisOptions *opts, const char *fname, IgnisModel *model,
		  bool read_only)
{
	bool		isnull;
	Datum		result;

	options_log(opts, fname, model, qb);
	result = ignis_execute(qb, read_only, &isnull);
	if (isnull && qb->single_row)
		return DirectFunctionCall1(jsonb_in, CStringGetDatum("null"));
	if (isnull)
		elog(ERROR, "ignis: %s produced no result", fname);
	return result;
}

/*
 * The planner's row estimate for qb's statement with its actual parameter
 * values (EXPLAIN of a custom plan): the "planned" count strategy.
 */
int64
ignis_planned_rows(QueryBuilder *qb)
{
	char	   *sql = psprintf("EXPLAIN (FORMAT JSON) %s", qb->sql.data);
	int			rc;
	int64		rows = 0;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "ignis: SPI_connect failed");
	/* EXPLAIN is a utility statement, refused in read-only SPI; it writes nothing */
	rc = SPI_execute_with_args(sql, qb->nparams, qb->types, qb->values, qb->nulls, false, 0);
	if (rc < 0 || SPI_processed == 0)
		elog(ERROR, "ignis: EXPLAIN failed: %s", SPI_result_code_string(rc));
	{
		char	   *text = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
		JNode	   *doc = jnode_from_jsonb(DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
																				CStringGetDatum(text))));
		JNode	   *plan = (doc && doc->type == JN_ARRAY && doc->n > 0)
			? jnode_get(jnode_get(doc->items[0], "Plan"), "Plan Rows") : NULL;

		if (plan && plan->type == JN_NUMBER)
			rows = (int64) strtod(jnode_scalar_text(plan), NULL);
	}
	SPI_finish();
	return rows;
}
