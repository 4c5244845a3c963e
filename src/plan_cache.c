/*-------------------------------------------------------------------------
 * plan_cache.c
 *	  Per-backend cache of prepared statements, keyed by statement text
 *	  (and parameter types).
 *
 * The statement text depends only on the shape of a call (values are
 * parameters), so steady-state traffic hits a small set of entries.  Plans
 * are SPI_prepare'd and SPI_keepplan'ed; PostgreSQL's own plan cache
 * invalidation replans them after DDL on the objects they use.  The cache
 * is bounded by entries (ignis.plan_cache_size) and by memory
 * (ignis.plan_cache_memory), with least-recently-used eviction; statements
 * whose text grows with the data (create_all of rows with differing keys)
 * are never cached.
 *
 * A cache hit should not plan again.  PostgreSQL's own choice between a
 * generic and a per-call (custom) plan keeps re-planning a page query: a
 * generic plan costs LIMIT $n as a tenth of the table, so it never looks
 * cheaper than the custom plans.  In "auto" mode each entry therefore
 * keeps a generic plan and a per-call plan, times a few runs of each and
 * settles on the faster one, counting planning time; the generic plan wins
 * ties.  Statements comparing a column with dominant values (catalog.c)
 * are cached once per class of value, so the plan chosen for a common
 * value never serves a rare one.  "force_custom_plan" plans every call,
 * "force_generic_plan" plans once, and "off" disables caching.
 *
 * Entries in use are pinned: an ignis call nested in a running statement
 * (a trigger, a function) may evict entries or reset the cache, and a
 * pinned entry is freed only when its last user releases it.
 *-------------------------------------------------------------------------
 */
#include "ignis.h"

#include "common/hashfn.h"
#include "executor/spi.h"
#include "executor/spi_priv.h"
#include "lib/ilist.h"
#include "nodes/parsenodes.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/plancache.h"

/* Timed runs of each plan before an entry settles on one. */
#define TRIALS 3

/* The per-call plan is chosen only when it is clearly faster. */
#define CUSTOM_MARGIN 1.1

/*
 * A generic plan whose first run (planning included) takes this many times
 * the per-call plan's first run, plus WARM_SLACK_US, is not run again: a
 * generic plan that is that much slower is a bad plan, not a cold cache.
 */
#define WARM_GIVE_UP 4.0
#define WARM_SLACK_US 1000.0

struct PlanSlot
{
	uint64		key;			/* hash of mode + value class + statement text
								 * + parameter types */
	char	   *sql;			/* the text, compared on every hit */
	char	   *plan_class;		/* value classes of skewed comparisons */
	int			mode;
	int			nargs;			/* parameter types, also compared on every */
	Oid		   *argtypes;		/* hit: a type dropped and created again has
								 * the same name in the text, not the same oid */
	SPIPlanPtr	plans[2];		/* [0] generic (or the mode's only plan), [1] per call */
	int			choice;			/* plan in use, or -1 while measuring both */
	bool		warm[2];		/* first run done (not timed: it builds the plan) */
	double		first[2];		/* how long that first run took, microseconds */
	int			runs[2];		/* timed executions so far */
	double		elapsed[2];		/* their total, microseconds */
	double		slowest[2];		/* the slowest of them */
	uint64		generation;		/* statistics generation the choice was made in */
	int			pins;			/* executions under way */
	bool		dead;			/* dropped while pinned: free on release */
	Size		bytes;			/* memory of the plans when last measured */
	bool		sized;			/* settled and measured: bytes is final */
	ResultLayout *shape;			/* result conversion (result.c), or NULL */
	MemoryContext cxt;			/* owns this struct, the texts and the shape */
	dlist_node	lru;
};

typedef struct PlanHashEntry
{
	uint64		key;
	PlanSlot   *slot;
} PlanHashEntry;

