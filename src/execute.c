/*-------------------------------------------------------------------------
 * execute.c
 *	  Run a built statement through SPI and hand back its one result datum.
 *-------------------------------------------------------------------------
 */
#include "ignis.h"

#include "executor/spi.h"
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
	int			rc;
	Datum		result = (Datum) 0;

	*isnull = true;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "ignis: SPI_connect failed");

	plan = plan_cache_get(qb->sql.data, qb->nparams, qb->types);
	if (plan)
		rc = SPI_execute_plan(plan, qb->values, qb->nulls, read_only, 1);
	else
		rc = SPI_execute_with_args(qb->sql.data, qb->nparams, qb->types, qb->values,
								   qb->nulls, read_only, 1);
	if (rc < 0)
		elog(ERROR, "ignis: executing the statement failed: %s", SPI_result_code_string(rc));

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
