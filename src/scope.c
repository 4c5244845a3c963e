/*-------------------------------------------------------------------------
 * scope.c
 *	  Scope filters and {"$setting": name} operands.
 *
 * A model's settings.scopeFilter ({"where": {...}}) is AND-ed into every
 * read, count, include, update, delete and restore of the model, and the
 * rows a create or update writes must satisfy it.  shouldSkipDefaultFilter
 * does not remove it; options.scope = "unrestricted" does, for superusers
 * and members of the role ignis_unrestricted only.
 *
 * Scope and default filters may compare with session settings:
 * {"tenantId": {"$setting": "app.tenant_id"}}.  The setting is read when the
 * call is compiled, as current_setting(name, true) reads it, and becomes an
 * ordinary value: a parameter of the statement, converted with the
 * property's type, never SQL text.  A setting that is missing or empty
 * denies the call (42501): a scope that cannot be resolved matches nothing,
 * never everything.
 *-------------------------------------------------------------------------
 */
#include "ignis.h"

#include "catalog/pg_authid.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/guc.h"

/* options.scope = "unrestricted" granted for the call being compiled */
bool		ignis_scope_unrestricted = false;

#define UNRESTRICTED_ROLE "ignis_unrestricted"

static bool
is_setting_operand(const JNode *node)
{
	return node->type == JN_OBJECT && node->n == 1 && strcmp(node->keys[0], "$setting") == 0;
}

/* Whether a filter holds any {"$setting": ...} operand. */
bool
ignis_has_setting(const JNode *node)
{
	int			i;

	check_stack_depth();
	if (node == NULL)
		return false;
	if (is_setting_operand(node))
		return true;
	if (node->type == JN_OBJECT || node->type == JN_ARRAY)
		for (i = 0; i < node->n; i++)
			if (ignis_has_setting(node->items[i]))
				return true;
	return false;
}

/*
 * A copy of a model's filter with every {"$setting": name} replaced by the
 * setting's value; when validating (at registration) by JSON null, which
 * every operator accepts, so that the filter's shape can be checked without
 * a value.  `what` names the filter in errors ("settings.scopeFilter").
 */
JNode *
ignis_resolve_settings(const JNode *node, const char *model, const char *what, bool validate)
{
	JNode	   *copy;
	int			i;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();
	if (is_setting_operand(node))
	{
		const JNode *name = node->items[0];
		const char *value;

		if (name->type != JN_STRING || name->str[0] == '\0')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ignis: a $setting operand in %s of model \"%s\" must name a setting",
							what, model),
					 errhint("For example {\"$setting\": \"app.tenant_id\"}.")));
		if (validate)
			return jnode_new(JN_NULL);
		value = GetConfigOptionByName(name->str, NULL, true);
		if (value == NULL || value[0] == '\0')
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("ignis: setting \"%s\" is not set: %s of model \"%s\" denies the call",
							name->str, what, model),
					 errhint("Set it for the session or transaction first, e.g. SET %s = '...'.",
							 name->str)));
		return jnode_string(value);
	}
	if (node->type != JN_OBJECT && node->type != JN_ARRAY)
		return (JNode *) node;
	copy = node->type == JN_OBJECT ? jnode_object(node->n) : jnode_array(node->n);
	for (i = 0; i < node->n; i++)
	{
		JNode	   *item = ignis_resolve_settings(node->items[i], model, what, validate);

		if (node->type == JN_OBJECT)
			jnode_put(copy, node->keys[i], item);
		else
			jnode_append(copy, item);
	}
	return copy;
}

/* The model's default filter with its settings resolved (NULL: none). */
JNode *
ignis_default_filter(IgnisModel *model)
{
	if (model->default_filter == NULL || !model->default_has_setting)
		return model->default_filter;
	return ignis_resolve_settings(model->default_filter, model->name, "settings.defaultFilter",
								  false);
}

/* The model's scope where for this call, resolved; NULL when none applies. */
JNode *
ignis_scope_where(IgnisModel *model)
{
	if (!ignis_scope_applies(model))
		return NULL;
	return ignis_resolve_settings(model->scope_where, model->name, "settings.scopeFilter",
								  false);
}

/* Whether a scope filter applies to this call (options.scope may lift it). */
bool
ignis_scope_applies(IgnisModel *model)
{
	return model->scope_where != NULL && !ignis_scope_unrestricted;
}

/*
 * The scope filter AND-ed to a where already parsed (so that errors in the
 * caller's where keep the caller's paths); where unchanged when none applies.
 */
WhereExpr *
ignis_scope_apply(IgnisModel *model, WhereExpr *where)
{
	JNode	   *scope = ignis_scope_where(model);
	StringInfoData path;

	if (scope == NULL)
		return where;
	initStringInfo(&path);
	appendStringInfoString(&path, "settings.scopeFilter.where");
	return where_and(where_parse(model, scope, &path), where);
}

/*
 * options.scope: "unrestricted" lifts scope filters for superusers and
 * members of ignis_unrestricted (a role the administrator creates).
 */
void
ignis_scope_option(JNode *value)
{
	Oid			role;

	if (value->type != JN_STRING || strcmp(value->str, "unrestricted") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ignis: options.scope must be \"unrestricted\"")));
	role = get_role_oid(UNRESTRICTED_ROLE, true);
	if (!superuser() && !(OidIsValid(role) && has_privs_of_role(GetUserId(), role)))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("ignis: options.scope \"unrestricted\" requires membership in role %s",
						UNRESTRICTED_ROLE),
				 errhint("An administrator grants it: CREATE ROLE %s NOLOGIN; GRANT %s TO <role>;",
						 UNRESTRICTED_ROLE, UNRESTRICTED_ROLE)));
	ignis_scope_unrestricted = true;
}
