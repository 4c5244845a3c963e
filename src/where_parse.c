/*-------------------------------------------------------------------------
 * where_parse.c
 *	  The where language (filter.md): parse + validate a where object into a
 *	  WhereExpr tree with every operand already converted (convert.c).
 *
 * Parsing converts every operand of the whole tree before anything is
 * simplified away (D41), so errors never depend on the shape of the rest.
 *-------------------------------------------------------------------------
 */
#include "where.h"

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/builtins.h"

/* where-language operator names, and what they mean */
typedef struct OpName
{
	const char *name;
	int			code;
} OpName;

enum
{
	O_EQ, O_NEQ, O_GT, O_GTE, O_LT, O_LTE, O_BETWEEN, O_NOT_BETWEEN, O_IN, O_NIN,
	O_LIKE, O_NLIKE, O_ILIKE, O_NILIKE, O_STARTS, O_ENDS, O_REGEXP, O_IREGEXP,
	O_IS, O_ISN, O_ISNULL, O_ISNOTNULL, O_CONTAINS, O_CONTAINED_BY, O_OVERLAPS,
	O_SEARCH, O_JSONPATH, O_RESERVED, O_LOGICAL
};

static const OpName op_names[] = {
	{"eq", O_EQ}, {"neq", O_NEQ}, {"ne", O_NEQ},
	{"gt", O_GT}, {"gte", O_GTE}, {"lt", O_LT}, {"lte", O_LTE},
	{"between", O_BETWEEN}, {"notBetween", O_NOT_BETWEEN},
	{"in", O_IN}, {"inq", O_IN}, {"nin", O_NIN}, {"notIn", O_NIN},
	{"like", O_LIKE}, {"nlike", O_NLIKE}, {"notLike", O_NLIKE},
	{"ilike", O_ILIKE}, {"nilike", O_NILIKE}, {"notILike", O_NILIKE},
	{"startsWith", O_STARTS}, {"endsWith", O_ENDS},
	{"regexp", O_REGEXP}, {"iregexp", O_IREGEXP},
	{"is", O_IS}, {"isn", O_ISN}, {"isNull", O_ISNULL}, {"isNotNull", O_ISNOTNULL},
	{"contains", O_CONTAINS}, {"containedBy", O_CONTAINED_BY}, {"overlaps", O_OVERLAPS},
	{"search", O_SEARCH}, {"jsonPath", O_JSONPATH},
	{"exists", O_RESERVED}, {"notExists", O_RESERVED}, {"not", O_RESERVED},
	{"and", O_LOGICAL}, {"or", O_LOGICAL},
};
#define N_OP_NAMES lengthof(op_names)

static const char *const supported_ops[] = {
	"eq", "neq", "ne", "gt", "gte", "lt", "lte", "between", "notBetween", "in", "inq",
	"nin", "notIn", "like", "nlike", "notLike", "ilike", "nilike", "notILike",
	"startsWith", "endsWith", "regexp", "iregexp", "is", "isn", "isNull", "isNotNull",
	"contains", "containedBy", "overlaps", "search", "jsonPath"
};

#define OPS_HINT "Operators: eq, neq/ne, gt, gte, lt, lte, between, notBetween, in/inq, nin/notIn, like, nlike/notLike, ilike, nilike/notILike, startsWith, endsWith, regexp, iregexp, is, isn, isNull, isNotNull, contains, containedBy, overlaps, search."


static int
op_code(const char *name)
{
	int			i;

	for (i = 0; i < (int) N_OP_NAMES; i++)
		if (strcmp(op_names[i].name, name) == 0)
			return op_names[i].code;
	return -1;
}

void
ignis_check_depth(int depth, const char *path)
{
	check_stack_depth();
	if (depth > ignis_max_where_depth)
		ereport(ERROR,
				(errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
				 errmsg("ignis: where nesting deeper than %d levels at %s",
						ignis_max_where_depth, path),
				 errhint("Flatten the and/or groups, or raise ignis.max_where_depth.")));
}

/* ---------------------------------------------------------------------------
 * Parsing
 * ---------------------------------------------------------------------------
 */
static WhereExpr *parse_object(IgnisModel *model, JNode *where, StringInfo path, int depth);

/*
 * Conditions made by the where being parsed: PostgreSQL's planner is
 * superlinear in the conditions of one statement (equivalence classes) and
 * does not stop for statement_timeout there, so a where is capped at
 * ignis.max_where_conditions conditions.
 */
static int	where_conditions = 0;
static StringInfo where_condition_path = NULL;

/* Relations the where being parsed has followed to reach this point. */
static int	where_relation_depth = 0;

static void
count_condition(void)
{
	CHECK_FOR_INTERRUPTS();
	if (++where_conditions > ignis_max_where_conditions)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("ignis: where with more than %d conditions at %s",
						ignis_max_where_conditions,
						where_condition_path ? where_condition_path->data : "where"),
				 errhint("Use an \"in\" list for many values of one property, or raise ignis.max_where_conditions; a relation filter counts the default and scope filters of the related model too.")));
}

