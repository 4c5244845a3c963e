/*-------------------------------------------------------------------------
 * ignis.h
 *	  Shared declarations of the ignis extension.
 *
 * The extension is a pipeline, one file per stage:
 *
 *	 json_tree.c	 jsonb argument -> JNode tree (+ error paths, errpath.c)
 *	 catalog.c		 model metadata loaded from ignis.models + pg_attribute,
 *					 cached per backend, dropped by invalidation callbacks
 *	 catalog_api.c	 register_model / register_relation / describe_model ...
 *	 filter.c		 filter object parse + validation + default-filter merge
 *	 scope.c		 scope filters and {"$setting": name} operands
 *	 convert.c		 where operands: JSON scalars through the type's input
 *					 function, JSON paths split into components
 *	 where_parse.c	 where object -> validated WhereExpr tree (where.h)
 *	 where_emit.c	 WhereExpr -> SQL boolean expression with $n parameters
 *	 select.c		 a parsed filter -> one SELECT statement returning rows
 *					 (correlated or batched includes)
 *	 plan_cache.c	 SPI_prepare + SPI_keepplan cache keyed by statement text
 *	 execute.c		 run a built statement through SPI
 *	 result.c		 the statement's rows -> the jsonb the API returns
 *	 read_api.c		 the SQL-callable read functions
 *	 aggregate.c	 ignis.aggregate: counts, sums, averages, minima, maxima
 *	 options.c		 the options argument, operation scopes, row locks
 *	 write.c		 the SQL-callable write functions
 *	 json_set.c		 ignis._set_path / _json_numeric (JSON-path updates, numbers)
 *	 discover.c		 ignis.discover: tables and foreign keys as models
 *	 ignis.c		 module entry point, settings, cache utilities
 *-------------------------------------------------------------------------
 */
#ifndef IGNIS_H
#define IGNIS_H

/*
 * The module exports only what PostgreSQL looks up in it: the module magic,
 * _PG_init and the SQL entry points with their pg_finfo_ records. The
 * Makefile compiles with -fvisibility=hidden; PostgreSQL 16+ defines
 * PGDLLEXPORT as visibility("default"), earlier releases leave it empty on
 * ELF platforms, so it is defined here, before c.h (which keeps a definition
 * it finds).
 */
#if !defined(PGDLLEXPORT) && !defined(_WIN32) && (defined(__GNUC__) || defined(__clang__))
#define PGDLLEXPORT __attribute__((visibility("default")))
#endif

#include "postgres.h"

#include "access/attnum.h"
#include "fmgr.h"
#include "executor/spi.h"
#include "tcop/dest.h"
#include "lib/stringinfo.h"
#include "nodes/pg_list.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

/*
 * Before PostgreSQL 16, PG_FUNCTION_INFO_V1 exports the pg_finfo_ record but
 * not the function itself; declare both exported as 16 does.
 */
#if PG_VERSION_NUM < 160000
#undef PG_FUNCTION_INFO_V1
#define PG_FUNCTION_INFO_V1(funcname) \
extern PGDLLEXPORT Datum funcname(PG_FUNCTION_ARGS); \
extern PGDLLEXPORT const Pg_finfo_record *CppConcat(pg_finfo_,funcname)(void); \
const Pg_finfo_record * \
CppConcat(pg_finfo_,funcname) (void) \
{ \
	static const Pg_finfo_record finfo = {1}; \
	return &finfo; \
} \
extern int no_such_variable
#endif

/* fmgr.h declares _PG_init exported from PostgreSQL 16 on */
extern PGDLLEXPORT void _PG_init(void);

/* PostgreSQL 18 replaced pg_attribute_noreturn() by pg_noreturn */
#ifndef pg_noreturn
#define pg_noreturn pg_attribute_noreturn()
#endif

/* ---------------------------------------------------------------------------
 * GUCs (ignis.c)
 * ---------------------------------------------------------------------------
 */
