/*-------------------------------------------------------------------------
 * discover.c
 *	  ignis.discover(schema name, options jsonb): register the relations of
 *	  a schema as models and its foreign keys as relations.
 *
 * Everything is registered by calling ignis.register_model and
 * ignis.register_relation through SPI, so every rule of those functions
 * applies unchanged.  A call that one of them rejects with a validation
 * error (22023, 42703, 42710, 42883) is rolled back on its own
 * subtransaction and reported under "skipped"; any other error aborts
 * the discovery.
 *
 * What is discovered (in relname order, C collation):
 *
 *	 * every ordinary table, partitioned table, view, materialized view and
 *	   foreign table of the schema, except those listed in options.skip,
 *	   partitions (their partitioned table stands for them) and relations
 *	   that belong to an extension;
 *	 * every foreign key declared on a discovered table whose referenced
 *	   table is discovered too (top-level constraints only: the copies
 *	   PostgreSQL makes for partitions are ignored), in the order of the
 *	   referencing table's name, then the constraint name.  A constraint
 *	   with the same columns and referenced columns as an earlier one is
 *	   skipped as a duplicate.
 *
 * Model names (options.modelNames):
 *
 *	 "pascal" (default)  the table name in PascalCase: split on "_", drop
 *						 empty pieces, upper-case the first character of
 *						 every piece (post_tags -> PostTags, users -> Users).
 *						 No singularisation.
 *	 "table"			 the table name unchanged.
 *
 * Model settings: {"naming": "camelCase"} when options.naming is
 * "camelCase", else {}; materialized views and views PostgreSQL cannot
 * write to (pg_relation_is_updatable) also get "operationScope":
 * "READ_ONLY".  The primary key is register_model's default (the table's
 * single-column primary key).
 *
 * Relation names, for a foreign key from table R (columns c1..cn) to
 * table T.  "camel(x)" is the property naming rule of models.md §4 when
 * options.naming is "camelCase", else x unchanged:
 *
 *	 one  (on R's model, target T's model, fields c -> references T's keys):
 *		  single-column key whose column ends in "_id" or "Id" (and is longer
 *		  than that suffix): camel(column without the suffix)
 *		  (author_id -> author, parent_id -> parent, ownerId -> owner);
 *		  otherwise camel(T's table name).
 *	 many (on T's model, target R's model, keys reversed):
 *		  camel(R's table name) (posts, postTags / post_tags).
 *
 * A name gets the suffix "By" + the PascalCase referencing columns joined
 * with "And" (postsByEditorId, officesByCountryAndRegionCode) when
 *	 - it was derived from a table name and several foreign keys link R to T
 *	   (the many side always is; the one side when it fell back to T's name),
 *	 - or it equals a property of the model it is declared on,
 *	 - or it equals a relation name given earlier in the same discovery to
 *	   that model.
 * If the suffixed name still clashes, the relation is skipped.  Names are
 * computed from the schema alone (never from what is already registered),
 * so a second run computes the same names.
 *
 * Idempotence: a model whose name is already registered on the same
 * relation is left alone (reported as skipped) and still used for the
 * relations; a name registered on another relation makes the table
 * skipped.  A relation whose name already exists on its model is skipped,
 * with a reason telling whether the existing one is identical.
 *
 * Result: {"models": [registered model names],
 *			"relations": [{"model", "name", "type", "target"}],
 *			"skipped": [{"object", "reason"}]}
 * where "object" is a qualified table name ("disc.users"), a constraint
 * ("constraint posts_author_id_fkey on disc.posts") or a relation
 * ("Posts.author").
 *-------------------------------------------------------------------------
 */
#include "ignis.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/formatting.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/resowner.h"

typedef struct DiscoverOptions
{
	bool		camel;			/* naming "camelCase" */
	bool		table_names;	/* modelNames "table" */
	int			nskip;
	char	  **skip;
} DiscoverOptions;

typedef struct DiscTable
{
	Oid			relid;
	char	   *relname;
	char	   *display;		/* schema.table, quoted where needed */
	bool		read_only;		/* materialized view, or a view PostgreSQL cannot write */
	char	   *model;			/* model used for this table, or NULL */
	JNode	   *desc;			/* describe_model document of that model */
	List	   *names;			/* relation names given in this run */
} DiscTable;

