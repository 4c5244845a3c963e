/*-------------------------------------------------------------------------
 * convert.c
 *	  Operands of the where language: JSON scalars converted through the
 *	  input function of the property's type (D40), operand datums bound as
 *	  parameters, and JSON paths (filter.md §8.1) split into components.
 *-------------------------------------------------------------------------
 */
#include "where.h"

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

void
where_invalid(const char *path, const char *fmt, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("ignis: %s at %s", psprintf(fmt, detail), path)));
}

/* ---------------------------------------------------------------------------
 * Operand conversion
 * ---------------------------------------------------------------------------
 */
typedef struct ConvertContext
{
	const char *path;
	int			index;			/* >= 0: path[index] */
} ConvertContext;

static void
convert_error_callback(void *arg)
{
	ConvertContext *cc = (ConvertContext *) arg;

	if (cc->index >= 0)
		errcontext("ignis: converting the value at %s[%d]", cc->path, cc->index);
	else
		errcontext("ignis: converting the value at %s", cc->path);
}

/*
 * The input function of a property's type (slot 0) or element type (slot
 * 1), looked up once and kept with the model; other types are looked up.
 */
static FmgrInfo *
input_function(IgnisProperty *prop, Oid typid, Oid *ioparam, FmgrInfo *local)
{
	int			slot = typid == prop->typid ? 0 : typid == prop->elemtypid ? 1 : -1;
	Oid			typinput;

	if (slot >= 0 && prop->input[slot] != NULL)
	{
		*ioparam = prop->ioparam[slot];
		return prop->input[slot];
	}
	getTypeInputInfo(typid, &typinput, ioparam);
	if (slot < 0 || prop->cxt == NULL)
	{
		fmgr_info(typinput, local);
		return local;
	}
	{
		FmgrInfo   *fn = MemoryContextAlloc(prop->cxt, sizeof(FmgrInfo));

		fmgr_info_cxt(typinput, fn, prop->cxt);
		prop->ioparam[slot] = *ioparam;
		prop->input[slot] = fn;
		return fn;
	}
}

/*
 * Convert a JSON scalar to a value of typid through the type's input
 * function, without typmod (D40).  Errors of the input function (22P02 ...)
 * propagate with the path (path[index] when index >= 0) as context.
 */
Datum
ignis_convert_scalar_at(IgnisProperty *prop, Oid typid, JNode *value, const char *path,
						int index)
{
	FmgrInfo	local;
	FmgrInfo   *fn;
	Oid			ioparam;
	ConvertContext cc;
	ErrorContextCallback errcb;
	Datum		result;
	char	   *text = jnode_scalar_text(value);

	if (text == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 index >= 0
				 ? errmsg("ignis: expected a string, number or boolean, not %s, at %s[%d]",
						  jnode_type_name(value), path, index)
				 : errmsg("ignis: expected a string, number or boolean, not %s, at %s",
						  jnode_type_name(value), path)));
	fn = input_function(prop, typid, &ioparam, &local);
	cc.path = path;
	cc.index = index;
	errcb.callback = convert_error_callback;
	errcb.arg = &cc;
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;
	result = InputFunctionCall(fn, text, ioparam, -1);
	error_context_stack = errcb.previous;
	return result;
}

Datum
ignis_convert_scalar(IgnisProperty *prop, Oid typid, JNode *value, const char *path)
{
	return ignis_convert_scalar_at(prop, typid, value, path, -1);
}

Operand
operand_scalar(IgnisProperty *prop, Oid typid, JNode *value, const char *path)
{
	Operand		o;

	o.type = typid;
	o.value = ignis_convert_scalar(prop, typid, value, path);
	o.json = value;
	return o;
}

Operand
operand_text(const char *s, JNode *json)
{
	Operand		o;

	o.type = TEXTOID;
	o.value = CStringGetTextDatum(s);
	o.json = json ? json : jnode_string(s);
	return o;
}

Operand
operand_jsonb(JNode *value)
{
	Operand		o;

	o.type = JSONBOID;
	o.value = JsonbPGetDatum(jnode_to_jsonb(value));
	o.json = value;
	return o;
}

Operand
operand_numeric(JNode *value)
{
	Operand		o;

	o.type = NUMERICOID;
	o.value = NumericGetDatum(value->num);
	o.json = value;
	return o;
}

