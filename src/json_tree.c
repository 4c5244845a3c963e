/*-------------------------------------------------------------------------
 * json_tree.c
 *	  Caller arguments (jsonb) as a plain tree of JNodes.
 *
 * Filters, options and settings are small documents that are walked many
 * times (validation, default-filter merge, compilation); a tree with
 * positional access is much simpler to walk than jsonb iterators.  The
 * conversion is iterative, so a hostile 100,000-deep document cannot blow
 * the C stack here; the recursive stages check their own depth.
 *-------------------------------------------------------------------------
 */
#include "ignis.h"

#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/memutils.h"

JNode *
jnode_new(JNodeType type)
{
	JNode	   *node = palloc0(sizeof(JNode));

	node->type = type;
	return node;
}

JNode *
jnode_string(const char *s)
{
	JNode	   *node = jnode_new(JN_STRING);

	node->str = pstrdup(s);
	return node;
}

/* Empty containers allocate nothing until their first item. */
JNode *
jnode_object(int capacity)
{
	JNode	   *node = jnode_new(JN_OBJECT);

	if (capacity > 0)
	{
		capacity = Max(capacity, 4);
		node->keys = palloc(sizeof(char *) * capacity);
		node->items = palloc(sizeof(JNode *) * capacity);
	}
	return node;
}

JNode *
jnode_array(int capacity)
{
	JNode	   *node = jnode_new(JN_ARRAY);

	if (capacity > 0)
	{
		capacity = Max(capacity, 4);
		node->items = palloc(sizeof(JNode *) * capacity);
	}
	return node;
}

/* Grow a container to hold one more item (capacities are powers of two >= 4). */
static void
jnode_reserve(JNode *node)
{
	int			cap = 4;

	if (node->items == NULL)
	{
		node->items = palloc(sizeof(JNode *) * cap);
		if (node->type == JN_OBJECT)
			node->keys = palloc(sizeof(char *) * cap);
		return;
	}
	while (cap < node->n)
		cap *= 2;
	if (node->n < cap)
		return;
	cap *= 2;
	node->items = repalloc(node->items, sizeof(JNode *) * cap);
	if (node->type == JN_OBJECT)
		node->keys = repalloc(node->keys, sizeof(char *) * cap);
}

void
jnode_append(JNode *arr, JNode *value)
{
	Assert(arr->type == JN_ARRAY);
	jnode_reserve(arr);
	arr->items[arr->n++] = value;
}

/* Set obj[key] = value, replacing an existing key. */
void
jnode_put(JNode *obj, const char *key, JNode *value)
{
	int			i;

	Assert(obj->type == JN_OBJECT);
	for (i = 0; i < obj->n; i++)
	{
		if (strcmp(obj->keys[i], key) == 0)
		{
			obj->items[i] = value;
			return;
		}
	}
	jnode_reserve(obj);
	obj->keys[obj->n] = pstrdup(key);
	obj->items[obj->n++] = value;
}

/* Add obj[key] = value for a key the caller knows is not there yet. */
void
jnode_add(JNode *obj, const char *key, JNode *value)
{
	Assert(obj->type == JN_OBJECT);
	jnode_reserve(obj);
	obj->keys[obj->n] = pstrdup(key);
	obj->items[obj->n++] = value;
}

static const JNode *sort_obj;

static int
cmp_key_index(const void *a, const void *b)
{
	return strcmp(sort_obj->keys[*(const int *) a], sort_obj->keys[*(const int *) b]);
}

/*
 * The positions of an object's keys in key order, for lookups by binary
 * search (jnode_get_ordered): a loop that looks up the keys of one object in
 * another stays O(n log n) instead of O(n * m).
 */
int *
jnode_key_order(const JNode *obj)
{
	int		   *order = palloc(sizeof(int) * Max(obj->n, 1));
	int			i;

	for (i = 0; i < obj->n; i++)
		order[i] = i;
	sort_obj = obj;
	qsort(order, obj->n, sizeof(int), cmp_key_index);
	sort_obj = NULL;
	return order;
}