static HTAB *plan_cache = NULL;
static dlist_head plan_lru = DLIST_STATIC_INIT(plan_lru);
static MemoryContext plan_cache_cxt = NULL;
static Size plan_cache_bytes = 0;
static uint64 stat_hits = 0;
static uint64 stat_misses = 0;
static uint64 stat_evictions = 0;
static uint64 stat_uncached = 0;
static uint64 stat_skew_entries = 0;	/* statements prepared per value class */
static uint64 stat_custom = 0;	/* entries that settled on per-call plans */
static uint64 stat_skew_custom = 0; /* of which value classes of skewed columns */
static uint64 plan_generation = 1;	/* bumped when a model (its statistics) reloads */

static void
plan_cache_create(void)
{
	HASHCTL		ctl;

	plan_cache_cxt = AllocSetContextCreate(CacheMemoryContext, "ignis plan cache",
										   ALLOCSET_DEFAULT_SIZES);
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(uint64);
	ctl.entrysize = sizeof(PlanHashEntry);
	ctl.hcxt = plan_cache_cxt;
	plan_cache = hash_create("ignis plan cache", 256, &ctl,
							 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	dlist_init(&plan_lru);
	plan_cache_bytes = 0;
}

/* Memory held by a kept plan: its sources, their query trees, a generic plan. */
static Size
plan_bytes(SPIPlanPtr plan)
{
	Size		n = 0;
	ListCell   *lc;

	if (plan == NULL)
		return 0;
	n += MemoryContextMemAllocated(plan->plancxt, true);
	foreach(lc, plan->plancache_list)
	{
		CachedPlanSource *ps = lfirst(lc);

		n += MemoryContextMemAllocated(ps->context, true);
		if (ps->gplan)
			n += MemoryContextMemAllocated(ps->gplan->context, true);
	}
	return n;
}

static void
free_slot(PlanSlot *slot)
{
	if (slot->plans[0])
		SPI_freeplan(slot->plans[0]);
	if (slot->plans[1])
		SPI_freeplan(slot->plans[1]);
	MemoryContextDelete(slot->cxt);
}

/* Take an entry out of the cache; free it now, or when its last user releases it. */
static void
drop_slot(PlanSlot *slot)
{
	dlist_delete(&slot->lru);
	hash_search(plan_cache, &slot->key, HASH_REMOVE, NULL);
	plan_cache_bytes -= slot->bytes;
	slot->bytes = 0;
	if (slot->pins > 0)
		slot->dead = true;
	else
		free_slot(slot);
}

static void
evict_over_limits(void)
{
	Size		limit = (Size) ignis_plan_cache_memory * 1024;

	while (!dlist_is_empty(&plan_lru) &&
		   (hash_get_num_entries(plan_cache) > ignis_plan_cache_size ||
			plan_cache_bytes > limit))
	{
		drop_slot(dlist_container(PlanSlot, lru, dlist_head_node(&plan_lru)));
		stat_evictions++;
	}
}

void
plan_cache_reset(void)
{
	while (plan_cache && !dlist_is_empty(&plan_lru))
		drop_slot(dlist_container(PlanSlot, lru, dlist_head_node(&plan_lru)));
}

/*
 * Cursor options of a prepared statement.  CURSOR_OPT_PARALLEL_OK lets the
 * planner use parallel workers (SPI_prepare alone never does), so a count
 * over a large table runs as fast as the same SQL typed by hand.  The
 * generic plan of a page (LIMIT $n) stays serial in "auto" mode: it costs
 * the LIMIT as a tenth of the table and so readily starts workers for
 * twenty rows (a Gather Merge over an anti-join, 60 ms instead of 0.3); the
 * per-call plan it is measured against knows the limit and may still go
 * parallel where that pays.
 */
static int
cursor_options(int mode, bool paged)
{
	switch (mode)
	{
		case IGNIS_PLAN_CUSTOM:
			return CURSOR_OPT_PARALLEL_OK | CURSOR_OPT_CUSTOM_PLAN;
		case IGNIS_PLAN_GENERIC:
			return (paged ? 0 : CURSOR_OPT_PARALLEL_OK) | CURSOR_OPT_GENERIC_PLAN;
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

/* Statistics changed (a model was reloaded): entries measure again. */
void
plan_cache_new_generation(void)
{
	plan_generation++;
}

static void
start_measuring(PlanSlot *slot)
{
	slot->choice = -1;
	slot->sized = false;
	memset(slot->warm, 0, sizeof(slot->warm));
	memset(slot->first, 0, sizeof(slot->first));
	memset(slot->runs, 0, sizeof(slot->runs));
	memset(slot->elapsed, 0, sizeof(slot->elapsed));
	memset(slot->slowest, 0, sizeof(slot->slowest));
	slot->generation = plan_generation;
}

/* A new entry; its first plan is prepared before anything is allocated. */
static PlanSlot *
new_slot(uint64 key, const char *sql, const char *plan_class, int mode, int nargs,
		 Oid *argtypes)
{
	bool		measure = mode == IGNIS_PLAN_AUTO && nargs > 0;
	SPIPlanPtr	first;
	MemoryContext cxt;
	PlanSlot   *slot;
	PlanHashEntry *he;
	bool		found;

	/* measuring starts with the per-call plan: planned for the values at hand */
	first = prepare_kept(sql, nargs, argtypes,
						 cursor_options(measure ? IGNIS_PLAN_CUSTOM : mode, false));
	cxt = AllocSetContextCreate(plan_cache_cxt, "ignis plan entry", ALLOCSET_SMALL_SIZES);
	slot = MemoryContextAllocZero(cxt, sizeof(PlanSlot));
	slot->cxt = cxt;
	slot->key = key;
	slot->sql = MemoryContextStrdup(cxt, sql);
	slot->plan_class = MemoryContextStrdup(cxt, plan_class);
	slot->mode = mode;
	slot->nargs = nargs;
	slot->argtypes = MemoryContextAlloc(cxt, sizeof(Oid) * Max(nargs, 1));
	memcpy(slot->argtypes, argtypes, sizeof(Oid) * nargs);
	if (measure)
	{
		slot->plans[1] = first;
		start_measuring(slot);
	}
	else
		slot->plans[0] = first;

	he = hash_search(plan_cache, &key, HASH_ENTER, &found);
	he->slot = slot;
	dlist_push_tail(&plan_lru, &slot->lru);
	return slot;
}

/*
 * The cached plan for a statement, preparing it on a miss, pinned until
 * plan_cache_release.  Must be called inside SPI_connect.  Sets
 * handle->plan to NULL when the statement is not cached (the caller runs
 * it unprepared).
 */
void
plan_cache_get(PlanHandle *handle, const char *sql, const char *plan_class, int nargs,
			   Oid *argtypes, bool no_cache, bool paged)
{
	uint64		key;
	PlanHashEntry *he;
	PlanSlot   *slot;
	int			mode = ignis_plan_mode;

	memset(handle, 0, sizeof(PlanHandle));
	if (mode == IGNIS_PLAN_NONE || ignis_plan_cache_size == 0 || no_cache)
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
	he = hash_search(plan_cache, &key, HASH_FIND, NULL);
	slot = he ? he->slot : NULL;
	if (slot && slot->mode == mode && strcmp(slot->sql, sql) == 0 &&
		strcmp(slot->plan_class, plan_class) == 0 && slot->nargs == nargs &&
		(nargs == 0 || memcmp(slot->argtypes, argtypes, sizeof(Oid) * nargs) == 0))
	{
		stat_hits++;
		dlist_move_tail(&plan_lru, &slot->lru);
	}
	else
	{
		if (slot)
			drop_slot(slot);	/* hash collision: replace */
		stat_misses++;
		if (plan_class[0] != '\0')
			stat_skew_entries++;
		slot = new_slot(key, sql, plan_class, mode, nargs, argtypes);
		evict_over_limits();
	}

	if (slot->plans[0] && slot->plans[1] && slot->choice >= 0 &&
		slot->generation != plan_generation)
		start_measuring(slot);	/* new statistics: measure again */

	if (slot->choice >= 0)
		handle->which = slot->choice;
	else
	{
		/* measuring: alternate, the per-call plan first */
		handle->which = slot->runs[1] + slot->warm[1] <= slot->runs[0] + slot->warm[0] ? 1 : 0;
		if (slot->plans[handle->which] == NULL)
			slot->plans[handle->which] =
				prepare_kept(slot->sql, slot->nargs, slot->argtypes,
							 cursor_options(handle->which == 1 ? IGNIS_PLAN_CUSTOM
											: IGNIS_PLAN_GENERIC, paged));
		handle->measuring = true;
	}
	handle->plan = slot->plans[handle->which];
	handle->entry = slot;
	handle->shape = &slot->shape;
	handle->shape_cxt = slot->cxt;
	slot->pins++;
}

/* Record one execution of a plan handed out while measuring. */
void
plan_cache_report(PlanHandle *handle, double elapsed_us)
{
	PlanSlot   *slot = handle->entry;
	int			w = handle->which;

	if (!handle->measuring || slot == NULL || slot->dead || slot->choice >= 0)
		return;
	if (!slot->warm[w])
	{
		slot->warm[w] = true;	/* the first run builds the plan: not timed */
		slot->first[w] = elapsed_us;
		/* ... unless a generic plan's first run shows it hopeless */
		if (w == 0 && slot->warm[1] &&
			elapsed_us > WARM_GIVE_UP * slot->first[1] + WARM_SLACK_US)
			slot->choice = 1;
	}
	else
	{
		slot->elapsed[w] += elapsed_us;
		slot->slowest[w] = Max(slot->slowest[w], elapsed_us);
		slot->runs[w]++;

		/* a run 1.5 times slower than every run of the other plan decides at once */
		if (slot->runs[1 - w] > 0 && elapsed_us > 1.5 * slot->slowest[1 - w])
			slot->choice = 1 - w;
		else if (slot->runs[0] >= TRIALS && slot->runs[1] >= TRIALS)
			slot->choice = slot->elapsed[1] * CUSTOM_MARGIN < slot->elapsed[0] ? 1 : 0;
	}
	if (slot->choice == 1)
	{
		stat_custom++;
		if (slot->plan_class[0] != '\0')
			stat_skew_custom++;
	}
}

/* Unpin an entry handed out by plan_cache_get; account its memory. */
void
plan_cache_release(PlanHandle *handle)
{
	PlanSlot   *slot = handle->entry;
	Size		bytes;

	if (slot == NULL)
		return;
	handle->entry = NULL;
	handle->shape = NULL;
	slot->pins--;
	if (slot->dead)
	{
		if (slot->pins == 0)
			free_slot(slot);
		return;
	}
	/*
	 * The plans' memory, measured until the entry has settled and run its
	 * chosen plan once (the generic plan is built at its first run); not on
	 * every hit after that.
	 */
	if (slot->sized)
		return;
	bytes = plan_bytes(slot->plans[0]) + plan_bytes(slot->plans[1]) +
		MemoryContextMemAllocated(slot->cxt, true);
	plan_cache_bytes += bytes - slot->bytes;
	slot->bytes = bytes;
	slot->sized = slot->choice >= 0 && !handle->measuring;
	if (plan_cache_bytes > (Size) ignis_plan_cache_memory * 1024)
		evict_over_limits();
}

Jsonb *
plan_cache_stats_jsonb(void)
{
	char	   *json;
	uint64		lookups = stat_hits + stat_misses;

	json = psprintf("{\"entries\": %ld, \"capacity\": %d, \"bytes\": " UINT64_FORMAT
					", \"hits\": " UINT64_FORMAT
					", \"misses\": " UINT64_FORMAT ", \"evictions\": " UINT64_FORMAT
					", \"uncached\": " UINT64_FORMAT ", \"skew_class_entries\": " UINT64_FORMAT
					", \"entries_on_custom_plans\": " UINT64_FORMAT
					", \"skew_classes_on_custom_plans\": " UINT64_FORMAT
					", \"hit_rate\": %.6f}",
					plan_cache ? (long) hash_get_num_entries(plan_cache) : 0L,
					ignis_plan_cache_size, (uint64) plan_cache_bytes,
					stat_hits, stat_misses, stat_evictions,
					stat_uncached, stat_skew_entries, stat_custom, stat_skew_custom,
					lookups ? (double) stat_hits / lookups : 0.0);
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(json)));
}
