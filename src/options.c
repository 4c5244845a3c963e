/*-------------------------------------------------------------------------
 * options.c
 *	  The options argument (api.md §4), operation scopes (write.md §9) and
 *	  the log option.
 *-------------------------------------------------------------------------
 */
#include "ignis.h"

#include "access/xact.h"

/*
 * Where each option key is accepted: one character per IgnisOp, in enum
 * order (find, find_one, find_by_id, count, exists_with, build_query,
 * create, create_all, update_by_id, update_all, delete_by_id, delete_all,
 * restore_by_id, restore_all, upsert): y = accepted, i = accepted and ignored,
 * n = rejected.
 */
typedef struct OptionRule
{
	const char *key;
	const char *where;
} OptionRule;

static const OptionRule option_rules[] = {
	{"shouldSkipDefaultFilter", "yyyyyyiiyyyyyyy"},
	{"log", "yyyyyyyyyyyyyyy"},
	{"shouldReturn", "nnnnnnyyyyyyyyy"},
	{"shouldQueryRange", "ynnnninnnnnnnnn"},
	{"force", "nnnnnnnnnynynyn"},
	{"shouldHardDelete", "nnnnnnnnnnyynnn"},
	{"isStrict", "nnynnnnnnnnnnnn"},
	{"countStrategy", "ynnyninnnnnnnnn"},
	{"lock", "yyynnynnnnnnnnn"},
	{"scope", "yyyyyyyyyyyyyyn"},
	{"conflict", "nnnnnnnnnnnnnny"},
	{"update", "nnnnnnnnnnnnnny"},
	{"where", "nnnnnnnnnnnnnny"},
};

static const char *const option_names[] = {
	"shouldSkipDefaultFilter", "log", "shouldReturn", "shouldQueryRange", "force",
	"shouldHardDelete", "isStrict", "countStrategy", "lock", "scope", "conflict", "update",
	"where"
};

/* options.lock.strength, and the SQL each one means (indexes: LOCK_*) */
static const char *const lock_strengths[] = {"update", "noKeyUpdate", "share", "keyShare"};
static const char *const lock_clauses[] = {
	"FOR UPDATE", "FOR NO KEY UPDATE", "FOR SHARE", "FOR KEY SHARE"
};

static const char *const log_levels[] = {
	"error", "alert", "emerg", "warn", "info", "http", "verbose", "debug", "silly"
};

static bool
option_bool(JNode *v, const char *key)
{
	if (v->type != JN_BOOL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: options.%s must be a boolean, not %s", key, jnode_type_name(v))));
	return v->b;
}

static void
parse_log(JNode *v, IgnisOptions *out)
{
	JNode	   *use;
	JNode	   *level;
	int			i;

	if (v->type != JN_OBJECT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: options.log must be an object {\"use\": boolean, \"level\": string}")));
	for (i = 0; i < v->n; i++)
		if (strcmp(v->keys[i], "use") != 0 && strcmp(v->keys[i], "level") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: unknown key at %s", errpath_with_key("options.log", v->keys[i])),
					 errhint("options.log takes \"use\" and \"level\".")));
	use = jnode_get(v, "use");
	if (use == NULL || use->type != JN_BOOL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: options.log.use must be a boolean")));
	out->log = use->b;
	out->log_level = INFO;
	level = jnode_get(v, "level");
	if (level && level->type != JN_NULL)
	{
		const char *l = level->type == JN_STRING ? level->str : "";
		bool		known = false;

		for (i = 0; i < (int) lengthof(log_levels); i++)
			if (strcmp(l, log_levels[i]) == 0)
				known = true;
		if (!known)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: unknown log level at options.log.level"),
					 errhint("Levels: error, alert, emerg, warn, info, http, verbose, debug, silly.")));
		if (strcmp(l, "debug") == 0 || strcmp(l, "verbose") == 0 || strcmp(l, "silly") == 0)
			out->log_level = DEBUG1;
		else if (strcmp(l, "info") == 0 || strcmp(l, "http") == 0)
			out->log_level = INFO;
		else
			out->log_level = WARNING;
	}
}

static bool
lock_flag(JNode *obj, const char *key, const char *path)
{
	JNode	   *v = jnode_get(obj, key);

	if (v == NULL || v->type == JN_NULL)
		return false;
	if (v->type != JN_BOOL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: %s must be a boolean, not %s", errpath_with_key(path, key),
						jnode_type_name(v))));
	return v->b;
}