typedef struct DiscFk
{
	char	   *conname;
	DiscTable  *from;
	DiscTable  *to;
	int			nkeys;
	char	  **cols;			/* referencing columns */
	char	  **refcols;		/* referenced columns */
	char	   *object;			/* "constraint x on s.t" */
} DiscFk;

typedef struct Report
{
	JNode	   *models;
	JNode	   *relations;
	JNode	   *skipped;
} Report;

/* SQLSTATEs of register_* validation errors turned into "skipped". */
static const int caught_codes[] = {
	ERRCODE_INVALID_PARAMETER_VALUE,
	ERRCODE_UNDEFINED_COLUMN,
	ERRCODE_DUPLICATE_OBJECT,
	ERRCODE_UNDEFINED_FUNCTION
};

static const char *const option_keys[] = {"skip", "naming", "modelNames"};

/* ---------------------------------------------------------------------------
 * Names
 * ---------------------------------------------------------------------------
 */

/* Upper-case the first character (Unicode-aware, as the property rule). */
static char *
upper_first(const char *s)
{
	int			clen;
	char	   *first;
	char	   *upper;

	if (*s == '\0')
		return pstrdup(s);
	clen = pg_mblen(s);
	first = pnstrdup(s, clen);
	upper = str_toupper(first, clen, C_COLLATION_OID);
	if (strcmp(upper, first) == 0 && clen > 1)
		upper = str_toupper(first, clen, DEFAULT_COLLATION_OID);
	return psprintf("%s%s", upper, s + clen);
}

static char *
pascal_case(const char *s)
{
	return upper_first(ignis_camel_case(s));
}

static char *
camel_if(const DiscoverOptions *opts, const char *s)
{
	return opts->camel ? ignis_camel_case(s) : pstrdup(s);
}

/* The column without a trailing "_id" / "Id", or NULL. */
static char *
strip_id_suffix(const char *column)
{
	size_t		n = strlen(column);

	if (n > 3 && strcmp(column + n - 3, "_id") == 0)
		return pnstrdup(column, n - 3);
	if (n > 2 && strcmp(column + n - 2, "Id") == 0)
		return pnstrdup(column, n - 2);
	return NULL;
}

static char *
by_suffix(DiscFk *fk)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "By");
	for (i = 0; i < fk->nkeys; i++)
	{
		if (i > 0)
			appendStringInfoString(&buf, "And");
		appendStringInfoString(&buf, pascal_case(fk->cols[i]));
	}
	return buf.data;
}

/* ---------------------------------------------------------------------------
 * Report
 * ---------------------------------------------------------------------------
 */
static void
report_skip(Report *rep, const char *object, const char *reason)
{
	JNode	   *item = jnode_object(2);

	jnode_put(item, "object", jnode_string(object));
	jnode_put(item, "reason", jnode_string(reason));
	jnode_append(rep->skipped, item);
}

static void
report_relation(Report *rep, const char *model, const char *name, bool many,
				const char *target)
{
	JNode	   *item = jnode_object(4);

	jnode_put(item, "model", jnode_string(model));
	jnode_put(item, "name", jnode_string(name));
	jnode_put(item, "type", jnode_string(many ? "many" : "one"));
	jnode_put(item, "target", jnode_string(target));
	jnode_append(rep->relations, item);
}

/* ---------------------------------------------------------------------------
 * Options
 * ---------------------------------------------------------------------------
 */