JNode *
jnode_get_ordered(const JNode *obj, const int *order, const char *key)
{
	int			lo = 0,
				hi = obj->n - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		int			c = strcmp(obj->keys[order[mid]], key);

		if (c == 0)
			return obj->items[order[mid]];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

JNode *
jnode_get(const JNode *obj, const char *key)
{
	int			i;

	if (obj == NULL || obj->type != JN_OBJECT)
		return NULL;
	for (i = 0; i < obj->n; i++)
		if (strcmp(obj->keys[i], key) == 0)
			return obj->items[i];
	return NULL;
}

static JNode *
jnode_from_scalar(JsonbValue *v)
{
	JNode	   *node;

	switch (v->type)
	{
		case jbvNull:
			return jnode_new(JN_NULL);
		case jbvString:
			node = jnode_new(JN_STRING);
			node->str = pnstrdup(v->val.string.val, v->val.string.len);
			return node;
		case jbvNumeric:
			/* the text of a number is made only when asked (jnode_scalar_text) */
			node = jnode_new(JN_NUMBER);
			node->num = v->val.numeric;
			return node;
		case jbvBool:
			node = jnode_new(JN_BOOL);
			node->b = v->val.boolean;
			return node;
		default:
			elog(ERROR, "unexpected jsonb value type %d", (int) v->type);
	}
	return NULL;				/* keep compiler quiet */
}

JNode *
jnode_from_jsonb(Jsonb *jb)
{
	JsonbIterator *it = JsonbIteratorInit(&jb->root);
	JsonbValue	v;
	JsonbIteratorToken tok;
	JNode	  **stack = palloc(sizeof(JNode *) * 16);
	int			depth = 0;
	int			stacksize = 16;
	char	   *pending_key = NULL;
	JNode	   *root = NULL;
	bool		raw_scalar = false;

	while ((tok = JsonbIteratorNext(&it, &v, false)) != WJB_DONE)
	{
		JNode	   *node = NULL;

		CHECK_FOR_INTERRUPTS();
		switch (tok)
		{
			case WJB_BEGIN_ARRAY:
				if (v.val.array.rawScalar)
				{
					raw_scalar = true;
					continue;
				}
				node = jnode_array(v.val.array.nElems);
				break;
			case WJB_BEGIN_OBJECT:
				node = jnode_object(v.val.object.nPairs);
				break;
			case WJB_KEY:
				pending_key = pnstrdup(v.val.string.val, v.val.string.len);
				continue;
			case WJB_VALUE:
			case WJB_ELEM:
				if (raw_scalar)
				{
					root = jnode_from_scalar(&v);
					continue;
				}
				node = jnode_from_scalar(&v);
				break;
			case WJB_END_ARRAY:
			case WJB_END_OBJECT:
				if (raw_scalar)
					continue;
				depth--;
				continue;
			default:
				continue;
		}

		/* attach the new node to its parent */
		if (depth == 0)
			root = node;
		else
		{
			JNode	   *parent = stack[depth - 1];

			if (parent->type == JN_OBJECT)
			{
				jnode_reserve(parent);
				parent->keys[parent->n] = pending_key;
				parent->items[parent->n++] = node;
			}
			else
				jnode_append(parent, node);
		}
		if (node->type == JN_ARRAY || node->type == JN_OBJECT)
		{
			if (depth >= stacksize)
			{
				stacksize *= 2;
				stack = repalloc(stack, sizeof(JNode *) * stacksize);
			}
			stack[depth++] = node;
		}
	}
	pfree(stack);
	return root;
}

/* True if the node is a JSON number without fraction; sets *value. */
bool
jnode_is_integer(const JNode *node, int64 *value)
{
	const char *p;
	bool		neg = false;
	uint64		acc = 0;

	if (node == NULL || node->type != JN_NUMBER)
		return false;
	p = jnode_scalar_text(node);
	if (*p == '-')
	{
		neg = true;
		p++;
	}
	if (*p == '\0')
		return false;
	for (; *p; p++)
	{
		if (*p < '0' || *p > '9')
			return false;
		if (acc > (uint64) PG_INT64_MAX / 10)
			return false;
		acc = acc * 10 + (*p - '0');
		if (acc > (uint64) PG_INT64_MAX)
			return false;
	}
	*value = neg ? -(int64) acc : (int64) acc;
	return true;
}

JNode *
jnode_copy(const JNode *node)
{
	JNode	   *copy;
	int			i;

	check_stack_depth();
	copy = jnode_new(node->type);
	copy->b = node->b;
	copy->str = node->str ? pstrdup(node->str) : NULL;
	copy->num = node->num;
	if (node->type == JN_OBJECT || node->type == JN_ARRAY)
	{
		copy = node->type == JN_OBJECT ? jnode_object(node->n) : jnode_array(node->n);
		for (i = 0; i < node->n; i++)
		{
			CHECK_FOR_INTERRUPTS();
			if (node->type == JN_OBJECT)
				jnode_add(copy, node->keys[i], jnode_copy(node->items[i]));
			else
				jnode_append(copy, jnode_copy(node->items[i]));
		}
	}
	return copy;
}

void
jnode_to_json(StringInfo buf, const JNode *node)
{
	int			i;

	check_stack_depth();
	switch (node->type)
	{
		case JN_NULL:
			appendStringInfoString(buf, "null");
			break;
		case JN_BOOL:
			appendStringInfoString(buf, node->b ? "true" : "false");
			break;
		case JN_NUMBER:
			appendStringInfoString(buf, jnode_scalar_text(node));
			break;
		case JN_STRING:
			escape_json(buf, node->str);
			break;
		case JN_ARRAY:
			appendStringInfoChar(buf, '[');
			for (i = 0; i < node->n; i++)
			{
				if (i > 0)
					appendStringInfoString(buf, ", ");
				jnode_to_json(buf, node->items[i]);
			}
			appendStringInfoChar(buf, ']');
			break;
		case JN_OBJECT:
			appendStringInfoChar(buf, '{');
			for (i = 0; i < node->n; i++)
			{
				if (i > 0)
					appendStringInfoString(buf, ", ");
				escape_json(buf, node->keys[i]);
				appendStringInfoString(buf, ": ");
				jnode_to_json(buf, node->items[i]);
			}
			appendStringInfoChar(buf, '}');
			break;
	}
}

/* A scalar node as a JsonbValue. */
static void
push_scalar(const JNode *node, JsonbValue *v)
{
	switch (node->type)
	{
		case JN_NULL:
			v->type = jbvNull;
			break;
		case JN_BOOL:
			v->type = jbvBool;
			v->val.boolean = node->b;
			break;
		case JN_NUMBER:
			v->type = jbvNumeric;
			v->val.numeric = node->num ? node->num
				: DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(node->str),
													  ObjectIdGetDatum(InvalidOid),
													  Int32GetDatum(-1)));
			break;
		default:
			v->type = jbvString;
			v->val.string.val = node->str;
			v->val.string.len = strlen(node->str);
			break;
	}
}

