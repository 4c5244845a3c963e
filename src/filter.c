/*-------------------------------------------------------------------------
 * filter.c
 *	  The filter object (read.md §1): validation of where / fields / order /
 *	  limit / skip / offset / include, and the merge with a model's default
 *	  filter (filter.md §11, D13).
 *-------------------------------------------------------------------------
 */
#include "ignis.h"

#include "access/htup_details.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/syscache.h"


static const char *const filter_keys[] = {
	"where", "fields", "order", "limit", "skip", "offset", "include", "after", "before"
};

/* Raise 22023 unless node is a JSON object. */
void
filter_check_object(JNode *node, const char *path)
{
	if (node->type != JN_OBJECT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: %s must be a JSON object, not %s", path, jnode_type_name(node))));
}

/* A top-level argument as an object tree; SQL NULL means {}. */
JNode *
ignis_arg_object(Jsonb *arg, const char *argname)
{
	JNode	   *node;

	if (arg == NULL)
		return jnode_object(0);
	node = jnode_from_jsonb(arg);
	filter_check_object(node, argname);
	return node;
}

/* The value of key, treating JSON null as absent. */
static JNode *
get_present(JNode *obj, const char *key)
{
	JNode	   *v = jnode_get(obj, key);

	return (v && v->type != JN_NULL) ? v : NULL;
}

/* ---------------------------------------------------------------------------
 * Default-filter merge (D13)
 * ---------------------------------------------------------------------------
 */
static JNode *
as_list(JNode *v)
{
	JNode	   *list;

	if (v->type == JN_ARRAY)
		return v;
	list = jnode_array(1);
	jnode_append(list, v);
	return list;
}

JNode *
filter_merge_where(JNode *defaults, JNode *user)
{
	JNode	   *result;
	JNode	   *extra_and;
	int		   *user_order;
	int		   *default_order;
	int			i,
				j;

	if (defaults == NULL || defaults->type != JN_OBJECT)
		return user;
	if (user == NULL || user->type != JN_OBJECT)
		return user ? user : defaults;

	/* keys are looked up by binary search: linear-logarithmic in both sizes */
	user_order = jnode_key_order(user);
	default_order = jnode_key_order(defaults);
	result = jnode_object(defaults->n + user->n);
	extra_and = jnode_array(2);
	for (i = 0; i < defaults->n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (jnode_get_ordered(user, user_order, defaults->keys[i]) == NULL)
			jnode_add(result, defaults->keys[i], defaults->items[i]);
	}

	/* each user key once: the keys of result stay distinct */
	for (i = 0; i < user->n; i++)
	{
		const char *k = user->keys[i];
		JNode	   *u = user->items[i];
		JNode	   *d = jnode_get_ordered(defaults, default_order, k);

		CHECK_FOR_INTERRUPTS();
		if (d == NULL)
			jnode_add(result, k, u);
		else if (strcmp(k, "and") == 0 &&
				 (u->type == JN_ARRAY || u->type == JN_OBJECT) &&
				 (d->type == JN_ARRAY || d->type == JN_OBJECT))
		{
			JNode	   *both = jnode_array(4);
			JNode	   *dl = as_list(d),
					   *ul = as_list(u);

			for (j = 0; j < dl->n; j++)
				jnode_append(both, dl->items[j]);
			for (j = 0; j < ul->n; j++)
				jnode_append(both, ul->items[j]);
			jnode_add(result, k, both);
		}
		else if (strcmp(k, "or") == 0 || strcmp(k, "not") == 0)
		{
			JNode	   *wrapped = jnode_object(1);

			jnode_add(result, k, u);
			jnode_add(wrapped, k, d);
			jnode_append(extra_and, wrapped);
		}
		else if (where_is_operator_object(u) && where_is_operator_object(d))
		{
			/* operator names are few: these objects are small */
			JNode	   *ops = jnode_object(d->n + u->n);

			for (j = 0; j < d->n; j++)
				jnode_put(ops, d->keys[j], d->items[j]);
			for (j = 0; j < u->n; j++)
				jnode_put(ops, u->keys[j], u->items[j]);
			jnode_add(result, k, ops);
		}
		else
			jnode_add(result, k, u);
	}

	if (extra_and->n > 0)
	{
		JNode	   *and = jnode_get(result, "and");
		JNode	   *list = jnode_array(4);

		if (and && (and->type == JN_ARRAY || and->type == JN_OBJECT))
		{
			JNode	   *al = as_list(and);

			for (j = 0; j < al->n; j++)
				jnode_append(list, al->items[j]);
		}
		else if (and)
		{
			/* leave a malformed "and" for validation to report */
			return result;
		}
		for (j = 0; j < extra_and->n; j++)
			jnode_append(list, extra_and->items[j]);
		jnode_put(result, "and", list);
	}
	return result;
}

/* Merge a whole filter with a model's default filter (filter.md §11.1). */
static JNode *
merge_filter(JNode *defaults, JNode *user)
{
	JNode	   *merged = jnode_object(8);
	const char *const simple[] = {"limit", "order", "fields", "include"};
	int			i;
	JNode	   *w;
	JNode	   *off;

	/* the user's keys are distinct (and already checked to be filter keys) */
	for (i = 0; i < user->n; i++)
		jnode_add(merged, user->keys[i], user->items[i]);
	for (i = 0; i < (int) lengthof(simple); i++)
		if (get_present(user, simple[i]) == NULL && get_present(defaults, simple[i]))
			jnode_put(merged, simple[i], get_present(defaults, simple[i]));

	w = filter_merge_where(get_present(defaults, "where"), get_present(user, "where"));
	if (w)
		jnode_put(merged, "where", w);

	/* D10: caller's skip ?? offset, else the default's skip ?? offset */
	if (get_present(user, "skip") == NULL && get_present(user, "offset") == NULL)
	{
		off = get_present(defaults, "skip");
		if (off == NULL)
			off = get_present(defaults, "offset");
		if (off)
			jnode_put(merged, "skip", off);
	}
	return merged;
}

/* ---------------------------------------------------------------------------
 * Parts of a filter
 * ---------------------------------------------------------------------------
 */
static int64
parse_count(JNode *v, const char *path)
{
	int64		n;

	if (!jnode_is_integer(v, &n) || n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: %s must be an integer >= 0, not %s", path,
						v->type == JN_NUMBER ? jnode_scalar_text(v) : jnode_type_name(v))));
	return n;
}

