/*-------------------------------------------------------------------------
 * execute.c
 *	  Run a built statement through SPI and hand back its one result datum.
 *-------------------------------------------------------------------------
 */
#include "ignis.h"

#include "executor/spi.h"
#include "jit/jit.h"
#include "nodes/params.h"
#include "portability/instr_time.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"

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

/*
 * A write whose statement counted the rows it left outside the model's
 * scope filter (column 2): any is an error, which undoes the write.
 */
static void
check_scope(const char *model)
{
	bool		isnull;
	Datum		outside = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);

	if (!isnull && DatumGetInt64(outside) > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("ignis: " INT64_FORMAT " row(s) would be outside the scope filter of model \"%s\"",
						DatumGetInt64(outside), model),
				 errdetail("A scope filter holds for the rows a call writes as for the rows it reads."),
				 errhint("Write rows that match settings.scopeFilter, e.g. with the session's tenant.")));
}

/* qb's parameter values as a ParamListInfo. */
static ParamListInfo
param_list(QueryBuilder *qb)
{
	ParamListInfo params = makeParamList(qb->nparams);
	int			i;

	for (i = 0; i < qb->nparams; i++)
	{
		ParamExternData *prm = &params->params[i];

		prm->value = qb->values[i];
		prm->isnull = qb->nulls[i] == 'n';
		prm->pflags = PARAM_FLAG_CONST;
		prm->ptype = qb->types[i];
	}
	return params;
}

/*
 * Run the statement: through its cached plan, or unprepared.  Reads whose
 * rows become the result stream them into `dest` (result.c).
 */
static int
run_statement(QueryBuilder *qb, SPIPlanPtr plan, bool read_only, DestReceiver *dest)
{
	SPIExecuteOptions options;

	if (dest == NULL)
		return plan ? SPI_execute_plan(plan, qb->values, qb->nulls, read_only, 0)
			: SPI_execute_with_args(qb->sql.data, qb->nparams, qb->types, qb->values,
									qb->nulls, read_only, 0);
	if (plan == NULL)
	{
		/* a one-off plan, freed with SPI's memory */
		plan = SPI_prepare_cursor(qb->sql.data, qb->nparams, qb->types,
								  CURSOR_OPT_PARALLEL_OK);
		if (plan == NULL)
			elog(ERROR, "ignis: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	}
	memset(&options, 0, sizeof(options));
	options.params = param_list(qb);
	options.read_only = read_only;
	options.dest = dest;
	return SPI_execute_plan_extended(plan, &options);
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
	DestReceiver *volatile dest = NULL;

	/*
	 * No tuple count is passed because the executor refuses parallel
	 * workers when one is.
	 */
	*isnull = true;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "ignis: SPI_connect failed");

	plan_cache_get(&handle, qb->sql.data, qb->plan_class.data, qb->nparams, qb->types,
				   qb->no_cache, qb->paged);
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
		if (qb->result != RESULT_DATUM)
			dest = result_receiver_create(qb->result, qb->range_offset, qb->range_label,
										  qb->range_next, qb->range_limit,
										  handle.shape, handle.shape_cxt, caller);
		rc = run_statement(qb, handle.plan, read_only, dest);
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
		if (dest)
			result = result_receiver_finish(dest, isnull);
		else if (SPI_processed > 0 && SPI_tuptable != NULL)
		{
			result = first_value(isnull);
			if (qb->scope_checked)
				check_scope(qb->scope_checked);
		}
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
