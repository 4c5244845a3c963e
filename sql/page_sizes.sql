-- Page sizes (beyond the spec, as Ignis' 2026 repositories have them):
-- settings.defaultLimit is a model's own ignis.default_limit for top-level
-- finds; settings.defaultIncludeLimit (or the setting
-- ignis.default_include_limit) limits a to-many include whose scope gives no
-- limit, per parent, by the include's target model.  0 means no limit;
-- a limit the filter gives always wins.
SET TimeZone = 'UTC';
SET client_min_messages = warning;
RESET ignis.default_limit;

CREATE TABLE public.ps_owners (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE public.ps_items (id integer PRIMARY KEY, owner integer NOT NULL REFERENCES public.ps_owners, n integer NOT NULL);
INSERT INTO public.ps_owners SELECT g, 'owner ' || g FROM generate_series(1, 15) g;
INSERT INTO public.ps_items SELECT g, 1 + g % 3, g FROM generate_series(1, 30) g;
SELECT ignis.register_model('PsOwner', 'public.ps_owners', '{"defaultLimit": 4}') -> 'defaultLimit' AS owner_default_limit;
SELECT ignis.register_model('PsItem', 'public.ps_items', '{"defaultIncludeLimit": 2}') -> 'defaultIncludeLimit' AS item_default_include_limit;
SELECT ignis.register_relation('PsOwner', 'items', 'many', 'PsItem', '{"fields": ["id"], "references": ["owner"]}') ->> 'name' AS relation;
SELECT ignis.register_relation('PsItem', 'ownedBy', 'one', 'PsOwner', '{"fields": ["owner"], "references": ["id"]}') ->> 'name' AS relation;

-- defaultLimit replaces ignis.default_limit (10) for this model only
SELECT jsonb_array_length(ignis.find('PsOwner')) AS owners,
       jsonb_array_length(ignis.find('PsItem')) AS items;
SELECT jsonb_array_length(ignis.find('PsOwner', '{"limit": 12}')) AS owners_when_asked;
SET ignis.default_limit = 0;
SELECT jsonb_array_length(ignis.find('PsOwner')) AS owners, jsonb_array_length(ignis.find('PsItem')) AS items;
RESET ignis.default_limit;
-- ranges report the page the default gave
SELECT ignis.find('PsOwner', '{"fields": ["id"]}', '{"shouldQueryRange": true}') -> 'range' AS range;
-- find_one and find_by_id are not pages
SELECT ignis.find_by_id('PsOwner', 9) ->> 'name' AS by_id;

-- defaultIncludeLimit of the target: at most 2 items per owner unless the
-- include's scope says otherwise
SELECT ignis.find('PsOwner', '{"fields": ["id"], "include": [{"relation": "items", "scope": {"fields": ["id"]}}], "limit": 2}');
SELECT ignis.find('PsOwner', '{"fields": ["id"], "include": [{"relation": "items", "scope": {"fields": ["id"], "limit": 3}}], "limit": 1}');
-- to-one includes are not limited
SELECT ignis.find('PsItem', '{"fields": ["id"], "include": [{"relation": "ownedBy", "scope": {"fields": ["id"]}}], "limit": 2}');

-- ignis.default_include_limit applies to targets without the setting
-- (default 0: includes are not limited, as in Ignis before 2026)
SELECT ignis.register_model('PsItem2', 'public.ps_items') ->> 'name' AS model;
SELECT ignis.register_relation('PsOwner', 'allItems', 'many', 'PsItem2', '{"fields": ["id"], "references": ["owner"]}') ->> 'name' AS relation;
SELECT jsonb_array_length(ignis.find_by_id('PsOwner', 1, '{"include": ["allItems"]}') -> 'allItems') AS unlimited;
SET ignis.default_include_limit = 3;
SELECT jsonb_array_length(ignis.find_by_id('PsOwner', 1, '{"include": ["allItems"]}') -> 'allItems') AS guc_limited,
       jsonb_array_length(ignis.find_by_id('PsOwner', 1, '{"include": ["items"]}') -> 'items') AS setting_wins;
RESET ignis.default_include_limit;

-- describe_model shows the settings; bad values are refused
SELECT ignis.describe_model('PsOwner') -> 'defaultLimit' AS default_limit;
SELECT err($q$SELECT ignis.register_model('PsBad', 'public.ps_items', '{"defaultLimit": -1}')$q$);
SELECT err($q$SELECT ignis.register_model('PsBad', 'public.ps_items', '{"defaultIncludeLimit": "ten"}')$q$);
SELECT err($q$SELECT ignis.register_model('PsBad', 'public.ps_items', '{"defaultLimit": 2.5}')$q$);
SELECT err_hint($q$SELECT ignis.register_model('PsBad', 'public.ps_items', '{"defaultLimits": 5}')$q$);

SELECT ignis.unregister_model('PsItem2', true);
SELECT ignis.unregister_model('PsItem', true);
SELECT ignis.unregister_model('PsOwner', true);
DROP TABLE public.ps_items, public.ps_owners;
