/*-------------------------------------------------------------------------
 * result.c
 *	  The rows of an executed read statement -> the jsonb the API returns.
 *
 * find, find_one and find_by_id statements return plain rows: one column
 * per visible property, aliased to the property name, and one jsonb column
 * per included relation.  This file turns those tuples straight into a
 * JsonbValue tree, following the rules of PostgreSQL's to_jsonb for every
 * type (api.md §2), and serialises it once.  Aggregating the rows into json
 * text in SQL and casting that to jsonb costs several times the query
 * itself (docs/design.md, "Results"); building from the tuples costs about
 * what returning the rows costs.
 *
 * Types whose to_jsonb conversion is not a plain function of the value
 * (composite types, user types with a cast to json, arrays of those) are
 * converted in SQL instead: select.c asks result_needs_sql() and wraps
 * such columns in pg_catalog.to_jsonb, so they arrive here as jsonb.
 *
 * The per-column conversion info (a ResultLayout) is derived from the
 * statement's tuple descriptor and kept with its cached plan.
 *-------------------------------------------------------------------------
 */
#include "ignis.h"

#include "access/htup_details.h"
#include "executor/tuptable.h"
#include "catalog/pg_cast.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "parser/parse_coerce.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

typedef enum ResultCat
{
	RC_NULL,					/* unknown-typed NULL literal */
	RC_BOOL,
	RC_INT2,
	RC_INT4,
	RC_INT8,
	RC_FLOAT,					/* float4/float8: number unless NaN/Infinity */
	RC_NUMERIC,
	RC_TEXT,					/* text, varchar, bpchar: the bytes as they are */
	RC_DATETIME,				/* date, timestamp, timestamptz: ISO 8601 */
	RC_JSON,
	RC_JSONB,
	RC_ARRAY,
	RC_OTHER					/* the type's text output as a string */
} ResultCat;

typedef struct ResultConv
{
	ResultCat	cat;
	Oid			typid;			/* base type */
	FmgrInfo	out;			/* RC_FLOAT, RC_OTHER: output function */
	/* RC_ARRAY */
	int16		elmlen;
	bool		elmbyval;
	char		elmalign;
	struct ResultConv *elem;
} ResultConv;

struct ResultLayout
{
	int			natts;
	Oid		   *typids;			/* the descriptor's column types, to revalidate */
	JsonbValue *keys;			/* property names as jsonb strings */
	ResultConv *convs;
};

/* ---------------------------------------------------------------------------
 * Classification, as jsonb.c's categorisation of to_jsonb
 * ---------------------------------------------------------------------------
 */

/* A user type with a cast to json: to_jsonb goes through the cast. */
static bool
has_json_cast(Oid typid)
{
	Oid			castfunc;

	if (typid < FirstNormalObjectId)
		return false;
	return find_coercion_pathway(JSONOID, typid, COERCION_EXPLICIT, &castfunc)
		== COERCION_PATH_FUNC && OidIsValid(castfunc);
}

static ResultCat
scalar_category(Oid base)
{
	switch (base)
	{
		case UNKNOWNOID:
			return RC_NULL;
		case BOOLOID:
			return RC_BOOL;
		case INT2OID:
			return RC_INT2;
		case INT4OID:
			return RC_INT4;
		case INT8OID:
			return RC_INT8;
		case FLOAT4OID:
		case FLOAT8OID:
			return RC_FLOAT;
		case NUMERICOID:
			return RC_NUMERIC;
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
			return RC_TEXT;
		case DATEOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			return RC_DATETIME;
		case JSONOID:
			return RC_JSON;
		case JSONBOID:
			return RC_JSONB;
		default:
			return RC_OTHER;
	}
}

/*
 * Whether a column of this type must be converted with to_jsonb in SQL
 * rather than here: composite types, user types with a cast to json, and
 * arrays whose elements are either.
 */
bool
result_needs_sql(Oid typid)
{
	Oid			base = getBaseType(typid);
	Oid			elem = get_element_type(base);

	if (OidIsValid(elem))
		return result_needs_sql(elem);
	if (base == RECORDOID || type_is_rowtype(base))
		return true;
	return has_json_cast(base);
}