static void
parse_options(JNode *options, DiscoverOptions *opts)
{
	JNode	   *v;
	int			i,
				k;

	memset(opts, 0, sizeof(*opts));
	for (i = 0; i < options->n; i++)
	{
		bool		known = false;

		for (k = 0; k < (int) lengthof(option_keys); k++)
			if (strcmp(options->keys[i], option_keys[k]) == 0)
				known = true;
		if (!known)
		{
			const char *best = closest_match(options->keys[i], option_keys,
											 lengthof(option_keys));

			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: unknown option %s",
							errpath_with_key("options", options->keys[i])),
					 best ? errhint("Did you mean \"%s\"?", best)
					 : errhint("Options of ignis.discover: skip, naming, modelNames.")));
		}
	}

	v = jnode_get(options, "naming");
	if (v && v->type != JN_NULL)
	{
		if (v->type != JN_STRING ||
			(strcmp(v->str, "identity") != 0 && strcmp(v->str, "camelCase") != 0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: options.naming must be \"identity\" or \"camelCase\"")));
		opts->camel = strcmp(v->str, "camelCase") == 0;
	}

	v = jnode_get(options, "modelNames");
	if (v && v->type != JN_NULL)
	{
		if (v->type != JN_STRING ||
			(strcmp(v->str, "pascal") != 0 && strcmp(v->str, "table") != 0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: options.modelNames must be \"pascal\" or \"table\"")));
		opts->table_names = strcmp(v->str, "table") == 0;
	}

	v = jnode_get(options, "skip");
	if (v && v->type != JN_NULL)
	{
		if (v->type != JN_ARRAY)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: options.skip must be an array of table names")));
		opts->nskip = v->n;
		opts->skip = palloc(sizeof(char *) * Max(v->n, 1));
		for (i = 0; i < v->n; i++)
		{
			if (v->items[i]->type != JN_STRING)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("ignis: options.skip[%d] must be a table name, not %s",
								i, jnode_type_name(v->items[i]))));
			opts->skip[i] = v->items[i]->str;
		}
	}
}

static bool
in_skip_list(const DiscoverOptions *opts, const char *relname)
{
	int			i;

	for (i = 0; i < opts->nskip; i++)
		if (strcmp(opts->skip[i], relname) == 0)
			return true;
	return false;
}

/* ---------------------------------------------------------------------------
 * SPI helpers (the caller is connected)
 * ---------------------------------------------------------------------------
 */
static void
spi_exec(const char *sql, int nargs, Oid *types, Datum *values)
{
	int			rc = SPI_execute_with_args(sql, nargs, types, values, NULL, false, 0);

	if (rc < 0)
		elog(ERROR, "ignis: discover statement failed: %s", SPI_result_code_string(rc));
}

static char *
spi_text(int row, int col)
{
	return SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col);
}

static Datum
spi_datum(int row, int col, bool *isnull)
{
	return SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, isnull);
}

/* A text[] column as a C array. */
static char **
spi_text_array(int row, int col, int *n)
{
	bool		isnull;
	Datum		d = spi_datum(row, col, &isnull);
	Datum	   *elems;
	char	  **out;
	int			i;

	if (isnull)
	{
		*n = 0;
		return NULL;
	}
	deconstruct_array(DatumGetArrayTypeP(d), TEXTOID, -1, false, TYPALIGN_INT,
					  &elems, NULL, n);
	out = palloc(sizeof(char *) * Max(*n, 1));
	for (i = 0; i < *n; i++)
		out[i] = TextDatumGetCString(elems[i]);
	return out;
}

/*
 * Run a single-row jsonb-returning call (register_model, register_relation,
 * describe_model) in a subtransaction.  Returns the result as a tree, or
 * NULL after a validation error, whose text is stored in *failure.  Other
 * errors are re-thrown.
 */
static JNode *
call_catalog(const char *sql, int nargs, Oid *types, Datum *values, char **failure)
{
	MemoryContext oldcontext = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	JNode	   *volatile result = NULL;

	*failure = NULL;
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcontext);

	PG_TRY();
	{
		bool		isnull;
		Datum		d;

		spi_exec(sql, nargs, types, values);
		d = spi_datum(0, 1, &isnull);
		if (!isnull)
			result = jnode_from_jsonb(DatumGetJsonbP(d));
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;
		bool		caught = false;
		int			i;

		MemoryContextSwitchTo(oldcontext);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;

		for (i = 0; i < (int) lengthof(caught_codes); i++)
			if (edata->sqlerrcode == caught_codes[i])
				caught = true;
		if (!caught)
			ReThrowError(edata);
		*failure = psprintf("%s (SQLSTATE %s)", edata->message,
							unpack_sql_state(edata->sqlerrcode));
		FreeErrorData(edata);
	}
	PG_END_TRY();
	return (JNode *) result;
}