static void
parse_fields(ParsedFilter *pf, JNode *fields, StringInfo path)
{
	IgnisModel *model = pf->model;
	bool	   *requested = palloc0(sizeof(bool) * Max(model->nprops, 1));
	bool		any = false;
	bool		inclusion = false;
	int			i;

	if (fields == NULL)
		;
	else if (fields->type == JN_ARRAY)
	{
		for (i = 0; i < fields->n; i++)
		{
			int			old = errpath_push_index(path, i);

			if (fields->items[i]->type != JN_STRING)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("ignis: %s must be a property name, not %s", path->data,
								jnode_type_name(fields->items[i]))));
			requested[ignis_prop_or_error(model, fields->items[i]->str, path->data)] = true;
			any = true;
			errpath_pop(path, old);
		}
		inclusion = any;
	}
	else if (fields->type == JN_OBJECT)
	{
		for (i = 0; i < fields->n; i++)
		{
			int			old = errpath_push_key(path, fields->keys[i]);
			int			idx;

			if (fields->items[i]->type != JN_BOOL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("ignis: %s must be true or false, not %s", path->data,
								jnode_type_name(fields->items[i]))));
			idx = ignis_prop_or_error(model, fields->keys[i], path->data);
			requested[idx] = fields->items[i]->b;
			if (fields->items[i]->b)
				inclusion = true;
			errpath_pop(path, old);
		}
		if (!inclusion)
		{
			/* D11: only false values: everything except those */
			for (i = 0; i < model->nprops; i++)
				requested[i] = jnode_get(fields, model->props[i].name) == NULL;
			inclusion = true;
		}
	}
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: %s must be an array of property names or an object of booleans",
						path->data)));

	pf->selected = palloc0(sizeof(bool) * Max(model->nprops, 1));
	pf->nselected = 0;
	for (i = 0; i < model->nprops; i++)
	{
		pf->selected[i] = !model->props[i].hidden && (!inclusion || requested[i]);
		if (pf->selected[i])
			pf->nselected++;
	}
}

