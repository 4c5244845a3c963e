/*-------------------------------------------------------------------------
 * ignis.c
 *	  Module entry point: configuration parameters and cache utilities.
 *-------------------------------------------------------------------------
 */
#include "ignis.h"

#include "fmgr.h"
#include "utils/guc.h"

PG_MODULE_MAGIC;

int			ignis_default_limit = 10;
int			ignis_plan_cache_size = 256;
int			ignis_plan_mode = IGNIS_PLAN_AUTO;
int			ignis_max_where_depth = 1000;
int			ignis_max_json_path_length = 1000;
int			ignis_max_where_conditions = 1000;
int			ignis_max_update_paths = 100;
int			ignis_count_exact_threshold = 10000;
bool		ignis_allow_jit = false;

static const struct config_enum_entry plan_mode_options[] = {
	{"auto", IGNIS_PLAN_AUTO, false},
	{"force_custom_plan", IGNIS_PLAN_CUSTOM, false},
	{"force_generic_plan", IGNIS_PLAN_GENERIC, false},
	{"off", IGNIS_PLAN_NONE, false},
	{NULL, 0, false}
};

void		_PG_init(void);

void
_PG_init(void)
{
	DefineCustomIntVariable("ignis.default_limit",
							"Limit applied to a top-level find when the filter gives none (0: no limit).",
							NULL, &ignis_default_limit, 10, 0, INT_MAX,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("ignis.plan_cache_size",
							"Prepared statements kept per backend (0 disables the plan cache).",
							NULL, &ignis_plan_cache_size, 256, 0, 100000,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomEnumVariable("ignis.plan_mode",
							 "How cached statements are planned: auto, force_custom_plan, force_generic_plan, or off (no caching).",
							 NULL, &ignis_plan_mode, IGNIS_PLAN_AUTO, plan_mode_options,
							 PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("ignis.max_where_depth",
							"Deepest nesting of and/or/not groups accepted in a where object.",
							NULL, &ignis_max_where_depth, 1000, 1, 100000,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("ignis.max_json_path_length",
							"Most components accepted in one JSON path (where, order, update data).",
							NULL, &ignis_max_json_path_length, 1000, 1, 100000,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("ignis.max_where_conditions",
							"Most conditions accepted in one where object (default filter included).",
							NULL, &ignis_max_where_conditions, 1000, 1, 100000,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("ignis.max_update_paths",
							"Most JSON-path keys accepted for one property in one update.",
							NULL, &ignis_max_update_paths, 100, 1, 100000,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("ignis.count_exact_threshold",
							"countStrategy \"estimated\": exact count when the planner expects at most this many rows.",
							NULL, &ignis_count_exact_threshold, 10000, 0, INT_MAX,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomBoolVariable("ignis.jit",
							 "Allow JIT compilation of ignis statements (off: plans are made with jit off).",
							 NULL, &ignis_allow_jit, false,
							 PGC_USERSET, 0, NULL, NULL, NULL);
#if PG_VERSION_NUM >= 150000
	MarkGUCPrefixReserved("ignis");
#else
	EmitWarningsOnPlaceholders("ignis");
#endif
}

PG_FUNCTION_INFO_V1(ignis_plan_cache_stats);
Datum
ignis_plan_cache_stats(PG_FUNCTION_ARGS)
{
	PG_RETURN_JSONB_P(plan_cache_stats_jsonb());
}

PG_FUNCTION_INFO_V1(ignis_reset_caches);
Datum
ignis_reset_caches(PG_FUNCTION_ARGS)
{
	ignis_cache_reset();
	plan_cache_reset();
	PG_RETURN_VOID();
}
