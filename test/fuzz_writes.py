#!/usr/bin/env python3
"""Fuzz the write functions of the ignis extension against plain SQL.

    python3 test/fuzz_writes.py [-n CALLS] [--seed SEED] [-d DBNAME] [-v]

Connects with psql like test/fuzz_filters.py (whose session, encoding and
error checks it shares) to a database in which the extension is installed and
docs/sample.sql is loaded.  It creates (once) a table public.fuzz_w with two
models on it: FuzzWSoft (soft delete, camelCase, a hidden property and a
default filter {"n": {"gte": 0}} that restores must keep) and FuzzWPlain (no
soft delete, property names = column names).

Each call is one of create, create_all, update_by_id, update_all (regular and
JSON-path keys), delete_by_id, delete_all, restore_by_id, restore_all on
Post, User, Category, FuzzWSoft or FuzzWPlain, with random shouldReturn,
force, shouldHardDelete and shouldSkipDefaultFilter.  In "clean" calls the
fuzzer also writes the plain SQL statement that does the same (the where
language subset, default-filter merge, empty-where protection, soft delete,
restore and JSON-path rules of write.md and filter.md done by hand); in
"noisy" calls (random where of fuzz_filters.Gen, broken data and options)
only ignis runs.  Every call runs inside a subtransaction that is rolled back,
so the tables never change; identity sequences are reset before each side.
Checks:

  crash        the session survives every call, no crash restart
  internal     no XX/58 SQLSTATE, no internal-error message
  message      errors start with "ignis: " or are PostgreSQL's own
               conversion / constraint errors
  sqlstate     "ignis: " errors carry a SQLSTATE of api.md §9.1
  parity       clean calls: ignis and the plain SQL both succeed with the
               same {"count", "data"} and the same whole table afterwards,
               or both fail with the same SQLSTATE
  unchanged    a failing call changed nothing (table snapshot before/after)
  effect       every successful call: rows not returned are unchanged; the
               returned rows are gone (hard delete), stamped (soft delete),
               un-stamped (restore) or carry the scalar values of data
               (update); count = number of returned rows; create adds exactly
               count rows and changes no other
  warnings     no WARNING/ERROR on stderr other than ignis' own
  fixture      the tables are as they were at the start

Prints each distinct failure, outcome counts per function, one
"INVARIANT <name> checked=<n> failed=<n>" line per invariant and as its last
line "<n> passed, <n> failed" (calls).  Exits 1 when anything failed, 2 when it
could not run.  Python 3 standard library only.
"""

import argparse
import json
import os
import random
import re
import shutil
import sys
import time
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fuzz_filters as ff  # noqa: E402
from fuzz_filters import Num, enc, sql_lit, short  # noqa: E402

INVARIANTS = ["crash", "internal", "message", "sqlstate", "parity", "unchanged",
              "effect", "warnings", "fixture"]

# PostgreSQL's own errors a write may raise: conversion, constraint
# violations (write.md §2), generated columns, JSON-path container errors.
PG_WRITE_STATES = ff.PG_CONVERSION_STATES | {"23502", "23505", "23503", "23514",
                                             "428C9", "22P02", "2202E", "22004"}

SETUP_SQL = r"""
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET statement_timeout = '30s';

CREATE FUNCTION pg_temp.fw_snap(rel regclass, pk text) RETURNS jsonb
LANGUAGE plpgsql AS $fw$
DECLARE r jsonb;
BEGIN
  -- the row alias must not be a column name of any table
  EXECUTE format('SELECT coalesce(jsonb_agg(to_jsonb("fw$row") ORDER BY "fw$row".%I), ''[]'') '
                 'FROM %s "fw$row"', pk, rel) INTO r;
  RETURN r;
END
$fw$;

-- raises the given SQLSTATE: the plain side of a call ignis must refuse
CREATE FUNCTION pg_temp.fw_fail(st text) RETURNS jsonb
LANGUAGE plpgsql AS $fw$
BEGIN
  RAISE EXCEPTION 'expected failure' USING ERRCODE = st;
END
$fw$;

-- D14 written out: a NULL or JSON null document is {}; missing or null
-- intermediate containers become {}; a scalar on the way, or a key that is
-- no index into an array, is 22023; the last key is set with create_missing.
CREATE FUNCTION pg_temp.fw_set(d jsonb, path text[], v jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $fw$
DECLARE
  n int := array_length(path, 1);
  parent jsonb;
BEGIN
  IF d IS NULL OR jsonb_typeof(d) = 'null' THEN
    d := '{}';
  END IF;
  FOR i IN 1 .. n LOOP
    parent := CASE WHEN i = 1 THEN d ELSE d #> path[1:i - 1] END;
    IF jsonb_typeof(parent) IN ('string', 'number', 'boolean')
       OR (jsonb_typeof(parent) = 'array' AND path[i] !~ '^[0-9]+$') THEN
      RAISE EXCEPTION 'path runs into a scalar or an array' USING ERRCODE = '22023';
    END IF;
    IF i = n THEN
      d := jsonb_set(d, path, v, true);
    ELSIF coalesce(jsonb_typeof(d #> path[1:i]), 'null') = 'null' THEN
      d := jsonb_set(d, path[1:i], '{}', true);
    END IF;
  END LOOP;
  RETURN d;
END
$fw$;

-- fw_case(rel, pk, ignis query, plain query): runs each query (a SELECT of
-- one text value) in a subtransaction that is rolled back, with the table's
-- identity sequence reset first, and returns both outcomes with the table
-- before, after each successful query, and after each failed one.
CREATE FUNCTION pg_temp.fw_case(rel regclass, pk text, q1 text, q2 text)
RETURNS text LANGUAGE plpgsql AS $fw$
DECLARE
  seq regclass; seqv bigint; seqc boolean;
  s0 jsonb; s1 jsonb; res jsonb := '{}'; q text; r text;
  st text; msg text; det text; i int;
BEGIN
  s0 := pg_temp.fw_snap(rel, pk);
  seq := pg_get_serial_sequence(rel::text, pk)::regclass;
  IF seq IS NOT NULL THEN
    EXECUTE format('SELECT last_value, is_called FROM %s', seq) INTO seqv, seqc;
  END IF;
  FOR i IN 1 .. 2 LOOP
    q := CASE WHEN i = 1 THEN q1 ELSE q2 END;
    CONTINUE WHEN q IS NULL;
    IF seq IS NOT NULL THEN PERFORM setval(seq, seqv, seqc); END IF;
    r := NULL; s1 := NULL; st := NULL; msg := NULL; det := NULL;
    BEGIN
      EXECUTE q INTO r;
      s1 := pg_temp.fw_snap(rel, pk);
      RAISE EXCEPTION 'roll back' USING ERRCODE = 'FWRB0';
    EXCEPTION
      WHEN SQLSTATE 'FWRB0' THEN NULL;
      WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                                det = PG_EXCEPTION_DETAIL;
        s1 := pg_temp.fw_snap(rel, pk);
    END;
    res := res || jsonb_build_object(CASE WHEN i = 1 THEN 'ignis' ELSE 'plain' END,
      jsonb_build_object('ok', st IS NULL, 'r', r::jsonb, 'state', st, 'msg', msg,
                         'detail', det, 'after', s1));
  END LOOP;
  IF seq IS NOT NULL THEN PERFORM setval(seq, seqv, seqc); END IF;
  RETURN (res || jsonb_build_object('before', s0))::text;
END
$fw$;
"""