/* ---------------------------------------------------------------------------
 * Models
 * ---------------------------------------------------------------------------
 */

/* schema.relation, quoted where needed, whatever the search_path. */
static char *
qualified_relname(Oid relid)
{
	char	   *relname = get_rel_name(relid);

	if (relname == NULL)
		return psprintf("relation %u", relid);
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
									  relname);
}

/* Name and relid of a registered model, if it exists. */
static bool
existing_model(const char *name, Oid *relid)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1];
	bool		isnull;

	values[0] = CStringGetTextDatum(name);
	spi_exec("SELECT relid::pg_catalog.oid FROM ignis.models"
			 " WHERE name OPERATOR(pg_catalog.=) $1", 1, types, values);
	if (SPI_processed == 0)
		return false;
	*relid = DatumGetObjectId(spi_datum(0, 1, &isnull));
	return true;
}

static char *
model_name_for(const DiscoverOptions *opts, const char *relname)
{
	return opts->table_names ? pstrdup(relname) : pascal_case(relname);
}

/* The relations of the schema, registered (or reused) as models. */
static List *
discover_models(Oid nspoid, const char *nspname, const DiscoverOptions *opts, Report *rep)
{
	Oid			types[3] = {OIDOID, TEXTOID, JSONBOID};
	Datum		values[3];
	List	   *tables = NIL;
	List	   *candidates = NIL;
	SPITupleTable *tuptable;
	uint64		nrows,
				row;
	ListCell   *lc;
	int			i;

	values[0] = ObjectIdGetDatum(nspoid);
	spi_exec("SELECT c.oid, c.relname::pg_catalog.text, c.relispartition,"
			 " (SELECT i.inhparent"
			 "    FROM pg_catalog.pg_inherits i"
			 "   WHERE i.inhrelid OPERATOR(pg_catalog.=) c.oid LIMIT 1),"
			 " (SELECT e.extname::pg_catalog.text"
			 "    FROM pg_catalog.pg_depend d"
			 "    JOIN pg_catalog.pg_extension e ON e.oid OPERATOR(pg_catalog.=) d.refobjid"
			 "   WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass"
			 "     AND d.objid OPERATOR(pg_catalog.=) c.oid"
			 "     AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::pg_catalog.regclass"
			 "     AND d.deptype OPERATOR(pg_catalog.=) 'e' LIMIT 1),"
			 " CASE WHEN c.relkind OPERATOR(pg_catalog.=) 'm' THEN true"
			 "   WHEN c.relkind OPERATOR(pg_catalog.=) 'v'"
			 "   THEN (pg_catalog.pg_relation_is_updatable(c.oid, true)"
			 "                  OPERATOR(pg_catalog.&) 28) OPERATOR(pg_catalog.=) 0"
			 "   ELSE false END"
			 " FROM pg_catalog.pg_class c"
			 " WHERE c.relnamespace OPERATOR(pg_catalog.=) $1"
			 "   AND c.relkind OPERATOR(pg_catalog.=) ANY ('{r,p,v,m,f}'::pg_catalog.\"char\"[])"
			 " ORDER BY c.relname COLLATE pg_catalog.\"C\"",
			 1, types, values);
	tuptable = SPI_tuptable;
	nrows = SPI_processed;

	/* options.skip must name relations of the schema (D1: no silent typos) */
	for (i = 0; i < opts->nskip; i++)
	{
		bool		found = false;

		for (row = 0; row < nrows && !found; row++)
			if (strcmp(SPI_getvalue(tuptable->vals[row], tuptable->tupdesc, 2),
					   opts->skip[i]) == 0)
				found = true;
		if (!found)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_TABLE),
					 errmsg("ignis: options.skip[%d] names no table or view of schema \"%s\": \"%s\"",
							i, nspname, opts->skip[i])));
	}

	for (row = 0; row < nrows; row++)
	{
		HeapTuple	tup = tuptable->vals[row];
		TupleDesc	td = tuptable->tupdesc;
		bool		isnull;
		DiscTable  *t = palloc0(sizeof(DiscTable));
		Oid			parent;
		char	   *extname;

		t->relid = DatumGetObjectId(SPI_getbinval(tup, td, 1, &isnull));
		t->relname = SPI_getvalue(tup, td, 2);
		t->display = quote_qualified_identifier(nspname, t->relname);
		tables = lappend(tables, t);

		parent = DatumGetObjectId(SPI_getbinval(tup, td, 4, &isnull));
		if (isnull)
			parent = InvalidOid;
		extname = SPI_getvalue(tup, td, 5);
		if (in_skip_list(opts, t->relname))
			report_skip(rep, t->display, "listed in options.skip");
		else if (DatumGetBool(SPI_getbinval(tup, td, 3, &isnull)))
			report_skip(rep, t->display,
						psprintf("partition of %s (its partitioned table stands for it)",
								 OidIsValid(parent) ? qualified_relname(parent)
								 : "another table"));
		else if (extname)
			report_skip(rep, t->display,
						psprintf("belongs to extension \"%s\"", extname));
		else
		{
			t->read_only = DatumGetBool(SPI_getbinval(tup, td, 6, &isnull));
			candidates = lappend(candidates, t);
		}
	}

	foreach(lc, candidates)
	{
		DiscTable  *t = lfirst(lc);
		char	   *name = model_name_for(opts, t->relname);
		Oid			relid;
		ListCell   *lc2;
		DiscTable  *taken = NULL;

		foreach(lc2, tables)
		{
			DiscTable  *o = lfirst(lc2);

			if (o == t)
				break;
			if (o->model && strcmp(o->model, name) == 0)
				taken = o;
		}
		if (taken)
		{
			report_skip(rep, t->display,
						psprintf("model name \"%s\" is already taken by %s", name,
								 taken->display));
			continue;
		}
		if (strlen(name) >= NAMEDATALEN)
		{
			report_skip(rep, t->display,
						psprintf("model name \"%s\" is longer than %d characters",
								 name, NAMEDATALEN - 1));
			continue;
		}
		if (existing_model(name, &relid))
		{
			if (relid == t->relid)
			{
				report_skip(rep, t->display,
							psprintf("model \"%s\" is already registered on this relation",
									 name));
				t->model = name;
			}
			else
				report_skip(rep, t->display,
							psprintf("model name \"%s\" is already used by %s", name,
									 qualified_relname(relid)));
			continue;
		}

		{
			JNode	   *settings = jnode_object(2);
			char	   *failure;

			if (opts->camel)
				jnode_put(settings, "naming", jnode_string("camelCase"));
			if (t->read_only)
				jnode_put(settings, "operationScope", jnode_string("READ_ONLY"));
			values[0] = CStringGetTextDatum(name);
			values[1] = ObjectIdGetDatum(t->relid);
			values[2] = JsonbPGetDatum(jnode_to_jsonb(settings));
			types[0] = TEXTOID;
			types[1] = OIDOID;
			types[2] = JSONBOID;
			t->desc = call_catalog("SELECT ignis.register_model($1,"
								   " $2::pg_catalog.oid::pg_catalog.regclass, $3)",
								   3, types, values, &failure);
			if (t->desc == NULL)
			{
				report_skip(rep, t->display,
							psprintf("register_model failed: %s", failure));
				continue;
			}
			t->model = name;
			jnode_append(rep->models, jnode_string(name));
		}
	}

	/* describe the models that were registered before */
	foreach(lc, tables)
	{
		DiscTable  *t = lfirst(lc);

		if (t->model && t->desc == NULL)
		{
			Oid			dtypes[1] = {TEXTOID};
			Datum		dvalues[1];
			bool		isnull;
			Datum		d;

			dvalues[0] = CStringGetTextDatum(t->model);
			spi_exec("SELECT ignis.describe_model($1)", 1, dtypes, dvalues);
			d = spi_datum(0, 1, &isnull);
			t->desc = jnode_from_jsonb(DatumGetJsonbP(d));
		}
	}
	return tables;
}

