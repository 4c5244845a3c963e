/*-------------------------------------------------------------------------
 * plan_cache.c
 *	  Per-backend cache of prepared statements, keyed by statement text
 *	  (and parameter types).
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

/* Timed runs of each plan before a skewed-class entry settles on one. */
#define TRIALS 3

typedef struct PlanEntry
{
	uint64		key;			/* hash of mode + value class + statement text
								 * + parameter types */
	char	   *sql;			/* the text, compared on every hit */
	char	   *plan_class;		/* value classes of skewed comparisons */
	int			nargs;			/* parameter types, also compared on every */
	Oid		   *argtypes;		/* hit: a type dropped and created again has
								 * the same name in the text, not the same oid */
	int			mode;
	SPIPlanPtr	plans[2];		/* [0] the plan; [1] skewed class: custom-only */
	int			choice;			/* plan in use, or -1 while measuring both */
	int			runs[2];		/* timed executions so far */
	double		elapsed[2];		/* their total, microseconds */
	double		slowest[2];		/* the slowest of them */
	uint64		generation;		/* statistics generation the choice was made in */
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
static uint64 stat_adaptive_custom = 0; /* classes that settled on custom plans */
static uint64 plan_generation = 1;	/* bumped when a model (its statistics) reloads */

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
	SPI_freeplan(entry->plans[0]);
	if (entry->plans[1])
		SPI_freeplan(entry->plans[1]);
	pfree(entry->sql);
	pfree(entry->plan_class);
	pfree(entry->argtypes);
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

static SPIPlanPtr
prepare_kept(const char *sql, int nargs, Oid *argtypes, int options)
{
	SPIPlanPtr	plan = SPI_prepare_cursor(sql, nargs, argtypes, options);

	if (plan == NULL)
		elog(ERROR, "ignis: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "ignis: SPI_keepplan failed");
	return plan;
}

/* Statistics changed (a model was reloaded): skewed classes measure again. */
void
plan_cache_new_generation(void)
{
	plan_generation++;
}

/*
 * The cached plan for a statement, preparing it on a miss.  Must be called
 * inside SPI_connect.  Sets handle->plan to NULL when caching is off (the
 * caller runs the statement unprepared).
 *
 * A statement comparing a skewed column (plan_class not empty) is cached
 * per class of value.  Within a class, PostgreSQL's own generic/custom
 * choice can still go wrong: a generic plan made for 'published' does not
 * know that the value covers 90% of the rows.  In auto mode such an entry
 * keeps two plans, one generic and one planned for every call's values,
 * times a few runs of each and then uses the faster one: the planning cost
 * of custom plans against the quality of the generic plan, measured.
 */
void
plan_cache_get(PlanHandle *handle, const char *sql, const char *plan_class, int nargs,
			   Oid *argtypes)
{
	uint64		key;
	PlanEntry  *entry;
	bool		found;
	int			mode = ignis_plan_mode;
	bool		adaptive;
	SPIPlanPtr	plans[2] = {NULL, NULL};

	memset(handle, 0, sizeof(PlanHandle));
	if (mode == IGNIS_PLAN_NONE || ignis_plan_cache_size == 0)
	{
		stat_uncached++;
		return;
	}
	if (plan_cache == NULL)
		plan_cache_create();

	key = hash_bytes_extended((const unsigned char *) sql, strlen(sql), (uint64) mode);
	if (plan_class[0] != '\0')
		key ^= hash_bytes_extended((const unsigned char *) plan_class, strlen(plan_class),
								   key);
	if (nargs > 0)
		key ^= hash_bytes_extended((const unsigned char *) argtypes, sizeof(Oid) * nargs, key);
	entry = hash_search(plan_cache, &key, HASH_FIND, NULL);
	if (entry && entry->mode == mode && strcmp(entry->sql, sql) == 0 &&
		strcmp(entry->plan_class, plan_class) == 0 && entry->nargs == nargs &&
		(nargs == 0 || memcmp(entry->argtypes, argtypes, sizeof(Oid) * nargs) == 0))
	{
		stat_hits++;
		dlist_move_tail(&plan_lru, &entry->lru);
	}
	else
	{
		if (entry)
			drop_entry(entry);	/* hash collision: replace */
		stat_misses++;
		adaptive = plan_class[0] != '\0' && mode == IGNIS_PLAN_AUTO;
		if (plan_class[0] != '\0')
			stat_skew_entries++;
		plans[0] = prepare_kept(sql, nargs, argtypes,
								cursor_options(adaptive ? IGNIS_PLAN_GENERIC : mode));
		if (adaptive)
			plans[1] = prepare_kept(sql, nargs, argtypes, cursor_options(IGNIS_PLAN_CUSTOM));

		while (hash_get_num_entries(plan_cache) >= ignis_plan_cache_size &&
			   !dlist_is_empty(&plan_lru))
		{
			drop_entry(dlist_container(PlanEntry, lru, dlist_head_node(&plan_lru)));
			stat_evictions++;
		}
		entry = hash_search(plan_cache, &key, HASH_ENTER, &found);
		entry->sql = MemoryContextStrdup(plan_cache_cxt, sql);
		entry->plan_class = MemoryContextStrdup(plan_cache_cxt, plan_class);
		entry->nargs = nargs;
		entry->argtypes = MemoryContextAlloc(plan_cache_cxt, sizeof(Oid) * Max(nargs, 1));
		if (nargs > 0)
			memcpy(entry->argtypes, argtypes, sizeof(Oid) * nargs);
		entry->mode = mode;
		entry->plans[0] = plans[0];
		entry->plans[1] = plans[1];
		entry->choice = adaptive ? -1 : 0;
		entry->runs[0] = entry->runs[1] = 0;
		entry->elapsed[0] = entry->elapsed[1] = 0;
		entry->slowest[0] = entry->slowest[1] = 0;
		entry->generation = plan_generation;
		dlist_push_tail(&plan_lru, &entry->lru);
	}

	if (entry->plans[1] && entry->generation != plan_generation)
	{
		/* new statistics: measure again */
		entry->choice = -1;
		entry->runs[0] = entry->runs[1] = 0;
		entry->elapsed[0] = entry->elapsed[1] = 0;
		entry->slowest[0] = entry->slowest[1] = 0;
		entry->generation = plan_generation;
	}
	handle->key = key;
	handle->sql = entry->sql;
	if (entry->choice >= 0)
	{
		handle->plan = entry->plans[entry->choice];
		return;
	}
	/*
	 * Measuring: alternate, the per-call plan first (it is planned for the
	 * values at hand, so it is never the disaster a generic plan can be).
	 */
	handle->slot = entry->runs[1] <= entry->runs[0] ? 1 : 0;
	handle->plan = entry->plans[handle->slot];
	handle->measuring = true;
}

/* Record one execution of a plan handed out while measuring. */
void
plan_cache_report(PlanHandle *handle, double elapsed_us)
{
	PlanEntry  *entry;

	if (!handle->measuring || plan_cache == NULL)
		return;
	entry = hash_search(plan_cache, &handle->key, HASH_FIND, NULL);
	if (entry == NULL || entry->sql != handle->sql || entry->choice >= 0)
		return;					/* evicted or replaced meanwhile */
	entry->elapsed[handle->slot] += elapsed_us;
	entry->slowest[handle->slot] = Max(entry->slowest[handle->slot], elapsed_us);
	entry->runs[handle->slot]++;

	/* a run 1.5 times slower than every run of the other plan decides at once */
	if (entry->runs[0] > 0 && entry->runs[1] > 0 &&
		elapsed_us > 1.5 * entry->slowest[1 - handle->slot] &&
		entry->runs[1 - handle->slot] >= (handle->slot == 0 ? 1 : 2))
		entry->choice = 1 - handle->slot;
	else if (entry->runs[0] >= TRIALS && entry->runs[1] >= TRIALS)
		entry->choice = entry->elapsed[1] < entry->elapsed[0] ? 1 : 0;
	if (entry->choice == 1)
		stat_adaptive_custom++;
}

Jsonb *
plan_cache_stats_jsonb(void)
{
	char	   *json;
	uint64		lookups = stat_hits + stat_misses;

	json = psprintf("{\"entries\": %ld, \"capacity\": %d, \"hits\": " UINT64_FORMAT
					", \"misses\": " UINT64_FORMAT ", \"evictions\": " UINT64_FORMAT
					", \"uncached\": " UINT64_FORMAT ", \"skew_class_entries\": " UINT64_FORMAT
					", \"skew_classes_on_custom_plans\": " UINT64_FORMAT
					", \"hit_rate\": %.6f}",
					plan_cache ? (long) hash_get_num_entries(plan_cache) : 0L,
					ignis_plan_cache_size, stat_hits, stat_misses, stat_evictions,
					stat_uncached, stat_skew_entries, stat_adaptive_custom,
					lookups ? (double) stat_hits / lookups : 0.0);
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(json)));
}