static WhereExpr *
make_const(bool value)
{
	WhereExpr  *e = palloc0(sizeof(WhereExpr));

	count_condition();
	e->kind = W_CONST;
	e->constval = value;
	return e;
}

static WhereExpr *
make_cond(IgnisProperty *prop, Target target, CondOp op)
{
	WhereExpr  *e = palloc0(sizeof(WhereExpr));

	count_condition();
	e->kind = W_COND;
	e->prop = prop;
	e->target = target;
	e->op = op;
	return e;
}

/* Context shared by the operators of one property entry. */
typedef struct EntryCtx
{
	IgnisProperty *prop;
	Target		target;			/* TGT_COLUMN, TGT_JSON_TEXT or TGT_DOC */
	bool		has_path;
	Operand		path;
	char	   *single_key;
	bool		numeric;		/* JSON text numeric mode */
} EntryCtx;

static WhereExpr *
new_cond(EntryCtx *ec, CondOp op)
{
	WhereExpr  *e = make_cond(ec->prop, ec->target, op);

	/* D36: null tests look at the extracted value whatever the mode */
	e->numeric = ec->numeric && op != C_IS_NULL && op != C_IS_NOT_NULL;
	if (ec->has_path)
	{
		e->path = ec->path;
		e->single_key = ec->single_key;
	}
	return e;
}

static bool
is_scalar(JNode *v)
{
	return v->type == JN_STRING || v->type == JN_NUMBER || v->type == JN_BOOL;
}

/* Convert one comparison operand for the entry's target. */
static Operand
entry_operand(EntryCtx *ec, JNode *v, const char *path)
{
	if (ec->target == TGT_DOC)
		return operand_jsonb(v);
	if (ec->target == TGT_JSON_TEXT)
	{
		if (!is_scalar(v))
			where_invalid(path, "expected a scalar operand, not %s", jnode_type_name(v));
		if (ec->numeric)
		{
			if (v->type != JN_NUMBER)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("ignis: JSON path operators need both numeric and text comparison at %s",
								path),
						 errhint("Split them into an \"and\" list, one object per comparison mode.")));
			return operand_numeric(v);
		}
		return operand_text(jnode_scalar_text(v), v);
	}
	if (!is_scalar(v))
		where_invalid(path, "expected a scalar operand, not %s", jnode_type_name(v));
	return operand_scalar(ec->prop, ec->prop->typid, v, path);
}

/* eq / neq with null or a value */
static WhereExpr *
parse_equality(EntryCtx *ec, JNode *v, bool negate, const char *path)
{
	WhereExpr  *e;

	if (v->type == JN_NULL)
		return new_cond(ec, negate ? C_IS_NOT_NULL : C_IS_NULL);

	if (ec->prop->kind == PROP_ARRAY && ec->target == TGT_COLUMN)
	{
		JNode	   *arr = v;

		if (v->type != JN_ARRAY)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: a scalar compared with array property \"%s\" at %s",
							ec->prop->name, path),
					 errhint("Use contains or overlaps to test elements, or an array for array equality.")));
		{
			Datum	   *elems = palloc(sizeof(Datum) * Max(arr->n, 1));
			bool	   *nulls = palloc(sizeof(bool) * Max(arr->n, 1));
			int			i;

			for (i = 0; i < arr->n; i++)
			{
				nulls[i] = arr->items[i]->type == JN_NULL;
				elems[i] = nulls[i] ? (Datum) 0
					: ignis_convert_scalar_at(ec->prop, ec->prop->elemtypid, arr->items[i],
											  path, i);
			}
			e = new_cond(ec, negate ? C_NEQ : C_EQ);
			e->operands[0] = operand_array(ec->prop->typid, ec->prop->elemtypid, elems,
										   nulls, arr->n, v);
			e->noperands = 1;
			return e;
		}
	}

	if (ec->target == TGT_JSON_TEXT && (v->type == JN_OBJECT || v->type == JN_ARRAY))
	{
		/* D20: compare jsonb values at the path */
		e = new_cond(ec, negate ? C_NEQ : C_EQ);
		e->target = TGT_JSON_VALUE;
		e->numeric = false;
		e->operands[0] = operand_jsonb(v);
		e->noperands = 1;
		return e;
	}
	e = new_cond(ec, negate ? C_NEQ : C_EQ);
	e->operands[0] = entry_operand(ec, v, path);
	e->noperands = 1;
	return e;
}

