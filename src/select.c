/*-------------------------------------------------------------------------
 * select.c
 *	  A parsed filter -> one SELECT statement returning the rows of a read.
 *
 * Shape (read.md §10): the statement selects, orders and limits the rows
 * and aliases each visible column to its property name; result.c turns
 * the rows into the jsonb the API returns, without a round trip through
 * JSON text.  Relations are extra jsonb columns: a correlated subquery per
 * relation that filters, orders and limits per parent row before any JSON
 * is built.  The total of a range query is a count(*) of the same where in
 * the same statement, so data and total come from one snapshot (D25).
 *-------------------------------------------------------------------------
 */
#include "ignis.h"

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

static void emit_batch_keys(QueryBuilder *qb, ParsedFilter *pf, const char *alias,
							bool batching, bool comma);
static bool emit_select_list(QueryBuilder *qb, ParsedFilter *pf, const char *alias,
							 bool skip_batched, bool comma);
static void emit_rows(QueryBuilder *qb, ParsedFilter *pf, const char *alias,
					  IgnisModel *parent, const char *parent_alias, IncludeSpec *via,
					  bool top, bool single, int *where_start, int *where_end);

/*
 * Whether a property's values are converted to jsonb in SQL (types whose
 * to_jsonb conversion result.c does not reproduce), decided once per
 * loaded model.
 */
static bool
needs_to_jsonb(IgnisProperty *prop)
{
	if (prop->to_jsonb_in_sql == 0)
		prop->to_jsonb_in_sql = result_needs_sql(prop->typid) ? 2 : 1;
	return prop->to_jsonb_in_sql == 2;
}

static char *
new_alias(QueryBuilder *qb, char prefix)
{
	return psprintf("%c%d", prefix, qb->next_alias++);
}

static void
emit_limit(QueryBuilder *qb, bool has_limit, int64 limit, int64 offset, bool always_offset)
{
	JNode	   *j;

	if (has_limit)
	{
		j = jnode_new(JN_NUMBER);
		j->str = psprintf(INT64_FORMAT, limit);
		appendStringInfoString(&qb->sql, " LIMIT ");
		qb_append_new_param(qb, INT8OID, Int64GetDatum(limit), false, j);
		qb->paged = true;
	}
	if (always_offset || offset > 0)
	{
		j = jnode_new(JN_NUMBER);
		j->str = psprintf(INT64_FORMAT, offset);
		appendStringInfoString(&qb->sql, " OFFSET ");
		qb_append_new_param(qb, INT8OID, Int64GetDatum(offset), false, j);
	}
}

/*
 * The relation's join condition: target.refs[i] = parent.fields[i]
 * (includes, related order, relation counts, relation filters).
 */
void
select_rel_condition(QueryBuilder *qb, IgnisRelationDef *rel, IgnisModel *target,
				   IgnisModel *parent, const char *alias, const char *parent_alias)
{
	int			i;

	for (i = 0; i < rel->nkeys; i++)
	{
		int			ref = ignis_model_find_prop(target, rel->refs[i]);
		int			fld = ignis_model_find_prop(parent, rel->fields[i]);

		if (ref < 0 || fld < 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("ignis: relation \"%s\" of model \"%s\" names a property that no longer exists",
							rel->name, parent->name),
					 errhint("Register the relation again.")));
		appendStringInfo(&qb->sql, "%s%s.%s %s %s.%s", i ? " AND " : "",
						 alias, target->props[ref].column_sql,
						 target->props[ref].eq_op,
						 parent_alias, parent->props[fld].column_sql);
	}
}

static void
emit_join_condition(QueryBuilder *qb, IncludeSpec *inc, IgnisModel *parent,
					const char *alias, const char *parent_alias)
{
	select_rel_condition(qb, inc->rel, inc->target, parent, alias, parent_alias);
}

/* " AND <where>" unless the where is empty */
static void
emit_and_where(QueryBuilder *qb, WhereExpr *where, const char *alias)
{
	int			mark = qb->sql.len;

	if (where == NULL)
		return;
	appendStringInfoString(&qb->sql, " AND ");
	if (!where_emit(qb, where, alias))
	{
		qb->sql.len = mark;
		qb->sql.data[mark] = '\0';
	}
}

/*
 * The number of rows of a many relation for the parent row:
 * (SELECT count(*) FROM target tN WHERE <relation> AND <where>), the where
 * being the target's default filter merged with a scope's where.
 */