/* Next whitespace-separated word of s (advanced), or NULL. */
static char *
next_word(char **s)
{
	char	   *p = *s;
	char	   *start;

	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p == '\0')
	{
		*s = p;
		return NULL;
	}
	start = p;
	while (*p && !(*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	*s = p;
	return pnstrdup(start, p - start);
}

/*
 * The key of an order item: a property, a JSON path of a json(b) property,
 * or a path through relations (beyond Ignis): one relations followed to a
 * property of the last one ("post.author.age", "author.metadata.score"),
 * or a many relation's count ("posts.count").  A segment that is a
 * property of the model is a property, so keys that worked before
 * relations existed keep their meaning.
 */
static void
parse_order_key(ParsedFilter *pf, OrderItem *oi, char *key, const char *path)
{
	IgnisModel *model = pf->model;
	char	   *rest = key;

	for (;;)
	{
		size_t		len = strcspn(rest, ".[");
		char	   *seg = pnstrdup(rest, len);
		IgnisRelationDef *rel;
		OrderHop   *hop;

		CHECK_FOR_INTERRUPTS();
		if (rest[len] == '\0' || rest[len] == '[' ||
			ignis_model_find_prop(model, seg) >= 0 ||
			(rel = ignis_model_find_rel(model, seg)) == NULL)
			break;
		rest += len + 1;
		if (rel->many)
		{
			if (strcmp(rest, "count") != 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("ignis: cannot order by \"%s\" at %s: \"%s\" is a many relation of model \"%s\"",
								key, path, seg, model->name),
						 errhint("A row has any number of \"%s\"; order by their number with \"%s.count\".",
								 seg, pnstrdup(key, rest - key - 1))));
			oi->count = true;
		}
		else if (strcmp(rest, "count") == 0 &&
				 ignis_model_find_prop(ignis_model_get(rel->target), "count") < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: cannot order by \"%s\" at %s: \"%s\" is a one relation of model \"%s\" and has no count",
							key, path, seg, model->name),
					 errhint("Counts are for many relations; order by a property of \"%s\".", seg)));
		if (list_length(oi->hops) >= IGNIS_MAX_INCLUDE_DEPTH)
			ereport(ERROR,
					(errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
					 errmsg("ignis: order key \"%s\" follows more than %d relations at %s",
							key, IGNIS_MAX_INCLUDE_DEPTH, path)));
		hop = palloc0(sizeof(OrderHop));
		hop->rel = rel;
		hop->source = model;
		hop->target = ignis_model_get(rel->target);
		ignis_check_scope(hop->target, OP_FIND, "find");
		hop->where = filter_parse_conditions(hop->target, jnode_object(0),
											 psprintf("settings.defaultFilter of model \"%s\"",
													  hop->target->name),
											 false);
		if (where_is_empty(hop->where))
			hop->where = NULL;
		oi->hops = lappend(oi->hops, hop);
		model = hop->target;
		if (oi->count)
		{
			oi->model = model;
			oi->prop = -1;
			return;
		}
	}
	oi->model = model;
	if (strpbrk(rest, ".[") != NULL)
	{
		const char *after;

		oi->prop = ignis_json_path_prop(model, rest, &after, path) - model->props;
		oi->json_path = true;
		oi->path = ignis_parse_json_path(after, path);
	}
	else
		oi->prop = ignis_prop_or_error(model, rest, path);
}