/* in / nin (and the implicit array form); D4 for null elements */
static WhereExpr *
parse_in(EntryCtx *ec, JNode *v, bool negate, const char *path)
{
	Datum	   *elems;
	int			n = 0;
	int			i;
	bool		with_null = false;
	Oid			elemtype;
	Oid			arraytype;
	JNode	   *json;
	WhereExpr  *e;

	if (v->type == JN_NULL)
		where_invalid(path, "%s needs a list, not null", negate ? "nin" : "in");
	if (v->type != JN_ARRAY)
		return parse_equality(ec, v, negate, path);

	if (ec->target == TGT_DOC)
	{
		elemtype = JSONBOID;
		arraytype = JSONBARRAYOID;
	}
	else if (ec->target == TGT_JSON_TEXT && ec->numeric)
	{
		elemtype = NUMERICOID;
		arraytype = NUMERICARRAYOID;
	}
	else if (ec->target == TGT_JSON_TEXT)
	{
		elemtype = TEXTOID;
		arraytype = TEXTARRAYOID;
	}
	else
	{
		elemtype = ec->prop->typid;
		arraytype = ec->prop->arraytypid;
		if (!OidIsValid(arraytype))
			where_invalid(path, "in lists are not supported for type %s", ec->prop->type_display);
	}

	elems = palloc(sizeof(Datum) * Max(v->n, 1));
	json = jnode_array(v->n);
	for (i = 0; i < v->n; i++)
	{
		JNode	   *item = v->items[i];

		CHECK_FOR_INTERRUPTS();
		if (item->type == JN_NULL)
		{
			with_null = true;
			continue;
		}
		if (ec->target == TGT_DOC)
			elems[n] = JsonbPGetDatum(jnode_to_jsonb(item));
		else if (!is_scalar(item))
			where_invalid(psprintf("%s[%d]", path, i), "list elements must be scalars, not %s",
					jnode_type_name(item));
		else if (ec->target == TGT_JSON_TEXT && ec->numeric)
		{
			/* the path of the element is made only for the error */
			if (item->type != JN_NUMBER)
				entry_operand(ec, item, psprintf("%s[%d]", path, i));
			elems[n] = NumericGetDatum(item->num);
		}
		else if (ec->target == TGT_JSON_TEXT)
			elems[n] = CStringGetTextDatum(jnode_scalar_text(item));
		else
			elems[n] = ignis_convert_scalar_at(ec->prop, elemtype, item, path, i);
		jnode_append(json, ec->target == TGT_JSON_TEXT && !ec->numeric &&
					 item->type != JN_STRING ? jnode_string(jnode_scalar_text(item)) : item);
		n++;
	}

	if (n == 0 && !with_null)
		return make_const(negate);	/* in [] is FALSE, nin [] is TRUE */
	if (n == 0)
		return new_cond(ec, negate ? C_IS_NOT_NULL : C_IS_NULL);

	e = new_cond(ec, negate ? C_NIN : C_IN);
	e->operands[0] = operand_array(arraytype, elemtype, elems, NULL, n, json);
	e->noperands = 1;
	e->with_null = with_null;
	return e;
}

static bool
pattern_target_ok(EntryCtx *ec)
{
	return ec->target == TGT_JSON_TEXT ||
		(ec->target == TGT_COLUMN && ec->prop->kind == PROP_TEXT);
}

/* Escape \ % _ so the text matches literally inside a LIKE pattern. */
static char *
ignis_like_escape(const char *s)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (; *s; s++)
	{
		if (*s == '\\' || *s == '%' || *s == '_')
			appendStringInfoChar(&buf, '\\');
		appendStringInfoChar(&buf, *s);
	}
	return buf.data;
}

/* Array operators (filter.md §7, §8.7) */
static WhereExpr *
parse_array_op(EntryCtx *ec, int code, JNode *v, const char *opname, const char *path)
{
	CondOp		op = code == O_CONTAINS ? C_CONTAINS :
		code == O_CONTAINED_BY ? C_CONTAINED_BY : C_OVERLAPS;
	JNode	   *list = v;
	JNodeType	first = JN_NULL;
	WhereExpr  *e;
	StringInfoData p;
	int			i;

	if (ec->target == TGT_COLUMN && ec->prop->kind != PROP_ARRAY)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: array operator \"%s\" on non-array property \"%s\" at %s",
						opname, ec->prop->name, path),
				 errhint("contains, containedBy and overlaps need an array, json or jsonb property, or a JSON path.")));
	if (v->type == JN_NULL)
		where_invalid(path, "%s needs a list, not null", opname);
	if (v->type != JN_ARRAY)
	{
		list = jnode_array(1);
		jnode_append(list, v);
	}
	initStringInfo(&p);
	appendStringInfoString(&p, path);
	for (i = 0; i < list->n; i++)
	{
		JNode	   *item = list->items[i];
		int			old = p.len;

		CHECK_FOR_INTERRUPTS();
		if (v->type == JN_ARRAY)
			errpath_push_index(&p, i);
		if (!is_scalar(item))
			where_invalid(p.data, "array operator elements must be non-null scalars, not %s",
					jnode_type_name(item));
		if (i == 0)
			first = item->type;
		else if (item->type != first)
			where_invalid(p.data, "array operator elements must all have one JSON type (%s)",
					"found mixed types");
		errpath_pop(&p, old);
	}

	/* D35: on a JSON path or document even an empty list tests the value */
	if (list->n == 0 && ec->target == TGT_COLUMN)
	{
		if (op == C_CONTAINS)
			return make_const(true);
		if (op == C_OVERLAPS)
			return make_const(false);
	}

	e = new_cond(ec, op);
	e->numeric = false;
	if (ec->target == TGT_COLUMN)
	{
		Datum	   *elems = palloc(sizeof(Datum) * Max(list->n, 1));

		for (i = 0; i < list->n; i++)
		{
			int			old = p.len;

			CHECK_FOR_INTERRUPTS();
			if (v->type == JN_ARRAY)
				errpath_push_index(&p, i);
			elems[i] = ignis_convert_scalar(ec->prop, ec->prop->elemtypid, list->items[i],
											p.data);
			errpath_pop(&p, old);
		}
		e->operands[0] = operand_array(ec->prop->typid, ec->prop->elemtypid, elems, NULL,
									   list->n, list);
	}
	else
	{
		/* jsonb containment on the document or the value at the path */
		if (ec->target == TGT_JSON_TEXT)
			e->target = TGT_JSON_VALUE;
		if (op == C_OVERLAPS)
		{
			Datum	   *elems = palloc(sizeof(Datum) * Max(list->n, 1));

			for (i = 0; i < list->n; i++)
			{
				CHECK_FOR_INTERRUPTS();
				elems[i] = JsonbPGetDatum(jnode_to_jsonb(list->items[i]));
			}
			e->operands[0] = operand_array(JSONBARRAYOID, JSONBOID, elems, NULL, list->n, list);
		}
		else
			e->operands[0] = operand_jsonb(list);
	}
	e->noperands = 1;
	return e;
}