extern int	ignis_default_limit;
extern int	ignis_default_include_limit;
extern int	ignis_plan_cache_size;
extern int	ignis_plan_mode;
extern int	ignis_plan_cache_memory;
extern int	ignis_malloc_retain;
extern int	ignis_max_where_depth;
extern int	ignis_max_json_path_length;
extern int	ignis_max_where_conditions;
extern int	ignis_max_update_paths;
extern int	ignis_count_exact_threshold;
extern bool ignis_allow_jit;

#define IGNIS_PLAN_AUTO		0
#define IGNIS_PLAN_CUSTOM	1
#define IGNIS_PLAN_GENERIC	2
#define IGNIS_PLAN_NONE		3	/* no caching: prepare, run, free */

#define IGNIS_MAX_INCLUDE_DEPTH 16
#define IGNIS_MAX_ORDER_ITEMS	64	/* items of filter.order */

/* ---------------------------------------------------------------------------
 * JSON argument trees (json_tree.c)
 * ---------------------------------------------------------------------------
 */
typedef enum JNodeType
{
	JN_NULL,
	JN_STRING,
	JN_NUMBER,
	JN_BOOL,
	JN_ARRAY,
	JN_OBJECT
} JNodeType;

typedef struct JNode
{
	JNodeType	type;
	bool		b;				/* JN_BOOL */
	char	   *str;			/* JN_STRING text, or JN_NUMBER text */
	Numeric		num;			/* JN_NUMBER */
	int			n;				/* JN_ARRAY / JN_OBJECT: number of items */
	char	  **keys;			/* JN_OBJECT keys (jsonb order) */
	struct JNode **items;		/* elements / values */
} JNode;

extern JNode *jnode_from_jsonb(Jsonb *jb);
extern JNode *jnode_get(const JNode *obj, const char *key);
extern bool jnode_is_integer(const JNode *node, int64 *value);
extern JNode *jnode_new(JNodeType type);
extern JNode *jnode_string(const char *s);
extern JNode *jnode_object(int capacity);
extern JNode *jnode_array(int capacity);
extern void jnode_put(JNode *obj, const char *key, JNode *value);
extern void jnode_add(JNode *obj, const char *key, JNode *value);
extern int *jnode_key_order(const JNode *obj);
extern JNode *jnode_get_ordered(const JNode *obj, const int *order, const char *key);
extern void jnode_append(JNode *arr, JNode *value);
extern JNode *jnode_copy(const JNode *node);
extern void jnode_to_json(StringInfo buf, const JNode *node);
extern Jsonb *jnode_to_jsonb(const JNode *node);
extern bool jnode_is_empty_object(const JNode *node);
extern const char *jnode_type_name(const JNode *node);
extern char *jnode_scalar_text(const JNode *node);

/* ---------------------------------------------------------------------------
 * Error paths (errpath.c): "filter.where.or[1].age.gtx"
 * ---------------------------------------------------------------------------
 */
extern int	errpath_push_key(StringInfo path, const char *key);
extern int	errpath_push_index(StringInfo path, int index);
extern void errpath_pop(StringInfo path, int oldlen);
extern char *errpath_with_key(const char *base, const char *key);
extern const char *closest_match(const char *word, const char *const *candidates,
								 int ncandidates);

/* ---------------------------------------------------------------------------
 * Model metadata (catalog.c)
 * ---------------------------------------------------------------------------
 */
typedef enum PropKind
{
	PROP_SCALAR,				/* anything compared with = < > */
	PROP_TEXT,					/* text-like: pattern operators allowed */
	PROP_JSON,					/* json: document, JSON paths (cast to jsonb) */
	PROP_JSONB,					/* jsonb: document, JSON paths */
	PROP_ARRAY					/* PostgreSQL array column */
} PropKind;