static void
conv_init(ResultConv *conv, Oid typid, MemoryContext cxt)
{
	Oid			base = getBaseType(typid);
	Oid			elem = get_element_type(base);

	memset(conv, 0, sizeof(ResultConv));
	conv->typid = base;
	if (OidIsValid(elem))
	{
		conv->cat = RC_ARRAY;
		get_typlenbyvalalign(elem, &conv->elmlen, &conv->elmbyval, &conv->elmalign);
		conv->elem = MemoryContextAlloc(cxt, sizeof(ResultConv));
		conv_init(conv->elem, elem, cxt);
		return;
	}
	if (base == RECORDOID || type_is_rowtype(base) || has_json_cast(base))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("ignis: a result column of type %s must be converted in SQL",
						format_type_be_qualified(typid))));
	conv->cat = scalar_category(base);
	if (conv->cat == RC_FLOAT || conv->cat == RC_OTHER)
	{
		Oid			outfunc;
		bool		varlena;

		getTypeOutputInfo(base, &outfunc, &varlena);
		fmgr_info_cxt(outfunc, &conv->out, cxt);
	}
}

/*
 * The conversion of every column of desc from column `first` on, allocated
 * in cxt (a plan cache entry's context, or the caller's).
 */
ResultLayout *
result_layout_build(TupleDesc desc, int first, MemoryContext cxt)
{
	ResultLayout *shape = MemoryContextAllocZero(cxt, sizeof(ResultLayout));
	int			n = desc->natts;
	int			i;

	shape->natts = n;
	shape->typids = MemoryContextAlloc(cxt, sizeof(Oid) * n);
	shape->keys = MemoryContextAllocZero(cxt, sizeof(JsonbValue) * n);
	shape->convs = MemoryContextAllocZero(cxt, sizeof(ResultConv) * n);
	for (i = 0; i < n; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		shape->typids[i] = att->atttypid;
		if (i < first)
			continue;
		shape->keys[i].type = jbvString;
		shape->keys[i].val.string.val = MemoryContextStrdup(cxt, NameStr(att->attname));
		shape->keys[i].val.string.len = strlen(shape->keys[i].val.string.val);
		conv_init(&shape->convs[i], att->atttypid, cxt);
	}
	return shape;
}

/* Whether a shape built earlier still describes desc (plans are replanned after DDL). */
bool
result_layout_matches(ResultLayout *shape, TupleDesc desc)
{
	int			i;

	if (shape == NULL || shape->natts != desc->natts)
		return false;
	for (i = 0; i < desc->natts; i++)
		if (TupleDescAttr(desc, i)->atttypid != shape->typids[i])
			return false;
	return true;
}

/* ---------------------------------------------------------------------------
 * Values
 * ---------------------------------------------------------------------------
 */

static void push_value(JsonbParseState **ps, JsonbIteratorToken tok, ResultConv *conv,
					   Datum value, bool isnull);

static void
set_string(JsonbValue *v, char *s)
{
	v->type = jbvString;
	v->val.string.val = s;
	v->val.string.len = strlen(s);
}

/* A jsonb document embedded as a value; scalars are pushed as scalars. */
static void
push_jsonb(JsonbParseState **ps, JsonbIteratorToken tok, Jsonb *jb)
{
	JsonbValue	v;

	if (JB_ROOT_IS_SCALAR(jb))
	{
		JsonbExtractScalar(&jb->root, &v);
		pushJsonbValue(ps, tok, &v);
		return;
	}
	v.type = jbvBinary;
	v.val.binary.data = &jb->root;
	v.val.binary.len = VARSIZE(jb) - VARHDRSZ;
	pushJsonbValue(ps, tok, &v);
}

/* Elements of an n-dimensional array as nested JSON arrays (to_jsonb's layout). */
static void
push_array_dim(JsonbParseState **ps, ResultConv *elem, int dim, int ndims, int *dims,
			   Datum *values, bool *nulls, int *index)
{
	int			i;

	pushJsonbValue(ps, WJB_BEGIN_ARRAY, NULL);
	for (i = 0; i < dims[dim]; i++)
	{
		if (dim + 1 == ndims)
		{
			push_value(ps, WJB_ELEM, elem, values[*index], nulls[*index]);
			(*index)++;
		}
		else
			push_array_dim(ps, elem, dim + 1, ndims, dims, values, nulls, index);
	}
	pushJsonbValue(ps, WJB_END_ARRAY, NULL);
}