static void
emit_relation_count(QueryBuilder *qb, IgnisRelationDef *rel, IgnisModel *target,
					WhereExpr *where, IgnisModel *parent, const char *parent_alias)
{
	char	   *alias = new_alias(qb, 't');

	appendStringInfo(&qb->sql, "(SELECT pg_catalog.count(*) FROM %s %s WHERE ",
					 target->rel_sql, alias);
	select_rel_condition(qb, rel, target, parent, alias, parent_alias);
	emit_and_where(qb, where, alias);
	appendStringInfoChar(&qb->sql, ')');
}

/* A property's value, or a JSON path into it, on the row aliased alias. */
static void
emit_prop_value(QueryBuilder *qb, OrderItem *oi, const char *alias)
{
	IgnisProperty *prop = &oi->model->props[oi->prop];

	if (oi->json_path)
	{
		appendStringInfo(&qb->sql,
						 prop->kind == PROP_JSON
						 ? "(%s.%s::pg_catalog.jsonb OPERATOR(pg_catalog.#>) "
						 : "(%s.%s OPERATOR(pg_catalog.#>) ",
						 alias, prop->column_sql);
		qb_append_param(qb, qb_path_param(qb, oi->path));
		appendStringInfoChar(&qb->sql, ')');
	}
	else
		/* json has no ordering: whole json documents order as jsonb */
		appendStringInfo(&qb->sql, prop->kind == PROP_JSON ? "%s.%s::pg_catalog.jsonb" : "%s.%s",
						 alias, prop->column_sql);
}

/*
 * The value an order item orders by, for the row aliased alias of pf's
 * model.  Through relations it is a correlated scalar subquery:
 *
 *	 (SELECT t2.age FROM posts t1, users t2
 *	  WHERE t1.id = t0.post_id AND <Post's default filter on t1>
 *		AND t2.id = t1.author_id AND <User's default filter on t2> LIMIT 1)
 *
 * NULL when a related row is missing or filtered out.  A count is the
 * relation count of include's {"count": true}, with the scope's where of
 * such an include on the same relation, so that rows order by the number
 * they show.
 */
static void
emit_order_value(QueryBuilder *qb, ParsedFilter *pf, OrderItem *oi, const char *alias)
{
	ListCell   *lc;
	const char *prev = alias;
	char	   *last = NULL;
	int			nhops = list_length(oi->hops) - (oi->count ? 1 : 0);
	int			i = 0;
	OrderHop   *hop;

	if (oi->hops == NIL)
	{
		emit_prop_value(qb, oi, alias);
		return;
	}
	if (nhops == 0)
	{
		WhereExpr  *where;

		hop = linitial(oi->hops);
		where = hop->where;
		foreach(lc, pf->includes)
		{
			IncludeSpec *inc = lfirst(lc);

			if (inc->count && inc->rel == hop->rel)
				where = inc->scope->where;
		}
		emit_relation_count(qb, hop->rel, hop->target, where, hop->source, alias);
		return;
	}

	/* FROM list first, into a side buffer: the value needs the last alias */
	{
		StringInfoData from;
		StringInfoData conds;
		char	  **aliases = palloc(sizeof(char *) * nhops);

		initStringInfo(&from);
		initStringInfo(&conds);
		foreach(lc, oi->hops)
		{
			if (i >= nhops)
				break;
			hop = lfirst(lc);
			aliases[i] = new_alias(qb, 't');
			appendStringInfo(&from, "%s%s %s", i ? ", " : "", hop->target->rel_sql, aliases[i]);
			i++;
		}
		last = aliases[nhops - 1];
		appendStringInfoString(&qb->sql, "(SELECT ");
		if (oi->count)
		{
			hop = llast(oi->hops);
			emit_relation_count(qb, hop->rel, hop->target, hop->where, hop->source, last);
		}
		else
			emit_prop_value(qb, oi, last);
		appendStringInfo(&qb->sql, " FROM %s WHERE ", from.data);
		i = 0;
		foreach(lc, oi->hops)
		{
			if (i >= nhops)
				break;
			hop = lfirst(lc);
			if (i > 0)
				appendStringInfoString(&qb->sql, " AND ");
			select_rel_condition(qb, hop->rel, hop->target, hop->source, aliases[i], prev);
			emit_and_where(qb, hop->where, aliases[i]);
			prev = aliases[i];
			i++;
		}
		appendStringInfoString(&qb->sql, " LIMIT 1)");
	}
}

/* Whether an order item puts NULLs last (PostgreSQL: ASC yes, DESC no). */
static bool
nulls_last(OrderItem *oi)
{
	return oi->nulls == 2 || (oi->nulls == 0 && !oi->desc);
}