typedef struct IgnisProperty
{
	char	   *name;			/* property name (result key) */
	char	   *column;			/* column name */
	char	   *column_sql;		/* quoted column name */
	AttrNumber	attnum;
	Oid			typid;			/* column type */
	int32		typmod;
	Oid			basetypid;		/* domain base type, else typid */
	PropKind	kind;
	Oid			elemtypid;		/* PROP_ARRAY: element type */
	Oid			arraytypid;		/* array type of typid (for IN lists), or 0 */
	char	   *type_sql;		/* qualified type name without typmod */
	char	   *arraytype_sql;	/* qualified name of arraytypid */
	char	   *type_display;	/* ignis_type_display(typid, typmod) */
	char	   *eq_op;			/* "OPERATOR(schema.=)" etc. for this type */
	char	   *op_ns;			/* schema holding this type's operators */
	bool		hidden;
	bool		generated;		/* generated column (not writable) */
	bool		notnull;		/* column declared NOT NULL */
	bool		skewed;			/* statistics show dominant values (plan_cache.c) */
	char		to_jsonb_in_sql;	/* result.c can't convert it: 0 unknown, 1 no, 2 yes */
	const char *ts_config_sql;	/* the model's text search configuration, as a constant */
	int			ncommon;		/* the dominant values (frequency >= 10%) */
	Datum	   *common;
	char	   *name_sql;		/* quoted property name (column alias) */
	MemoryContext cxt;			/* the model's context */
	FmgrInfo   *input[2];		/* cached input functions: type, element type */
	Oid			ioparam[2];
} IgnisProperty;

typedef struct IgnisRelationDef
{
	char	   *name;
	bool		many;
	char	   *target;
	int			nkeys;
	char	  **fields;			/* property names on the source model */
	char	  **refs;			/* property names on the target model */
	bool		batched;		/* strategy "batched" (select.c), else correlated */
} IgnisRelationDef;

typedef enum OperationScope
{
	SCOPE_READ_WRITE,
	SCOPE_READ_ONLY,
	SCOPE_WRITE_ONLY
} OperationScope;

typedef struct IgnisModel
{
	char	   *name;
	Oid			relid;
	char	   *rel_sql;		/* "schema"."table" */
	char	   *rel_display;	/* schema.table as regclass prints it, qualified */
	int			nprops;
	IgnisProperty *props;
	int			pk;				/* index into props, or -1 */
	int			soft_delete;	/* index into props, or -1 */
	JNode	   *scope_where;	/* settings.scopeFilter.where, or NULL (scope.c) */
	bool		default_has_setting;	/* default filter has $setting operands */
	int			default_limit;	/* settings.defaultLimit, or -1 */
	int			default_include_limit;	/* settings.defaultIncludeLimit, or -1 */
	OperationScope scope;
	JNode	   *settings;		/* normalised settings as stored */
	JNode	   *default_filter; /* effective default filter (D16), or NULL */
	int			nrels;
	IgnisRelationDef *rels;
	int			ndeps;			/* catalog rows whose names the model caches: */
	int			maxdeps;
	int		   *dep_cache;		/* syscache id (NAMESPACEOID, TYPEOID) */
	uint32	   *dep_hash;		/* and the row's hash value in it */
	MemoryContext cxt;			/* owns everything above */
} IgnisModel;

extern IgnisModel *ignis_model_get(const char *name);
extern IgnisModel *ignis_model_get_text(text *name);
extern IgnisModel *ignis_model_build(const char *name, Oid relid, JNode *settings,
									 MemoryContext cxt);
extern int	ignis_model_find_prop(IgnisModel *model, const char *name);
extern int	ignis_prop_or_error(IgnisModel *model, const char *name, const char *path);
extern pg_noreturn void ignis_unknown_property(IgnisModel *model, const char *name,
											   const char *path, bool relations);
extern IgnisRelationDef *ignis_model_find_rel(IgnisModel *model, const char *name);
extern void ignis_cache_reset(void);
extern bool ignis_catalog_has_strategy(void);
extern char *ignis_ts_config_name(const char *name, const char *path);
extern void ignis_cache_init(void);
extern char *ignis_camel_case(const char *column);
extern char *ignis_type_display(Oid typid, int32 typmod);
extern const char *ignis_scope_name(OperationScope scope);
extern const char *ignis_prop_names_hint(IgnisModel *model);

/* ---------------------------------------------------------------------------
 * Statement building (convert.c, where_parse.c, where_emit.c, select.c)
 * ---------------------------------------------------------------------------
 */