/*
 * Split an order item "key [ASC|DESC] [NULLS FIRST|LAST]": returns the key
 * and sets the direction (also used by aggregate.c).
 */
char *
filter_order_words(const char *item, bool *desc, int *nulls, const char *path)
{
	char	   *s = pstrdup(item);
	char	   *key = next_word(&s);
	char	   *w;

	*desc = false;
	*nulls = 0;
	if (key == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: empty order item at %s", path),
				 errhint("Write items as \"property [ASC|DESC] [NULLS FIRST|LAST]\".")));
	w = next_word(&s);
	if (w && (pg_strcasecmp(w, "ASC") == 0 || pg_strcasecmp(w, "DESC") == 0))
	{
		*desc = pg_strcasecmp(w, "DESC") == 0;
		w = next_word(&s);
	}
	if (w && pg_strcasecmp(w, "NULLS") == 0)
	{
		w = next_word(&s);
		if (w && pg_strcasecmp(w, "FIRST") == 0)
			*nulls = 1;
		else if (w && pg_strcasecmp(w, "LAST") == 0)
			*nulls = 2;
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: NULLS must be followed by FIRST or LAST in \"%s\" at %s",
							item, path)));
		w = next_word(&s);
	}
	if (w)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: unexpected \"%s\" in order item \"%s\" at %s", w, item, path),
				 errhint("Write items as \"property [ASC|DESC] [NULLS FIRST|LAST]\".")));
	return key;
}

static void
parse_order_item(ParsedFilter *pf, char *item, const char *path)
{
	OrderItem  *oi = palloc0(sizeof(OrderItem));
	char	   *s = item;
	char	   *key = next_word(&s);

	/* the key is checked before the words after it */
	if (key != NULL)
		parse_order_key(pf, oi, key, path);
	oi->key = filter_order_words(item, &oi->desc, &oi->nulls, path);
	if (list_length(pf->order) >= IGNIS_MAX_ORDER_ITEMS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("ignis: more than %d order items at %s", IGNIS_MAX_ORDER_ITEMS, path)));
	pf->order = lappend(pf->order, oi);
}

static void
parse_order(ParsedFilter *pf, JNode *order, StringInfo path)
{
	JNode	   *list = order;
	int			i;

	if (order->type == JN_STRING)
	{
		list = jnode_array(1);
		jnode_append(list, order);
	}
	else if (order->type != JN_ARRAY)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: %s must be a string or an array of strings", path->data)));
	for (i = 0; i < list->n; i++)
	{
		int			old = order->type == JN_ARRAY ? errpath_push_index(path, i) : path->len;
		char	   *items;
		char	   *comma;

		if (list->items[i]->type != JN_STRING)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: %s must be a string, not %s", path->data,
							jnode_type_name(list->items[i]))));
		items = pstrdup(list->items[i]->str);
		do
		{
			comma = strchr(items, ',');
			if (comma)
				*comma = '\0';
			parse_order_item(pf, items, path->data);
			if (comma)
				items = comma + 1;
		} while (comma);
		errpath_pop(path, old);
	}
}

/* A boolean key of an include object; absent or null is false. */
static bool
include_flag(JNode *item, const char *key, StringInfo path)
{
	JNode	   *v = get_present(item, key);

	if (v == NULL)
		return false;
	if (v->type != JN_BOOL)
	{
		errpath_push_key(path, key);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: %s must be a boolean", path->data)));
	}
	return v->b;
}