static void
push_array(JsonbParseState **ps, ResultConv *conv, Datum value)
{
	ArrayType  *arr = DatumGetArrayTypeP(value);
	int			ndims = ARR_NDIM(arr);
	Datum	   *values;
	bool	   *nulls;
	int			count;
	int			index = 0;

	check_stack_depth();
	if (ndims <= 0 || ArrayGetNItems(ndims, ARR_DIMS(arr)) == 0)
	{
		pushJsonbValue(ps, WJB_BEGIN_ARRAY, NULL);
		pushJsonbValue(ps, WJB_END_ARRAY, NULL);
		return;
	}
	deconstruct_array(arr, ARR_ELEMTYPE(arr), conv->elmlen, conv->elmbyval, conv->elmalign,
					  &values, &nulls, &count);
	push_array_dim(ps, conv->elem, 0, ndims, ARR_DIMS(arr), values, nulls, &index);
}

static void
push_value(JsonbParseState **ps, JsonbIteratorToken tok, ResultConv *conv, Datum value,
		   bool isnull)
{
	JsonbValue	v;

	if (isnull)
	{
		v.type = jbvNull;
		pushJsonbValue(ps, tok, &v);
		return;
	}
	switch (conv->cat)
	{
		case RC_NULL:
			v.type = jbvNull;
			break;
		case RC_BOOL:
			v.type = jbvBool;
			v.val.boolean = DatumGetBool(value);
			break;
		case RC_INT2:
			v.type = jbvNumeric;
			v.val.numeric = int64_to_numeric(DatumGetInt16(value));
			break;
		case RC_INT4:
			v.type = jbvNumeric;
			v.val.numeric = int64_to_numeric(DatumGetInt32(value));
			break;
		case RC_INT8:
			v.type = jbvNumeric;
			v.val.numeric = int64_to_numeric(DatumGetInt64(value));
			break;
		case RC_FLOAT:
			{
				/* as to_jsonb: the shortest exact text, a number unless NaN/Infinity */
				char	   *s = OutputFunctionCall(&conv->out, value);

				if (strpbrk(s, "Nn") != NULL)
					set_string(&v, s);
				else
				{
					v.type = jbvNumeric;
					v.val.numeric = DatumGetNumeric(DirectFunctionCall3(numeric_in,
																		CStringGetDatum(s),
																		ObjectIdGetDatum(InvalidOid),
																		Int32GetDatum(-1)));
				}
				break;
			}
		case RC_NUMERIC:
			{
				Numeric		num = DatumGetNumeric(value);

				if (numeric_is_nan(num) || numeric_is_inf(num))
					set_string(&v, DatumGetCString(DirectFunctionCall1(numeric_out,
																	   NumericGetDatum(num))));
				else
				{
					v.type = jbvNumeric;
					v.val.numeric = num;
				}
				break;
			}
		case RC_TEXT:
			{
				text	   *t = DatumGetTextPP(value);

				v.type = jbvString;
				v.val.string.val = VARDATA_ANY(t);
				v.val.string.len = VARSIZE_ANY_EXHDR(t);
				break;
			}
		case RC_DATETIME:
			set_string(&v, JsonEncodeDateTime(NULL, value, conv->typid, NULL));
			break;
		case RC_JSON:
			push_jsonb(ps, tok,
					   DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
														  CStringGetDatum(TextDatumGetCString(value)))));
			return;
		case RC_JSONB:
			push_jsonb(ps, tok, DatumGetJsonbP(value));
			return;
		case RC_ARRAY:
			push_array(ps, conv, value);
			return;
		case RC_OTHER:
			set_string(&v, OutputFunctionCall(&conv->out, value));
			break;
	}
	pushJsonbValue(ps, tok, &v);
}

/*
 * One row as an object (the document's root, or an element of an array
 * being built): columns from `first` on, keyed by their names.  Returns the
 * object when it is the root.
 */