/* The comparison operator for an order key's values: OPERATOR(ns.op). */
static char *
keyset_op(ParsedFilter *pf, OrderItem *oi, const char *op)
{
	const char *ns = "pg_catalog";

	if (!oi->count && !oi->json_path)
	{
		IgnisProperty *prop = &oi->model->props[oi->prop];

		if (prop->kind != PROP_JSON && prop->kind != PROP_JSONB && prop->kind != PROP_ARRAY)
			ns = prop->op_ns;
	}
	return psprintf("OPERATOR(%s.%s)", quote_identifier(ns), op);
}

static void
emit_order(QueryBuilder *qb, ParsedFilter *pf, const char *alias, bool one, bool reverse)
{
	IgnisModel *model = pf->model;
	ListCell   *lc;
	bool		first = true;
	bool		pk_seen = false;

	if (!one)
	{
		foreach(lc, pf->order)
		{
			OrderItem  *oi = lfirst(lc);

			appendStringInfoString(&qb->sql, first ? " ORDER BY " : ", ");
			first = false;
			emit_order_value(qb, pf, oi, alias);
			if (oi->hops == NIL && !oi->json_path && oi->prop == model->pk)
				pk_seen = true;
			if (reverse)
			{
				/* the opposite order: a before page reads backwards */
				appendStringInfoString(&qb->sql, oi->desc ? " ASC" : " DESC");
				appendStringInfoString(&qb->sql, nulls_last(oi) ? " NULLS FIRST" : " NULLS LAST");
				continue;
			}
			if (oi->desc)
				appendStringInfoString(&qb->sql, " DESC");
			if (oi->nulls == 1)
				appendStringInfoString(&qb->sql, " NULLS FIRST");
			else if (oi->nulls == 2)
				appendStringInfoString(&qb->sql, " NULLS LAST");
		}
	}
	/* D7: primary key ascending by default and as the final tiebreaker */
	if (model->pk >= 0 && !pk_seen)
		appendStringInfo(&qb->sql, "%s%s.%s%s", first ? " ORDER BY " : ", ",
						 alias, model->props[model->pk].column_sql, reverse ? " DESC" : "");
}

/*
 * Keyset pages (filter.after / filter.before): the rows strictly after
 * (before) the given row in the order.  Key by key, a row is beyond the
 * cursor when it equals it on the keys before and is beyond it on this
 * one, NULLs placed as the order places them:
 *
 *	 (k1 > $1 OR k1 IS NULL) OR (k1 = $1 AND k2 > $2) OR ...
 *
 * When every key is a NOT NULL column ordered the same way and no value is
 * null, that is one row comparison an index on the keys serves:
 * ROW(k1, k2, id) > ROW($1, $2, $3).
 */
static void
emit_keyset(QueryBuilder *qb, ParsedFilter *pf, const char *alias)
{
	ListCell   *lc,
			   *lv;
	int		   *params = palloc(sizeof(int) * list_length(pf->keyset_keys));
	int			i = 0,
				n = list_length(pf->keyset_keys);
	bool		after = pf->keyset == KEYSET_AFTER;
	bool		any = false;

	forboth(lc, pf->keyset_keys, lv, pf->keyset_values)
	{
		KeysetValue *kv = lfirst(lv);

		params[i++] = qb_param(qb, kv->type, kv->value, kv->isnull, kv->json);
	}
	if (filter_keyset_row_comparable(pf))
	{
		OrderItem  *first = linitial(pf->keyset_keys);
		IgnisProperty *prop = &pf->model->props[first->prop];

		appendStringInfoString(&qb->sql, "ROW(");
		i = 0;
		foreach(lc, pf->keyset_keys)
		{
			appendStringInfoString(&qb->sql, i++ ? ", " : "");
			emit_order_value(qb, pf, lfirst(lc), alias);
		}
		appendStringInfo(&qb->sql, ") OPERATOR(%s.%s) ROW(", quote_identifier(prop->op_ns),
						 after != first->desc ? ">" : "<");
		for (i = 0; i < n; i++)
		{
			appendStringInfoString(&qb->sql, i ? ", " : "");
			qb_append_param(qb, params[i]);
		}
		appendStringInfoChar(&qb->sql, ')');
		return;
	}

	appendStringInfoChar(&qb->sql, '(');
	for (i = 0; i < n; i++)
	{
		OrderItem  *oi = list_nth(pf->keyset_keys, i);
		KeysetValue *kv = list_nth(pf->keyset_values, i);
		bool		last = nulls_last(oi);
		int			j;

		CHECK_FOR_INTERRUPTS();
		/* nothing is beyond a NULL that sorts at the far end */
		if (kv->isnull && after == last)
			continue;
		appendStringInfoString(&qb->sql, any ? " OR (" : "(");
		any = true;
		for (j = 0; j < i; j++)
		{
			OrderItem  *oj = list_nth(pf->keyset_keys, j);
			KeysetValue *vj = list_nth(pf->keyset_values, j);

			emit_order_value(qb, pf, oj, alias);
			if (vj->isnull)
				appendStringInfoString(&qb->sql, " IS NULL AND ");
			else
			{
				appendStringInfo(&qb->sql, " %s ", keyset_op(pf, oj, "="));
				qb_append_param(qb, params[j]);
				appendStringInfoString(&qb->sql, " AND ");
			}
		}
		appendStringInfoChar(&qb->sql, '(');
		emit_order_value(qb, pf, oi, alias);
		if (kv->isnull)
			appendStringInfoString(&qb->sql, " IS NOT NULL");
		else
		{
			appendStringInfo(&qb->sql, " %s ", keyset_op(pf, oi, after != oi->desc ? ">" : "<"));
			qb_append_param(qb, params[i]);
			/* NULLs beyond every value */
			if (after == last && !oi->notnull)
			{
				appendStringInfoString(&qb->sql, " OR ");
				emit_order_value(qb, pf, oi, alias);
				appendStringInfoString(&qb->sql, " IS NULL");
			}
		}
		appendStringInfoString(&qb->sql, "))");
	}
	if (!any)
		appendStringInfoString(&qb->sql, "false");
	appendStringInfoChar(&qb->sql, ')');
}

