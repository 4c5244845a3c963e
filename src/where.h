/*-------------------------------------------------------------------------
 * where.h
 *	  The compiled where tree shared by the stages of the where language:
 *	  convert.c (operands, JSON paths), where_parse.c (where object ->
 *	  WhereExpr) and where_emit.c (WhereExpr -> SQL).  Private to them;
 *	  the rest of ignis sees WhereExpr through src/ignis.h only.
 *-------------------------------------------------------------------------
 */
#ifndef IGNIS_WHERE_H
#define IGNIS_WHERE_H

#include "ignis.h"

typedef enum WKind
{
	W_AND,
	W_OR,
	W_NOT,
	W_COND,
	W_CONST,
	W_REL						/* a quantifier over the rows of a relation */
} WKind;

/*
 * How many of the related rows must match (W_REL); where_parse.c's
 * quantifier_names follow this order.
 */
typedef enum RelQuant
{
	Q_SOME,						/* at least one */
	Q_EVERY,					/* all of them (none is all) */
	Q_NONE						/* not one */
} RelQuant;

typedef enum CondOp
{
	C_EQ,
	C_NEQ,
	C_GT,
	C_GTE,
	C_LT,
	C_LTE,
	C_BETWEEN,
	C_NOT_BETWEEN,
	C_IN,
	C_NIN,
	C_LIKE,
	C_NLIKE,
	C_ILIKE,
	C_NILIKE,
	C_REGEXP,
	C_IREGEXP,
	C_IS_NULL,
	C_IS_NOT_NULL,
	C_CONTAINS,
	C_CONTAINED_BY,
	C_OVERLAPS,
	C_SEARCH					/* full-text search (websearch syntax) */
} CondOp;

typedef enum Target
{
	TGT_COLUMN,					/* the column itself */
	TGT_JSON_TEXT,				/* col #>> path (text, or numeric mode) */
	TGT_JSON_VALUE,				/* col #> path as jsonb */
	TGT_DOC						/* whole json/jsonb column as jsonb */
} Target;

/* A converted operand, bound as one parameter when emitted. */
typedef struct Operand
{
	Oid			type;
	Datum		value;
	JNode	   *json;
} Operand;

struct WhereExpr
{
	WKind		kind;
	bool		constval;		/* W_CONST */
	List	   *children;		/* W_AND / W_OR */
	WhereExpr  *child;			/* W_NOT */

	/* W_COND */
	IgnisProperty *prop;
	Target		target;
	bool		numeric;		/* TGT_JSON_TEXT compared as numbers */
	Operand		path;			/* text[] path for JSON targets */
	char	   *single_key;		/* the path is this one object key: use ->> / -> */
	CondOp		op;
	int			noperands;
	Operand		operands[2];
	bool		with_null;		/* in/nin list had a null element (D4) */

	/* W_REL: child is the condition on the related rows, or NULL */
	IgnisRelationDef *rel;
	IgnisModel *source;			/* the model the relation belongs to */
	IgnisModel *related;		/* the relation's target */
	RelQuant	quant;
	WhereExpr  *visible;		/* the target's default and scope filter, or NULL */
};

/* convert.c */
extern pg_noreturn void where_invalid(const char *path, const char *fmt,
												  const char *detail);
extern Operand operand_scalar(IgnisProperty *prop, Oid typid, JNode *value, const char *path);
extern Operand operand_text(const char *s, JNode *json);
extern Operand operand_jsonb(JNode *value);
extern Operand operand_numeric(JNode *value);
extern Operand operand_array(Oid arraytype, Oid elemtype, Datum *elems, bool *nulls, int n,
							 JNode *json);
extern char *single_object_key(List *components);
extern Operand ignis_path_operand(List *components);

#endif							/* IGNIS_WHERE_H */