static void
lock_keys(JNode *obj, const char *path, const char *const *keys, int nkeys, const char *hint)
{
	int			i,
				k;

	for (i = 0; i < obj->n; i++)
	{
		bool		known = false;

		for (k = 0; k < nkeys; k++)
			if (strcmp(obj->keys[i], keys[k]) == 0)
				known = true;
		if (!known)
		{
			const char *best = closest_match(obj->keys[i], keys, nkeys);

			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: unknown key at %s", errpath_with_key(path, obj->keys[i])),
					 best ? errhint("Did you mean \"%s\"?", best) : errhint("%s", hint)));
		}
	}
}

/*
 * options.lock (beyond the spec, as Ignis' 2026 repositories have it):
 * {"strength": "update" | "noKeyUpdate" | "share" | "keyShare",
 *  "skipLocked": bool, "noWait": bool}, the two flags also accepted under
 * "config" as Ignis writes them.
 */
static void
parse_lock(JNode *v, IgnisOptions *out)
{
	static const char *const keys[] = {"strength", "skipLocked", "noWait", "config"};
	static const char *const config_keys[] = {"skipLocked", "noWait"};
	JNode	   *strength;
	JNode	   *config;
	bool		skip_locked;
	bool		no_wait;
	int			i;

	if (v->type != JN_OBJECT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: options.lock must be an object, not %s", jnode_type_name(v)),
				 errhint("For example {\"strength\": \"update\", \"skipLocked\": true}.")));
	lock_keys(v, "options.lock", keys, lengthof(keys),
			  "options.lock takes strength, skipLocked, noWait and config.");
	strength = jnode_get(v, "strength");
	if (strength == NULL || strength->type != JN_STRING)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: options.lock.strength must be \"update\", \"noKeyUpdate\", \"share\" or \"keyShare\"")));
	out->lock = 0;
	for (i = 0; i < (int) lengthof(lock_strengths); i++)
		if (strcmp(strength->str, lock_strengths[i]) == 0)
			out->lock = i + 1;
	if (out->lock == 0)
	{
		const char *best = closest_match(strength->str, lock_strengths, lengthof(lock_strengths));

		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: unknown lock strength \"%s\" at options.lock.strength", strength->str),
				 best ? errhint("Did you mean \"%s\"?", best)
				 : errhint("Strengths: update, noKeyUpdate, share, keyShare.")));
	}
	skip_locked = lock_flag(v, "skipLocked", "options.lock");
	no_wait = lock_flag(v, "noWait", "options.lock");
	config = jnode_get(v, "config");
	if (config && config->type != JN_NULL)
	{
		if (config->type != JN_OBJECT)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: options.lock.config must be an object, not %s",
							jnode_type_name(config))));
		lock_keys(config, "options.lock.config", config_keys, lengthof(config_keys),
				  "options.lock.config takes skipLocked and noWait.");
		skip_locked |= lock_flag(config, "skipLocked", "options.lock.config");
		no_wait |= lock_flag(config, "noWait", "options.lock.config");
	}
	if (skip_locked && no_wait)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: options.lock cannot both skip locked rows and not wait"),
				 errhint("Choose skipLocked (take the rows that are free) or noWait (fail at once).")));
	out->lock_wait = skip_locked ? LOCK_WAIT_SKIP : no_wait ? LOCK_WAIT_NOWAIT : LOCK_WAIT_BLOCK;
}

/* The locking clause of options.lock for the model's rows (alias t0), or NULL. */
char *
options_lock_clause(IgnisOptions *opts)
{
	if (opts->lock == 0)
		return NULL;
	return psprintf(" %s OF t0%s", lock_clauses[opts->lock - 1],
					opts->lock_wait == LOCK_WAIT_SKIP ? " SKIP LOCKED" :
					opts->lock_wait == LOCK_WAIT_NOWAIT ? " NOWAIT" : "");
}

/*
 * A locking read needs a transaction block: outside one the lock would end
 * with the statement, before the caller could act on the rows (Ignis
 * refuses it the same way).
 */
void
options_check_lock(IgnisOptions *opts, const char *fname)
{
	if (opts->lock != 0 && !IsTransactionBlock())
		ereport(ERROR,
				(errcode(ERRCODE_NO_ACTIVE_SQL_TRANSACTION),
				 errmsg("ignis: options.lock of %s requires a transaction block", fname),
				 errhint("Run the call between BEGIN and COMMIT: the rows stay locked until the transaction ends.")));
}