/* What a statement returns, and so how its result becomes the API's jsonb. */
typedef enum ResultKind
{
	RESULT_DATUM,				/* one row, one column: the value itself */
	RESULT_ARRAY,				/* rows -> [objects] */
	RESULT_OBJECT,				/* at most one row -> object, or JSON null */
	RESULT_RANGE				/* total, present flag, row columns ->
								 * {"data": [...], "range": {...}} */
} ResultKind;

typedef struct QueryBuilder
{
	StringInfoData sql;
	int			nparams;
	int			maxparams;
	Oid		   *types;
	Datum	   *values;
	char	   *nulls;
	JNode	  **json;			/* the value as JSON, for build_query / log */
	int			next_alias;
	StringInfoData plan_class;	/* per skewed comparison: common or rare value */
	bool		single_row;		/* no row means JSON null (find_one, find_by_id) */
	bool		no_cache;		/* text grows with the data: run it unprepared */
	bool		paged;			/* a LIMIT is a parameter: generic plans serial */
	bool		batching;		/* select.c: the page carries batched includes' keys */
	bool		check_scope;	/* writes: RETURNING checks the scope filter */
	const char *scope_checked;	/* model whose scope column 2 checks, or NULL */
	ResultKind	result;
	int64		range_offset;	/* RESULT_RANGE: range.start */
	const char *range_label;	/* RESULT_RANGE: range.countStrategy, or NULL */
	int			range_next;		/* RESULT_RANGE: KEYSET_* when the range has "next" */
	int64		range_limit;	/* the page size (one more row is fetched), or -1 */
} QueryBuilder;

extern void qb_init(QueryBuilder *qb);
extern char *ignis_quote_ident(const char *name);
extern Datum ignis_text_array(List *strings, JNode **json);
extern int	qb_path_param(QueryBuilder *qb, List *components);
extern int	qb_param(QueryBuilder *qb, Oid type, Datum value, bool isnull, JNode *json);
extern void qb_append_param(QueryBuilder *qb, int paramno);
extern void qb_append_new_param(QueryBuilder *qb, Oid type, Datum value, bool isnull,
								JNode *json);
extern char *qb_params_json(QueryBuilder *qb);

/* A compiled where: a tree mirroring the where object, already validated. */
typedef struct WhereExpr WhereExpr;

extern WhereExpr *where_parse(IgnisModel *model, JNode *where, StringInfo path);
extern bool where_is_empty(WhereExpr *expr);
extern WhereExpr *where_and(WhereExpr *a, WhereExpr *b);
extern bool where_emit(QueryBuilder *qb, WhereExpr *expr, const char *alias);
extern Datum ignis_convert_scalar(IgnisProperty *prop, Oid typid, JNode *value,
								  const char *path);
extern Datum ignis_convert_scalar_at(IgnisProperty *prop, Oid typid, JNode *value,
									 const char *path, int index);
extern void ignis_check_depth(int depth, const char *path);
extern void ignis_check_id(IgnisModel *model, const char *id);
extern bool where_is_operator_object(JNode *obj);
extern List *ignis_parse_json_path(const char *rest, const char *path);
extern IgnisProperty *ignis_json_path_prop(IgnisModel *model, const char *key,
										   const char **rest, const char *path);

/*
 * One step of an order key through a relation ("author.displayName"): the
 * related rows of `rel` in `target`, after the target's default filter.
 */
typedef struct OrderHop
{
	IgnisRelationDef *rel;
	IgnisModel *source;			/* the model the relation belongs to */
	IgnisModel *target;
	WhereExpr  *where;			/* the target's default filter, or NULL */
} OrderHop;

/* A parsed filter object (read.md §1). */
typedef struct OrderItem
{
	char	   *key;			/* the key as written ("author.age", "posts.count") */
	List	   *hops;			/* of OrderHop*: one relations to follow, or NIL */
	bool		count;			/* order by the number of rows of the last hop
								 * (a many relation); prop is then -1 */
	IgnisModel *model;			/* the model prop belongs to (last hop's target) */
	int			prop;			/* property index in model */
	bool		json_path;		/* order by a JSON path */
	List	   *path;			/* list of char* components */
	bool		desc;
	int			nulls;			/* 0 default, 1 first, 2 last */
	bool		notnull;		/* keyset pages: a NOT NULL column of the model */
} OrderItem;

