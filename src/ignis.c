/*-------------------------------------------------------------------------
 * ignis.c
 *	  Module entry point: configuration parameters and cache utilities.
 *-------------------------------------------------------------------------
 */
#include "ignis.h"

#include "fmgr.h"
#include "utils/guc.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

PG_MODULE_MAGIC;

int			ignis_default_limit = 10;
int			ignis_default_include_limit = 0;
int			ignis_plan_cache_size = 256;
int			ignis_plan_mode = IGNIS_PLAN_AUTO;
int			ignis_max_where_depth = 1000;
int			ignis_max_json_path_length = 1000;
int			ignis_max_where_conditions = 1000;
int			ignis_max_update_paths = 100;
int			ignis_count_exact_threshold = 10000;
bool		ignis_allow_jit = false;
int			ignis_plan_cache_memory = 32768;	/* kB */
int			ignis_malloc_retain = 32768;	/* kB */

/* glibc's fixed defaults for both thresholds (malloc/malloc.c) */
#define GLIBC_DEFAULT_THRESHOLD (128 * 1024)
/* the largest mmap threshold glibc accepts on 64-bit platforms */
#define GLIBC_MAX_MMAP_THRESHOLD (4 * 1024 * 1024 * (int) sizeof(long))

static const struct config_enum_entry plan_mode_options[] = {
	{"auto", IGNIS_PLAN_AUTO, false},
	{"force_custom_plan", IGNIS_PLAN_CUSTOM, false},
	{"force_generic_plan", IGNIS_PLAN_GENERIC, false},
	{"off", IGNIS_PLAN_NONE, false},
	{NULL, 0, false}
};

void		_PG_init(void);

/*
 * ignis.malloc_retain: how much freed heap memory a backend keeps instead of
 * returning it to the kernel after every statement (docs/design.md,
 * "Results and the heap").  Building a result of a few hundred kilobytes
 * grows the heap past glibc's 128 kB trim threshold; the shrink at the end
 * of the statement and the regrowth on the next one cost page faults and,
 * on multi-core machines, TLB shootdowns: more than the query itself.
 * Raising the trim and mmap thresholds keeps that memory mapped, and the
 * same top pad keeps that much when a larger peak is trimmed, so a result
 * bigger than the setting pays only for the part beyond it.
 * It is process-wide (this backend's allocator), so 0 gives the decision
 * back to glibc's defaults.
 */
static void
assign_malloc_retain(int newval, void *extra)
{
#ifdef __GLIBC__
	int			bytes = newval > 0 ? newval * 1024 : GLIBC_DEFAULT_THRESHOLD;

	mallopt(M_TRIM_THRESHOLD, bytes);
	mallopt(M_TOP_PAD, bytes);
	mallopt(M_MMAP_THRESHOLD, Min(bytes, GLIBC_MAX_MMAP_THRESHOLD));
#endif
}

void
_PG_init(void)
{
	DefineCustomIntVariable("ignis.default_limit",
							"Limit applied to a top-level find when the filter gives none (0: no limit).",
							NULL, &ignis_default_limit, 10, 0, INT_MAX,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("ignis.default_include_limit",
							"Limit per parent of a to-many include whose scope gives none (0: no limit).",
							"A target model's settings.defaultIncludeLimit takes precedence.",
							&ignis_default_include_limit, 0, 0, INT_MAX,
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
	DefineCustomIntVariable("ignis.plan_cache_memory",
							"Memory the plan cache may hold per backend before it evicts statements.",
							NULL, &ignis_plan_cache_memory, 32768, 64, INT_MAX / 1024,
							PGC_USERSET, GUC_UNIT_KB, NULL, NULL, NULL);
	DefineCustomIntVariable("ignis.malloc_retain",
							"Freed heap memory a backend keeps mapped between statements (0: the C library's defaults).",
							"Applies to the whole backend process; only with the GNU C library.",
							&ignis_malloc_retain, 32768, 0, 1024 * 1024,
							PGC_SUSET, GUC_UNIT_KB, NULL, assign_malloc_retain, NULL);
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