/* One column per included relation: a correlated subquery. */
static void
emit_include(QueryBuilder *qb, IncludeSpec *inc, IgnisModel *parent, const char *parent_alias)
{
	char	   *alias;
	char	   *rowalias;

	check_stack_depth();
	if (inc->count)
	{
		emit_relation_count(qb, inc->rel, inc->target, inc->scope->where, parent,
							parent_alias);
		return;
	}
	alias = new_alias(qb, 't');
	rowalias = new_alias(qb, 'r');
	if (inc->rel->many)
		appendStringInfo(&qb->sql,
						 "(SELECT COALESCE(pg_catalog.jsonb_agg(%s), '[]'::pg_catalog.jsonb) FROM (",
						 rowalias);
	else
		appendStringInfo(&qb->sql, "(SELECT pg_catalog.to_jsonb(%s) FROM (", rowalias);
	emit_rows(qb, inc->scope, alias, parent, parent_alias, inc, false, !inc->rel->many,
			  NULL, NULL);
	appendStringInfo(&qb->sql, ") %s)", rowalias);
}

/*
 * The select list of a row: every visible column aliased to its property
 * name, then one column per include (correlated subqueries; batched ones are
 * joined by the caller when skip_batched).  Returns whether it emitted
 * anything.
 */
static bool
emit_select_list(QueryBuilder *qb, ParsedFilter *pf, const char *alias, bool skip_batched,
				 bool comma)
{
	IgnisModel *model = pf->model;
	bool		first = !comma;
	ListCell   *lc;
	int			i;

	for (i = 0; i < model->nprops; i++)
	{
		if (!pf->selected[i])
			continue;
		/* hot path: plain appends rather than formatting */
		if (!first)
			appendBinaryStringInfo(&qb->sql, ", ", 2);
		if (needs_to_jsonb(&model->props[i]))
			appendStringInfo(&qb->sql, "pg_catalog.to_jsonb(%s.%s)", alias,
							 model->props[i].column_sql);
		else
		{
			appendStringInfoString(&qb->sql, alias);
			appendStringInfoChar(&qb->sql, '.');
			appendStringInfoString(&qb->sql, model->props[i].column_sql);
		}
		appendBinaryStringInfo(&qb->sql, " AS ", 4);
		appendStringInfoString(&qb->sql, model->props[i].name_sql);
		first = false;
	}
	foreach(lc, pf->includes)
	{
		IncludeSpec *inc = lfirst(lc);

		if (skip_batched && inc->batched)
			continue;
		if (!first)
			appendStringInfoString(&qb->sql, ", ");
		emit_include(qb, inc, model, alias);
		appendStringInfo(&qb->sql, " AS %s", ignis_quote_ident(inc->rel->name));
		first = false;
	}
	return !first;
}

/*
 * Batched includes (relation strategy "batched"): the page's rows also carry
 * the relation keys, "?b<include>k<key>", which the related rows are loaded
 * by.  `comma`: something was emitted before.
 */
