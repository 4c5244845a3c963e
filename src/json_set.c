/*-------------------------------------------------------------------------
 * json_set.c
 *	  ignis._set_path(doc, path, value, property): the JSON-path update of
 *	  write.md §4.4 (D14).
 *
 * jsonb_set() leaves a document unchanged when an intermediate key is
 * missing; this creates every missing (or JSON null) intermediate container
 * as an empty object first, refuses to go through a scalar, and then sets
 * the final key with jsonb_set's create_missing semantics (replace, add, or
 * append past the end of an array).
 *-------------------------------------------------------------------------
 */
#include "ignis.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"

static bool
is_index(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* The kind of a JsonbValue met on the way down, for messages. */
static const char *
value_kind(JsonbValue *v)
{
	switch (v->type)
	{
		case jbvString:
			return "a string";
		case jbvNumeric:
			return "a number";
		case jbvBool:
			return "a boolean";
		case jbvNull:
			return "null";
		case jbvBinary:
			return JsonContainerIsArray(v->val.binary.data) ? "an array" : "an object";
		default:
			return "a scalar";
	}
}

static const char *
kind_name(Jsonb *jb)
{
	if (JB_ROOT_IS_SCALAR(jb))
	{
		JsonbValue	v;

		JsonbExtractScalar(&jb->root, &v);
		return value_kind(&v);
	}
	return JB_ROOT_IS_ARRAY(jb) ? "an array" : "an object";
}

static char *
display_path(const char *label, Datum *comps, int n)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	appendStringInfoString(&buf, label);
	for (i = 0; i < n; i++)
	{
		char	   *c = TextDatumGetCString(comps[i]);

		CHECK_FOR_INTERRUPTS();
		if (is_index(c))
			appendStringInfo(&buf, "[%s]", c);
		else
			appendStringInfo(&buf, ".%s", c);
		pfree(c);
	}
	return buf.data;
}

/*
 * The components of a path argument, checked the way core checks the path
 * of jsonb_set: one dimension, text elements, and (unless nulls_ok) no NULL
 * element.  Returns false when a NULL element was found and nulls_ok.  Paths
 * longer than ignis.max_json_path_length are refused, so a direct call is
 * bounded like the statements ignis generates.
 */
static bool
path_components(ArrayType *patharr, bool nulls_ok, Datum **comps, int *n)
{
	bool	   *nulls;
	int			i;

	if (ARR_NDIM(patharr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("ignis: a JSON path must be a one-dimensional text array")));
	if (ARR_ELEMTYPE(patharr) != TEXTOID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("ignis: a JSON path must be a text array, not %s",
						format_type_be(ARR_ELEMTYPE(patharr)))));
	if (ArrayGetNItems(ARR_NDIM(patharr), ARR_DIMS(patharr)) > ignis_max_json_path_length)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("ignis: JSON path of %d components is longer than ignis.max_json_path_length (%d)",
						ArrayGetNItems(ARR_NDIM(patharr), ARR_DIMS(patharr)),
						ignis_max_json_path_length)));
	if (array_contains_nulls(patharr))
	{
		if (nulls_ok)
			return false;
		deconstruct_array(patharr, TEXTOID, -1, false, TYPALIGN_INT, comps, &nulls, n);
		for (i = 0; i < *n; i++)
			if (nulls[i])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("ignis: JSON path element at position %d is null", i + 1)));
	}
	deconstruct_array(patharr, TEXTOID, -1, false, TYPALIGN_INT, comps, &nulls, n);
	return true;
}

static Datum
set_one(Jsonb *doc, Datum *comps, int n, Jsonb *value)
{
	ArrayType  *path = construct_array(comps, n, TEXTOID, -1, false, TYPALIGN_INT);

	return DirectFunctionCall4(jsonb_set, JsonbPGetDatum(doc), PointerGetDatum(path),
							   JsonbPGetDatum(value), BoolGetDatum(true));
}