typedef struct IncludeSpec IncludeSpec;

typedef struct ParsedFilter
{
	IgnisModel *model;
	WhereExpr  *where;
	bool	   *selected;		/* per property: selected and visible */
	int			nselected;
	List	   *order;			/* of OrderItem*; NIL means default */
	bool		has_limit;
	int64		limit;
	int64		offset;
	List	   *includes;		/* of IncludeSpec* */
	bool		use_planned_total;	/* range total given, not counted */
	int64		planned_total;
	const char *count_label;	/* range.countStrategy to report, or NULL */
	const char *lock_clause;	/* " FOR UPDATE OF t0 ..." (options.lock), or NULL */
	int			keyset;			/* KEYSET_*: filter.after / filter.before */
	List	   *keyset_keys;	/* of OrderItem*: the order, then the primary key */
	List	   *keyset_values;	/* of KeysetValue*, per key; NIL: first page */
} ParsedFilter;

#define KEYSET_NONE		0
#define KEYSET_AFTER	1
#define KEYSET_BEFORE	2

/* The value of one order key of the row a keyset page starts from. */
typedef struct KeysetValue
{
	Oid			type;
	Datum		value;
	bool		isnull;
	JNode	   *json;
} KeysetValue;

struct IncludeSpec
{
	IgnisRelationDef *rel;
	IgnisModel *target;
	ParsedFilter *scope;
	bool		batched;		/* the relation's strategy, or the include's */
	bool		count;			/* {"count": true}: the number of related rows */
};

typedef enum FilterUse
{
	FILTER_FIND,				/* top-level find / build_query */
	FILTER_FIND_ONE,
	FILTER_FIND_BY_ID,
	FILTER_SCOPE,				/* include scope */
	FILTER_DEFAULT				/* a model's default filter, at registration */
} FilterUse;

extern ParsedFilter *filter_parse(IgnisModel *model, JNode *filter, const char *argname,
								  FilterUse use, bool skip_default, int depth);
extern bool filter_keyset_row_comparable(ParsedFilter *pf);
extern char *filter_order_words(const char *item, bool *desc, int *nulls, const char *path);
extern JNode *filter_merge_where(JNode *defaults, JNode *user);
extern void filter_check_object(JNode *node, const char *path);
extern WhereExpr *filter_parse_conditions(IgnisModel *model, JNode *conditions,
										  const char *argname, bool skip_default);

extern void select_build_find(QueryBuilder *qb, ParsedFilter *pf, bool with_range,
							  bool single);
extern void select_build_count(QueryBuilder *qb, IgnisModel *model, WhereExpr *where,
							   bool exists);
extern char *select_as_jsonb(QueryBuilder *qb);
extern void select_build_rows_of(QueryBuilder *qb, IgnisModel *model, WhereExpr *where);
extern void select_rel_condition(QueryBuilder *qb, IgnisRelationDef *rel, IgnisModel *target,
								 IgnisModel *parent, const char *alias,
								 const char *parent_alias);

/* ---------------------------------------------------------------------------
 * Scope filters and $setting operands (scope.c)
 * ---------------------------------------------------------------------------
 */
extern bool ignis_scope_unrestricted;
extern bool ignis_has_setting(const JNode *node);
extern JNode *ignis_resolve_settings(const JNode *node, const char *model, const char *what,
									 bool validate);
extern JNode *ignis_default_filter(IgnisModel *model);
extern JNode *ignis_scope_where(IgnisModel *model);
extern bool ignis_scope_applies(IgnisModel *model);
extern WhereExpr *ignis_scope_apply(IgnisModel *model, WhereExpr *where);
extern void ignis_scope_option(JNode *value);

/* ---------------------------------------------------------------------------
 * Results (result.c)
 * ---------------------------------------------------------------------------
 */
typedef struct ResultLayout ResultLayout;

extern bool result_needs_sql(Oid typid);
extern ResultLayout *result_layout_build(TupleDesc desc, int first, MemoryContext cxt);
extern bool result_layout_matches(ResultLayout *shape, TupleDesc desc);
extern JsonbValue *result_push_row(JsonbParseState **ps, ResultLayout *layout, int first,
									Datum *values, bool *nulls);