EXTRA_SQL = r"""
DO $fw$
BEGIN
  IF to_regclass('public.fuzz_w') IS NULL THEN
    CREATE TABLE public.fuzz_w (
      id         integer PRIMARY KEY,
      n          integer CHECK (n < 1000),
      t          text,
      flag       boolean,
      ts         timestamptz,
      j          jsonb,
      js         json,
      arr        integer[],
      tags       text[],
      secret     text,
      deleted_at timestamptz
    );
    INSERT INTO public.fuzz_w VALUES
      (1, 5, 'alpha', true, '2024-01-01T00:00:00Z',
       '{"a": 1, "b": {"c": "x"}, "ratings": [5, 4], "s": "str"}', '{"a": 1, "b": {}}',
       '{1,2,3}', '{news,tech}', 's1', NULL),
      (2, 0, 'Beta_', false, '2024-02-01T12:00:00Z', '{"a": 2.50, "b": null}', '[1, 2]',
       '{}', '{}', 's2', NULL),
      (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      (4, -3, 'gamma', true, '2023-12-31T23:59:59Z', '{"a": "high", "ratings": []}',
       '{"a": "1"}', '{4,NULL}', '{x}', 's4', NULL),
      (5, 7, 'O''Brien %_', false, '2024-03-01T00:00:00Z', 'null', 'null', '{7}',
       '{news}', NULL, '2024-04-01T00:00:00Z'),
      (6, 12, 'delta', NULL, '2024-05-05T05:05:05Z', '{"b": {"c": "y", "d": [1]}}',
       '{}', '{1,7}', '{tech,x}', 's6', '2024-05-01T00:00:00Z'),
      (7, -1, 'Zoë', true, NULL, '{"a": 10, "flags": {"f": true}}', NULL, '{2}', NULL,
       's7', '2024-06-01T00:00:00Z'),
      (8, 100, 'epsilon', false, '2024-07-01T00:00:00Z', '{"ratings": [1]}',
       '{"ratings": [2]}', '{3,3}', '{tech}', 's8', NULL);
  END IF;
  -- both models on one table: soft delete (with a default filter that
  -- restores keep, D15) and plain
  PERFORM ignis.register_model(m.name, 'public.fuzz_w', m.settings::jsonb)
     FROM (VALUES ('FuzzWSoft', '{"naming": "camelCase", "softDelete": true,
                    "hiddenProperties": ["secret"],
                    "defaultFilter": {"where": {"n": {"gte": 0}}}}'),
                  ('FuzzWPlain', '{}')) AS m(name, settings)
    WHERE NOT EXISTS (SELECT 1 FROM ignis.models WHERE models.name = m.name);
END
$fw$;
"""

MODEL_NAMES = ["Post", "User", "Category", "FuzzWSoft", "FuzzWPlain"]

OPS = ["create", "create_all", "update_by_id", "update_all", "delete_by_id",
       "delete_all", "restore_by_id", "restore_all"]

# ---------------------------------------------------------------------------
# SQL text
# ---------------------------------------------------------------------------


def qi(name):
    return '"' + name.replace('"', '""') + '"'


