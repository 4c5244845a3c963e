/*-------------------------------------------------------------------------
 * querybuilder.c
 *	  SQL text plus the parameters bound to it.
 *
 * Every caller-supplied value becomes a parameter written as "$n::type",
 * so the statement text depends only on the shape of the filter and one
 * shape is one cached plan.
 *-------------------------------------------------------------------------
 */
#include "ignis.h"

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

/*
 * Qualified type names for "$n::type", cached: every parameter of every
 * call needs one, and format_type is a catalog lookup plus string work.
 * A change to pg_type or pg_namespace (a renamed type or schema) flushes
 * the cache.
 */
typedef struct TypeNameEntry
{
	Oid			typid;
	char	   *name;
} TypeNameEntry;

static HTAB *type_names = NULL;
static MemoryContext type_names_cxt = NULL;

static void
type_names_flush(Datum arg, int cacheid, uint32 hashvalue)
{
	if (type_names_cxt)
		MemoryContextReset(type_names_cxt);
	type_names = NULL;
}

static const char *
type_sql_name(Oid typid)
{
	TypeNameEntry *entry;
	char	   *formatted;

	if (type_names_cxt == NULL)
	{
		type_names_cxt = AllocSetContextCreate(CacheMemoryContext, "ignis type names",
											   ALLOCSET_SMALL_SIZES);
		CacheRegisterSyscacheCallback(TYPEOID, type_names_flush, (Datum) 0);
		CacheRegisterSyscacheCallback(NAMESPACEOID, type_names_flush, (Datum) 0);
	}
	if (type_names != NULL)
	{
		entry = hash_search(type_names, &typid, HASH_FIND, NULL);
		if (entry)
			return entry->name;
	}

	/* a catalog lookup: may process invalidations and flush the cache */
	formatted = format_type_extended(typid, -1, FORMAT_TYPE_FORCE_QUALIFY);
	if (type_names == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(TypeNameEntry);
		ctl.hcxt = type_names_cxt;
		type_names = hash_create("ignis type names", 64, &ctl,
								 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	entry = hash_search(type_names, &typid, HASH_ENTER, NULL);
	entry->name = MemoryContextStrdup(type_names_cxt, formatted);
	return entry->name;
}

/* A list of C strings as a text[] datum, and as JSON in *json. */
Datum
ignis_text_array(List *strings, JNode **json)
{
	int			n = list_length(strings);
	Datum	   *elems = palloc(sizeof(Datum) * Max(n, 1));
	ListCell   *lc;
	int			i = 0;

	*json = jnode_array(n);
	foreach(lc, strings)
	{
		elems[i++] = CStringGetTextDatum((char *) lfirst(lc));
		jnode_append(*json, jnode_string((char *) lfirst(lc)));
	}
	return PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/* Register a text[] parameter holding a JSON path; returns its number. */
int
qb_path_param(QueryBuilder *qb, List *components)
{
	JNode	   *json;
	Datum		value = ignis_text_array(components, &json);

	return qb_param(qb, TEXTARRAYOID, value, false, json);
}

void
qb_init(QueryBuilder *qb)
{
	memset(qb, 0, sizeof(QueryBuilder));
	initStringInfo(&qb->sql);
	initStringInfo(&qb->plan_class);
	qb->maxparams = 8;
	qb->types = palloc(sizeof(Oid) * qb->maxparams);
	qb->values = palloc(sizeof(Datum) * qb->maxparams);
	qb->nulls = palloc(sizeof(char) * qb->maxparams);
	qb->json = palloc(sizeof(JNode *) * qb->maxparams);
}

/* Register a parameter; returns its number ($n). */
int
qb_param(QueryBuilder *qb, Oid type, Datum value, bool isnull, JNode *json)
{
	if (qb->nparams >= qb->maxparams)
	{
		qb->maxparams *= 2;
		qb->types = repalloc(qb->types, sizeof(Oid) * qb->maxparams);
		qb->values = repalloc(qb->values, sizeof(Datum) * qb->maxparams);
		qb->nulls = repalloc(qb->nulls, sizeof(char) * qb->maxparams);
		qb->json = repalloc(qb->json, sizeof(JNode *) * qb->maxparams);
	}
	qb->types[qb->nparams] = type;
	qb->values[qb->nparams] = value;
	qb->nulls[qb->nparams] = isnull ? 'n' : ' ';
	qb->json[qb->nparams] = json;
	return ++qb->nparams;
}

void
qb_append_param(QueryBuilder *qb, int paramno)
{
	char		num[16];
	int			len = pg_ltoa(paramno, num);

	appendStringInfoChar(&qb->sql, '$');
	appendBinaryStringInfo(&qb->sql, num, len);
	appendBinaryStringInfo(&qb->sql, "::", 2);
	appendStringInfoString(&qb->sql, type_sql_name(qb->types[paramno - 1]));
}

void
qb_append_new_param(QueryBuilder *qb, Oid type, Datum value, bool isnull, JNode *json)
{
	qb_append_param(qb, qb_param(qb, type, value, isnull, json));
}

/* The parameters as a JSON array text (build_query, log). */
char *
qb_params_json(QueryBuilder *qb)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '[');
	for (i = 0; i < qb->nparams; i++)
	{
		if (i > 0)
			appendStringInfoString(&buf, ", ");
		if (qb->json[i])
			jnode_to_json(&buf, qb->json[i]);
		else
			appendStringInfoString(&buf, "null");
	}
	appendStringInfoChar(&buf, ']');
	return buf.data;
}


/*
 * An identifier, always double-quoted (quote_identifier leaves plain
 * lower-case names bare; generated statements quote every name so that
 * none can ever be read as a keyword).
 */
char *
ignis_quote_ident(const char *name)
{
	StringInfoData buf;
	const char *p;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '"');
	for (p = name; *p; p++)
	{
		if (*p == '"')
			appendStringInfoChar(&buf, '"');
		appendStringInfoChar(&buf, *p);
	}
	appendStringInfoChar(&buf, '"');
	return buf.data;
}