/* Does this operator object need numeric mode on a JSON path? (§8.4) */
static bool
object_numeric_mode(JNode *obj)
{
	int			i;

	for (i = 0; i < obj->n; i++)
	{
		int			code = op_code(obj->keys[i]);
		JNode	   *v = obj->items[i];

		if ((code == O_GT || code == O_GTE || code == O_LT || code == O_LTE) &&
			v->type == JN_NUMBER)
			return true;
		if ((code == O_BETWEEN || code == O_NOT_BETWEEN) && v->type == JN_ARRAY &&
			v->n == 2 && v->items[0]->type == JN_NUMBER && v->items[1]->type == JN_NUMBER)
			return true;
	}
	return false;
}

static void
check_numeric_mode_op(int code, JNode *v, const char *path)
{
	switch (code)
	{
		case O_EQ:
		case O_NEQ:
		case O_IS:
		case O_ISN:
			/* §8.5: a number or null; an object or array would be text mode */
			if (v->type == JN_NUMBER || v->type == JN_NULL)
				return;
			break;
		case O_GT:
		case O_GTE:
		case O_LT:
		case O_LTE:
		case O_BETWEEN:
		case O_NOT_BETWEEN:
		case O_IN:
		case O_NIN:
		case O_ISNULL:
		case O_ISNOTNULL:
			return;
		default:
			break;
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("ignis: JSON path operators need both numeric and text comparison at %s",
					path),
			 errhint("Split them into an \"and\" list, one object per comparison mode.")));
}

/* One operator of an operator object. */
static WhereExpr *
parse_operator(EntryCtx *ec, const char *opname, int code, JNode *v, StringInfo path)
{
	WhereExpr  *e;
	IgnisProperty *prop = ec->prop;
	bool		on_array = ec->target == TGT_COLUMN && prop->kind == PROP_ARRAY;

	if (ec->numeric)
		check_numeric_mode_op(code, v, path->data);

	/* D38: what array columns accept */
	if (on_array)
	{
		switch (code)
		{
			case O_EQ:
			case O_NEQ:
				if (v->type != JN_ARRAY && v->type != JN_NULL)
					break;
				/* FALLTHROUGH */
			case O_IS:
			case O_ISN:
			case O_ISNULL:
			case O_ISNOTNULL:
			case O_CONTAINS:
			case O_CONTAINED_BY:
			case O_OVERLAPS:
				goto allowed;
			default:
				break;
		}
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: operator \"%s\" is not supported on array property \"%s\" at %s",
						opname, prop->name, path->data),
				 errhint("Use contains or overlaps to test elements, or an array value for array equality.")));
	}