static void
emit_batch_keys(QueryBuilder *qb, ParsedFilter *pf, const char *alias, bool batching,
				bool comma)
{
	ListCell   *lc;
	int			b = 0;
	int			k;

	if (!batching)
		return;
	foreach(lc, pf->includes)
	{
		IncludeSpec *inc = lfirst(lc);

		if (!inc->batched)
			continue;
		for (k = 0; k < inc->rel->nkeys; k++)
		{
			int			fld = ignis_model_find_prop(pf->model, inc->rel->fields[k]);

			appendStringInfo(&qb->sql, "%s%s.%s AS \"?b%dk%d\"", comma ? ", " : "", alias,
							 pf->model->props[fld].column_sql, b, k);
			comma = true;
		}
		b++;
	}
}

/*
 * One batched include: the related rows of the whole page in one scan,
 * selected by the page's keys (= ANY of an array, so that a remote or
 * distributed table gets one query), numbered per parent in the scope's
 * order to apply its limit and offset per parent, and aggregated per key
 * into what the correlated subquery would give: an array, or for a "one"
 * relation the first row.
 */
static void
emit_batched_include(QueryBuilder *qb, IncludeSpec *inc, int b)
{
	ParsedFilter *spf = inc->scope;
	IgnisModel *target = inc->target;
	char	   *alias = new_alias(qb, 't');
	StringInfoData keys;
	int			k;
	int			mark;

	check_stack_depth();
	initStringInfo(&keys);
	for (k = 0; k < inc->rel->nkeys; k++)
		appendStringInfo(&keys, "%sx.\"?k%d\"", k ? ", " : "", k);
	appendStringInfo(&qb->sql, "SELECT %s, %s AS agg FROM (SELECT ", keys.data,
					 inc->rel->many
					 ? "pg_catalog.jsonb_agg(x.r ORDER BY x.\"?rn\")"
					 : "(pg_catalog.jsonb_agg(x.r ORDER BY x.\"?rn\") OPERATOR(pg_catalog.->) 0)");
	for (k = 0; k < inc->rel->nkeys; k++)
		appendStringInfo(&qb->sql, "%s.\"?k%d\", ", alias, k);
	appendStringInfo(&qb->sql, "%s.\"?rn\", (SELECT r FROM (SELECT ", alias);
	(void) emit_select_list(qb, spf, alias, false, false);
	appendStringInfo(&qb->sql, ") r) AS r FROM (SELECT %s.*", alias);
	for (k = 0; k < inc->rel->nkeys; k++)
	{
		int			ref = ignis_model_find_prop(target, inc->rel->refs[k]);

		appendStringInfo(&qb->sql, ", %s.%s AS \"?k%d\"", alias, target->props[ref].column_sql, k);
	}
	appendStringInfoString(&qb->sql, ", pg_catalog.row_number() OVER (PARTITION BY ");
	for (k = 0; k < inc->rel->nkeys; k++)
	{
		int			ref = ignis_model_find_prop(target, inc->rel->refs[k]);

		appendStringInfo(&qb->sql, "%s%s.%s", k ? ", " : "", alias, target->props[ref].column_sql);
	}
	emit_order(qb, spf, alias, !inc->rel->many, false);
	appendStringInfo(&qb->sql, ") AS \"?rn\" FROM %s %s WHERE ", target->rel_sql, alias);
	if (inc->rel->nkeys == 1)
	{
		int			ref = ignis_model_find_prop(target, inc->rel->refs[0]);

		appendStringInfo(&qb->sql, "%s.%s %s ANY (ARRAY(SELECT p.\"?b%dk0\" FROM p))", alias,
						 target->props[ref].column_sql, target->props[ref].eq_op, b);
	}
	else
	{
		appendStringInfoString(&qb->sql, "EXISTS (SELECT 1 FROM p WHERE ");
		for (k = 0; k < inc->rel->nkeys; k++)
		{
			int			ref = ignis_model_find_prop(target, inc->rel->refs[k]);

			appendStringInfo(&qb->sql, "%s%s.%s %s p.\"?b%dk%d\"", k ? " AND " : "", alias,
							 target->props[ref].column_sql, target->props[ref].eq_op, b, k);
		}
		appendStringInfoChar(&qb->sql, ')');
	}
	mark = qb->sql.len;
	appendStringInfoString(&qb->sql, " AND ");
	if (!where_emit(qb, spf->where, alias))
	{
		qb->sql.len = mark;
		qb->sql.data[mark] = '\0';
	}
	appendStringInfo(&qb->sql, ") %s", alias);
	if (!inc->rel->many)
		appendStringInfo(&qb->sql, " WHERE %s.\"?rn\" OPERATOR(pg_catalog.=) 1", alias);
	else if (spf->has_limit || spf->offset > 0)
	{
		JNode	   *j = jnode_new(JN_NUMBER);
		int			off;

		j->str = psprintf(INT64_FORMAT, spf->offset);
		off = qb_param(qb, INT8OID, Int64GetDatum(spf->offset), false, j);
		appendStringInfo(&qb->sql, " WHERE %s.\"?rn\" OPERATOR(pg_catalog.>) $%d::pg_catalog.int8",
						 alias, off);
		if (spf->has_limit)
		{
			j = jnode_new(JN_NUMBER);
			j->str = psprintf(INT64_FORMAT, spf->limit);
			appendStringInfo(&qb->sql,
							 " AND %s.\"?rn\" OPERATOR(pg_catalog.<=) ($%d::pg_catalog.int8 OPERATOR(pg_catalog.+) $%d::pg_catalog.int8)",
							 alias, off, qb_param(qb, INT8OID, Int64GetDatum(spf->limit), false, j));
		}
	}
	appendStringInfo(&qb->sql, ") x GROUP BY %s", keys.data);
}

