/*-------------------------------------------------------------------------
 * where_emit.c
 *	  A parsed where (where_parse.c) as one SQL boolean expression with
 *	  bound parameters.
 *
 * Emission simplifies: an empty `and` is no condition, an empty `or` is
 * FALSE (D6), and so on.
 *-------------------------------------------------------------------------
 */
#include "where.h"

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/typcache.h"

/* ---------------------------------------------------------------------------
 * Emission
 * ---------------------------------------------------------------------------
 */

/* Does the expression produce SQL (false: no condition, i.e. TRUE)? */
static bool
emits(WhereExpr *e)
{
	ListCell   *lc;

	switch (e->kind)
	{
		case W_AND:
			foreach(lc, e->children)
				if (emits(lfirst(lc)))
					return true;
			return false;
		case W_OR:
			if (e->children == NIL)
				return true;	/* FALSE */
			foreach(lc, e->children)
				if (!emits(lfirst(lc)))
					return false;
			return true;
		case W_REL:
			/* every related row meets no condition: always */
			return e->quant != Q_EVERY || (e->child != NULL && emits(e->child));
		default:
			return true;
	}
}

static void
emit_operand(QueryBuilder *qb, Operand *o)
{
	qb_append_new_param(qb, o->type, o->value, false, o->json);
}

/* Append the expression the condition tests, e.g. t0."age". */
static void
emit_target(QueryBuilder *qb, WhereExpr *e, const char *alias, int pathparam)
{
	StringInfo	sql = &qb->sql;
	IgnisProperty *prop = e->prop;
	bool		json_col = prop->kind == PROP_JSON;

	switch (e->target)
	{
		case TGT_COLUMN:
			appendStringInfoString(sql, alias);
			appendStringInfoChar(sql, '.');
			appendStringInfoString(sql, prop->column_sql);
			break;
		case TGT_DOC:
			appendStringInfo(sql, json_col ? "%s.%s::pg_catalog.jsonb" : "%s.%s",
							 alias, prop->column_sql);
			break;
		case TGT_JSON_VALUE:
			/* one object key: -> (cheaper than #> with a path array) */
			appendStringInfo(sql, json_col ? "(%s.%s::pg_catalog.jsonb OPERATOR(pg_catalog.%s) "
							 : "(%s.%s OPERATOR(pg_catalog.%s) ", alias, prop->column_sql,
							 e->single_key ? "->" : "#>");
			qb_append_param(qb, pathparam);
			appendStringInfoChar(sql, ')');
			break;
		case TGT_JSON_TEXT:
			if (e->numeric)
			{
				/* the value as a number when it is one (json_set.c) */
				appendStringInfo(sql, json_col ? "ignis._json_numeric(%s.%s::pg_catalog.jsonb, "
								 : "ignis._json_numeric(%s.%s, ", alias, prop->column_sql);
				qb_append_param(qb, pathparam);
				appendStringInfoChar(sql, ')');
			}
			else
			{
				appendStringInfo(sql, "(%s.%s OPERATOR(pg_catalog.%s) ", alias, prop->column_sql,
								 e->single_key ? "->>" : "#>>");
				qb_append_param(qb, pathparam);
				appendStringInfoChar(sql, ')');
			}
			break;
	}
}

static const char *
cmp_operator(WhereExpr *e, CondOp op)
{
	const char *ns = (e->target == TGT_COLUMN && e->prop->kind != PROP_ARRAY)
		? e->prop->op_ns : "pg_catalog";
	const char *sym;

	switch (op)
	{
		case C_EQ:
		case C_IN:
			sym = "=";
			break;
		case C_NEQ:
		case C_NIN:
			sym = "<>";
			break;
		case C_GT:
			sym = ">";
			break;
		case C_GTE:
			sym = ">=";
			break;
		case C_LT:
			sym = "<";
			break;
		case C_LTE:
			sym = "<=";
			break;
		case C_LIKE:
		case C_NILIKE:
			sym = op == C_LIKE ? "~~" : "~~*";
			break;
		case C_NLIKE:
			sym = "!~~";
			break;
		case C_ILIKE:
			sym = "~~*";
			break;
		case C_REGEXP:
			sym = "~";
			break;
		case C_IREGEXP:
			sym = "~*";
			break;
		case C_CONTAINS:
			sym = "@>";
			break;
		case C_CONTAINED_BY:
			sym = "<@";
			break;
		case C_OVERLAPS:
			sym = "&&";
			break;
		default:
			sym = "=";
			break;
	}
	if (strcmp(ns, "pg_catalog") == 0)
		return psprintf("OPERATOR(pg_catalog.%s)", sym);
	return psprintf("OPERATOR(%s.%s)", quote_identifier(ns), sym);
}