static void
parse_includes(ParsedFilter *pf, JNode *include, StringInfo path, FilterUse use, int depth)
{
	IgnisModel *model = pf->model;
	int			i;

	if (include->type != JN_ARRAY)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: %s must be an array of relation names or include objects",
						path->data)));
	for (i = 0; i < include->n; i++)
	{
		JNode	   *item = include->items[i];
		int			old = errpath_push_index(path, i);
		JNode	   *relname;
		JNode	   *scope = NULL;
		JNode	   *strategy = NULL;
		bool		skip = false;
		bool		count = false;
		IncludeSpec *spec;
		ListCell   *lc;
		int			k;

		if (item->type == JN_STRING)
			relname = item;
		else if (item->type == JN_OBJECT)
		{
			for (k = 0; k < item->n; k++)
				if (strcmp(item->keys[k], "relation") != 0 &&
					strcmp(item->keys[k], "scope") != 0 &&
					strcmp(item->keys[k], "strategy") != 0 &&
					strcmp(item->keys[k], "count") != 0 &&
					strcmp(item->keys[k], "shouldSkipDefaultFilter") != 0)
				{
					errpath_push_key(path, item->keys[k]);
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("ignis: unknown include key at %s", path->data),
							 errhint("An include is \"relation\" or {\"relation\", \"scope\", \"count\", \"strategy\", \"shouldSkipDefaultFilter\"}.")));
				}
			relname = jnode_get(item, "relation");
			if (relname == NULL || relname->type != JN_STRING)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("ignis: %s needs a \"relation\" name", path->data)));
			scope = get_present(item, "scope");
			strategy = get_present(item, "strategy");
			if (strategy && (strategy->type != JN_STRING ||
							 (strcmp(strategy->str, "correlated") != 0 &&
							  strcmp(strategy->str, "batched") != 0)))
			{
				errpath_push_key(path, "strategy");
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("ignis: %s must be \"correlated\" or \"batched\"", path->data)));
			}
			skip = include_flag(item, "shouldSkipDefaultFilter", path);
			count = include_flag(item, "count", path);
		}
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: %s must be a relation name or an include object, not %s",
							path->data, jnode_type_name(item))));

		if (scope)
		{
			int			o2 = errpath_push_key(path, "scope");

			filter_check_object(scope, path->data);
			/* a count has no rows to shape: its scope is a where only */
			if (count)
				for (k = 0; k < scope->n; k++)
					if (strcmp(scope->keys[k], "where") != 0)
					{
						errpath_push_key(path, scope->keys[k]);
						ereport(ERROR,
								(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								 errmsg("ignis: a relation count takes no %s at %s",
										scope->keys[k], path->data),
								 errhint("The scope of a relation count is {\"where\": {...}}.")));
					}
			errpath_pop(path, o2);
		}

		/* a model's default filter names relations that may come later */
		if (use == FILTER_DEFAULT)
		{
			errpath_pop(path, old);
			continue;
		}

		spec = palloc0(sizeof(IncludeSpec));
		spec->rel = ignis_model_find_rel(model, relname->str);
		if (item->type == JN_OBJECT)
			errpath_push_key(path, "relation");
		if (spec->rel == NULL)
		{
			StringInfoData names;

			initStringInfo(&names);
			for (k = 0; k < model->nrels; k++)
				appendStringInfo(&names, "%s%s", k ? ", " : "", model->rels[k].name);
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("ignis: unknown relation \"%s\" of model \"%s\" at %s",
							relname->str, model->name, path->data),
					 model->nrels > 0
					 ? errhint("Relations of \"%s\": %s.", model->name, names.data)
					 : errhint("Model \"%s\" has no relations; declare one with ignis.register_relation.",
							   model->name)));
		}
		foreach(lc, pf->includes)
			if (((IncludeSpec *) lfirst(lc))->rel == spec->rel)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("ignis: relation \"%s\" is included twice at %s",
								relname->str, path->data)));
		errpath_pop(path, old);
		errpath_push_index(path, i);

		if (depth + 1 > IGNIS_MAX_INCLUDE_DEPTH)
			ereport(ERROR,
					(errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
					 errmsg("ignis: include nesting deeper than %d levels at %s",
							IGNIS_MAX_INCLUDE_DEPTH, path->data),
					 errhint("Default filters that include each other count too.")));
		if (count && !spec->rel->many)
		{
			errpath_push_key(path, "count");
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: relation \"%s\" of model \"%s\" is a one relation and has no count at %s",
							relname->str, model->name, path->data),
					 errhint("Counts are for many relations; include \"%s\" without \"count\".",
							 relname->str)));
		}
		spec->count = count;
		spec->target = ignis_model_get(spec->rel->target);
		ignis_check_scope(spec->target, OP_FIND, "find");
		{
			int			o2 = errpath_push_key(path, "scope");

			spec->scope = filter_parse(spec->target, scope ? scope : jnode_object(0),
									   path->data, FILTER_SCOPE, skip, depth + 1);
			errpath_pop(path, o2);
		}
		/* the relation's strategy unless the include names one (select.c) */
		spec->batched = strategy ? strcmp(strategy->str, "batched") == 0 : spec->rel->batched;
		if (spec->count)
			spec->batched = false;	/* a count is one correlated count(*) */
		/* a to-many include without a scope limit: the target's page size */
		if (spec->rel->many && !spec->count && !spec->scope->has_limit)
		{
			int			limit = spec->target->default_include_limit >= 0
				? spec->target->default_include_limit : ignis_default_include_limit;

			if (limit > 0)
			{
				spec->scope->has_limit = true;
				spec->scope->limit = limit;
			}
		}
		pf->includes = lappend(pf->includes, spec);
		errpath_pop(path, old);
	}
}