allowed:

	switch (code)
	{
		case O_EQ:
			return parse_equality(ec, v, false, path->data);
		case O_NEQ:
			return parse_equality(ec, v, true, path->data);
		case O_IS:
		case O_ISN:
			if (v->type == JN_NULL)
				return new_cond(ec, code == O_IS ? C_IS_NULL : C_IS_NOT_NULL);
			return parse_equality(ec, v, code == O_ISN, path->data);
		case O_ISNULL:
		case O_ISNOTNULL:
			if (v->type != JN_BOOL)
				where_invalid(path->data, "%s needs a boolean", opname);
			return new_cond(ec, (code == O_ISNULL) == v->b ? C_IS_NULL : C_IS_NOT_NULL);
		case O_GT:
		case O_GTE:
		case O_LT:
		case O_LTE:
			if (v->type == JN_NULL)
				where_invalid(path->data, "operator \"%s\" needs a value, not null", opname);
			e = new_cond(ec, code == O_GT ? C_GT : code == O_GTE ? C_GTE :
						 code == O_LT ? C_LT : C_LTE);
			e->operands[0] = entry_operand(ec, v, path->data);
			e->noperands = 1;
			return e;
		case O_BETWEEN:
		case O_NOT_BETWEEN:
			{
				int			i;

				if (v->type != JN_ARRAY || v->n != 2)
					where_invalid(path->data, "%s needs an array of exactly 2 values", opname);
				for (i = 0; i < 2; i++)
				{
					int			old = errpath_push_index(path, i);

					if (v->items[i]->type == JN_NULL)
						where_invalid(path->data, "%s bounds must not be null", opname);
					errpath_pop(path, old);
				}
				if (v->items[0]->type != v->items[1]->type)
					where_invalid(path->data, "%s bounds must have the same JSON type", opname);
				e = new_cond(ec, code == O_BETWEEN ? C_BETWEEN : C_NOT_BETWEEN);
				for (i = 0; i < 2; i++)
				{
					int			old = errpath_push_index(path, i);

					e->operands[i] = entry_operand(ec, v->items[i], path->data);
					errpath_pop(path, old);
				}
				e->noperands = 2;
				return e;
			}
		case O_IN:
			return parse_in(ec, v, false, path->data);
		case O_NIN:
			return parse_in(ec, v, true, path->data);
		case O_LIKE:
		case O_NLIKE:
		case O_ILIKE:
		case O_NILIKE:
		case O_STARTS:
		case O_ENDS:
		case O_REGEXP:
		case O_IREGEXP:
			{
				char	   *s;

				if (!pattern_target_ok(ec))
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("ignis: pattern operator \"%s\" on non-text property \"%s\" (%s) at %s",
									opname, prop->name, prop->type_display, path->data),
							 errhint("Pattern and regular-expression operators need a text property or a JSON path.")));
				if (v->type != JN_STRING)
					where_invalid(path->data, "operator \"%s\" needs a string", opname);
				s = v->str;
				if (code == O_STARTS)
					s = psprintf("%s%%", ignis_like_escape(s));
				else if (code == O_ENDS)
					s = psprintf("%%%s", ignis_like_escape(s));
				e = new_cond(ec, code == O_LIKE || code == O_STARTS || code == O_ENDS ? C_LIKE :
							 code == O_NLIKE ? C_NLIKE : code == O_ILIKE ? C_ILIKE :
							 code == O_NILIKE ? C_NILIKE :
							 code == O_REGEXP ? C_REGEXP : C_IREGEXP);
				e->numeric = false;
				e->operands[0] = operand_text(s, NULL);
				e->noperands = 1;
				return e;
			}
		case O_SEARCH:
			/* full-text search: a text or tsvector column, websearch syntax */
			if (ec->target != TGT_COLUMN ||
				(prop->kind != PROP_TEXT && prop->basetypid != TSVECTOROID))
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_FUNCTION),
						 errmsg("ignis: operator \"search\" on property \"%s\" (%s) at %s",
								prop->name, prop->type_display, path->data),
						 errhint("Full-text search needs a text or tsvector property.")));
			if (v->type != JN_STRING)
				where_invalid(path->data, "operator \"%s\" needs a string", opname);
			e = new_cond(ec, C_SEARCH);
			e->operands[0] = operand_text(v->str, NULL);
			e->noperands = 1;
			return e;
		case O_CONTAINS:
		case O_CONTAINED_BY:
		case O_OVERLAPS:
			return parse_array_op(ec, code, v, opname, path->data);
		case O_RESERVED:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: operator \"%s\" is not supported at %s", opname, path->data),
					 strcmp(opname, "not") == 0
					 ? errhint("Use the top-level form {\"not\": {...}} around the condition.")
					 : errhint("Use isNull or isNotNull.")));
			break;
		case O_LOGICAL:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: logical operator \"%s\" not allowed inside a property at %s",
							opname, path->data),
					 errhint("Put \"%s\" at the level of the where object: {\"%s\": [{...}, {...}]}.",
							 opname, opname)));
			break;
		default:
			break;
	}
	where_invalid(path->data, "unknown operator \"%s\"", opname);
	return NULL;
}

static pg_noreturn void
unknown_operator(const char *opname, StringInfo path)
{
	const char *best = closest_match(opname, supported_ops, lengthof(supported_ops));

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("ignis: unknown operator \"%s\" at %s", opname, path->data),
			 best ? errhint("Did you mean \"%s\"?", best) : errhint(OPS_HINT)));
}

/* Is this object an operator object (every key an operator name)? */
static bool
all_operator_keys(JNode *obj, int *first_non_op)
{
	int			i;
	bool		any_op = false;

	*first_non_op = -1;
	for (i = 0; i < obj->n; i++)
	{
		if (op_code(obj->keys[i]) >= 0)
			any_op = true;
		else if (*first_non_op < 0)
			*first_non_op = i;
	}
	return any_op && *first_non_op < 0;
}