extern DestReceiver *result_receiver_create(ResultKind kind, int64 offset, const char *label,
											int next, int64 limit,
											ResultLayout **cached, MemoryContext cache_cxt,
											MemoryContext into);
extern Datum result_receiver_finish(DestReceiver *self, bool *isnull);

/* ---------------------------------------------------------------------------
 * Plan cache and execution (plan_cache.c, execute.c)
 * ---------------------------------------------------------------------------
 */
typedef struct PlanSlot PlanSlot;

typedef struct PlanHandle
{
	SPIPlanPtr	plan;			/* NULL: not cached, run unprepared */
	PlanSlot   *entry;			/* the pinned cache entry, or NULL */
	int			which;			/* which of the entry's plans */
	bool		measuring;		/* report the run's time (plan_cache_report) */
	ResultLayout **shape;		/* the entry's result conversion, or NULL */
	MemoryContext shape_cxt;	/* where to keep a new one */
} PlanHandle;

extern void plan_cache_get(PlanHandle *handle, const char *sql, const char *plan_class,
						   int nargs, Oid *argtypes, bool no_cache, bool paged);
extern void plan_cache_report(PlanHandle *handle, double elapsed_us);
extern void plan_cache_release(PlanHandle *handle);
extern void plan_cache_new_generation(void);
extern int64 ignis_planned_rows(QueryBuilder *qb);
extern void plan_cache_reset(void);
extern Jsonb *plan_cache_stats_jsonb(void);
extern Datum ignis_execute(QueryBuilder *qb, bool read_only, bool *isnull);

/* ---------------------------------------------------------------------------
 * Options (options.c)
 * ---------------------------------------------------------------------------
 */
typedef enum IgnisOp
{
	OP_FIND,
	OP_FIND_ONE,
	OP_FIND_BY_ID,
	OP_COUNT,
	OP_EXISTS,
	OP_BUILD_QUERY,
	OP_CREATE,
	OP_CREATE_ALL,
	OP_UPDATE_BY_ID,
	OP_UPDATE_ALL,
	OP_DELETE_BY_ID,
	OP_DELETE_ALL,
	OP_RESTORE_BY_ID,
	OP_RESTORE_ALL,
	OP_UPSERT
} IgnisOp;

typedef struct IgnisOptions
{
	bool		skip_default_filter;
	bool		should_return;
	bool		query_range;
	bool		force;
	bool		hard_delete;
	bool		is_strict;
	bool		log;
	int			log_level;		/* elevel */
	int			count_strategy; /* COUNT_* */
	bool		count_strategy_given;
	int			lock;			/* 0, or LOCK_UPDATE .. LOCK_KEY_SHARE */
	int			lock_wait;		/* LOCK_WAIT_* */
} IgnisOptions;

#define LOCK_UPDATE			1
#define LOCK_NO_KEY_UPDATE	2
#define LOCK_SHARE			3
#define LOCK_KEY_SHARE		4
#define LOCK_WAIT_BLOCK		0
#define LOCK_WAIT_SKIP		1
#define LOCK_WAIT_NOWAIT	2

#define COUNT_EXACT		0
#define COUNT_PLANNED	1
#define COUNT_ESTIMATED 2

extern void options_parse(IgnisOp op, const char *fname, Jsonb *options, IgnisOptions *out);
extern char *options_lock_clause(IgnisOptions *opts);
extern void options_check_lock(IgnisOptions *opts, const char *fname);
extern void options_log(IgnisOptions *opts, const char *fname, IgnisModel *model,
						QueryBuilder *qb);
extern void ignis_check_scope(IgnisModel *model, IgnisOp op, const char *opname);
extern Datum ignis_run(QueryBuilder *qb, IgnisOptions *opts, const char *fname,
					   IgnisModel *model, bool read_only);
extern JNode *ignis_arg_object(Jsonb *arg, const char *argname);
extern IgnisModel *ignis_model_arg(FunctionCallInfo fcinfo, int argno);
extern char *ignis_id_arg(FunctionCallInfo fcinfo, int argno);

#endif							/* IGNIS_H */