/*
 * filter.after / filter.before (beyond Ignis): the order keys of a row
 * already seen, plus the primary key, as {"createdAt": ..., "id": 123}.
 * JSON null as the whole value is the first page of a keyset walk: no
 * condition, but the range gains "next".
 */
static void
parse_keyset(ParsedFilter *pf, JNode *filter, FilterUse use, StringInfo path)
{
	IgnisModel *model = pf->model;
	const char *which = jnode_get(filter, "after") ? "after" : "before";
	JNode	   *cursor = jnode_get(filter, which);
	ListCell   *lc;
	bool		pk_seen = false;
	int			old = errpath_push_key(path, which);
	int			i;

	if (jnode_get(filter, "after") && jnode_get(filter, "before"))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: filter.after and filter.before cannot be used together at %s",
						path->data)));
	if (use != FILTER_FIND)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: keyset pages are for top-level find only, not at %s", path->data),
				 errhint("Use limit and skip in include scopes.")));
	if (get_present(filter, "skip") || get_present(filter, "offset"))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: %s cannot be used together with skip or offset", path->data),
				 errhint("A keyset page starts from the row it names; drop skip.")));
	if (model->pk < 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("ignis: model \"%s\" has no primary key for keyset pages at %s",
						model->name, path->data),
				 errhint("Set settings.primaryKey when registering the model.")));
	if (cursor->type != JN_NULL && cursor->type != JN_OBJECT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: %s must be an object of the order keys and the primary key, or null",
						path->data)));
	pf->keyset = strcmp(which, "after") == 0 ? KEYSET_AFTER : KEYSET_BEFORE;

	/* the keys: the order items, then the primary key as the tiebreaker */
	foreach(lc, pf->order)
	{
		OrderItem  *oi = lfirst(lc);

		if (oi->hops == NIL && !oi->json_path && oi->prop == model->pk)
			pk_seen = true;
		pf->keyset_keys = lappend(pf->keyset_keys, oi);
	}
	if (!pk_seen)
	{
		OrderItem  *pk = palloc0(sizeof(OrderItem));

		pk->key = model->props[model->pk].name;
		pk->model = model;
		pk->prop = model->pk;
		pf->keyset_keys = lappend(pf->keyset_keys, pk);
	}
	foreach(lc, pf->keyset_keys)
	{
		OrderItem  *oi = lfirst(lc);

		oi->notnull = oi->hops == NIL && !oi->json_path &&
			(oi->prop == model->pk || model->props[oi->prop].notnull);
		/* the values go back to the caller in range.next */
		if (!oi->count && oi->model->props[oi->prop].hidden)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: order key \"%s\" is a hidden property and cannot page with %s",
							oi->key, path->data),
					 errhint("Hidden properties never leave the database; order by a visible property.")));
		if (cursor->type == JN_NULL)
			continue;
		if (jnode_get(cursor, oi->key) == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: %s has no value for order key \"%s\"", path->data, oi->key),
					 errhint("Give the values of the order keys and the primary key of a row, as range.next does.")));
	}
	if (cursor->type == JN_NULL)
	{
		errpath_pop(path, old);
		return;
	}
	for (i = 0; i < cursor->n; i++)
	{
		bool		known = false;

		foreach(lc, pf->keyset_keys)
			if (strcmp(((OrderItem *) lfirst(lc))->key, cursor->keys[i]) == 0)
				known = true;
		if (!known)
		{
			StringInfoData keys;

			initStringInfo(&keys);
			foreach(lc, pf->keyset_keys)
				appendStringInfo(&keys, "%s\"%s\"", keys.len ? ", " : "",
								 ((OrderItem *) lfirst(lc))->key);
			errpath_push_key(path, cursor->keys[i]);
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: %s is not an order key", path->data),
					 errhint("The keys are the order keys and the primary key: %s.", keys.data)));
		}
	}
	foreach(lc, pf->keyset_keys)
	{
		OrderItem  *oi = lfirst(lc);
		JNode	   *v = jnode_get(cursor, oi->key);
		KeysetValue *kv = palloc0(sizeof(KeysetValue));
		int			o2 = errpath_push_key(path, oi->key);
		IgnisProperty *prop = oi->count ? NULL : &oi->model->props[oi->prop];

		kv->json = v;
		if (oi->count)
		{
			int64		n;

			kv->type = INT8OID;
			if (v->type == JN_NULL)
				kv->isnull = true;
			else if (!jnode_is_integer(v, &n))
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("ignis: %s must be an integer, not %s", path->data,
								jnode_type_name(v))));
			else
				kv->value = Int64GetDatum(n);
		}
		else if (oi->json_path || prop->kind == PROP_JSON || prop->kind == PROP_JSONB)
		{
			kv->type = JSONBOID;
			kv->isnull = v->type == JN_NULL;
			if (!kv->isnull)
				kv->value = JsonbPGetDatum(jnode_to_jsonb(v));
		}
		else
		{
			kv->type = prop->typid;
			kv->isnull = v->type == JN_NULL;
			if (!kv->isnull)
				kv->value = ignis_convert_scalar(prop, prop->typid, v, path->data);
		}
		pf->keyset_values = lappend(pf->keyset_values, kv);
		errpath_pop(path, o2);
	}
	errpath_pop(path, old);
}