bool
where_is_operator_object(JNode *obj)
{
	int			first_non_op;

	return obj != NULL && obj->type == JN_OBJECT && all_operator_keys(obj, &first_non_op);
}

static WhereExpr *
and_of(List *children)
{
	WhereExpr  *e;

	if (list_length(children) == 1)
		return linitial(children);
	e = palloc0(sizeof(WhereExpr));
	e->kind = W_AND;
	e->children = children;
	return e;
}

/* The value of one property or JSON-path key. */
static WhereExpr *
parse_entry(EntryCtx *ec, JNode *v, StringInfo path)
{
	IgnisProperty *prop = ec->prop;
	bool		json_prop = ec->target == TGT_DOC;

	switch (v->type)
	{
		case JN_NULL:
			return new_cond(ec, C_IS_NULL);
		case JN_STRING:
		case JN_NUMBER:
		case JN_BOOL:
			if (ec->target == TGT_JSON_TEXT)
				ec->numeric = v->type == JN_NUMBER;
			return parse_equality(ec, v, false, path->data);
		case JN_ARRAY:
			if (json_prop || (ec->target == TGT_COLUMN && prop->kind == PROP_ARRAY))
				return parse_equality(ec, v, false, path->data);
			return parse_in(ec, v, false, path->data);
		case JN_OBJECT:
			break;
	}

	/* objects */
	{
		int			first_non_op;
		bool		is_ops = all_operator_keys(v, &first_non_op);
		List	   *conds = NIL;
		int			i;

		if (json_prop && !is_ops)
		{
			if (first_non_op >= 0 && first_non_op < v->n && v->n > 0)
			{
				int			j;

				for (j = 0; j < v->n; j++)
					if (op_code(v->keys[j]) >= 0)
						where_invalid(path->data,
								"object mixes operators and document keys (\"%s\"); it is ambiguous",
								v->keys[j]);
			}
			/* D34: document equality */
			return parse_equality(ec, v, false, path->data);
		}
		if (ec->target == TGT_JSON_TEXT && !is_ops && v->n > 0 && first_non_op == 0 &&
			op_code(v->keys[0]) < 0)
		{
			int			j;
			bool		any = false;

			for (j = 0; j < v->n; j++)
				if (op_code(v->keys[j]) >= 0)
					any = true;
			if (!any)
				return parse_equality(ec, v, false, path->data);	/* D20 */
		}
		if (jnode_is_empty_object(v))
		{
			if (ec->target == TGT_JSON_TEXT)
				return parse_equality(ec, v, false, path->data);
			where_invalid(path->data, "empty operator object%s", "");
		}
		if (!is_ops)
		{
			/* the error names the path into the key; unknown_operator does not return */
			(void) errpath_push_key(path, v->keys[first_non_op]);
			unknown_operator(v->keys[first_non_op], path);
		}

		/* the jsonPath form: {"jsonPath": "$.a.b", ...operators} */
		if (jnode_get(v, "jsonPath"))
		{
			JNode	   *jp = jnode_get(v, "jsonPath");
			JNode	   *rest = jnode_object(v->n);
			int			old = errpath_push_key(path, "jsonPath");
			List	   *components;

			if (!json_prop)
				where_invalid(path->data, "jsonPath needs a json or jsonb property%s", "");
			if (jp->type != JN_STRING || jp->str[0] != '$' ||
				(jp->str[1] != '.' && jp->str[1] != '['))
				where_invalid(path->data, "jsonPath must look like \"$.a.b[0]\"%s", "");
			components = ignis_parse_json_path(jp->str + 1, path->data);
			errpath_pop(path, old);
			for (i = 0; i < v->n; i++)
				if (strcmp(v->keys[i], "jsonPath") != 0)
					jnode_add(rest, v->keys[i], v->items[i]);
			if (rest->n == 0)
				where_invalid(path->data, "jsonPath needs at least one operator next to it%s", "");
			ec->target = TGT_JSON_TEXT;
			ec->has_path = true;
			ec->path = ignis_path_operand(components);
			ec->single_key = single_object_key(components);
			return parse_entry(ec, rest, path);
		}

		if (ec->target == TGT_JSON_TEXT)
			ec->numeric = object_numeric_mode(v);
		for (i = 0; i < v->n; i++)
		{
			int			old = errpath_push_key(path, v->keys[i]);
			int			code = op_code(v->keys[i]);

			if (json_prop)
			{
				/* D39: whole documents: patterns are not allowed */
				if (code == O_LIKE || code == O_NLIKE || code == O_ILIKE || code == O_NILIKE ||
					code == O_STARTS || code == O_ENDS || code == O_REGEXP || code == O_IREGEXP)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("ignis: pattern operator \"%s\" on non-text property \"%s\" (%s) at %s",
									v->keys[i], prop->name, prop->type_display, path->data),
							 errhint("Use a JSON path such as \"%s.key\" to match text inside the document.",
									 prop->name)));
			}
			conds = lappend(conds, parse_operator(ec, v->keys[i], code, v->items[i], path));
			errpath_pop(path, old);
		}
		return and_of(conds);
	}
}