JsonbValue *
result_push_row(JsonbParseState **ps, ResultLayout *layout, int first, Datum *values,
				bool *nulls)
{
	int			i;

	pushJsonbValue(ps, WJB_BEGIN_OBJECT, NULL);
	for (i = first; i < layout->natts; i++)
	{
		pushJsonbValue(ps, WJB_KEY, &layout->keys[i]);
		push_value(ps, WJB_VALUE, &layout->convs[i], values[i], nulls[i]);
	}
	return pushJsonbValue(ps, WJB_END_OBJECT, NULL);
}

/* A scalar value (or a key) for the range object. */
static void
push_int8(JsonbParseState **ps, JsonbIteratorToken tok, int64 value)
{
	JsonbValue	v;

	v.type = jbvNumeric;
	v.val.numeric = int64_to_numeric(value);
	pushJsonbValue(ps, tok, &v);
}

static void
push_key(JsonbParseState **ps, const char *key)
{
	JsonbValue	v;

	v.type = jbvString;
	v.val.string.val = (char *) key;
	v.val.string.len = strlen(key);
	pushJsonbValue(ps, WJB_KEY, &v);
}

/* ---------------------------------------------------------------------------
 * Streaming: rows are converted as the executor produces them
 *
 * Each row is serialised on its own, in a scratch context reset after
 * every row, and appended to the result's array in jsonb's binary layout
 * (utils/jsonb.h: a header, one JEntry per element with an offset every
 * JB_OFFSET_STRIDE elements, then the elements, each container aligned to
 * four bytes).  Memory is the size of the result plus one row, whatever
 * the number of rows: no tuple table, no tree of the whole result.
 * ---------------------------------------------------------------------------
 */

/* A jsonb container being assembled from serialised children. */
typedef struct Assembly
{
	StringInfoData data;		/* the children, as they follow the JEntries */
	JEntry	   *entries;
	int			n;
	int			max;
	uint32		totallen;
} Assembly;

/* The children's data is kept in `cxt`: where the finished value will live. */
static void
asm_init(Assembly *a, MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);

	initStringInfo(&a->data);
	MemoryContextSwitchTo(old);
	a->max = 64;
	a->entries = palloc(sizeof(JEntry) * a->max);
	a->n = 0;
	a->totallen = 0;
}

static void
asm_entry(Assembly *a, uint32 type, uint32 len)
{
	JEntry		e;

	a->totallen += len;
	if (a->totallen > JENTRY_OFFLENMASK)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("ignis: the result exceeds the maximum size of a jsonb array (%d bytes)",
						JENTRY_OFFLENMASK),
				 errhint("Ask for fewer rows (limit) or fewer properties (fields).")));
	if ((a->n % JB_OFFSET_STRIDE) == 0)
		e = type | a->totallen | JENTRY_HAS_OFF;
	else
		e = type | len;
	if (a->n == a->max)
	{
		a->max *= 2;
		a->entries = repalloc(a->entries, sizeof(JEntry) * a->max);
	}
	a->entries[a->n++] = e;
}

static void
asm_string(Assembly *a, const char *s)
{
	int			len = strlen(s);

	appendBinaryStringInfo(&a->data, s, len);
	asm_entry(a, JENTRY_ISSTRING, len);
}

/* A serialised container (a Jsonb's root); the alignment padding counts as its data. */
static void
asm_container(Assembly *a, Jsonb *jb)
{
	int			start = a->data.len;

	while (a->data.len % sizeof(uint32) != 0)
		appendStringInfoChar(&a->data, '\0');
	appendBinaryStringInfo(&a->data, VARDATA(jb), VARSIZE(jb) - VARHDRSZ);
	asm_entry(a, JENTRY_ISCONTAINER, a->data.len - start);
}

/*
 * The finished container as a Jsonb; count is elements, or pairs.  It is
 * built in place: the children move up to make room for the headers (the
 * buffer usually has the room already), so the result is not copied.
 */
