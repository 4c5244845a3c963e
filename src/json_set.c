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

static const char *
kind_name(Jsonb *jb)
{
	if (JB_ROOT_IS_SCALAR(jb))
	{
		JsonbValue	v;

		JsonbExtractScalar(&jb->root, &v);
		switch (v.type)
		{
			case jbvString:
				return "a string";
			case jbvNumeric:
				return "a number";
			case jbvBool:
				return "a boolean";
			case jbvNull:
				return "null";
			default:
				return "a scalar";
		}
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

		if (is_index(c))
			appendStringInfo(&buf, "[%s]", c);
		else
			appendStringInfo(&buf, ".%s", c);
	}
	return buf.data;
}

static Datum
set_one(Jsonb *doc, Datum *comps, int n, Jsonb *value)
{
	ArrayType  *path = construct_array(comps, n, TEXTOID, -1, false, TYPALIGN_INT);

	return DirectFunctionCall4(jsonb_set, JsonbPGetDatum(doc), PointerGetDatum(path),
							   JsonbPGetDatum(value), BoolGetDatum(true));
}

PG_FUNCTION_INFO_V1(ignis_set_path);
Datum
ignis_set_path(PG_FUNCTION_ARGS)
{
	Jsonb	   *doc = PG_GETARG_JSONB_P(0);
	ArrayType  *patharr = PG_GETARG_ARRAYTYPE_P(1);
	Jsonb	   *value = PG_GETARG_JSONB_P(2);
	char	   *label = text_to_cstring(PG_GETARG_TEXT_PP(3));
	Datum	   *comps;
	bool	   *nulls;
	int			n,
				i;
	Jsonb	   *empty = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum("{}")));

	deconstruct_array(patharr, TEXTOID, -1, false, TYPALIGN_INT, &comps, &nulls, &n);
	if (n == 0)
		PG_RETURN_JSONB_P(value);

	/* walk the parents of the final key, creating what is missing */
	for (i = 0; i < n; i++)
	{
		Jsonb	   *parent;
		bool		isnull = false;
		char	   *next = TextDatumGetCString(comps[i]);

		if (i == 0)
			parent = doc;
		else
		{
			Datum		d = jsonb_get_element(doc, comps, i, &isnull, false);

			parent = isnull ? NULL : DatumGetJsonbP(d);
		}
		if (parent == NULL || (JB_ROOT_IS_SCALAR(parent) && strcmp(kind_name(parent), "null") == 0))
		{
			doc = DatumGetJsonbP(set_one(doc, comps, i, empty));
			continue;
		}
		if (JB_ROOT_IS_SCALAR(parent))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: cannot set path %s: %s is %s",
							display_path(label, comps, n), display_path(label, comps, i),
							kind_name(parent))));
		if (JB_ROOT_IS_ARRAY(parent) && !is_index(next))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: cannot set path %s: %s is an array",
							display_path(label, comps, n), display_path(label, comps, i)),
					 errhint("Use an index such as [0] to address array elements.")));
	}
	PG_RETURN_DATUM(set_one(doc, comps, n, value));
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
	bool	   *nulls;
	int			n;
	bool		isnull = false;
	Datum		value;
	Jsonb	   *jb;
	JsonbValue	v;

	deconstruct_array(patharr, TEXTOID, -1, false, TYPALIGN_INT, &comps, &nulls, &n);
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