void
options_parse(IgnisOp op, const char *fname, Jsonb *options, IgnisOptions *out)
{
	JNode	   *opts = ignis_arg_object(options, "options");
	int			i,
				r;

	memset(out, 0, sizeof(IgnisOptions));
	out->should_return = true;
	ignis_scope_unrestricted = false;	/* until options.scope grants it */

	for (i = 0; i < opts->n; i++)
	{
		const char *key = opts->keys[i];
		JNode	   *v = opts->items[i];
		const OptionRule *rule = NULL;

		for (r = 0; r < (int) lengthof(option_rules); r++)
			if (strcmp(option_rules[r].key, key) == 0)
				rule = &option_rules[r];
		if (rule == NULL)
		{
			const char *best = closest_match(key, option_names, lengthof(option_names));

			if (strcmp(key, "transaction") == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("ignis: unknown option options.transaction"),
						 errhint("Every ignis call runs in the current transaction: use BEGIN/COMMIT in SQL.")));
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: unknown option %s", errpath_with_key("options", key)),
					 best ? errhint("Did you mean \"%s\"?", best)
					 : errhint("Options: shouldSkipDefaultFilter, log, shouldReturn, shouldQueryRange, force, shouldHardDelete, isStrict, countStrategy, lock, scope, and for upsert conflict, update, where.")));
		}
		if (rule->where[op] == 'n')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: option options.%s is not applicable to %s", key, fname)));
		if (v->type == JN_NULL)
			continue;			/* null means "not given" */
		if (strcmp(key, "log") == 0)
		{
			parse_log(v, out);
			continue;
		}
		if (strcmp(key, "lock") == 0)
		{
			parse_lock(v, out);
			continue;
		}
		if (strcmp(key, "scope") == 0)
		{
			ignis_scope_option(v);
			continue;
		}
		if (strcmp(key, "conflict") == 0 || strcmp(key, "update") == 0 ||
			strcmp(key, "where") == 0)
			continue;			/* upsert's own: write.c */
		if (strcmp(key, "countStrategy") == 0)
		{
			const char *s = v->type == JN_STRING ? v->str : "";

			if (strcmp(s, "exact") == 0)
				out->count_strategy = COUNT_EXACT;
			else if (strcmp(s, "planned") == 0)
				out->count_strategy = COUNT_PLANNED;
			else if (strcmp(s, "estimated") == 0)
				out->count_strategy = COUNT_ESTIMATED;
			else
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("ignis: options.countStrategy must be \"exact\", \"planned\" or \"estimated\"")));
			out->count_strategy_given = rule->where[op] == 'y';
			continue;
		}
		if (!option_bool(v, key) || rule->where[op] == 'i')
			continue;
		if (strcmp(key, "shouldSkipDefaultFilter") == 0)
			out->skip_default_filter = true;
		else if (strcmp(key, "shouldQueryRange") == 0)
			out->query_range = true;
		else if (strcmp(key, "force") == 0)
			out->force = true;
		else if (strcmp(key, "shouldHardDelete") == 0)
			out->hard_delete = true;
		else if (strcmp(key, "isStrict") == 0)
			out->is_strict = true;
	}
	/* shouldReturn defaults to true: look at it separately */
	{
		JNode	   *v = jnode_get(opts, "shouldReturn");

		if (v && v->type == JN_BOOL)
			out->should_return = v->b;
	}
}

/* One message with the function, the model, the SQL and its parameters. */
void
options_log(IgnisOptions *opts, const char *fname, IgnisModel *model, QueryBuilder *qb)
{
	if (!opts->log)
		return;
	ereport(opts->log_level,
			(errmsg("ignis: %s on model \"%s\": %s; params: %s", fname, model->name,
					qb->sql.data, qb_params_json(qb))));
}

void
ignis_check_scope(IgnisModel *model, IgnisOp op, const char *opname)
{
	bool		is_write = op >= OP_CREATE;

	if (op == OP_BUILD_QUERY)
		return;
	if ((model->scope == SCOPE_READ_ONLY && is_write) ||
		(model->scope == SCOPE_WRITE_ONLY && !is_write))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("ignis: operation %s is not allowed on model \"%s\" (scope %s)",
						opname, model->name, ignis_scope_name(model->scope))));
}
