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
 * Execute qb's statement (through the plan cache) and return the first
 * column of its single row, copied out of SPI's memory.  read_only
 * statements run on the caller's snapshot and write nothing, so they also
 * work on a hot standby.
 */
Datum
ignis_execute(QueryBuilder *qb, bool read_only, bool *isnull)
{
	SPIPlanPtr	plan;
	PlanHandle	handle;
	instr_time	start;
	int			rc;
	Datum		result;

	/*
	 * Every statement returns one row; no tuple count is passed because the
	 * executor refuses parallel workers when one is.
	 */
	*isnull = true;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "ignis: SPI_connect failed");

	plan_cache_get(&handle, qb->sql.data, qb->plan_class.data, qb->nparams, qb->types);
	plan = handle.plan;
	if (handle.measuring)
		INSTR_TIME_SET_CURRENT(start);

	/*
	 * A generic plan costs LIMIT $n as a tenth of the table, which can push
	 * a 20-row page over jit_above_cost and compile it on every call.  Pages
	 * of JSON do not profit from JIT: unless ignis.jit allows it, plans are
	 * made with JIT disabled.  The planner reads jit_enabled directly; it is
	 * switched off around the call and restored on return and on error
	 * (cheaper than a GUC nest level on every call).
	 */
	if (!ignis_allow_jit && jit_enabled)
	{
		jit_enabled = false;
		PG_TRY();
		{
			rc = plan ? SPI_execute_plan(plan, qb->values, qb->nulls, read_only, 0)
				: SPI_execute_with_args(qb->sql.data, qb->nparams, qb->types, qb->values,
										qb->nulls, read_only, 0);
		}
		PG_FINALLY();
		{
			jit_enabled = true;
		}
		PG_END_TRY();
	}
	else
		rc = plan ? SPI_execute_plan(plan, qb->values, qb->nulls, read_only, 0)
			: SPI_execute_with_args(qb->sql.data, qb->nparams, qb->types, qb->values,
									qb->nulls, read_only, 0);
	if (handle.measuring)
	{
		instr_time	elapsed;

		INSTR_TIME_SET_CURRENT(elapsed);
		INSTR_TIME_SUBTRACT(elapsed, start);
		plan_cache_report(&handle, INSTR_TIME_GET_MICROSEC(elapsed));
	}
	if (rc < 0)
		elog(ERROR, "ignis: executing the statement failed: %s", SPI_result_code_string(rc));

	/* set only after PG_TRY: a value live across its setjmp may be clobbered */
	result = (Datum) 0;
	if (SPI_processed > 0 && SPI_tuptable != NULL)
	{
		TupleDesc	desc = SPI_tuptable->tupdesc;
		Oid			type = SPI_gettypeid(desc, 1);
		int16		typlen;
		bool		typbyval;

		result = SPI_getbinval(SPI_tuptable->vals[0], desc, 1, isnull);
		if (!*isnull)
		{
			get_typlenbyval(type, &typlen, &typbyval);
			result = SPI_datumTransfer(result, typbyval, typlen);
		}
	}
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