/*
 * Build jsonb straight from the tree (no text round trip): containers are
 * pushed recursively, as `token` (WJB_ELEM or WJB_VALUE) of their parent.
 */
static JsonbValue *
push_node(JsonbParseState **state, const JNode *node, JsonbIteratorToken token)
{
	JsonbValue	v;
	JsonbValue *res = NULL;
	int			i;

	check_stack_depth();
	if (node->type == JN_ARRAY || node->type == JN_OBJECT)
	{
		bool		obj = node->type == JN_OBJECT;

		pushJsonbValue(state, obj ? WJB_BEGIN_OBJECT : WJB_BEGIN_ARRAY, NULL);
		for (i = 0; i < node->n; i++)
		{
			if (obj)
			{
				JsonbValue	k;

				k.type = jbvString;
				k.val.string.val = node->keys[i];
				k.val.string.len = strlen(node->keys[i]);
				pushJsonbValue(state, WJB_KEY, &k);
			}
			push_node(state, node->items[i], obj ? WJB_VALUE : WJB_ELEM);
		}
		res = pushJsonbValue(state, obj ? WJB_END_OBJECT : WJB_END_ARRAY, NULL);
	}
	else
	{
		push_scalar(node, &v);
		res = pushJsonbValue(state, token, &v);
	}
	return res;
}

Jsonb *
jnode_to_jsonb(const JNode *node)
{
	JsonbParseState *state = NULL;
	JsonbValue *root;
	Jsonb	   *result;

	if (node->type != JN_ARRAY && node->type != JN_OBJECT)
	{
		/* a scalar document is a one-element raw-scalar array */
		JsonbValue	scalar;

		pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
		state->contVal.val.array.rawScalar = true;
		push_scalar(node, &scalar);
		pushJsonbValue(&state, WJB_ELEM, &scalar);
		root = pushJsonbValue(&state, WJB_END_ARRAY, NULL);
	}
	else
		root = push_node(&state, node, WJB_ELEM);
	result = JsonbValueToJsonb(root);
	if (VARSIZE(result) < 256)
	{
		/* conversion leaves a 1 kB buffer: keep small values small */
		Jsonb	   *copy = palloc(VARSIZE(result));

		memcpy(copy, result, VARSIZE(result));
		pfree(result);
		result = copy;
	}
	return result;
}

bool
jnode_is_empty_object(const JNode *node)
{
	return node != NULL && node->type == JN_OBJECT && node->n == 0;
}

const char *
jnode_type_name(const JNode *node)
{
	switch (node->type)
	{
		case JN_NULL:
			return "null";
		case JN_STRING:
			return "string";
		case JN_NUMBER:
			return "number";
		case JN_BOOL:
			return "boolean";
		case JN_ARRAY:
			return "array";
		case JN_OBJECT:
			return "object";
	}
	return "value";
}

/* The text a scalar is converted from: strings unquoted, numbers as written. */
char *
jnode_scalar_text(const JNode *node)
{
	switch (node->type)
	{
		case JN_NUMBER:
			if (node->str == NULL)
			{
				/* kept with the node, which may live in a model's cache */
				char	   *text = DatumGetCString(DirectFunctionCall1(numeric_out,
																	 NumericGetDatum(node->num)));

				((JNode *) node)->str = MemoryContextStrdup(GetMemoryChunkContext((void *) node),
															 text);
			}
			return node->str;
		case JN_STRING:
			return node->str;
		case JN_BOOL:
			return node->b ? "true" : "false";
		default:
			return NULL;
	}
}