/* ---------------------------------------------------------------------------
 * Relations
 * ---------------------------------------------------------------------------
 */

/* Property of a column of the table's model, or NULL. */
static char *
column_property(DiscTable *t, const char *column)
{
	JNode	   *props = jnode_get(t->desc, "properties");
	int			i;

	for (i = 0; props && i < props->n; i++)
	{
		JNode	   *col = jnode_get(props->items[i], "column");

		if (col && col->type == JN_STRING && strcmp(col->str, column) == 0)
			return jnode_get(props->items[i], "name")->str;
	}
	return NULL;
}

static bool
name_taken(DiscTable *t, const char *name)
{
	JNode	   *props = jnode_get(t->desc, "properties");
	ListCell   *lc;
	int			i;

	for (i = 0; props && i < props->n; i++)
		if (strcmp(jnode_get(props->items[i], "name")->str, name) == 0)
			return true;
	foreach(lc, t->names)
		if (strcmp((char *) lfirst(lc), name) == 0)
			return true;
	return false;
}

/* The relation of that name already registered on the model, or NULL. */
static JNode *
existing_relation(DiscTable *t, const char *name)
{
	JNode	   *rels = jnode_get(t->desc, "relations");
	int			i;

	for (i = 0; rels && i < rels->n; i++)
		if (strcmp(jnode_get(rels->items[i], "name")->str, name) == 0)
			return rels->items[i];
	return NULL;
}