/*
 * A comparison on a column with dominant values: note whether the value is
 * one of them ('c'), another value ('r'), or a list or range ('x').  Calls
 * of different classes get different cached statements, so a generic plan
 * made for the common value is never used for a rare one (or vice versa).
 */
static void
classify_skewed(QueryBuilder *qb, WhereExpr *e)
{
	IgnisProperty *prop = e->prop;
	char		class = 'x';

	if (e->op == C_EQ || e->op == C_NEQ)
	{
		TypeCacheEntry *tc = lookup_type_cache(prop->typid, TYPECACHE_EQ_OPR_FINFO);
		int			i;

		class = 'r';
		if (OidIsValid(tc->eq_opr_finfo.fn_oid))
			for (i = 0; i < prop->ncommon; i++)
				if (DatumGetBool(FunctionCall2Coll(&tc->eq_opr_finfo, tc->typcollation,
												   e->operands[0].value, prop->common[i])))
				{
					class = 'c';
					break;
				}
	}
	appendStringInfoChar(&qb->plan_class, class);
}

static void
emit_cond(QueryBuilder *qb, WhereExpr *e, const char *alias)
{
	StringInfo	sql = &qb->sql;
	int			pathparam = 0;

	if ((e->target == TGT_JSON_TEXT || e->target == TGT_JSON_VALUE) && e->single_key &&
		!(e->target == TGT_JSON_TEXT && e->numeric))
		pathparam = qb_param(qb, TEXTOID, CStringGetTextDatum(e->single_key), false,
							 jnode_string(e->single_key));
	else if (e->target == TGT_JSON_TEXT || e->target == TGT_JSON_VALUE)
		pathparam = qb_param(qb, e->path.type, e->path.value, false, e->path.json);
	if (e->target == TGT_COLUMN && e->prop->skewed && e->noperands > 0)
		classify_skewed(qb, e);

	switch (e->op)
	{
		case C_SEARCH:
			/* the configuration as a constant, so an expression index serves it */
			if (e->prop->basetypid == TSVECTOROID)
				appendStringInfo(sql, "(%s.%s", alias, e->prop->column_sql);
			else
				appendStringInfo(sql, "(pg_catalog.to_tsvector(%s, %s.%s)",
								 e->prop->ts_config_sql, alias, e->prop->column_sql);
			appendStringInfo(sql, " OPERATOR(pg_catalog.@@) pg_catalog.websearch_to_tsquery(%s, ",
							 e->prop->ts_config_sql);
			emit_operand(qb, &e->operands[0]);
			appendStringInfoString(sql, "))");
			return;
		case C_IS_NULL:
		case C_IS_NOT_NULL:
			appendStringInfoChar(sql, '(');
			emit_target(qb, e, alias, pathparam);
			appendStringInfoString(sql, e->op == C_IS_NULL ? " IS NULL)" : " IS NOT NULL)");
			return;
		case C_BETWEEN:
		case C_NOT_BETWEEN:
			appendStringInfoString(sql, e->op == C_BETWEEN ? "(" : "(NOT (");
			emit_target(qb, e, alias, pathparam);
			appendStringInfo(sql, " %s ", cmp_operator(e, C_GTE));
			emit_operand(qb, &e->operands[0]);
			appendStringInfoString(sql, " AND ");
			emit_target(qb, e, alias, pathparam);
			appendStringInfo(sql, " %s ", cmp_operator(e, C_LTE));
			emit_operand(qb, &e->operands[1]);
			appendStringInfoString(sql, e->op == C_BETWEEN ? ")" : "))");
			return;
		case C_IN:
		case C_NIN:
			appendStringInfoChar(sql, '(');
			emit_target(qb, e, alias, pathparam);
			appendStringInfo(sql, " %s %s (", cmp_operator(e, e->op),
							 e->op == C_IN ? "ANY" : "ALL");
			emit_operand(qb, &e->operands[0]);
			appendStringInfoChar(sql, ')');
			if (e->with_null)
			{
				appendStringInfoString(sql, e->op == C_IN ? " OR " : " AND ");
				emit_target(qb, e, alias, pathparam);
				appendStringInfoString(sql, e->op == C_IN ? " IS NULL" : " IS NOT NULL");
			}
			appendStringInfoChar(sql, ')');
			return;
		case C_NILIKE:
			appendStringInfoString(sql, "(NOT (");
			emit_target(qb, e, alias, pathparam);
			appendStringInfo(sql, " %s ", cmp_operator(e, e->op));
			emit_operand(qb, &e->operands[0]);
			appendStringInfoString(sql, "))");
			return;
		case C_CONTAINS:
		case C_CONTAINED_BY:
		case C_OVERLAPS:
			if (e->target != TGT_COLUMN)
			{
				/* D35: NULL for a missing value, FALSE for a non-array */
				appendStringInfoString(sql, "(CASE WHEN ");
				emit_target(qb, e, alias, pathparam);
				appendStringInfoString(sql, " IS NULL THEN NULL WHEN pg_catalog.jsonb_typeof(");
				emit_target(qb, e, alias, pathparam);
				appendStringInfoString(sql, ") OPERATOR(pg_catalog.<>) 'array' THEN false ELSE ");
				if (e->op == C_OVERLAPS)
				{
					appendStringInfoString(sql, "EXISTS (SELECT 1 FROM pg_catalog.jsonb_array_elements(");
					emit_target(qb, e, alias, pathparam);
					appendStringInfoString(sql, ") AS ov(v) WHERE ov.v OPERATOR(pg_catalog.=) ANY (");
					emit_operand(qb, &e->operands[0]);
					appendStringInfoString(sql, "))");
				}
				else
				{
					emit_target(qb, e, alias, pathparam);
					appendStringInfo(sql, " %s ", cmp_operator(e, e->op));
					emit_operand(qb, &e->operands[0]);
				}
				appendStringInfoString(sql, " END)");
				return;
			}
			if (e->op == C_CONTAINED_BY && DatumGetArrayTypeP(e->operands[0].value) &&
				ArrayGetNItems(ARR_NDIM(DatumGetArrayTypeP(e->operands[0].value)),
							   ARR_DIMS(DatumGetArrayTypeP(e->operands[0].value))) == 0)
			{
				/* containedBy [] means "is an empty array" */
				appendStringInfoChar(sql, '(');
				emit_target(qb, e, alias, pathparam);
				appendStringInfo(sql, " %s ", cmp_operator(e, C_EQ));
				emit_operand(qb, &e->operands[0]);
				appendStringInfoChar(sql, ')');
				return;
			}
			break;
		default:
			break;
	}

	appendStringInfoChar(sql, '(');
	emit_target(qb, e, alias, pathparam);
	appendStringInfo(sql, " %s ", cmp_operator(e, e->op));
	emit_operand(qb, &e->operands[0]);
	appendStringInfoChar(sql, ')');
}