def scalar_text(v):
    """The text a JSON scalar is converted from (write.md §2.1)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Num):
        return v.text
    if isinstance(v, str):
        return v
    return json.dumps(v)


def text_array(path):
    return sql_lit("{" + ",".join('"%s"' % c.replace("\\", "\\\\").replace('"', '\\"')
                                  for c in path) + "}") + "::text[]"


class WModel:
    """A model as describe_model shows it, with what plain SQL needs."""

    def __init__(self, desc):
        self.name = desc["name"]
        self.rel = desc["relation"]
        self.pk = desc["primaryKey"]
        self.props = {p["name"]: p for p in desc["properties"]}
        self.order = [p["name"] for p in desc["properties"]]
        self.visible = [p for p in self.order if not self.props[p]["hidden"]]
        sd = desc.get("softDelete")
        self.sd = sd["property"] if sd else None
        self.default_where = (desc.get("defaultFilter") or {}).get("where") or {}
        self.kinds = {p: ff.kind_of(self.props[p]["type"]) for p in self.order}
        self.pk_col = self.props[self.pk]["column"]

    def col(self, prop):
        return qi(self.props[prop]["column"])

    def typ(self, prop):
        return self.props[prop]["type"]

    def row_json(self, alias=""):
        return "jsonb_build_object(%s)" % ", ".join(
            "%s, %s%s" % (sql_lit(p), alias, self.col(p)) for p in self.visible)


class Expected(Exception):
    """The plain side of a call is an error with this SQLSTATE."""


def lit(v, typ):
    """A SQL literal of the value v (JSON) converted to the column type."""
    if v is None:
        return "NULL::%s" % typ
    if typ in ("json", "jsonb"):
        return "%s::%s" % (sql_lit(enc(v)), typ)
    if typ.endswith("[]"):
        if not isinstance(v, list):
            raise Expected("22023")
        elem = typ[:-2]
        if not v:
            return "'{}'::%s" % typ
        return "ARRAY[%s]::%s" % (", ".join(lit(x, elem) for x in v), typ)
    if isinstance(v, (dict, list)):
        raise Expected("22023")
    return "%s::%s" % (sql_lit(scalar_text(v)), typ)


NUMERIC_RE = r"'^-?[0-9]+(\.[0-9]+)?$'"


def is_number(v):
    return isinstance(v, (int, float, Num)) and not isinstance(v, bool)


def split_path(key):
    """'j.a[1].b' -> ('j', ['a', '1', 'b'])."""
    parts = re.findall(r"\.([A-Za-z_][A-Za-z0-9_-]*|[0-9]+)|\[([0-9]+)\]", key[key.index(
        re.search(r"[.\[]", key).group(0)):])
    return key[:re.search(r"[.\[]", key).start()], [a or b for a, b in parts]


class Plain:
    """Plain SQL for the subset of the where language that Gen writes."""

    def __init__(self, m):
        self.m = m

    def where(self, w):
        """SQL of a where object, or None when it compiles to no condition."""
        conds = []
        for k, v in w.items():
            if k == "and":
                parts = [p for p in (self.where(x) for x in v) if p is not None]
                if parts:
                    conds.append("(" + " AND ".join(parts) + ")")
            elif k == "or":
                parts = [self.where(x) for x in v]
                if not parts:
                    conds.append("FALSE")
                elif any(p is None for p in parts):
                    pass    # D12: {"or": [{}]} compiles to no condition
                else:
                    conds.append("(" + " OR ".join(parts) + ")")
            elif k == "not":
                inner = self.where(v)
                conds.append("FALSE" if inner is None else "(NOT (%s))" % inner)
            elif "." in k or "[" in k:
                conds.append(self.path_cond(k, v))
            else:
                conds.append(self.prop_cond(k, v))
        return " AND ".join(conds) if conds else None

    def prop_cond(self, prop, v):
        c, typ = self.m.col(prop), self.m.typ(prop)
        if v is None:
            return "%s IS NULL" % c
        if isinstance(v, dict):
            return " AND ".join(self.op(c, typ, op, x) for op, x in v.items())
        if isinstance(v, list) and not typ.endswith("[]") and typ not in ("json", "jsonb"):
            return self.op(c, typ, "in", v)
        if typ == "json":
            return "%s::jsonb = %s" % (c, lit(v, "jsonb"))
        return "%s = %s" % (c, lit(v, typ))

    def op(self, c, typ, op, x):
        if op == "eq":
            return "%s IS NULL" % c if x is None else "%s = %s" % (c, lit(x, typ))
        if op == "neq":
            return "%s IS NOT NULL" % c if x is None else "%s <> %s" % (c, lit(x, typ))
        if op in ("gt", "gte", "lt", "lte"):
            sym = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}[op]
            return "%s %s %s" % (c, sym, lit(x, typ))
        if op == "between":
            return "%s BETWEEN %s AND %s" % (c, lit(x[0], typ), lit(x[1], typ))
        if op in ("in", "nin"):
            vals = [e for e in x if e is not None]
            has_null = len(vals) < len(x)
            arr = "ARRAY[%s]::%s[]" % (", ".join(lit(e, typ) for e in vals), typ)
            if op == "in":
                parts = (["%s = ANY(%s)" % (c, arr)] if vals else []) + (
                    ["%s IS NULL" % c] if has_null else [])
                return "(" + " OR ".join(parts) + ")" if parts else "FALSE"
            parts = (["%s <> ALL(%s)" % (c, arr)] if vals else []) + (
                ["%s IS NOT NULL" % c] if has_null else [])
            return "(" + " AND ".join(parts) + ")" if parts else "TRUE"
        if op == "like":
            return "%s LIKE %s" % (c, sql_lit(x))
        if op == "ilike":
            return "%s ILIKE %s" % (c, sql_lit(x))
        if op == "startsWith":
            esc = re.sub(r"([\\%_])", r"\\\1", x)
            return "%s LIKE %s" % (c, sql_lit(esc + "%"))
        if op == "isNull":
            return "%s IS %sNULL" % (c, "" if x else "NOT ")
        if op == "isNotNull":
            return "%s IS %sNULL" % (c, "NOT " if x else "")
        if op == "contains":
            return "TRUE" if not x else "%s @> %s" % (c, lit(x, typ))
        if op == "overlaps":
            return "FALSE" if not x else "%s && %s" % (c, lit(x, typ))
        raise ValueError("no plain SQL for operator " + op)

    def path_cond(self, key, v):
        prop, path = split_path(key)
        c = self.m.col(prop)
        if self.m.typ(prop) == "json":
            c += "::jsonb"
        x = "(%s #>> %s)" % (c, text_array(path))
        num = "(CASE WHEN %s ~ %s THEN %s::numeric END)" % (x, NUMERIC_RE, x)
        if v is None:
            return "%s IS NULL" % x
        if is_number(v):
            return "%s = %s::numeric" % (num, scalar_text(v))
        if isinstance(v, dict):
            return " AND ".join("%s %s %s::numeric" % (
                num, {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}[op], scalar_text(a))
                for op, a in v.items())
        return "%s = %s" % (x, sql_lit(scalar_text(v)))

    # -- data ----------------------------------------------------------------
    def set_list(self, data):
        """SET items of an update's data (regular and JSON-path keys)."""
        whole, paths = {}, {}
        for k, v in data.items():
            if "." in k or "[" in k:
                prop, path = split_path(k)
                paths.setdefault(prop, []).append((path, v))
            else:
                whole[k] = v
        items = []
        for prop, v in whole.items():
            if prop not in paths:
                items.append("%s = %s" % (self.m.col(prop), lit(v, self.m.typ(prop))))
        for prop, lst in paths.items():
            typ = self.m.typ(prop)
            if prop in whole:
                # the base document is the new whole value: the result is
                # known before any row is read
                items.append("%s = %s" % (self.m.col(prop), lit(
                    apply_paths(whole[prop], lst), typ)))
                continue
            base = self.m.col(prop) + ("::jsonb" if typ == "json" else "")
            d = base
            for path, v in sorted(lst, key=lambda pv: (len(pv[0]), pv[0])):
                d = self.set_path(d, path, v)
            if typ == "json":
                d += "::json"
            items.append("%s = %s" % (self.m.col(prop), d))
        return ", ".join(items)

    @staticmethod
    def set_path(d, path, v):
        return "pg_temp.fw_set(%s, %s, %s::jsonb)" % (d, text_array(path), sql_lit(enc(v)))