static bool
has_batched(ParsedFilter *pf)
{
	ListCell   *lc;

	foreach(lc, pf->includes)
		if (((IncludeSpec *) lfirst(lc))->batched)
			return true;
	return false;
}

/*
 * The rows of a top-level read.  With batched includes: the page is a
 * materialised CTE p (numbered in its order, carrying the relation keys),
 * each batched include one grouped scan joined to it by key, and the rows
 * come out in the page's order with the same columns as the correlated
 * form.
 */
static void
emit_page(QueryBuilder *qb, ParsedFilter *pf, bool single, int *where_start, int *where_end)
{
	IgnisModel *model = pf->model;
	ListCell   *lc;
	bool		first = true;
	int			b;
	int			i;

	if (!has_batched(pf) || pf->keyset != KEYSET_NONE)
	{
		/* keyset pages load their includes correlated (decision 27) */
		emit_rows(qb, pf, "t0", NULL, NULL, NULL, true, single, where_start, where_end);
		return;
	}
	appendStringInfoString(&qb->sql,
						   "WITH p AS MATERIALIZED (SELECT s.*, pg_catalog.row_number() OVER () AS \"?n\" FROM (");
	qb->batching = true;
	emit_rows(qb, pf, "t0", NULL, NULL, NULL, true, single, where_start, where_end);
	qb->batching = false;
	appendStringInfoString(&qb->sql, ") s) SELECT ");
	for (i = 0; i < model->nprops; i++)
	{
		if (!pf->selected[i])
			continue;
		appendStringInfo(&qb->sql, "%sp.%s", first ? "" : ", ", model->props[i].name_sql);
		first = false;
	}
	b = 0;
	foreach(lc, pf->includes)
	{
		IncludeSpec *inc = lfirst(lc);
		char	   *name = ignis_quote_ident(inc->rel->name);

		if (!inc->batched)
			appendStringInfo(&qb->sql, "%sp.%s", first ? "" : ", ", name);
		else if (inc->rel->many)
			appendStringInfo(&qb->sql, "%sCOALESCE(b%d.agg, '[]'::pg_catalog.jsonb) AS %s",
							 first ? "" : ", ", b++, name);
		else
			appendStringInfo(&qb->sql, "%sb%d.agg AS %s", first ? "" : ", ", b++, name);
		first = false;
	}
	appendStringInfoString(&qb->sql, " FROM p");
	b = 0;
	foreach(lc, pf->includes)
	{
		IncludeSpec *inc = lfirst(lc);
		int			k;

		if (!inc->batched)
			continue;
		appendStringInfoString(&qb->sql, " LEFT JOIN (");
		emit_batched_include(qb, inc, b);
		appendStringInfo(&qb->sql, ") b%d ON ", b);
		for (k = 0; k < inc->rel->nkeys; k++)
		{
			int			ref = ignis_model_find_prop(inc->target, inc->rel->refs[k]);

			appendStringInfo(&qb->sql, "%sb%d.\"?k%d\" %s p.\"?b%dk%d\"", k ? " AND " : "", b, k,
							 inc->target->props[ref].eq_op, b, k);
		}
		b++;
	}
	appendStringInfoString(&qb->sql, " ORDER BY p.\"?n\"");
}

/*
 * SELECT <visible columns AS properties>, <includes> FROM rel alias
 * WHERE ... ORDER BY ... LIMIT ... OFFSET ...
 */