/* An array index of a path that jsonb_set can take (int range). */
static void
check_index(const char *label, Datum *comps, int n, int k)
{
	char	   *c = TextDatumGetCString(comps[k]);

	if (strlen(c) > 9 && (strlen(c) > 10 || strcmp(c, "2147483647") > 0))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("ignis: cannot set path %s: array index %s is out of range",
						display_path(label, comps, n), c)));
	pfree(c);
}

/* Push a path component as an object key. */
static void
push_key(JsonbParseState **state, Datum comp)
{
	JsonbValue	key;

	key.type = jbvString;
	key.val.string.val = VARDATA_ANY(DatumGetPointer(comp));
	key.val.string.len = VARSIZE_ANY_EXHDR(DatumGetPointer(comp));
	pushJsonbValue(state, WJB_KEY, &key);
}

/* Push a whole document as the value of the last key. */
static JsonbValue *
push_doc(JsonbParseState **state, Jsonb *jb)
{
	JsonbValue	val;

	if (JB_ROOT_IS_SCALAR(jb))
		JsonbExtractScalar(&jb->root, &val);
	else
	{
		val.type = jbvBinary;
		val.val.binary.data = &jb->root;
		val.val.binary.len = VARSIZE(jb) - VARHDRSZ;
	}
	return pushJsonbValue(state, WJB_VALUE, &val);
}


/*
 * set(doc, path, value), creating what is missing, in time and memory
 * linear in the document and the path:
 *
 * 1. walk down the existing document once, as far as the path exists and
 *	  leads through containers (k components found);
 * 2. build the missing tail {c[k+1]: {... {c[n-1]: value}}} once, bottom-up
 *	  in one JsonbParseState;
 * 3. one jsonb_set of that tail at c[0..k] (create_missing: replace, add,
 *	  or append past the end of an array).
 */
PG_FUNCTION_INFO_V1(ignis_set_path);
Datum
ignis_set_path(PG_FUNCTION_ARGS)
{
	Jsonb	   *doc = PG_GETARG_JSONB_P(0);
	ArrayType  *patharr = PG_GETARG_ARRAYTYPE_P(1);
	Jsonb	   *value = PG_GETARG_JSONB_P(2);
	char	   *label = text_to_cstring(PG_GETARG_TEXT_PP(3));
	Datum	   *comps;
	int			n,
				k,
				i;
	JsonbContainer *cur;
	JsonbValue	vbuf;
	Jsonb	   *tail;

	path_components(patharr, false, &comps, &n);
	if (n == 0)
		PG_RETURN_JSONB_P(value);

	/* a scalar document: JSON null is replaced as a whole, others refused */
	if (JB_ROOT_IS_SCALAR(doc))
	{
		if (strcmp(kind_name(doc), "null") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: cannot set path %s: %s is %s",
							display_path(label, comps, n), label, kind_name(doc))));
		k = 0;
		doc = NULL;
	}
	else
	{
		/* 1. how far does the path exist? comps[0..k-1] lead to containers */
		cur = &doc->root;
		for (k = 0; k < n - 1; k++)
		{
			char	   *c = TextDatumGetCString(comps[k]);
			JsonbValue *v = NULL;

			CHECK_FOR_INTERRUPTS();
			if (JsonContainerIsArray(cur))
			{
				if (!is_index(c))
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("ignis: cannot set path %s: %s is an array",
									display_path(label, comps, n), display_path(label, comps, k)),
							 errhint("Use an index such as [0] to address array elements.")));
				check_index(label, comps, n, k);
				v = getIthJsonbValueFromContainer(cur, (uint32) atoi(c));
			}
			else
				v = getKeyJsonValueFromContainer(cur, c, strlen(c), &vbuf);
			pfree(c);
			if (v == NULL || v->type == jbvNull)
				break;			/* missing or JSON null: created from here */
			if (v->type != jbvBinary)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("ignis: cannot set path %s: %s is %s",
								display_path(label, comps, n), display_path(label, comps, k + 1),
								value_kind(v))));
			cur = v->val.binary.data;
		}
		/* the parent of comps[k] is an array: comps[k] must be an index */
		if (JsonContainerIsArray(cur) && !is_index(TextDatumGetCString(comps[k])))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: cannot set path %s: %s is an array",
							display_path(label, comps, n), display_path(label, comps, k)),
					 errhint("Use an index such as [0] to address array elements.")));
		if (JsonContainerIsArray(cur))
			check_index(label, comps, n, k);
	}

	/* 2. the missing tail below comps[k], missing containers as objects */
	if (k == n - 1)
		tail = value;
	else
	{
		JsonbParseState *state = NULL;
		JsonbValue *res;

		for (i = k + 1; i < n; i++)
		{
			CHECK_FOR_INTERRUPTS();
			pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
			push_key(&state, comps[i]);
		}
		res = push_doc(&state, value);
		for (i = k + 1; i < n; i++)
			res = pushJsonbValue(&state, WJB_END_OBJECT, NULL);
		tail = JsonbValueToJsonb(res);
	}

	/* 3. one jsonb_set at comps[0..k] */
	if (doc == NULL)
	{
		/* the whole document was null: the tail of the whole path */
		JsonbParseState *state = NULL;

		pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
		push_key(&state, comps[0]);
		push_doc(&state, tail);
		PG_RETURN_JSONB_P(JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL)));
	}
	PG_RETURN_DATUM(set_one(doc, comps, k + 1, tail));
}