def apply_paths(doc, updates):
    """D14 on a document known in advance: raises Expected("22023") where a
    path runs into a scalar, or into an array with a key that is no index."""
    def walk(d, path, v):
        if d is None:
            d = {}
        if isinstance(d, list):
            if not path[0].isdigit():
                raise Expected("22023")
            i = int(path[0])
            if len(path) == 1:
                if i < len(d):
                    return d[:i] + [v] + d[i + 1:]
                return d + [v]
            if i >= len(d):
                return d + [walk(None, path[1:], v)]
            return d[:i] + [walk(d[i], path[1:], v)] + d[i + 1:]
        if not isinstance(d, dict):
            raise Expected("22023")
        out = dict(d)
        out[path[0]] = v if len(path) == 1 else walk(d.get(path[0]), path[1:], v)
        return out
    for path, v in sorted(updates, key=lambda pv: (len(pv[0]), pv[0])):
        doc = walk(doc, path, v)
    return doc


def merge_where(default, caller):
    """filter.md §11.2 (D13)."""
    out = dict(default)
    extra_and = []
    for k, v in caller.items():
        if k not in default:
            out[k] = v
        elif k == "and":
            out[k] = list(default[k]) + list(v)
        elif k == "or":
            out[k] = v
            extra_and.append({"or": default[k]})
        elif k == "not":
            out[k] = v
            extra_and.append({"not": default[k]})
        elif (isinstance(v, dict) and isinstance(default[k], dict) and v
              and all(o in ff.VALID_OPS for o in v)
              and all(o in ff.VALID_OPS for o in default[k])):
            out[k] = dict(default[k], **v)
        else:
            out[k] = v
    if extra_and:
        out["and"] = list(out.get("and", [])) + extra_and
    return out


# ---------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------
PATHS = {  # JSON-path tails in update data; "bad" ones raise 22023 on some rows
    "good": [["a"], ["b", "c"], ["seo", "title"], ["ratings", "0"], ["ratings", "9"],
             ["flags", "f"], ["x", "y", "z"], ["b", "d"], ["priority"], ["new"]],
    "bad": [["a", "x"], ["s", "t"], ["ratings", "k"], ["priority", "x"]],
}
TEXTS = ["alpha", "Beta_", "new text", "O'Brien %_", "Zoë", "", "a\\b", "draft",
         "published", "News", "x y"]
TIMES = ["2024-01-01T00:00:00Z", "2024-06-15 12:30:00+02", "epoch", "1999-12-31"]


