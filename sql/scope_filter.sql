-- Scope filters (beyond the spec, as Ignis' 2026 repositories have them):
-- settings.scopeFilter is a where AND-ed into every read, count, include,
-- update, delete and restore of a model, that shouldSkipDefaultFilter does
-- not remove; rows a create or an update writes must satisfy it.  Its
-- operands may read session settings: {"$setting": "app.tenant_id"} is the
-- setting's value at call time, bound as a parameter and converted with the
-- property's type.  A missing or empty setting denies the call (42501).
SET TimeZone = 'UTC';
SET client_min_messages = warning;

CREATE TABLE public.sc_projects (id integer PRIMARY KEY, tenant_id integer NOT NULL, name text NOT NULL,
                                 archived_at timestamptz);
CREATE TABLE public.sc_tasks (id integer PRIMARY KEY, tenant_id integer NOT NULL, project_id integer NOT NULL
                              REFERENCES public.sc_projects, title text NOT NULL, done boolean NOT NULL DEFAULT false);
INSERT INTO public.sc_projects VALUES (1, 1, 'alpha', NULL), (2, 1, 'beta', '2024-01-01'), (3, 2, 'gamma', NULL);
-- task 5 belongs to tenant 2 but points at a project of tenant 1
INSERT INTO public.sc_tasks VALUES (1, 1, 1, 'write', false), (2, 1, 1, 'test', true), (3, 1, 2, 'ship', false),
                                   (4, 2, 3, 'plan', false), (5, 2, 1, 'spy', false);
SELECT ignis.register_model('ScProject', 'public.sc_projects',
  '{"naming": "camelCase", "softDelete": {"property": "archivedAt"},
    "scopeFilter": {"where": {"tenantId": {"$setting": "app.tenant_id"}}}}') -> 'scopeFilter' AS scope;
SELECT ignis.register_model('ScTask', 'public.sc_tasks',
  '{"naming": "camelCase", "scopeFilter": {"where": {"tenantId": {"eq": {"$setting": "app.tenant_id"}}}}}') ->> 'name' AS model;
SELECT ignis.register_relation('ScProject', 'tasks', 'many', 'ScTask', '{"fields": ["id"], "references": ["projectId"]}') ->> 'name' AS relation;
SELECT ignis.register_relation('ScTask', 'project', 'one', 'ScProject', '{"fields": ["projectId"], "references": ["id"]}') ->> 'name' AS relation;

-- Without the setting every call is denied, never unfiltered.
SELECT err_hint($q$SELECT ignis.find('ScProject')$q$);
SELECT err($q$SELECT ignis.count('ScTask')$q$);
SET app.tenant_id = '';
SELECT err($q$SELECT ignis.find_by_id('ScTask', 1)$q$);

-- Tenant 1 sees its rows only: in finds, counts, by id, and in includes at
-- any depth (task 5 of tenant 2 does not appear under project 1).
SET app.tenant_id = '1';
SELECT ignis.find('ScProject', '{"fields": ["id", "name"], "include": [{"relation": "tasks", "scope": {"fields": ["id"]}}]}');
SELECT ignis.count('ScTask'), ignis.exists_with('ScTask', '{"id": 4}') AS sees_task_4,
       ignis.find_by_id('ScTask', 5) AS task_5;
SELECT ignis.find('ScTask', '{"fields": ["id"], "include": [{"relation": "project", "scope": {"fields": ["name"]}}], "order": "id"}');
-- Relation filters see related rows through the target's scope too: task 5
-- (tenant 2) is not one of project 1's tasks for tenant 1, but is for a
-- caller the scope does not restrict.
SELECT ignis.find('ScProject', '{"fields": ["id"], "where": {"tasks": {"some": {"title": "spy"}}}}') AS with_spy_task,
       ignis.find('ScProject', '{"fields": ["id"], "where": {"tasks": {"some": {"title": "spy"}}}}', '{"scope": "unrestricted"}') AS unrestricted;
-- shouldSkipDefaultFilter lifts the default filter (archived project 2 shows),
-- not the scope
SELECT ignis.find('ScProject', '{"fields": ["id"]}', '{"shouldSkipDefaultFilter": true}');
-- the caller's where is AND-ed, never OR-ed, with the scope
SELECT ignis.find('ScTask', '{"fields": ["id"], "where": {"or": [{"tenantId": 2}, {"id": 4}]}}');

-- Writes stay inside the scope.
BEGIN;
SELECT ignis.update_all('ScTask', '{"done": true}', '{"done": false}') -> 'count' AS updated;
SELECT ignis.delete_by_id('ScTask', 4) -> 'count' AS deleted_other_tenant;
SELECT ignis.delete_all('ScProject', '{"name": "gamma"}') -> 'count' AS archived_other_tenant;
SELECT ignis.restore_by_id('ScProject', 2) -> 'count' AS restored;
SELECT id, tenant_id, done FROM public.sc_tasks ORDER BY id;
ROLLBACK;
-- a create must be inside the scope: a row for another tenant is refused,
-- and nothing of the call is written
SELECT ignis.create('ScTask', '{"id": 10, "tenantId": 1, "projectId": 1, "title": "new"}') -> 'count' AS created;
SELECT err_hint($q$SELECT ignis.create_all('ScTask', '[{"id": 11, "tenantId": 1, "projectId": 1, "title": "ok"}, {"id": 12, "tenantId": 2, "projectId": 3, "title": "other"}]')$q$);
SELECT count(*) AS rows_11_12 FROM public.sc_tasks WHERE id IN (11, 12);
-- and an update may not move a row out of it
SELECT err($q$SELECT ignis.update_by_id('ScTask', 1, '{"tenantId": 2}')$q$);
SELECT tenant_id FROM public.sc_tasks WHERE id = 1;
DELETE FROM public.sc_tasks WHERE id = 10;

-- Another tenant, the same cached statement: the setting is a parameter.
SET app.tenant_id = '2';
SELECT ignis.find('ScTask', '{"fields": ["id"]}');
SELECT ignis.build_query('ScTask', '{"fields": ["id"]}') AS query;

-- A setting's value is data, never SQL: a hostile value fails to convert
-- to the property's type, or matches nothing.
SET app.tenant_id = '1 OR 1=1';
SELECT err($q$SELECT ignis.find('ScTask')$q$);
SET app.tenant_id = '1) OR (1=1';
SELECT err($q$SELECT ignis.count('ScTask')$q$);

-- options.scope = "unrestricted" lifts the scope for superusers and members
-- of the role ignis_unrestricted; anyone else is refused.
SET app.tenant_id = '1';
SELECT ignis.count('ScTask', '{}', '{"scope": "unrestricted"}') AS all_tasks;
SELECT err($q$SELECT ignis.count('ScTask', '{}', '{"scope": "everything"}')$q$);
CREATE ROLE sc_app;
GRANT USAGE ON SCHEMA public TO sc_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.sc_tasks, public.sc_projects TO sc_app;
SET ROLE sc_app;
SELECT ignis.count('ScTask') AS as_app;
SELECT err_hint($q$SELECT ignis.count('ScTask', '{}', '{"scope": "unrestricted"}')$q$);
RESET ROLE;
CREATE ROLE ignis_unrestricted NOLOGIN;
GRANT ignis_unrestricted TO sc_app;
SET ROLE sc_app;
SELECT ignis.count('ScTask', '{}', '{"scope": "unrestricted"}') AS as_member;
RESET ROLE;

-- $setting is for model filters; in a caller's filter it is an unknown operator
SELECT err($q$SELECT ignis.find('ScTask', '{"where": {"tenantId": {"$setting": "app.tenant_id"}}}')$q$);
-- registration checks the scope filter like any filter
SELECT err($q$SELECT ignis.register_model('ScBad', 'public.sc_tasks', '{"scopeFilter": {"tenant": 1}}')$q$);
SELECT err($q$SELECT ignis.register_model('ScBad', 'public.sc_tasks', '{"scopeFilter": {"where": {"tenant": {"$setting": "app.t"}}}}')$q$);
SELECT err($q$SELECT ignis.register_model('ScBad', 'public.sc_tasks', '{"scopeFilter": {"where": {"tenant_id": {"$setting": 5}}}}')$q$);

RESET app.tenant_id;
SELECT ignis.unregister_model('ScTask', true);
SELECT ignis.unregister_model('ScProject', true);
DROP TABLE public.sc_tasks, public.sc_projects;
REVOKE ignis_unrestricted FROM sc_app;
DROP ROLE ignis_unrestricted;
REVOKE ALL ON SCHEMA public FROM sc_app;
DROP ROLE sc_app;