static bool
same_keys(JNode *list, char **keys, int n)
{
	int			i;

	if (list == NULL || list->type != JN_ARRAY || list->n != n)
		return false;
	for (i = 0; i < n; i++)
		if (list->items[i]->type != JN_STRING || strcmp(list->items[i]->str, keys[i]) != 0)
			return false;
	return true;
}

/*
 * Give the relation its final name (with the By-suffix when needed) and
 * reserve it on the model; NULL when even the suffixed name clashes.
 */
static char *
assign_name(DiscTable *on, char *base, bool suffix, DiscFk *fk)
{
	char	   *name = base;

	if (suffix || name_taken(on, name))
		name = psprintf("%s%s", base, by_suffix(fk));
	if (name_taken(on, name))
		return NULL;
	on->names = lappend(on->names, name);
	return name;
}

static void
register_one_relation(Report *rep, DiscTable *on, DiscTable *target, const char *name,
					  bool many, char **fields, char **refs, int nkeys)
{
	JNode	   *existing = existing_relation(on, name);
	char	   *object = psprintf("%s.%s", on->model, name);
	JNode	   *settings;
	JNode	   *fl;
	JNode	   *rl;
	char	   *failure;
	Oid			types[5] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, JSONBOID};
	Datum		values[5];
	int			i;

	if (existing)
	{
		JNode	   *type = jnode_get(existing, "type");
		JNode	   *tgt = jnode_get(existing, "target");

		if (strcmp(type->str, many ? "many" : "one") == 0 &&
			strcmp(tgt->str, target->model) == 0 &&
			same_keys(jnode_get(existing, "fields"), fields, nkeys) &&
			same_keys(jnode_get(existing, "references"), refs, nkeys))
			report_skip(rep, object, "relation already registered");
		else
			report_skip(rep, object,
						psprintf("model \"%s\" already has a different relation \"%s\"",
								 on->model, name));
		return;
	}

	settings = jnode_object(2);
	fl = jnode_array(nkeys);
	rl = jnode_array(nkeys);
	for (i = 0; i < nkeys; i++)
	{
		jnode_append(fl, jnode_string(fields[i]));
		jnode_append(rl, jnode_string(refs[i]));
	}
	jnode_put(settings, "fields", fl);
	jnode_put(settings, "references", rl);
	values[0] = CStringGetTextDatum(on->model);
	values[1] = CStringGetTextDatum(name);
	values[2] = CStringGetTextDatum(many ? "many" : "one");
	values[3] = CStringGetTextDatum(target->model);
	values[4] = JsonbPGetDatum(jnode_to_jsonb(settings));
	if (call_catalog("SELECT ignis.register_relation($1, $2, $3, $4, $5)",
					 5, types, values, &failure) == NULL)
		report_skip(rep, object, psprintf("register_relation failed: %s", failure));
	else
		report_relation(rep, on->model, name, many, target->model);
}