class WGen:
    def __init__(self, rng, models, filters):
        self.r = rng
        self.models = models
        self.filters = filters   # fuzz_filters.Gen, for noisy wheres

    # -- values ----------------------------------------------------------------
    def value(self, m, prop, bad=False):
        r = self.r
        k = m.kinds[prop]
        if bad and r.random() < 0.5:
            return self.filters.bad_scalar()
        if r.random() < 0.12 and prop != m.pk:
            return None
        if k == "int":
            return r.choice([0, 1, 2, 5, 7, 27, -3, 999, 120])
        if k == "text":
            return r.choice(TEXTS)
        if k == "bool":
            return r.choice([True, False])
        if k == "ts":
            return r.choice(TIMES)
        if k == "json":
            return r.choice([{"a": 1}, {"priority": 4, "flags": {}}, [1, 2], "str", 3,
                             {"b": {"c": "z"}}, {}, True])
        if k == "array:int":
            return [r.choice([1, 2, 3, None]) for _ in range(r.randint(0, 3))]
        if k == "array:text":
            return [r.choice(["news", "tech", "x", "a b", "q\"t"]) for _ in range(r.randint(0, 3))]
        return r.choice(TEXTS)

    def json_props(self, m):
        return [p for p in m.order if m.kinds[p] == "json"]

    def data(self, m, update, bad=False):
        r = self.r
        d = {}
        settable = [p for p in m.order if p != m.pk or r.random() < 0.1]
        for p in r.sample(settable, r.randint(1, min(3, len(settable)))):
            d[p] = self.value(m, p, bad)
        if update and self.json_props(m) and r.random() < 0.5:
            jp = r.choice(self.json_props(m))
            for _ in range(r.randint(1, 3)):
                pool = PATHS["bad"] if r.random() < 0.1 else PATHS["good"]
                path = r.choice(pool)
                key = jp + "".join("[%s]" % c if c.isdigit() else "." + c for c in path)
                d[key] = r.choice([1, "v", None, True, {"k": 1}, [1], Num("2.50")])
            if jp in d and r.random() < 0.5:
                d[jp] = r.choice([{"a": 1}, None, {"b": {}}])
        if bad and r.random() < 0.3:
            d[r.choice(["nope", "", "a.b", m.order[0] + "[x]"])] = 1
        return d

    def create_data(self, m, i):
        """A row for create: unique keys where the table needs them."""
        r = self.r
        d = {}
        if m.name == "User":
            d = {"id": 100 + i, "email": "u%d@example.com" % i}
        elif m.name == "Post":
            d = {"title": r.choice(TEXTS)}
            if r.random() < 0.3:
                d["id"] = 50 + i
        elif m.name == "Category":
            d = {"id": 100 + i, "name": r.choice(TEXTS)}
        else:
            d = {"id": 100 + i}
        for p in r.sample(m.order, r.randint(0, 3)):
            if p == m.pk or p in ("email", "authorId", "categoryId"):
                continue
            d[p] = self.value(m, p)
        roll = r.random()
        if roll < 0.03:
            d[m.pk] = 1                        # duplicate key: 23505
        elif roll < 0.05 and m.name == "Post":
            d["authorId"] = 99                 # 23503
        elif roll < 0.07 and m.name in ("User", "Post", "Category"):
            d[r.choice(["title", "email", "name"] if m.name != "Category" else ["name"])
              if m.name != "User" else "email"] = None   # 23502 when the column applies
        elif roll < 0.09 and "n" in m.props:
            d["n"] = 5000                      # check constraint: 23514
        elif m.name == "Post" and r.random() < 0.3:
            d["authorId"] = r.choice([1, 2, 4])
        return {k: v for k, v in d.items() if k in m.props}

    # -- wheres (the subset Plain translates) ------------------------------------
    def where(self, m, depth=0):
        r = self.r
        w = {}
        for _ in range(r.choice([1, 1, 1, 2, 2, 3] if depth == 0 else [1, 1, 2])):
            roll = r.random()
            if roll < 0.15 and depth < 2:
                lk = r.choice(["and", "or", "not"])
                if lk == "not":
                    w["not"] = self.where(m, depth + 1)
                else:
                    w[lk] = [self.where(m, depth + 1) for _ in range(r.randint(0, 2))]
                    if lk == "and" and not w[lk]:
                        w[lk] = [self.where(m, depth + 1)]
            elif roll < 0.27 and self.json_props(m):
                jp = r.choice(self.json_props(m))
                path = r.choice([["a"], ["priority"], ["b", "c"], ["flags", "featured"],
                                 ["ratings", "0"], ["s"]])
                key = jp + "".join("[%s]" % c if c.isdigit() else "." + c for c in path)
                w[key] = r.choice([1, 2, 3, Num("2.5"), "high", "x", "str", None,
                                   {"gt": 1}, {"gte": 2, "lt": 11}])
            else:
                p = r.choice(m.order)
                w[p] = self.prop_where(m, p)
        return w

    def prop_where(self, m, p):
        r = self.r
        k = m.kinds[p]
        roll = r.random()
        if roll < 0.1:
            return None
        if k in ("int", "ts"):
            def v():
                return r.choice(TIMES if k == "ts" else [0, 1, 2, 3, 5, 7, 12, -1])
            choice = r.choice(["eq", "plain", "gt", "range", "between", "in", "nin", "neq",
                               "isNull"])
            if choice == "plain":
                return v()
            if choice == "range":
                return {"gte": v(), "lte": v()}
            if choice == "between":
                return {"between": [v(), v()]}
            if choice in ("in", "nin"):
                return {choice: [v() for _ in range(r.randint(0, 3))]}
            if choice == "isNull":
                return {"isNull": r.choice([True, False])}
            return {choice: None if choice in ("eq", "neq") and r.random() < 0.2 else v()}
        if k == "text":
            return r.choice([r.choice(TEXTS), {"like": r.choice(["%a%", "B%", "_e%", "%\\%%"])},
                             {"ilike": r.choice(["%A%", "zoë"])},
                             {"startsWith": r.choice(["Beta_", "O'", "a"])},
                             {"in": [r.choice(TEXTS), None]}, {"neq": r.choice(TEXTS)},
                             {"nin": [r.choice(TEXTS)]}, {"isNotNull": r.choice([True, False])}])
        if k == "bool":
            return r.choice([True, False, None, {"neq": True}])
        if k.startswith("array:"):
            vals = [1, 2, 7] if k == "array:int" else ["news", "tech", "x"]
            return r.choice([{"contains": r.sample(vals, r.randint(0, 2))},
                             {"overlaps": r.sample(vals, r.randint(0, 2))}, None])
        if k == "json":
            return r.choice([None, {"isNotNull": True}, {"isNull": False}])
        return None

    EMPTY = [{}, {"and": []}, {"and": [{}]}, {"or": [{}]}]

    def options(self, op, m, noisy):
        r = self.r
        o = {}
        if r.random() < 0.3:
            o["shouldReturn"] = r.choice([True, False])
        if op.endswith("_all") and op != "create_all" and r.random() < 0.3:
            o["force"] = r.choice([True, False])
        if op.startswith("delete") and r.random() < 0.35:
            o["shouldHardDelete"] = r.choice([True, True, False])
        if not op.startswith("create") and r.random() < 0.25:
            o["shouldSkipDefaultFilter"] = r.choice([True, False])
        if noisy and r.random() < 0.2:
            o[r.choice(["force", "shouldHardDelete", "isStrict", "bogus", "shouldReturn",
                        "transaction"])] = r.choice([True, "yes", 1, None])
        return o

    def call(self, noisy):
        """(op, model, args, options); args: dict of id / data / where."""
        r = self.r
        op = r.choice(OPS)
        m = self.models[r.choice(MODEL_NAMES)]
        if op.startswith("restore") and not m.sd and r.random() < 0.7:
            m = self.models[r.choice(["Post", "Category", "FuzzWSoft"])]
        a = {}
        if op == "create":
            a["data"] = self.create_data(m, 0)
        elif op == "create_all":
            a["data"] = [self.create_data(m, i) for i in range(r.choice([0, 1, 2, 3, 5]))]
            if noisy and r.random() < 0.3:
                a["data"].append(r.choice([5, "x", None, {"nope": 1}, {"metadata.a": 1}]))
        if op.endswith("_by_id"):
            a["id"] = r.choice([1, 2, 3, 4, 5, 6, 7, 8, 99])
        if op.startswith("update"):
            a["data"] = self.data(m, True, noisy)
            if r.random() < 0.02:
                a["data"] = {}
        if op.endswith("_all") and op != "create_all":
            if noisy:
                self.filters.noise = 1.0
                a["where"] = self.filters.where(ff.Model({
                    "name": m.name, "primaryKey": m.pk, "relations": [],
                    "properties": [{"name": p, "type": m.typ(p)} for p in m.order]}))
            elif r.random() < 0.1:
                a["where"] = r.choice(self.EMPTY)
            else:
                a["where"] = self.where(m)
                if m.sd and r.random() < 0.15:
                    a["where"][m.sd] = r.choice([{"neq": None}, None, {"gte": "2024-05-01"}])
        return op, m, a, self.options(op, m, noisy)