static WhereExpr *
parse_group(IgnisModel *model, const char *key, JNode *v, StringInfo path, int depth)
{
	WhereExpr  *e = palloc0(sizeof(WhereExpr));
	bool		has_empty = false;
	int			i;

	if (strcmp(key, "not") == 0)
	{
		if (v->type != JN_OBJECT)
			where_invalid(path->data, "\"not\" needs a where object, not %s", jnode_type_name(v));
		e->kind = W_NOT;
		e->child = parse_object(model, v, path, depth + 1);
		return e;
	}

	e->kind = strcmp(key, "and") == 0 ? W_AND : W_OR;
	if (v->type == JN_OBJECT)
	{
		/* Ignis wraps a single object into a list */
		e->children = list_make1(parse_object(model, v, path, depth + 1));
		return e;
	}
	if (v->type != JN_ARRAY)
		where_invalid(path->data, "\"%s\" needs an array of where objects", key);
	for (i = 0; i < v->n; i++)
	{
		int			old = errpath_push_index(path, i);
		JNode	   *item = v->items[i];

		CHECK_FOR_INTERRUPTS();
		if (item->type != JN_OBJECT)
			where_invalid(path->data, "expected a where object, not %s", jnode_type_name(item));
		if (item->n == 0)
		{
			/* {} is no condition: one stands for all (it makes an "or" TRUE) */
			if (!has_empty)
				e->children = lappend(e->children, parse_object(model, item, path, depth + 1));
			has_empty = true;
		}
		else
			e->children = lappend(e->children, parse_object(model, item, path, depth + 1));
		errpath_pop(path, old);
	}
	return e;
}

/* ---------------------------------------------------------------------------
 * Filters by related rows: {"posts": {"some" | "every" | "none": {...}}} and
 * {"author": null}
 * ---------------------------------------------------------------------------
 */
/* in RelQuant order */
static const char *const quantifier_names[] = {"some", "every", "none"};

/*
 * The rows of the target that count as related at all: those its default
 * filter and scope filter let through, AND-ed whatever the quantifier's
 * where says (it is a condition on these rows, not an override of them).
 */
static WhereExpr *
visible_related(IgnisModel *target, int depth)
{
	JNode	   *defaults = ignis_default_filter(target);
	JNode	   *scope = ignis_scope_where(target);
	WhereExpr  *e = NULL;
	StringInfoData p;

	if (defaults && (defaults = jnode_get(defaults, "where")) != NULL &&
		defaults->type == JN_OBJECT)
	{
		initStringInfo(&p);
		appendStringInfoString(&p, "settings.defaultFilter.where");
		e = parse_object(target, defaults, &p, depth);
	}
	if (scope)
	{
		initStringInfo(&p);
		appendStringInfoString(&p, "settings.scopeFilter.where");
		e = where_and(parse_object(target, scope, &p, depth), e);
	}
	return where_is_empty(e) ? NULL : e;
}

static WhereExpr *
make_relation(IgnisModel *model, IgnisRelationDef *rel, IgnisModel *target,
			  WhereExpr *visible, RelQuant quant, WhereExpr *child)
{
	WhereExpr  *e = palloc0(sizeof(WhereExpr));

	count_condition();
	e->kind = W_REL;
	e->rel = rel;
	e->source = model;
	e->related = target;
	e->visible = visible;
	e->quant = quant;
	e->child = child;
	return e;
}

/* The value of a where key that names a relation of the model. */
static WhereExpr *
parse_relation(IgnisModel *model, IgnisRelationDef *rel, JNode *v, StringInfo path,
			   int depth)
{
	IgnisModel *target;
	WhereExpr  *visible;
	List	   *conds = NIL;
	int			i;

	if (v->type != JN_NULL && v->type != JN_OBJECT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: %s filters by relation \"%s\" and needs an object of quantifiers or null, not %s",
						path->data, rel->name, jnode_type_name(v)),
				 errhint("For example {\"%s\": {\"some\": {...}}}, {\"%s\": {\"none\": {...}}} or {\"%s\": null}.",
						 rel->name, rel->name, rel->name)));
	if (v->type == JN_OBJECT && v->n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: empty relation filter at %s", path->data),
				 errhint("Say which related rows must match: \"some\", \"every\" or \"none\" (\"some\": {} means at least one related row).")));

	if (++where_relation_depth > IGNIS_MAX_INCLUDE_DEPTH)
		ereport(ERROR,
				(errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
				 errmsg("ignis: relation filters nested deeper than %d relations at %s",
						IGNIS_MAX_INCLUDE_DEPTH, path->data),
				 errhint("Relation filters in the default filters of related models count too; default filters that filter by each other's relations never end.")));
	target = ignis_model_get(rel->target);
	ignis_check_scope(target, OP_FIND, "find");
	visible = visible_related(target, depth + 1);

	if (v->type == JN_NULL)
		conds = list_make1(make_relation(model, rel, target, visible, Q_NONE, NULL));
	for (i = 0; v->type == JN_OBJECT && i < v->n; i++)
	{
		const char *key = v->keys[i];
		JNode	   *item = v->items[i];
		int			old = errpath_push_key(path, key);
		int			quant;

		CHECK_FOR_INTERRUPTS();
		for (quant = 0; quant < (int) lengthof(quantifier_names); quant++)
			if (strcmp(key, quantifier_names[quant]) == 0)
				break;
		if (quant == (int) lengthof(quantifier_names))
		{
			const char *best = closest_match(key, quantifier_names,
											 lengthof(quantifier_names));

			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: unknown relation quantifier \"%s\" at %s", key, path->data),
					 best ? errhint("Did you mean \"%s\"?", best)
					 : errhint("Quantifiers of relation \"%s\": some, every, none.", rel->name)));
		}
		if (item->type != JN_OBJECT)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: %s must be a where object of model \"%s\", not %s",
							path->data, target->name, jnode_type_name(item)),
					 errhint("{} matches every related row.")));
		conds = lappend(conds, make_relation(model, rel, target, visible, (RelQuant) quant,
											 parse_object(target, item, path, depth + 1)));
		errpath_pop(path, old);
	}
	where_relation_depth--;
	return and_of(conds);
}