static void
emit_rows(QueryBuilder *qb, ParsedFilter *pf, const char *alias, IgnisModel *parent,
		  const char *parent_alias, IncludeSpec *via, bool top, bool single,
		  int *where_start, int *where_end)
{
	IgnisModel *model = pf->model;
	bool		first = true;
	bool		has_where = false;
	ListCell   *lc;
	int			i;
	int			start = qb->sql.len;

	appendStringInfoString(&qb->sql, "SELECT ");
	if (top && qb->range_next)
	{
		/* the after object of each row, for range.next */
		bool		f2 = true;

		appendStringInfoString(&qb->sql, "pg_catalog.jsonb_build_object(");
		foreach(lc, pf->keyset_keys)
		{
			OrderItem  *oi = lfirst(lc);

			appendStringInfo(&qb->sql, "%s%s::pg_catalog.text, ", f2 ? "" : ", ",
							 quote_literal_cstr(oi->key));
			emit_order_value(qb, pf, oi, alias);
			f2 = false;
		}
		appendStringInfoString(&qb->sql, ") AS \"?next\"");
		first = false;
	}
	if (top && pf->keyset == KEYSET_BEFORE)
	{
		/* before: read backwards, number the rows, turn them round outside */
		appendStringInfoString(&qb->sql, first ? "pg_catalog.row_number() OVER (" : ", pg_catalog.row_number() OVER (");
		emit_order(qb, pf, alias, false, true);
		appendStringInfoString(&qb->sql, ") AS \"?n\"");
		first = false;
	}
	emit_batch_keys(qb, pf, alias, top && qb->batching,
					emit_select_list(qb, pf, alias, top && qb->batching, !first));
	appendStringInfo(&qb->sql, " FROM %s %s", model->rel_sql, alias);

	if (via)
	{
		int			mark;

		appendStringInfoString(&qb->sql, " WHERE ");
		emit_join_condition(qb, via, parent, alias, parent_alias);
		mark = qb->sql.len;
		appendStringInfoString(&qb->sql, " AND ");
		if (!where_emit(qb, pf->where, alias))
		{
			qb->sql.len = mark;
			qb->sql.data[mark] = '\0';
		}
	}
	else
	{
		int			mark = qb->sql.len;

		appendStringInfoString(&qb->sql, " WHERE ");
		if (where_start)
			*where_start = qb->sql.len;
		has_where = where_emit(qb, pf->where, alias);
		if (!has_where)
		{
			qb->sql.len = mark;
			qb->sql.data[mark] = '\0';
			if (where_start)
				*where_start = -1;
		}
		if (where_end)
			*where_end = qb->sql.len;
	}

	if (top && pf->keyset_values != NIL)
	{
		appendStringInfoString(&qb->sql, has_where ? " AND " : " WHERE ");
		emit_keyset(qb, pf, alias);
	}

	emit_order(qb, pf, alias, via != NULL && !via->rel->many,
			   top && pf->keyset == KEYSET_BEFORE);

	if (single)
		appendStringInfoString(&qb->sql, " LIMIT 1");
	if (top)
		/* a keyset range fetches one row more: is there a next page? */
		emit_limit(qb, pf->has_limit,
				   pf->limit + (qb->range_next == KEYSET_AFTER && pf->limit < PG_INT64_MAX ? 1 : 0),
				   pf->offset, !single && pf->keyset == KEYSET_NONE);
	if (top && pf->lock_clause)
		appendStringInfoString(&qb->sql, pf->lock_clause);	/* the model's rows only */
	else if (via && via->rel->many)
		emit_limit(qb, pf->has_limit, pf->limit, pf->offset, false);

	if (top && pf->keyset == KEYSET_BEFORE)
	{
		StringInfoData outer;
		char	   *inner = pstrdup(qb->sql.data + start);

		initStringInfo(&outer);
		appendStringInfoString(&outer, "SELECT ");
		first = true;
		if (qb->range_next)
		{
			appendStringInfoString(&outer, "p.\"?next\"");
			first = false;
		}
		for (i = 0; i < model->nprops; i++)
			if (pf->selected[i])
			{
				appendStringInfo(&outer, "%sp.%s", first ? "" : ", ", model->props[i].name_sql);
				first = false;
			}
		foreach(lc, pf->includes)
		{
			appendStringInfo(&outer, "%sp.%s", first ? "" : ", ",
							 ignis_quote_ident(((IncludeSpec *) lfirst(lc))->rel->name));
			first = false;
		}
		appendStringInfoString(&outer, " FROM (");
		if (where_start && *where_start >= 0)
			*where_start += outer.len;
		if (where_end)
			*where_end += outer.len;
		qb->sql.len = start;
		qb->sql.data[start] = '\0';
		appendStringInfoString(&qb->sql, outer.data);
		appendStringInfoString(&qb->sql, inner);
		appendStringInfoString(&qb->sql, ") p ORDER BY p.\"?n\" DESC");
	}
}