# ---------------------------------------------------------------------------
# The plain side
# ---------------------------------------------------------------------------


def empty_where(m, w):
    return Plain(m).where(w) is None


def plain_sql(op, m, a, o):
    """The plain SQL statement doing what the ignis call does (a SELECT of one
    text value {"count", "data"}); raises Expected for calls ignis must
    refuse before executing anything."""
    pl = Plain(m)
    ret = o.get("shouldReturn", True) is not False
    skip = o.get("shouldSkipDefaultFilter") is True
    allowed = {
        "create": {"shouldReturn", "shouldSkipDefaultFilter"},
        "create_all": {"shouldReturn", "shouldSkipDefaultFilter"},
        "update_by_id": {"shouldReturn", "shouldSkipDefaultFilter"},
        "update_all": {"shouldReturn", "shouldSkipDefaultFilter", "force"},
        "delete_by_id": {"shouldReturn", "shouldSkipDefaultFilter", "shouldHardDelete"},
        "delete_all": {"shouldReturn", "shouldSkipDefaultFilter", "shouldHardDelete", "force"},
        "restore_by_id": {"shouldReturn", "shouldSkipDefaultFilter"},
        "restore_all": {"shouldReturn", "shouldSkipDefaultFilter", "force"},
    }[op]
    if any(k not in allowed for k in o):
        raise Expected("22023")
    if op.startswith("restore") and not m.sd:
        raise Expected("55000")
    table = m.rel
    single = op in ("create", "update_by_id", "delete_by_id", "restore_by_id")
    rows = "coalesce(jsonb_agg(%s ORDER BY %s), '[]')" % (m.row_json("w."), "w." + qi(m.pk_col))
    if single:
        rows = "(array_agg(%s))[1]" % m.row_json("w.")
    if op == "create_all":
        rows = "coalesce(jsonb_agg(%s), '[]')" % m.row_json("w.")
    data_sql = rows if ret else "NULL::jsonb"

    if op in ("create", "create_all"):
        objs = [a["data"]] if op == "create" else a["data"]
        if not objs:
            return "SELECT jsonb_build_object('count', 0, 'data', %s)::text" % (
                "'[]'::jsonb" if ret else "NULL::jsonb")
        cols = []
        for d in objs:
            for k in d:
                if "." in k or "[" in k:
                    raise Expected("22023")
                if k not in cols:
                    cols.append(k)
        if cols:
            values = ", ".join("(%s)" % ", ".join(
                lit(d[c], m.typ(c)) if c in d else "DEFAULT" for c in cols) for d in objs)
            ins = "INSERT INTO %s (%s) VALUES %s RETURNING *" % (
                table, ", ".join(m.col(c) for c in cols), values)
        else:
            ins = "INSERT INTO %s DEFAULT VALUES RETURNING *" % table
        return "WITH w AS (%s) SELECT jsonb_build_object('count', count(*), 'data', %s)::text FROM w" % (
            ins, data_sql)

    if op.endswith("_by_id"):
        caller = {m.pk: a["id"]}
    else:
        caller = a["where"]
        if empty_where(m, caller) and o.get("force") is not True:
            raise Expected("22023")
    if op.startswith("update") and not a["data"]:
        raise Expected("22023")
    if op.startswith("restore"):
        base = {} if skip else {k: v for k, v in m.default_where.items() if k != m.sd}
        cond = pl.where(merge_where(base, caller))
        cond = "(%s) AND %s IS NOT NULL" % (cond or "TRUE", m.col(m.sd))
    else:
        cond = pl.where(merge_where({} if skip else m.default_where, caller)) or "TRUE"
    if op.startswith("update"):
        stmt = "UPDATE %s SET %s WHERE %s RETURNING *" % (table, pl.set_list(a["data"]), cond)
    elif op.startswith("restore"):
        stmt = "UPDATE %s SET %s = NULL WHERE %s RETURNING *" % (table, m.col(m.sd), cond)
    elif m.sd and o.get("shouldHardDelete") is not True:
        stmt = "UPDATE %s SET %s = now()::%s WHERE %s RETURNING *" % (
            table, m.col(m.sd), m.typ(m.sd), cond)
    else:
        stmt = "DELETE FROM %s WHERE %s RETURNING *" % (table, cond)
    return "WITH w AS (%s) SELECT jsonb_build_object('count', count(*), 'data', %s)::text FROM w" % (
        stmt, data_sql)