static DiscTable *
table_by_oid(List *tables, Oid relid)
{
	ListCell   *lc;

	foreach(lc, tables)
		if (((DiscTable *) lfirst(lc))->relid == relid)
			return lfirst(lc);
	return NULL;
}

static void
discover_relations(Oid nspoid, const char *nspname, List *tables,
				   const DiscoverOptions *opts, Report *rep)
{
	Oid			types[1] = {OIDOID};
	Datum		values[1];
	List	   *fks = NIL;
	uint64		row;
	ListCell   *lc;

	values[0] = ObjectIdGetDatum(nspoid);
	spi_exec("SELECT con.conname::pg_catalog.text, con.conrelid, con.confrelid,"
			 " ARRAY(SELECT a.attname::pg_catalog.text"
			 "         FROM pg_catalog.unnest(con.conkey) WITH ORDINALITY k(attnum, ord)"
			 "         JOIN pg_catalog.pg_attribute a"
			 "           ON a.attrelid OPERATOR(pg_catalog.=) con.conrelid"
			 "          AND a.attnum OPERATOR(pg_catalog.=) k.attnum ORDER BY k.ord),"
			 " ARRAY(SELECT a.attname::pg_catalog.text"
			 "         FROM pg_catalog.unnest(con.confkey) WITH ORDINALITY k(attnum, ord)"
			 "         JOIN pg_catalog.pg_attribute a"
			 "           ON a.attrelid OPERATOR(pg_catalog.=) con.confrelid"
			 "          AND a.attnum OPERATOR(pg_catalog.=) k.attnum ORDER BY k.ord),"
			 " fc.relnamespace OPERATOR(pg_catalog.=) $1"
			 " FROM pg_catalog.pg_constraint con"
			 " JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) con.conrelid"
			 " JOIN pg_catalog.pg_class fc ON fc.oid OPERATOR(pg_catalog.=) con.confrelid"
			 " WHERE con.contype OPERATOR(pg_catalog.=) 'f'"
			 "   AND con.conparentid OPERATOR(pg_catalog.=) 0"
			 "   AND c.relnamespace OPERATOR(pg_catalog.=) $1"
			 " ORDER BY c.relname COLLATE pg_catalog.\"C\", con.conname COLLATE pg_catalog.\"C\"",
			 1, types, values);

	for (row = 0; row < SPI_processed; row++)
	{
		bool		isnull;
		DiscFk	   *fk = palloc0(sizeof(DiscFk));
		int			nref;
		Oid			conrelid = DatumGetObjectId(spi_datum(row, 2, &isnull));
		Oid			confrelid = DatumGetObjectId(spi_datum(row, 3, &isnull));
		bool		inside = DatumGetBool(spi_datum(row, 6, &isnull));

		fk->conname = spi_text(row, 1);
		fk->from = table_by_oid(tables, conrelid);
		fk->to = inside ? table_by_oid(tables, confrelid) : NULL;
		fk->cols = spi_text_array(row, 4, &fk->nkeys);
		fk->refcols = spi_text_array(row, 5, &nref);
		fk->object = psprintf("constraint %s on %s", quote_identifier(fk->conname),
							  fk->from ? fk->from->display : "?");

		if (fk->from == NULL || fk->from->model == NULL)
			continue;			/* the table itself is reported already */
		if (!inside)
		{
			report_skip(rep, fk->object,
						psprintf("references %s, outside schema \"%s\"",
								 qualified_relname(confrelid), nspname));
			continue;
		}
		if (fk->to == NULL || fk->to->model == NULL)
		{
			report_skip(rep, fk->object,
						psprintf("references %s, which has no model in this discovery",
								 qualified_relname(confrelid)));
			continue;
		}
		{
			ListCell   *lc2;
			DiscFk	   *dup = NULL;

			foreach(lc2, fks)
			{
				DiscFk	   *o = lfirst(lc2);
				int			i;

				if (o->from != fk->from || o->to != fk->to || o->nkeys != fk->nkeys)
					continue;
				dup = o;
				for (i = 0; i < fk->nkeys; i++)
					if (strcmp(o->cols[i], fk->cols[i]) != 0 ||
						strcmp(o->refcols[i], fk->refcols[i]) != 0)
						dup = NULL;
				if (dup)
					break;
			}
			if (dup)
			{
				report_skip(rep, fk->object,
							psprintf("same keys as constraint %s", quote_identifier(dup->conname)));
				continue;
			}
		}
		fks = lappend(fks, fk);
	}

	foreach(lc, fks)
	{
		DiscFk	   *fk = lfirst(lc);
		char	  **fprops = palloc(sizeof(char *) * fk->nkeys);
		char	  **rprops = palloc(sizeof(char *) * fk->nkeys);
		int			pair = 0;
		ListCell   *lc2;
		char	   *stripped = NULL;
		char	   *base;
		bool		from_table;
		char	   *one_name;
		char	   *many_name;
		bool		ok = true;
		int			i;

		for (i = 0; i < fk->nkeys; i++)
		{
			fprops[i] = column_property(fk->from, fk->cols[i]);
			rprops[i] = column_property(fk->to, fk->refcols[i]);
			if (fprops[i] == NULL || rprops[i] == NULL)
				ok = false;
		}
		if (!ok)
		{
			report_skip(rep, fk->object, "a key column has no property in its model");
			continue;
		}
		foreach(lc2, fks)
		{
			DiscFk	   *o = lfirst(lc2);

			if (o->from == fk->from && o->to == fk->to)
				pair++;
		}

		/* one, on the referencing model */
		if (fk->nkeys == 1)
			stripped = strip_id_suffix(fk->cols[0]);
		from_table = stripped == NULL;
		base = camel_if(opts, from_table ? fk->to->relname : stripped);
		one_name = assign_name(fk->from, base, from_table && pair > 1, fk);
		if (one_name == NULL)
			report_skip(rep, psprintf("%s.%s%s", fk->from->model, base, by_suffix(fk)),
						psprintf("relation name clashes with a property or another relation of model \"%s\"",
								 fk->from->model));
		else
			register_one_relation(rep, fk->from, fk->to, one_name, false,
								  fprops, rprops, fk->nkeys);

		/* many, on the referenced model */
		base = camel_if(opts, fk->from->relname);
		many_name = assign_name(fk->to, base, pair > 1, fk);
		if (many_name == NULL)
			report_skip(rep, psprintf("%s.%s%s", fk->to->model, base, by_suffix(fk)),
						psprintf("relation name clashes with a property or another relation of model \"%s\"",
								 fk->to->model));
		else
			register_one_relation(rep, fk->to, fk->from, many_name, true,
								  rprops, fprops, fk->nkeys);
	}
}