static Jsonb *
asm_finish(Assembly *a, uint32 flag, int count)
{
	int			prefix = VARHDRSZ + sizeof(uint32) + sizeof(JEntry) * a->n;
	uint32		header = (uint32) count | flag;
	char	   *p;

	enlargeStringInfo(&a->data, prefix);
	p = a->data.data;
	memmove(p + prefix, p, a->data.len);
	SET_VARSIZE(p, prefix + a->data.len);
	memcpy(p + VARHDRSZ, &header, sizeof(uint32));
	memcpy(p + VARHDRSZ + sizeof(uint32), a->entries, sizeof(JEntry) * a->n);
	a->data.len += prefix;
	return (Jsonb *) p;
}

typedef struct ResultReceiver
{
	DestReceiver pub;
	ResultKind	kind;
	int			first;			/* first column of a row */
	ResultLayout **cached;		/* the plan cache entry's layout, or NULL */
	MemoryContext cache_cxt;
	ResultLayout *layout;
	MemoryContext cxt;			/* the receiver's own memory */
	MemoryContext rowcxt;		/* one row's scratch memory */
	MemoryContext into;			/* where the result is built */
	Assembly	rows;
	Jsonb	   *single;			/* RESULT_OBJECT: the row */
	int64		seen;			/* tuples received */
	int64		total;			/* RESULT_RANGE: the count */
	int64		offset;			/* RESULT_RANGE: range.start */
	const char *label;			/* RESULT_RANGE: range.countStrategy, or NULL */
	int			next;			/* KEYSET_*: a "?next" column follows the marker */
	int64		limit;			/* KEYSET_AFTER: the page size, or -1 */
	bool		more;			/* a row beyond the page was fetched */
	Jsonb	   *last_next;		/* "?next" of the page's last row */
} ResultReceiver;

static void
receiver_startup(DestReceiver *self, int operation, TupleDesc desc)
{
	ResultReceiver *r = (ResultReceiver *) self;

	if (r->cached && result_layout_matches(*r->cached, desc))
		r->layout = *r->cached;
	else
	{
		r->layout = result_layout_build(desc, r->first, r->cached ? r->cache_cxt : r->cxt);
		if (r->cached)
			*r->cached = r->layout;
	}
}

static bool
receiver_receive(TupleTableSlot *slot, DestReceiver *self)
{
	ResultReceiver *r = (ResultReceiver *) self;
	MemoryContext old;
	JsonbParseState *ps = NULL;
	Jsonb	   *row;

	CHECK_FOR_INTERRUPTS();
	slot_getallattrs(slot);
	if (r->kind == RESULT_RANGE)
	{
		/* total, page marker, then the row: an empty page is one marker-less tuple */
		if (r->seen++ == 0 && !slot->tts_isnull[0])
			r->total = DatumGetInt64(slot->tts_values[0]);
		if (slot->tts_isnull[1])
			return true;
		if (r->next)
		{
			/* keyset pages: one row more than the page tells there is more */
			if (r->limit >= 0 && r->rows.n >= r->limit)
			{
				r->more = true;
				return true;
			}
			old = MemoryContextSwitchTo(r->cxt);
			r->last_next = slot->tts_isnull[2] ? NULL
				: DatumGetJsonbPCopy(slot->tts_values[2]);
			MemoryContextSwitchTo(old);
		}
	}
	else if (r->kind == RESULT_OBJECT && r->seen++ > 0)
		return true;

	old = MemoryContextSwitchTo(r->rowcxt);
	row = JsonbValueToJsonb(result_push_row(&ps, r->layout, r->first, slot->tts_values,
											slot->tts_isnull));
	MemoryContextSwitchTo(r->cxt);
	if (r->kind == RESULT_OBJECT)
	{
		/* the one row is the result: straight into its context */
		r->single = MemoryContextAlloc(r->into, VARSIZE(row));
		memcpy(r->single, row, VARSIZE(row));
	}
	else
		asm_container(&r->rows, row);
	MemoryContextSwitchTo(old);
	MemoryContextReset(r->rowcxt);
	return true;
}

static void
receiver_shutdown(DestReceiver *self)
{
}

static void
receiver_destroy(DestReceiver *self)
{
}