def ignis_sql(op, m, a, o):
    name = sql_lit(m.name)
    opts = sql_lit(enc(o)) + "::jsonb"
    if op in ("create", "create_all"):
        args = [name, sql_lit(enc(a["data"])) + "::jsonb", opts]
    elif op.endswith("_by_id"):
        args = [name, "%s::bigint" % a["id"]]
        if op.startswith("update"):
            args.append(sql_lit(enc(a["data"])) + "::jsonb")
        args.append(opts)
    elif op == "update_all":
        args = [name, sql_lit(enc(a["data"])) + "::jsonb", sql_lit(enc(a["where"])) + "::jsonb", opts]
    else:
        args = [name, sql_lit(enc(a["where"])) + "::jsonb", opts]
    return "SELECT ignis.%s(%s)::text" % (op, ", ".join(args))


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------


def check_effect(res, it, op, m, a, o, out, call):
    """Frame and effect of a successful call, from the table before and after."""
    ig = out["ignis"]
    r = ig["r"]
    before = {row[m.pk_col]: row for row in out["before"]}
    after = {row[m.pk_col]: row for row in ig["after"]}
    ok = res.check("effect", isinstance(r, dict) and set(r) == {"count", "data"}, it,
                   "%s: result is not {count, data}" % op, r, call)
    if not ok:
        return
    n = r["count"]
    if op.startswith("create"):
        new = set(after) - set(before)
        changed = [k for k in before if after.get(k) != before[k]]
        res.check("effect", len(new) == n and not changed, it,
                  "%s: %d new rows for count %d, %d other rows changed"
                  % (op, len(new), n, len(changed)), r, call)
        return
    data = r["data"]
    if o.get("shouldReturn") is False:
        res.check("effect", data is None, it, "%s: data with shouldReturn false" % op, r, call)
        touched = {k for k in before if after.get(k) != before[k]}
        res.check("effect", len(touched) <= n, it,
                  "%s: %d rows changed for count %d" % (op, len(touched), n), r, call)
        return
    rows = data if isinstance(data, list) else ([] if data is None else [data])
    keys = [row.get(m.pk) for row in rows]
    res.check("effect", len(rows) == n and len(set(keys)) == n, it,
              "%s: count %d but %d rows returned" % (op, n, len(rows)), r, call)
    if isinstance(data, list):
        res.check("effect", keys == sorted(keys), it,
                  "%s: rows not ordered by primary key" % op, keys, call)
    keyset = set(keys)
    others = [k for k in after if k not in keyset and after[k] != before.get(k)]
    res.check("effect", not others, it,
              "%s: rows that were not returned changed" % op, others[:5], call)
    gone = n if op.startswith("delete") and (not m.sd or o.get("shouldHardDelete") is True) else 0
    res.check("effect", len(before) - len(after) == gone, it,
              "%s: %d rows before, %d after" % (op, len(before), len(after)), r, call)
    sd_col = m.props[m.sd]["column"] if m.sd else None
    for k in keys:
        row = after.get(k)
        if op.startswith("delete") and (not m.sd or o.get("shouldHardDelete") is True):
            ok = row is None
        elif op.startswith("delete"):
            ok = row is not None and row.get(sd_col) is not None
        elif op.startswith("restore"):
            ok = row is not None and row.get(sd_col) is None
        else:
            ok = row is not None and all(
                row.get(m.props[p]["column"]) == v for p, v in a["data"].items()
                if p in m.props and p != m.pk
                and not any(k.startswith((p + ".", p + "[")) for k in a["data"])
                and (v is None or type(v) in (str, bool) and m.kinds[p] == ("text" if type(v) is str else "bool")
                     or type(v) is int and m.kinds[p] == "int"))
        if not res.check("effect", ok, it, "%s: returned row %s does not show the write" % (op, k),
                         row, call):
            break


