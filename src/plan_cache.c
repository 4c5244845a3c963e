/*-------------------------------------------------------------------------
 * plan_cache.c
 *	  Per-backend cache of prepared statements, keyed by statement text.
 *
 * The statement text depends only on the shape of a call (values are
 * parameters), so steady-state traffic hits a small set of entries.  Plans
 * are SPI_prepare'd and SPI_keepplan'ed; PostgreSQL's own plan cache
 * invalidation replans them after DDL on the tables they read.  The cache
 * is bounded (ignis.plan_cache_size) with least-recently-used eviction.
 *
 * Generic plans: a prepared statement may switch to a generic plan after
 * five executions, which is a trap on skewed columns.  ignis.plan_mode
 * chooses: "auto" lets PostgreSQL decide (honouring plan_cache_mode), but a
 * statement comparing a column that has dominant values (catalog.c) is
 * cached once per class of value (one of the dominant values, or another),
 * so the plan PostgreSQL settles on for the common value never serves a
 * rare one;
 * "force_custom_plan" replans with the actual values every time (parse and
 * analysis are still cached), "force_generic_plan" plans once, and "off"
 * disables caching altogether.
 *-------------------------------------------------------------------------
 */
#include "ignis.h"

#include "common/hashfn.h"
#include "executor/spi.h"
#include "lib/ilist.h"
#include "nodes/parsenodes.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"

typedef struct PlanEntry
{
	uint64		key;			/* hash of mode + value class + statement text */
	char	   *sql;			/* the text, compared on every hit */
	char	   *plan_class;		/* value classes of skewed comparisons */
	int			mode;
	SPIPlanPtr	plan;
	dlist_node	lru;
} PlanEntry;

static HTAB *plan_cache = NULL;
static dlist_head plan_lru = DLIST_STATIC_INIT(plan_lru);
static MemoryContext plan_cache_cxt = NULL;
static uint64 stat_hits = 0;
static uint64 stat_misses = 0;
static uint64 stat_evictions = 0;
static uint64 stat_uncached = 0;
static uint64 stat_skew_entries = 0;	/* statements prepared per value class */

static void
plan_cache_create(void)
{
	HASHCTL		ctl;

	plan_cache_cxt = AllocSetContextCreate(CacheMemoryContext, "ignis plan cache",
										   ALLOCSET_DEFAULT_SIZES);
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(uint64);
	ctl.entrysize = sizeof(PlanEntry);
	ctl.hcxt = plan_cache_cxt;
	plan_cache = hash_create("ignis plan cache", 256, &ctl,
							 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	dlist_init(&plan_lru);
}

static void
drop_entry(PlanEntry *entry)
{
	dlist_delete(&entry->lru);
	SPI_freeplan(entry->plan);
	pfree(entry->sql);
	pfree(entry->plan_class);
	hash_search(plan_cache, &entry->key, HASH_REMOVE, NULL);
}

void
plan_cache_reset(void)
{
	while (plan_cache && !dlist_is_empty(&plan_lru))
		drop_entry(dlist_container(PlanEntry, lru, dlist_head_node(&plan_lru)));
}

/*
 * Cursor options of a prepared statement.  CURSOR_OPT_PARALLEL_OK lets the
 * planner use parallel workers (SPI_prepare alone never does), so a count
 * over a large table runs as fast as the same SQL typed by hand.
 */
static int
cursor_options(int mode)
{
	switch (mode)
	{
		case IGNIS_PLAN_CUSTOM:
			return CURSOR_OPT_PARALLEL_OK | CURSOR_OPT_CUSTOM_PLAN;
		case IGNIS_PLAN_GENERIC:
			return CURSOR_OPT_PARALLEL_OK | CURSOR_OPT_GENERIC_PLAN;
		default:
			return CURSOR_OPT_PARALLEL_OK;
	}
}

/*
 * The cached plan for a statement, preparing it on a miss.  Must be called
 * inside SPI_connect.  Returns NULL when caching is off (the caller runs the
 * statement unprepared).
 */
SPIPlanPtr
plan_cache_get(const char *sql, const char *plan_class, int nargs, Oid *argtypes)
{
	uint64		key;
	PlanEntry  *entry;
	bool		found;
	SPIPlanPtr	plan;
	int			mode = ignis_plan_mode;

	if (mode == IGNIS_PLAN_NONE || ignis_plan_cache_size == 0)
	{
		stat_uncached++;
		return NULL;
	}
	if (plan_cache == NULL)
		plan_cache_create();

	key = hash_bytes_extended((const unsigned char *) sql, strlen(sql), (uint64) mode);
	if (plan_class[0] != '\0')
		key ^= hash_bytes_extended((const unsigned char *) plan_class, strlen(plan_class),
								   key);
	entry = hash_search(plan_cache, &key, HASH_FIND, NULL);
	if (entry && entry->mode == mode && strcmp(entry->sql, sql) == 0 &&
		strcmp(entry->plan_class, plan_class) == 0)
	{
		stat_hits++;
		dlist_move_tail(&plan_lru, &entry->lru);
		return entry->plan;
	}
	if (entry)
		drop_entry(entry);		/* hash collision: replace */

	stat_misses++;
	if (plan_class[0] != '\0')
		stat_skew_entries++;
	plan = SPI_prepare_cursor(sql, nargs, argtypes, cursor_options(mode));
	if (plan == NULL)
		elog(ERROR, "ignis: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "ignis: SPI_keepplan failed");

	while (hash_get_num_entries(plan_cache) >= ignis_plan_cache_size &&
		   !dlist_is_empty(&plan_lru))
	{
		drop_entry(dlist_container(PlanEntry, lru, dlist_head_node(&plan_lru)));
		stat_evictions++;
	}
	entry = hash_search(plan_cache, &key, HASH_ENTER, &found);
	entry->sql = MemoryContextStrdup(plan_cache_cxt, sql);
	entry->plan_class = MemoryContextStrdup(plan_cache_cxt, plan_class);
	entry->mode = mode;
	entry->plan = plan;
	dlist_push_tail(&plan_lru, &entry->lru);
	return plan;
}

Jsonb *
plan_cache_stats_jsonb(void)
{
	char	   *json;
	uint64		lookups = stat_hits + stat_misses;

	json = psprintf("{\"entries\": %ld, \"capacity\": %d, \"hits\": " UINT64_FORMAT
					", \"misses\": " UINT64_FORMAT ", \"evictions\": " UINT64_FORMAT
					", \"uncached\": " UINT64_FORMAT ", \"skew_class_entries\": " UINT64_FORMAT
					", \"hit_rate\": %.6f}",
					plan_cache ? (long) hash_get_num_entries(plan_cache) : 0L,
					ignis_plan_cache_size, stat_hits, stat_misses, stat_evictions,
					stat_uncached, stat_skew_entries,
					lookups ? (double) stat_hits / lookups : 0.0);
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(json)));
}