static void emit_expr(QueryBuilder *qb, WhereExpr *e, const char *alias);

/*
 * Whether a condition is never NULL: comparisons of NOT
 * NULL columns with a value, null tests, EXISTS, and and/or/not of those.
 * For such a condition "IS NOT TRUE" is plain NOT, which the planner turns
 * into the negated operator (views >= $1 -> views < $1) that an index serves.
 */
static bool
never_null(WhereExpr *e)
{
	ListCell   *lc;

	check_stack_depth();
	switch (e->kind)
	{
		case W_CONST:
		case W_REL:
			return true;
		case W_NOT:
			return never_null(e->child);
		case W_AND:
		case W_OR:
			foreach(lc, e->children)
				if (!never_null(lfirst(lc)))
					return false;
			return true;
		case W_COND:
			switch (e->op)
			{
				case C_IS_NULL:
				case C_IS_NOT_NULL:
					return true;
				case C_EQ:
				case C_NEQ:
				case C_GT:
				case C_GTE:
				case C_LT:
				case C_LTE:
				case C_BETWEEN:
				case C_NOT_BETWEEN:
					return e->target == TGT_COLUMN && e->prop->notnull;
				default:
					return false;
			}
	}
	return false;
}

/*
 * A quantifier over related rows, as a semi-join the planner can serve from
 * an index on the foreign key:
 *
 *	 some:	EXISTS (SELECT 1 FROM target eN WHERE <join> AND <visible> AND <where>)
 *	 none:	NOT EXISTS (... AND <where>)
 *	 every: NOT EXISTS (... AND (<where>) IS NOT TRUE)
 *
 * "every" looks for a related row that does not match, and a row whose
 * condition is NULL does not match (a condition that is never NULL is
 * negated with a plain NOT).  <visible> is the target's default and
 * scope filter: rows it leaves out are not related rows at all.
 */