def compare(res, it, op, out, call):
    ig, pl = out["ignis"], out["plain"]
    if ig["ok"] and pl["ok"]:
        same_r = ig["r"] == pl["r"]
        res.check("parity", same_r, it, "%s: result differs from plain SQL" % op,
                  "ignis %s\nplain %s" % (short(json.dumps(ig["r"], default=str), 1500),
                                          short(json.dumps(pl["r"], default=str), 1500)), call)
        if same_r:
            diff = [(a, b) for a, b in zip(ig["after"], pl["after"]) if a != b]
            res.check("parity", ig["after"] == pl["after"], it,
                      "%s: table afterwards differs from plain SQL" % op,
                      "first differing rows: %s" % short(json.dumps(diff[:2], default=str), 1500),
                      call)
    else:
        res.check("parity", ig["ok"] == pl["ok"] and ig["state"] == pl["state"], it,
                  "%s: outcome differs from plain SQL" % op,
                  "ignis %s | plain %s" % (
                      "ok" if ig["ok"] else "%s: %s" % (ig["state"], ig["msg"]),
                      "ok" if pl["ok"] else "%s: %s" % (pl["state"], pl["msg"])), call)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--calls", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", "1")))
    ap.add_argument("-d", "--dbname", default=None)
    ap.add_argument("--psql", default=shutil.which("psql") or "psql")
    ap.add_argument("--noisy-rate", type=float, default=0.3,
                    help="share of calls with random (mostly invalid) where, data and options")
    ap.add_argument("--max-report", type=int, default=40)
    ap.add_argument("--repro-file", default=None)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    sys.stdout.reconfigure(errors="backslashreplace")
    rng = random.Random(args.seed)
    started = time.time()

    p = ff.simple_query(args.psql, args.dbname, EXTRA_SQL)
    if p.returncode != 0:
        print("could not create the fuzz_w models: " + p.stderr.strip(), file=sys.stderr)
        return 2
    p = ff.simple_query(args.psql, args.dbname,
                        "SELECT jsonb_agg(ignis.describe_model(name)) FROM ignis.models "
                        "WHERE name IN (%s)" % ", ".join(sql_lit(n) for n in MODEL_NAMES))
    if p.returncode != 0 or not p.stdout.strip():
        print("cannot read the models (extension and docs/sample.sql loaded?): "
              + p.stderr.strip(), file=sys.stderr)
        return 2
    models = {d["name"]: WModel(d) for d in json.loads(p.stdout)}
    if set(models) != set(MODEL_NAMES):
        print("missing models: %s" % (set(MODEL_NAMES) - set(models)), file=sys.stderr)
        return 2
    tables = sorted({(m.rel, m.pk_col) for m in models.values()})
    snap_sql = "SELECT jsonb_build_array(%s)::text" % ", ".join(
        "pg_temp.fw_snap(%s, %s)" % (sql_lit(t), sql_lit(pk)) for t, pk in tables)
    print("write-fuzzing %s, seed %d, %d calls" % (", ".join(MODEL_NAMES), args.seed, args.calls),
          flush=True)
    pm_start = ff.postmaster_start(args.psql, args.dbname)

    gen = WGen(rng, models, ff.Gen(random.Random(args.seed + 1), {}))
    repro = open(args.repro_file, "a", encoding="utf-8") if args.repro_file else None
    res = ff.Results(args.max_report, repro, INVARIANTS)
    session = ff.Psql(args.psql, args.dbname, SETUP_SQL)
    try:
        session.open()
        fixture = session.run([snap_sql])[0]
    except (ff.SessionLost, IndexError):
        print("could not start psql: " + "\n".join(session.stderr_lines()), file=sys.stderr)
        return 2

    passed = failed = 0
    outcomes = {}
    for it in range(1, args.calls + 1):
        noisy = rng.random() < args.noisy_rate
        op, m, a, o = gen.call(noisy)
        call = ignis_sql(op, m, a, o) + ";"
        q2 = None
        expected = None
        if not noisy:
            try:
                q2 = plain_sql(op, m, a, o)
            except Expected as e:
                expected = e.args[0]
                q2 = "SELECT pg_temp.fw_fail('%s')::text" % expected
        stmt = "SELECT pg_temp.fw_case(%s, %s, %s, %s)" % (
            sql_lit(m.rel), sql_lit(m.pk_col), sql_lit(call.rstrip(";")), sql_lit(q2))
        if args.verbose:
            print("[%d] %s" % (it, short(call, 300)))
        before_fail = sum(res.failed.values())
        try:
            lines = session.run([stmt])
        except ff.SessionLost as e:
            res.check("crash", False, it, "%s: %s" % (op, e.args[1]),
                      "\n".join(session.stderr_lines()[-5:]), call)
            if e.args[1] == "timeout":
                session.proc.kill()
            session.close()
            if not ff.wait_for_server(args.psql, args.dbname):
                print("server did not come back; stopping", file=sys.stderr)
                failed += 1
                break
            session.open()
            failed += 1
            continue
        res.check("crash", len(lines) == 1, it, "wrong number of result lines", lines, call)
        bad_lines = [line for line in session.stderr_lines()
                     if re.search(r"\b(WARNING|ERROR|FATAL|PANIC)\b", line)
                     and "ignis:" not in line]
        res.check("warnings", not bad_lines, it, "unexpected message on stderr",
                  "\n".join(bad_lines), call)
        if len(lines) == 1:
            out = ff.parse_line(lines[0])
            ig = out.get("ignis")
            if ig is None:
                res.check("crash", False, it, "helper failed", out, call)
            else:
                key = "ok" if ig["ok"] else ig["state"]
                outcomes.setdefault(op, {}).setdefault(key, 0)
                outcomes[op][key] += 1
                if not ig["ok"]:
                    ff.error_checks(res, it, op, ig, call, "conditions", PG_WRITE_STATES)
                    res.check("unchanged", ig["after"] == out["before"], it,
                              "%s: a failing call changed the table" % op, ig["msg"], call)
                else:
                    check_effect(res, it, op, m, a, o, out, call)
                if q2 is not None:
                    compare(res, it, op, out, call)
        if sum(res.failed.values()) == before_fail:
            passed += 1
        else:
            failed += 1

    try:
        now = session.run([snap_sql])[0]
        res.check("fixture", now == fixture, 0, "the tables changed during the run",
                  "", "-")
    except (ff.SessionLost, IndexError):
        res.check("crash", False, 0, "session lost at the end", "", "-")
    session.close()
    return ff.finish(res, args, pm_start, outcomes, INVARIANTS, started, passed, failed)

if __name__ == "__main__":
    sys.exit(main())