/* An array parameter from converted element datums. */
Operand
operand_array(Oid arraytype, Oid elemtype, Datum *elems, bool *nulls, int n, JNode *json)
{
	Operand		o;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	int			dims[1];
	int			lbs[1] = {1};

	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	dims[0] = n;
	o.type = arraytype;
	if (n == 0)
		o.value = PointerGetDatum(construct_empty_array(elemtype));
	else
		o.value = PointerGetDatum(construct_md_array(elems, nulls, 1, dims, lbs, elemtype,
													 typlen, typbyval, typalign));
	o.json = json;
	return o;
}

/* ---------------------------------------------------------------------------
 * JSON paths (filter.md §8.1)
 * ---------------------------------------------------------------------------
 */

static bool
valid_component(const char *c)
{
	const char *p = c;

	if (*p >= '0' && *p <= '9')
	{
		for (; *p; p++)
			if (*p < '0' || *p > '9')
				return false;
		return true;
	}
	if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '_'))
		return false;
	for (p++; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
			  (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return false;
	return true;
}

/*
 * Split "seg.seg[0]..." (the part after the property) into components.
 * `rest` starts with '.' or '['.  Errors name `path`.
 */
List *
ignis_parse_json_path(const char *rest, const char *path)
{
	List	   *components = NIL;
	const char *p = rest;
	int			n = 0;

	while (*p)
	{
		const char *start;
		char	   *comp;

		CHECK_FOR_INTERRUPTS();
		if (++n > ignis_max_json_path_length)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("ignis: JSON path longer than %d components at %s",
							ignis_max_json_path_length, path),
					 errhint("Raise ignis.max_json_path_length to accept longer paths.")));

		if (*p == '.')
		{
			p++;
			start = p;
			while (*p && *p != '.' && *p != '[')
				p++;
		}
		else if (*p == '[')
		{
			p++;
			start = p;
			while (*p && *p != ']')
				p++;
			if (*p != ']')
				where_invalid(path, "unterminated [ in JSON path%s", "");
			comp = pnstrdup(start, p - start);
			p++;
			if (comp[0] == '\0')
				where_invalid(path, "empty JSON path component%s", "");
			if (!valid_component(comp) || !(comp[0] >= '0' && comp[0] <= '9'))
				where_invalid(path, "invalid JSON path component \"%s\"", comp);
			components = lappend(components, comp);
			continue;
		}
		else
			where_invalid(path, "invalid JSON path%s", "");
		comp = pnstrdup(start, p - start);
		if (comp[0] == '\0')
			where_invalid(path, "empty JSON path component%s", "");
		if (!valid_component(comp))
			where_invalid(path, "invalid JSON path component \"%s\"", comp);
		components = lappend(components, comp);
	}
	if (components == NIL)
		where_invalid(path, "empty JSON path%s", "");
	return components;
}

/* The property a JSON-path key starts with; checks it is json/jsonb. */
IgnisProperty *
ignis_json_path_prop(IgnisModel *model, const char *key, const char **rest,
					 const char *path)
{
	const char *sep = key + strcspn(key, ".[");
	char	   *propname = pnstrdup(key, sep - key);
	int			idx = ignis_model_find_prop(model, propname);
	IgnisProperty *prop;

	if (idx < 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("ignis: unknown property \"%s\" of model \"%s\" at %s",
						propname, model->name, path),
				 ignis_model_find_rel(model, propname)
				 ? errhint("\"%s\" is a relation of model \"%s\", not a json or jsonb property; in a where, filter by its rows with {\"%s\": {\"some\": {...}}}.",
						   propname, model->name, propname)
				 : errhint("A key containing \".\" or \"[\" is a JSON path whose first component is a json or jsonb property.")));
	prop = &model->props[idx];
	if (prop->kind != PROP_JSON && prop->kind != PROP_JSONB)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: JSON path on property \"%s\" of type %s at %s",
						prop->name, prop->type_display, path),
				 errhint("JSON paths need a json or jsonb property.")));
	*rest = sep;
	return prop;
}

/* The key of a one-component path that is not an array index, or NULL. */
char *
single_object_key(List *components)
{
	char	   *c;

	if (list_length(components) != 1)
		return NULL;
	c = linitial(components);
	return (c[0] >= '0' && c[0] <= '9') ? NULL : c;
}

Operand
ignis_path_operand(List *components)
{
	Operand		o;

	o.type = TEXTARRAYOID;
	o.value = ignis_text_array(components, &o.json);
	return o;
}