/*
 * ignis._json_numeric(doc, path): the value at path compared in numeric
 * mode (filter.md §8.4).  A JSON number is returned as is; a string that
 * looks like a plain decimal (^-?[0-9]+(\.[0-9]+)?$) is converted; anything
 * else (other strings, booleans, objects, arrays, JSON null, a missing
 * path) is NULL.  Equivalent to the CASE/regex form over #>>, but extracts
 * once and matches digits without a regular expression.
 */
static bool
plain_decimal(const char *s, int len)
{
	int			i = 0;
	int			digits = 0;

	if (i < len && s[i] == '-')
		i++;
	while (i < len && s[i] >= '0' && s[i] <= '9')
	{
		i++;
		digits++;
	}
	if (digits == 0)
		return false;
	if (i == len)
		return true;
	if (s[i] != '.')
		return false;
	i++;
	digits = 0;
	while (i < len && s[i] >= '0' && s[i] <= '9')
	{
		i++;
		digits++;
	}
	return digits > 0 && i == len;
}

PG_FUNCTION_INFO_V1(ignis_json_numeric);
Datum
ignis_json_numeric(PG_FUNCTION_ARGS)
{
	Jsonb	   *doc = PG_GETARG_JSONB_P(0);
	ArrayType  *patharr = PG_GETARG_ARRAYTYPE_P(1);
	Datum	   *comps;
	int			n;
	bool		isnull = false;
	Datum		value;
	Jsonb	   *jb;
	JsonbValue	v;

	/* like #>>, a NULL path element gives NULL */
	if (!path_components(patharr, true, &comps, &n))
		PG_RETURN_NULL();
	value = jsonb_get_element(doc, comps, n, &isnull, false);
	if (isnull)
		PG_RETURN_NULL();
	jb = DatumGetJsonbP(value);
	if (!JB_ROOT_IS_SCALAR(jb) || !JsonbExtractScalar(&jb->root, &v))
		PG_RETURN_NULL();
	if (v.type == jbvNumeric)
		PG_RETURN_NUMERIC(v.val.numeric);
	if (v.type == jbvString && plain_decimal(v.val.string.val, v.val.string.len))
		PG_RETURN_DATUM(DirectFunctionCall3(numeric_in,
											CStringGetDatum(pnstrdup(v.val.string.val,
																	 v.val.string.len)),
											ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
	PG_RETURN_NULL();
}