/*
 * A receiver turning a read statement's rows into the API's jsonb, which
 * it builds in `into`.  The receiver lives in the current memory context;
 * `cached` (may be NULL) is the plan cache entry's slot for the column
 * conversions, kept in cache_cxt.
 */
DestReceiver *
result_receiver_create(ResultKind kind, int64 offset, const char *label, int next,
					   int64 limit, ResultLayout **cached, MemoryContext cache_cxt, MemoryContext into)
{
	ResultReceiver *r = palloc0(sizeof(ResultReceiver));

	r->pub.receiveSlot = receiver_receive;
	r->pub.rStartup = receiver_startup;
	r->pub.rShutdown = receiver_shutdown;
	r->pub.rDestroy = receiver_destroy;
	r->pub.mydest = DestNone;
	r->kind = kind;
	r->first = kind == RESULT_RANGE ? (next ? 3 : 2) : 0;
	r->next = kind == RESULT_RANGE ? next : KEYSET_NONE;
	r->limit = next == KEYSET_BEFORE ? -1 : limit;
	r->cached = cached;
	r->cache_cxt = cache_cxt;
	r->cxt = CurrentMemoryContext;
	r->rowcxt = AllocSetContextCreate(CurrentMemoryContext, "ignis result row",
									  ALLOCSET_DEFAULT_SIZES);
	r->offset = offset;
	r->label = label;
	r->into = into;
	asm_init(&r->rows, kind == RESULT_RANGE ? CurrentMemoryContext : into);
	return (DestReceiver *) r;
}

/* The range object of a page: {"start", "end", "total"[, "countStrategy"]}. */
static Jsonb *
range_object(ResultReceiver *r)
{
	JsonbParseState *ps = NULL;
	int64		page = r->rows.n;

	pushJsonbValue(&ps, WJB_BEGIN_OBJECT, NULL);
	push_key(&ps, "start");
	push_int8(&ps, WJB_VALUE, r->offset);
	push_key(&ps, "end");
	push_int8(&ps, WJB_VALUE, page > 0 ? r->offset + page - 1 : r->offset);
	push_key(&ps, "total");
	push_int8(&ps, WJB_VALUE, r->total);
	if (r->label)
	{
		JsonbValue	v;

		push_key(&ps, "countStrategy");
		set_string(&v, (char *) r->label);
		pushJsonbValue(&ps, WJB_VALUE, &v);
	}
	if (r->next)
	{
		JsonbValue	v;

		/*
		 * Keyset pages: the "after" object of the page's last row, when rows
		 * follow it (after a "before" page, the row it started from does).
		 */
		push_key(&ps, "next");
		if (r->last_next && page > 0 && (r->more || r->next == KEYSET_BEFORE))
		{
			v.type = jbvBinary;
			v.val.binary.data = &r->last_next->root;
			v.val.binary.len = VARSIZE(r->last_next) - VARHDRSZ;
		}
		else
			v.type = jbvNull;
		pushJsonbValue(&ps, WJB_VALUE, &v);
	}
	return JsonbValueToJsonb(pushJsonbValue(&ps, WJB_END_OBJECT, NULL));
}

/*
 * The result, allocated in the receiver's `into`: the array of rows, the
 * range object {"data", "range"}, or the single row (*isnull when there
 * was none).
 */
Datum
result_receiver_finish(DestReceiver *self, bool *isnull)
{
	ResultReceiver *r = (ResultReceiver *) self;
	Assembly	doc;

	*isnull = false;
	if (r->kind == RESULT_OBJECT)
	{
		*isnull = r->single == NULL;
		return JsonbPGetDatum(r->single);
	}
	if (r->kind == RESULT_ARRAY)
		return JsonbPGetDatum(asm_finish(&r->rows, JB_FARRAY, r->rows.n));

	/* {"data": [...], "range": {...}}: keys in jsonb order, then the values */
	asm_init(&doc, r->into);
	asm_string(&doc, "data");
	asm_string(&doc, "range");
	asm_container(&doc, asm_finish(&r->rows, JB_FARRAY, r->rows.n));
	asm_container(&doc, range_object(r));
	return JsonbPGetDatum(asm_finish(&doc, JB_FOBJECT, 2));
}