static WhereExpr *
parse_object(IgnisModel *model, JNode *where, StringInfo path, int depth)
{
	List	   *conds = NIL;
	int			i;
	WhereExpr  *e;

	ignis_check_depth(depth, path->data);
	CHECK_FOR_INTERRUPTS();
	for (i = 0; i < where->n; i++)
	{
		const char *key = where->keys[i];
		JNode	   *v = where->items[i];
		int			old = errpath_push_key(path, key);

		if (strcmp(key, "and") == 0 || strcmp(key, "or") == 0 || strcmp(key, "not") == 0)
			conds = lappend(conds, parse_group(model, key, v, path, depth));
		else
		{
			EntryCtx	ec;
			IgnisRelationDef *rel;

			memset(&ec, 0, sizeof(ec));
			if (strpbrk(key, ".[") != NULL)
			{
				const char *rest;
				List	   *components;

				ec.prop = ignis_json_path_prop(model, key, &rest, path->data);
				ec.target = TGT_JSON_TEXT;
				ec.has_path = true;
				components = ignis_parse_json_path(rest, path->data);
				ec.path = ignis_path_operand(components);
				ec.single_key = single_object_key(components);
			}
			else if ((rel = ignis_model_find_rel(model, key)) != NULL)
			{
				conds = lappend(conds, parse_relation(model, rel, v, path, depth));
				errpath_pop(path, old);
				continue;
			}
			else
			{
				int			idx = ignis_model_find_prop(model, key);

				if (idx < 0)
					ignis_unknown_property(model, key, path->data, true);

				ec.prop = &model->props[idx];
				ec.target = (ec.prop->kind == PROP_JSON || ec.prop->kind == PROP_JSONB)
					? TGT_DOC : TGT_COLUMN;
			}
			conds = lappend(conds, parse_entry(&ec, v, path));
		}
		errpath_pop(path, old);
	}
	e = palloc0(sizeof(WhereExpr));
	e->kind = W_AND;
	e->children = conds;
	return e;
}

WhereExpr *
where_parse(IgnisModel *model, JNode *where, StringInfo path)
{
	WhereExpr  *e;

	if (where == NULL || where->type == JN_NULL)
		where = jnode_object(0);
	if (where->type != JN_OBJECT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: %s must be a where object, not %s", path->data,
						jnode_type_name(where))));
	/* an error leaves the counter to the next where_parse, which resets it */
	where_conditions = 0;
	where_relation_depth = 0;
	where_condition_path = path;
	e = parse_object(model, where, path, 0);
	where_condition_path = NULL;
	return e;
}

/* Both conditions (either may be NULL): a conjunction of parsed wheres. */
WhereExpr *
where_and(WhereExpr *a, WhereExpr *b)
{
	WhereExpr  *e;

	if (a == NULL || b == NULL)
		return a ? a : b;
	e = palloc0(sizeof(WhereExpr));
	e->kind = W_AND;
	e->children = list_make2(a, b);
	return e;
}

/*
 * D12: does the where compile to no condition at all?  {}, {"and": []},
 * {"or": [{}]}, {"not": {}} are empty; {"or": []} is not (it is FALSE).
 */
bool
where_is_empty(WhereExpr *e)
{
	ListCell   *lc;

	if (e == NULL)
		return true;
	check_stack_depth();
	switch (e->kind)
	{
		case W_AND:
			foreach(lc, e->children)
				if (!where_is_empty(lfirst(lc)))
					return false;
			return true;
		case W_OR:
			foreach(lc, e->children)
				if (where_is_empty(lfirst(lc)))
					return true;
			return false;
		case W_NOT:
			return where_is_empty(e->child);
		default:
			return false;
	}
}