/* ---------------------------------------------------------------------------
 * ignis.discover(schema name DEFAULT 'public', options jsonb DEFAULT '{}')
 * ---------------------------------------------------------------------------
 */
PG_FUNCTION_INFO_V1(ignis_discover);
Datum
ignis_discover(PG_FUNCTION_ARGS)
{
	char	   *nspname;
	Oid			nspoid;
	DiscoverOptions opts;
	Report		rep;
	List	   *tables;
	JNode	   *result;
	Datum		d;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("ignis: schema must not be NULL")));
	nspname = pstrdup(NameStr(*PG_GETARG_NAME(0)));
	parse_options(ignis_arg_object(PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1), "options"),
				  &opts);
	nspoid = get_namespace_oid(nspname, true);
	if (!OidIsValid(nspoid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_SCHEMA),
				 errmsg("ignis: schema \"%s\" does not exist", nspname)));

	rep.models = jnode_array(8);
	rep.relations = jnode_array(8);
	rep.skipped = jnode_array(8);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "ignis: SPI_connect failed");
	tables = discover_models(nspoid, nspname, &opts, &rep);
	discover_relations(nspoid, nspname, tables, &opts, &rep);

	result = jnode_object(3);
	jnode_put(result, "models", rep.models);
	jnode_put(result, "relations", rep.relations);
	jnode_put(result, "skipped", rep.skipped);
	d = SPI_datumTransfer(JsonbPGetDatum(jnode_to_jsonb(result)), false, -1);
	SPI_finish();
	PG_RETURN_DATUM(d);
}