static void
emit_relation(QueryBuilder *qb, WhereExpr *e, const char *alias)
{
	StringInfo	sql = &qb->sql;
	char	   *ra = psprintf("e%d", qb->next_alias++);

	appendStringInfo(sql, "(%sEXISTS (SELECT 1 FROM %s %s WHERE ",
					 e->quant == Q_SOME ? "" : "NOT ", e->related->rel_sql, ra);
	select_rel_condition(qb, e->rel, e->related, e->source, ra, alias);
	if (e->visible && emits(e->visible))
	{
		appendStringInfoString(sql, " AND ");
		emit_expr(qb, e->visible, ra);
	}
	if (e->child && emits(e->child))
	{
		bool		plain_not = e->quant == Q_EVERY && never_null(e->child);

		if (e->quant != Q_EVERY)
			appendStringInfoString(sql, " AND ");
		else
			appendStringInfoString(sql, plain_not ? " AND NOT (" : " AND (");
		emit_expr(qb, e->child, ra);
		if (e->quant == Q_EVERY)
			appendStringInfoString(sql, plain_not ? ")" : ") IS NOT TRUE");
	}
	appendStringInfoString(sql, "))");
}

static void
emit_expr(QueryBuilder *qb, WhereExpr *e, const char *alias)
{
	ListCell   *lc;
	bool		first = true;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();
	switch (e->kind)
	{
		case W_CONST:
			appendStringInfoString(&qb->sql, e->constval ? "true" : "false");
			return;
		case W_COND:
			emit_cond(qb, e, alias);
			return;
		case W_REL:
			emit_relation(qb, e, alias);
			return;
		case W_NOT:
			if (!emits(e->child))
			{
				appendStringInfoString(&qb->sql, "false");
				return;
			}
			appendStringInfoString(&qb->sql, "(NOT ");
			emit_expr(qb, e->child, alias);
			appendStringInfoChar(&qb->sql, ')');
			return;
		case W_AND:
		case W_OR:
			if (e->kind == W_OR && e->children == NIL)
			{
				appendStringInfoString(&qb->sql, "false");
				return;
			}
			{
				int			n = 0;

				foreach(lc, e->children)
					if (emits(lfirst(lc)))
						n++;
				if (n > 1)
					appendStringInfoChar(&qb->sql, '(');
				foreach(lc, e->children)
				{
					WhereExpr  *c = lfirst(lc);

					if (!emits(c))
						continue;
					if (!first)
						appendStringInfoString(&qb->sql, e->kind == W_AND ? " AND " : " OR ");
					emit_expr(qb, c, alias);
					first = false;
				}
				if (n > 1)
					appendStringInfoChar(&qb->sql, ')');
			}
			return;
	}
}

/* Append the where as SQL; returns false (and appends nothing) when empty. */
bool
where_emit(QueryBuilder *qb, WhereExpr *e, const char *alias)
{
	if (e == NULL || !emits(e))
		return false;
	emit_expr(qb, e, alias);
	return true;
}