/* Whether the keyset condition can be one row comparison (select.c). */
bool
filter_keyset_row_comparable(ParsedFilter *pf)
{
	ListCell   *lc,
			   *lv;
	OrderItem  *first = linitial(pf->keyset_keys);
	IgnisModel *model = pf->model;
	const char *ns = NULL;

	forboth(lc, pf->keyset_keys, lv, pf->keyset_values)
	{
		OrderItem  *oi = lfirst(lc);
		KeysetValue *kv = lfirst(lv);
		IgnisProperty *prop;

		if (oi->hops != NIL || oi->json_path || kv->isnull || oi->desc != first->desc)
			return false;
		prop = &model->props[oi->prop];
		if (prop->kind != PROP_SCALAR && prop->kind != PROP_TEXT)
			return false;
		if (ns && strcmp(ns, prop->op_ns) != 0)
			return false;
		ns = prop->op_ns;
		/* NULLs would sort outside the comparison */
		if (!oi->notnull)
			return false;
	}
	return true;
}

/*
 * Validate a filter object against a model and merge the model's default
 * filter into it.  `argname` is the path of the filter ("filter",
 * "filter.include[0].scope", "settings.defaultFilter").
 */
ParsedFilter *
filter_parse(IgnisModel *model, JNode *filter, const char *argname, FilterUse use,
			 bool skip_default, int depth)
{
	ParsedFilter *pf = palloc0(sizeof(ParsedFilter));
	StringInfoData path;
	JNode	   *v;
	int			i;

	check_stack_depth();
	pf->model = model;
	initStringInfo(&path);
	appendStringInfoString(&path, argname);
	filter_check_object(filter, argname);

	for (i = 0; i < filter->n; i++)
	{
		const char *key = filter->keys[i];
		int			k;
		bool		known = false;

		for (k = 0; k < (int) lengthof(filter_keys); k++)
			if (strcmp(key, filter_keys[k]) == 0)
				known = true;
		if (!known)
		{
			const char *best = closest_match(key, filter_keys, lengthof(filter_keys));

			errpath_push_key(&path, key);
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: unknown filter key at %s", path.data),
					 best ? errhint("Did you mean \"%s\"?", best)
					 : errhint("Filter keys: where, fields, order, limit, skip, offset, include, after, before.")));
		}
	}

	if (!skip_default && model->default_filter && use != FILTER_DEFAULT)
		filter = merge_filter(ignis_default_filter(model), filter);

	/* where */
	v = get_present(filter, "where");
	{
		int			old = errpath_push_key(&path, "where");

		if (v && v->type != JN_OBJECT)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: %s must be a where object, not %s", path.data,
							jnode_type_name(v))));
		pf->where = where_parse(model, v, &path);
		/* the scope filter, AND-ed whatever the caller skips (scope.c) */
		if (use != FILTER_DEFAULT)
			pf->where = ignis_scope_apply(model, pf->where);
		errpath_pop(&path, old);
	}

	/* fields */
	{
		int			old = errpath_push_key(&path, "fields");

		parse_fields(pf, get_present(filter, "fields"), &path);
		errpath_pop(&path, old);
	}

	/* order */
	v = get_present(filter, "order");
	if (v)
	{
		int			old = errpath_push_key(&path, "order");

		parse_order(pf, v, &path);
		errpath_pop(&path, old);
	}

	/* limit, skip / offset (D10: skip wins) */
	v = get_present(filter, "limit");
	if (v)
	{
		pf->limit = parse_count(v, errpath_with_key(path.data, "limit"));
		pf->has_limit = true;
	}
	v = get_present(filter, "offset");
	if (v)
		pf->offset = parse_count(v, errpath_with_key(path.data, "offset"));
	v = get_present(filter, "skip");
	if (v)
		pf->offset = parse_count(v, errpath_with_key(path.data, "skip"));

	/* after / before: keyset pages (JSON null: the first one) */
	if (jnode_get(filter, "after") || jnode_get(filter, "before"))
		parse_keyset(pf, filter, use, &path);

	/* include */
	v = get_present(filter, "include");
	if (v)
	{
		int			old = errpath_push_key(&path, "include");

		parse_includes(pf, v, &path, use, depth);
		errpath_pop(&path, old);
	}

	if (pf->nselected == 0 && pf->includes == NIL && use != FILTER_DEFAULT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: no visible property selected by %s.fields", argname),
				 errhint("Hidden properties are never returned; select at least one visible property.")));
	return pf;
}

/*
 * A bare where argument (count, exists_with, updates, deletes): validated,
 * merged with the default filter's where unless skipped.
 */
WhereExpr *
filter_parse_conditions(IgnisModel *model, JNode *conditions, const char *argname,
						bool skip_default)
{
	StringInfoData path;
	JNode	   *where = conditions;

	initStringInfo(&path);
	appendStringInfoString(&path, argname);
	if (!skip_default && model->default_filter)
		where = filter_merge_where(get_present(ignis_default_filter(model), "where"), conditions);
	return ignis_scope_apply(model, where_parse(model, where, &path));
}