/*
 * find / find_one / find_by_id.  `with_range` adds the total for
 * {"data", "range"}; `single` returns one object or JSON null.
 */
void
select_build_find(QueryBuilder *qb, ParsedFilter *pf, bool with_range, bool single)
{
	QueryBuilder data;
	int			where_start = -1;
	int			where_end = -1;

	qb->next_alias = 1;
	if (single)
	{
		emit_page(qb, pf, true, NULL, NULL);
		qb->single_row = true;
		qb->result = RESULT_OBJECT;
		return;
	}
	if (!with_range)
	{
		emit_page(qb, pf, false, NULL, NULL);
		qb->result = RESULT_ARRAY;
		return;
	}

	/*
	 * Range: the total and the page in one statement (one snapshot).  The
	 * count's one row is joined to the page's rows, so an empty page still
	 * reports the total; a marker column tells a row of the page from the
	 * join's null extension.  The where text is emitted once for the page
	 * and repeated, with the same parameter numbers, for the count.
	 */
	qb_init(&data);
	data.next_alias = 1;
	data.range_next = pf->keyset;
	emit_page(&data, pf, false, &where_start, &where_end);
	if (pf->use_planned_total)
	{
		/* countStrategy planned: the estimate, bound like any value */
		JNode	   *j = jnode_new(JN_NUMBER);

		j->str = psprintf(INT64_FORMAT, pf->planned_total);
		appendStringInfo(&qb->sql, "SELECT c.total, p.* FROM (SELECT $%d::pg_catalog.int8 AS total) c",
						 qb_param(&data, INT8OID, Int64GetDatum(pf->planned_total), false, j));
	}
	else
	{
		appendStringInfo(&qb->sql, "SELECT c.total, p.* FROM (SELECT pg_catalog.count(*) AS total FROM %s t0",
						 pf->model->rel_sql);
		if (where_start >= 0)
			appendStringInfo(&qb->sql, " WHERE %.*s", where_end - where_start,
							 data.sql.data + where_start);
		appendStringInfoString(&qb->sql, ") c");
	}
	appendStringInfo(&qb->sql, " LEFT JOIN (SELECT true AS \"?page\", r.* FROM (%s) r) p ON true",
					 data.sql.data);
	qb->types = data.types;
	qb->values = data.values;
	qb->nulls = data.nulls;
	qb->json = data.json;
	qb->nparams = data.nparams;
	qb->maxparams = data.maxparams;
	qb->plan_class = data.plan_class;
	qb->result = RESULT_RANGE;
	qb->range_offset = pf->offset;
	qb->range_label = pf->count_label;
	qb->range_next = pf->keyset;
	qb->range_limit = pf->has_limit ? pf->limit : -1;
	if (pf->keyset == KEYSET_BEFORE && pf->keyset_values == NIL)
	{
		/* "before": null is the last page: no row follows it */
		qb->range_next = KEYSET_AFTER;
		qb->range_limit = -1;
	}
}

/*
 * build_query: the statement find runs, wrapped so that running it by hand
 * returns the jsonb find returns (api.md §7).
 */
char *
select_as_jsonb(QueryBuilder *qb)
{
	return psprintf("SELECT COALESCE(pg_catalog.jsonb_agg(r), '[]'::pg_catalog.jsonb) FROM (%s) r",
					qb->sql.data);
}

/* SELECT 1 FROM rel t0 WHERE ...: what the planned count estimates */
void
select_build_rows_of(QueryBuilder *qb, IgnisModel *model, WhereExpr *where)
{
	int			mark;

	appendStringInfo(&qb->sql, "SELECT 1 FROM %s t0", model->rel_sql);
	mark = qb->sql.len;
	appendStringInfoString(&qb->sql, " WHERE ");
	if (!where_emit(qb, where, "t0"))
	{
		qb->sql.len = mark;
		qb->sql.data[mark] = '\0';
	}
}

/* count / exists_with */
void
select_build_count(QueryBuilder *qb, IgnisModel *model, WhereExpr *where, bool exists)
{
	int			mark;

	if (exists)
		appendStringInfo(&qb->sql, "SELECT EXISTS (SELECT 1 FROM %s t0", model->rel_sql);
	else
		appendStringInfo(&qb->sql,
						 "SELECT pg_catalog.jsonb_build_object('count', pg_catalog.count(*)) FROM %s t0",
						 model->rel_sql);
	mark = qb->sql.len;
	appendStringInfoString(&qb->sql, " WHERE ");
	if (!where_emit(qb, where, "t0"))
	{
		qb->sql.len = mark;
		qb->sql.data[mark] = '\0';
	}
	if (exists)
		appendStringInfoChar(&qb->sql, ')');
}
