#!/usr/bin/env python3
"""Fuzz the where language (and the rest of the filter) of the ignis extension.

    python3 test/fuzz_filters.py [-n ITERATIONS] [--seed SEED] [-d DBNAME] [-v]

Connects with psql (PGHOST, PGPORT, PGUSER, PGDATABASE or -d) to a database in
which the extension is installed and docs/sample.sql is loaded.  Unless
--no-extra is given it also creates (once) a table public.fuzz_misc and the
models FuzzMisc (columns of the types the sample lacks: bigint, varchar(3),
numeric(10,2), double precision, boolean, date, timestamp(0), json, uuid,
integer[], an enum, citext when available), FuzzPost (posts with a default
filter using and/or/not/JSON paths, merged into every call), FuzzWriteOnly
(operationScope WRITE_ONLY), FuzzOdd (odd column names: quotes, spaces, a
keyword, non-ASCII, "$1", a dot; related to FuzzMisc both ways) and FuzzItem
(public.fuzz_item, a tree of items: soft delete, a scope filter reading a
setting, a default filter that filters by a relation, keys that are NULL or point at no row,
relations to itself both ways and one on two keys, relations to FuzzMisc and
FuzzOdd both ways, two of them on FuzzOdd's oddly named columns); FuzzMisc.fuzzPosts and FuzzPost.misc relate FuzzMisc to
FuzzPost, FuzzOdd.writeOnly points at FuzzWriteOnly.

It first runs a fixed corpus of edge cases and earlier findings (CORPUS), then
N random cases.  Each case is a random model name, filter and options built
from the grammar of filter.md and read.md: in "clean" mode only operators and
operands the property's type accepts, in "noisy" mode also broken input
(unknown keys, operators and aliases, wrong operand types, good and bad JSON
paths, deep nesting, big lists, strings with quotes, backslashes, %, _ and
unicode, numbers such as 1e400 and -0, bad limits, includes, orders, fields,
relation filters: some/every/none/null, nested, with broken quantifiers and
values and chains of more than 16 relations).
Every 250 cases the session's ignis.plan_mode, plan_cache_size, default_limit
and max_where_depth change.  Each case calls ignis.find, ignis.count,
ignis.exists_with and (sampled) ignis.build_query, and checks:

  crash       the backend never dies: the session stays up, and the server
              never goes through a crash restart
  internal    no SQLSTATE of class XX/58 and no internal-error message
              ("cache lookup failed", "unrecognized node", "SPI_..." ...)
  message     every error message starts with "ignis: ", or the error is one
              of PostgreSQL's input-conversion errors (22P02, 22007, 22008,
              22009, 22003, 54001) or of the errors PostgreSQL raises while
              matching a regular expression or LIKE pattern (2201B, 22025)
  sqlstate    "ignis: " errors carry a SQLSTATE of api.md §9.1, and their error
              path starts with the argument the where came from (filter... for
              find, conditions... for count)
  parity      for successful calls, build_query's sql PREPAREd and EXECUTEd
              with its params returns exactly what find returns (sampled), and
              a call build_query rejects is rejected by find with the same
              SQLSTATE
  consistency for where-only filters find and count agree: both succeed or
              both fail with the same SQLSTATE, the range total equals the
              count, and exists_with equals count > 0
  warnings    no WARNING/ERROR on the session's stderr that does not come from
              ignis itself (resource, snapshot or cache reference leaks ...)
  relation    after a share of the cases (--relation-rate), a where with
              relation filters (quantifiers, null, several in one object,
              nested up to 3 relations, beside plain conditions, under
              not/or/and) returns through find, count and exists_with the
              rows computed from plain finds without relation filters (see
              RelationCheck), and so does delete_all (sampled, rolled back),
              or fails as its parts fail alone; the same for
              a relation filter in an include's scope (rows or a relation
              count, correlated or batched, at the top or in the scope of
              another include); first a few fixed calls: 16
              relations deep but not 17, the errors of broken quantifiers and
              values with their paths and hints

Deterministic for a given database, --seed and -n.  Prints each distinct
failure with the call that triggers it (--repro-file collects the complete SQL
of every failing call), per-function outcome counts, one
"INVARIANT <name> checked=<n> failed=<n>" line per invariant, and as its last
line "<n> passed, <n> failed" (cases).  Exits 1 when anything failed, 2 when it
could not run at all.

Python 3 standard library only.
"""

import argparse
import json
import os
import queue
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from decimal import Decimal

# ---------------------------------------------------------------------------
# Invariants and allowed error codes
# ---------------------------------------------------------------------------
INVARIANTS = ["crash", "internal", "message", "sqlstate", "parity",
              "consistency", "warnings", "relation"]

# PostgreSQL's own input-conversion errors an operand may legitimately raise
PG_CONVERSION_STATES = {"22P02", "22007", "22008", "2201B", "22003", "54001",
                        # timestamptz_in: "time zone displacement out of range"
                        # for a huge number given as a timestamp operand
                        "22009"}

# Errors PostgreSQL raises while evaluating an operand against rows (the
# regular expression or LIKE pattern is only checked when a row reaches it, so
# whether they occur depends on the plan).  api.md §9.1 passes them through
# unchanged.  22025: a LIKE pattern ending with the escape character (like,
# nlike, ilike, nilike pass the operand unescaped, filter.md §4.5).
PG_RUNTIME_STATES = {"2201B", "22025"}
PG_CONVERSION_STATES |= PG_RUNTIME_STATES

# api.md §9.1
IGNIS_STATES = {"22004", "22023", "42704", "42703", "42710", "42883", "42501",
                "55000", "P0002", "2BP01", "0A000", "54001", "42P01"}

INTERNAL_PATTERNS = re.compile(
    r"cache lookup failed|unrecognized node|unexpected|unrecognized|"
    r"SPI_|could not find|variable not found|no relation entry|"
    r"wrong number of|invalid memory alloc|out of memory|corrupt|"
    r"should not happen|TRAP|assert", re.I)

# ---------------------------------------------------------------------------
# Server-side helpers (temporary functions of the fuzzer's session)
# ---------------------------------------------------------------------------
SETUP_SQL = r"""
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET statement_timeout = '30s';
-- build_query's statement runs with its values as constants: nested relation
-- filters on tables without statistics cost it past jit_above_cost, and
-- compiling takes seconds for a statement that runs in a millisecond
SET jit = off;
-- read by FuzzItem's scope filter
SET fuzz.hide_misc = '2';
RESET ignis.default_limit;

-- fz_call(fn, model, a1, a2): ignis.<fn>(model, a1::jsonb, a2::jsonb) with any
-- error caught; returns one line of JSON.
CREATE FUNCTION pg_temp.fz_call(fn text, model text, a1 text, a2 text)
RETURNS text LANGUAGE plpgsql AS $fz$
DECLARE
  j1 jsonb; j2 jsonb; r text; st text; msg text; det text; hnt text;
BEGIN
  BEGIN
    j1 := a1::jsonb;
    j2 := a2::jsonb;
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    RETURN jsonb_build_object('stage', 'input', 'ok', false, 'state', st, 'msg', msg)::text;
  END;
  BEGIN
    EXECUTE format('SELECT ignis.%I($1, $2, $3)::text', fn) INTO r USING model, j1, j2;
    RETURN jsonb_build_object('ok', true, 'r', r)::text;
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                            det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
    RETURN jsonb_build_object('ok', false, 'state', st, 'msg', msg,
                              'detail', det, 'hint', hnt)::text;
  END;
END
$fz$;

-- fz_undone(fn, model, a1, a2): fz_call in a subtransaction rolled back
-- afterwards (for writes whose result is all that counts)
CREATE FUNCTION pg_temp.fz_undone(fn text, model text, a1 text, a2 text)
RETURNS text LANGUAGE plpgsql AS $fz$
DECLARE
  r text;
BEGIN
  r := pg_temp.fz_call(fn, model, a1, a2);
  RAISE EXCEPTION USING ERRCODE = 'FZ999', MESSAGE = r;
EXCEPTION WHEN SQLSTATE 'FZ999' THEN
  GET STACKED DIAGNOSTICS r = MESSAGE_TEXT;
  RETURN r;
END
$fz$;

-- fz_bq(model, filter, options): build_query, then PREPARE its sql, bind its
-- params by the inferred parameter types, EXECUTE, and compare with find.
CREATE FUNCTION pg_temp.fz_bq(model text, f text, o text)
RETURNS text LANGUAGE plpgsql AS $fz$
DECLARE
  fj jsonb; oj jsonb; bq jsonb; params jsonb; types regtype[];
  args text := ''; lit text; t regtype; elem oid; i int;
  found_r jsonb; exec_r jsonb; st text; msg text; stage text;
BEGIN
  BEGIN
    fj := f::jsonb;
    oj := o::jsonb;
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    RETURN jsonb_build_object('stage', 'input', 'ok', false, 'state', st, 'msg', msg)::text;
  END;
  stage := 'build_query';
  BEGIN
    bq := ignis.build_query(model, fj, oj);
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    RETURN jsonb_build_object('ok', false, 'stage', stage, 'state', st, 'msg', msg)::text;
  END;
  BEGIN
    stage := 'find';
    EXECUTE 'SELECT ignis.find($1, $2, $3)' INTO found_r USING model, fj, oj;
    IF coalesce(oj->>'shouldQueryRange', 'false') = 'true' THEN
      found_r := found_r->'data';
    END IF;
    stage := 'prepare';
    IF EXISTS (SELECT 1 FROM pg_prepared_statements WHERE name = 'fzq') THEN
      DEALLOCATE fzq;
    END IF;
    EXECUTE 'PREPARE fzq AS ' || (bq->>'sql');
    SELECT parameter_types INTO types FROM pg_prepared_statements WHERE name = 'fzq';
    params := bq->'params';
    IF coalesce(array_length(types, 1), 0) <> jsonb_array_length(params) THEN
      RETURN jsonb_build_object('ok', false, 'stage', 'params', 'state', 'FZ001',
        'msg', format('%s placeholders, %s params', coalesce(array_length(types, 1), 0),
                      jsonb_array_length(params)), 'bq', bq)::text;
    END IF;
    FOR i IN 1 .. coalesce(array_length(types, 1), 0) LOOP
      t := types[i];
      SELECT typelem INTO elem FROM pg_type
       WHERE oid = t AND typcategory = 'A';
      IF params->(i - 1) = 'null'::jsonb THEN
        lit := 'NULL::' || t::text;
      ELSIF t IN ('json'::regtype, 'jsonb'::regtype) THEN
        lit := format('%L::%s', params->(i - 1), t);
      ELSIF elem IS NOT NULL AND elem IN ('json'::regtype, 'jsonb'::regtype) THEN
        lit := format('%L::%s', coalesce((SELECT array_agg(e)::text
                        FROM jsonb_array_elements(params->(i - 1)) e), '{}'), t);
      ELSIF elem IS NOT NULL THEN
        lit := format('%L::%s', coalesce((SELECT array_agg(e)::text
                        FROM jsonb_array_elements_text(params->(i - 1)) e), '{}'), t);
      ELSE
        lit := format('%L::%s', params->(i - 1) #>> '{}', t);
      END IF;
      args := args || CASE WHEN i > 1 THEN ', ' ELSE '' END || lit;
    END LOOP;
    stage := 'execute';
    IF args = '' THEN
      EXECUTE 'EXECUTE fzq' INTO exec_r;
    ELSE
      EXECUTE 'EXECUTE fzq(' || args || ')' INTO exec_r;
    END IF;
    DEALLOCATE fzq;
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    RETURN jsonb_build_object('ok', false, 'stage', stage, 'state', st, 'msg', msg,
                              'bq', bq)::text;
  END;
  IF found_r IS NOT DISTINCT FROM exec_r THEN
    RETURN jsonb_build_object('ok', true, 'same', true)::text;
  END IF;
  RETURN jsonb_build_object('ok', true, 'same', false, 'find', found_r,
                            'exec', exec_r, 'bq', bq)::text;
END
$fz$;
"""

EXTRA_SQL = r"""
DO $fz$
BEGIN
  IF to_regclass('public.fuzz_misc') IS NULL THEN
    BEGIN
      CREATE EXTENSION IF NOT EXISTS citext;
    EXCEPTION WHEN OTHERS THEN
      NULL;
    END;
    IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'fuzz_mood') THEN
      CREATE TYPE public.fuzz_mood AS ENUM ('sad', 'ok', 'happy');
    END IF;
    CREATE TABLE public.fuzz_misc (
      id       bigint PRIMARY KEY,
      code     varchar(3),
      amount   numeric(10,2),
      ratio    double precision,
      flag     boolean,
      day      date,
      at_time  timestamp(0),
      doc      json,
      uid      uuid,
      nums     integer[],
      mood     public.fuzz_mood,
      label    text
    );
    IF to_regtype('citext') IS NOT NULL THEN
      EXECUTE 'ALTER TABLE public.fuzz_misc ALTER COLUMN label TYPE citext';
    END IF;
    INSERT INTO public.fuzz_misc VALUES
      (1, 'abc', 12.50, 0.5, true, '2024-01-01', '2024-01-01 10:00:00',
       '{"a": 1, "b": [1, 2, {"c": "x"}], "s": "str"}',
       'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{1,2,3}', 'happy', 'Hello'),
      (2, 'x%_', -3.00, -1e10, false, '1999-12-31', '1999-12-31 23:59:59',
       '[1, "two", null]', NULL, '{}', 'sad', 'O''Brien \ %_'),
      (3, NULL, NULL, 'NaN', NULL, NULL, NULL, 'null', NULL, NULL, NULL, NULL),
      (4, 'Zoë', 99999999.99, 'Infinity', true, 'infinity', '2024-02-29 12:00:00',
       '{"a": "1.50", "flags": {"featured": true}, "user-id": 7}',
       '00000000-0000-0000-0000-000000000000', '{5,NULL,7}', 'ok', 'ÜNÏCÖDÉ');
  END IF;
  IF NOT EXISTS (SELECT 1 FROM ignis.models WHERE name = 'FuzzMisc') THEN
    PERFORM ignis.register_model('FuzzMisc', 'public.fuzz_misc',
                                 '{"naming": "camelCase", "hiddenProperties": ["label"]}');
  END IF;
  -- odd identifiers (naming identity: the property names are the column names)
  IF to_regclass('public.fuzz_odd') IS NULL THEN
    CREATE TABLE public.fuzz_odd (
      id        bigint PRIMARY KEY,
      misc_id   bigint,
      "Odd ""Col" text,
      "sp ace"  integer,
      "select"  text,
      "ünï"     text,
      "$1"      integer,
      "dot.ted" integer
    );
    INSERT INTO public.fuzz_odd VALUES
      (1, 1, 'a"b', 1, 'from', 'ü', 1, 1),
      (2, 1, NULL, 2, 'where', NULL, 2, NULL),
      (3, 2, '', NULL, NULL, 'ï', NULL, 3),
      (4, NULL, '\', 4, 'x', 'ünï', 4, 4);
  END IF;
  IF NOT EXISTS (SELECT 1 FROM ignis.models WHERE name = 'FuzzOdd') THEN
    PERFORM ignis.register_model('FuzzOdd', 'public.fuzz_odd', '{}');
    PERFORM ignis.register_relation('FuzzOdd', 'misc', 'one', 'FuzzMisc',
                                    '{"fields": ["misc_id"], "references": ["id"]}');
    PERFORM ignis.register_relation('FuzzMisc', 'odds', 'many', 'FuzzOdd', '{"inverseOf": "misc"}');
  END IF;
  -- a default filter with every kind of where entry, merged into each call
  IF NOT EXISTS (SELECT 1 FROM ignis.models WHERE name = 'FuzzPost') THEN
    PERFORM ignis.register_model('FuzzPost', 'public.posts', '{"naming": "camelCase",
      "softDelete": true,
      "defaultFilter": {"where": {"or": [{"status": "published"}, {"views": {"gt": 5}}],
                                  "and": [{"not": {"title": "nothing"}}],
                                  "views": {"gte": 0},
                                  "metadata.priority": {"isNotNull": true}},
                        "order": ["views DESC"], "limit": 4}}');
  END IF;
  IF NOT EXISTS (SELECT 1 FROM ignis.models WHERE name = 'FuzzWriteOnly') THEN
    PERFORM ignis.register_model('FuzzWriteOnly', 'public.tags', '{"operationScope": "WRITE_ONLY"}');
  END IF;
  -- relations for the relation filters: FuzzPost (a default filter of every
  -- kind) as the target of FuzzMisc.fuzzPosts
  IF NOT EXISTS (SELECT 1 FROM ignis.relations WHERE model = 'FuzzMisc' AND name = 'fuzzPosts') THEN
    PERFORM ignis.register_relation('FuzzMisc', 'fuzzPosts', 'many', 'FuzzPost',
                                    '{"fields": ["id"], "references": ["authorId"]}');
  END IF;
  IF NOT EXISTS (SELECT 1 FROM ignis.relations WHERE model = 'FuzzPost' AND name = 'misc') THEN
    PERFORM ignis.register_relation('FuzzPost', 'misc', 'one', 'FuzzMisc',
                                    '{"fields": ["authorId"], "references": ["id"]}');
  END IF;
  -- a tree of items: soft delete, a scope filter (rows with qty >= 50 are out
  -- of scope, and those of the misc the setting fuzz.hide_misc names), a
  -- hidden property, keys that are NULL or point at no row, a relation to
  -- itself both ways and one on two keys
  IF to_regclass('public.fuzz_item') IS NULL THEN
    CREATE TABLE public.fuzz_item (
      id          bigint PRIMARY KEY,
      parent_id   bigint,
      misc_id     bigint,
      odd_id      bigint,
      name        text,
      qty         integer,
      tags        text[],
      deleted_at  timestamptz,
      note        text
    );
    INSERT INTO public.fuzz_item VALUES
      (1,  NULL, 1,    1,    'root',          5,    '{a,b}', NULL,         'n1'),
      (2,  1,    1,    2,    'child a',       NULL, '{a}',   NULL,         NULL),
      (3,  1,    1,    NULL, NULL,            7,    NULL,    NULL,         'n3'),
      (4,  2,    2,    1,    'grandchild',    60,   '{}',    NULL,         NULL),
      (5,  2,    2,    3,    'deleted',       3,    '{b}',   '2024-01-01', NULL),
      (6,  NULL, NULL, 4,    'orphan',        NULL, NULL,    NULL,         NULL),
      (7,  99,   3,    99,   'dangling',      2,    '{c}',   NULL,         NULL),
      (8,  3,    4,    2,    'Zoë',           50,   '{a,c}', NULL,         'n8'),
      (9,  3,    1,    2,    'child a',       1,    '{a}',   '2023-06-01', NULL),
      (10, 1,    NULL, 1,    '',              0,    '{}',    NULL,         NULL),
      (11, 8,    3,    3,    'under scoped',  8,    '{b,c}', NULL,         NULL),
      (12, 5,    1,    4,    'under deleted', NULL, NULL,    NULL,         NULL),
      (13, 2,    1,    2,    'child a',       NULL, '{a}',   NULL,         NULL);
  END IF;
  IF NOT EXISTS (SELECT 1 FROM ignis.models WHERE name = 'FuzzItem') THEN
    PERFORM ignis.register_model('FuzzItem', 'public.fuzz_item', '{"naming": "camelCase",
      "softDelete": true, "hiddenProperties": ["note"],
      "scopeFilter": {"where": {"or": [{"qty": null}, {"qty": {"lt": 50}}],
                                "and": [{"or": [{"miscId": null},
                                                {"miscId": {"neq": {"$setting": "fuzz.hide_misc"}}}]}]}}}');
    PERFORM ignis.register_relation('FuzzItem', 'parent', 'one', 'FuzzItem',
                                    '{"fields": ["parentId"], "references": ["id"]}');
    PERFORM ignis.register_relation('FuzzItem', 'children', 'many', 'FuzzItem',
                                    '{"inverseOf": "parent"}');
    PERFORM ignis.register_relation('FuzzItem', 'siblings', 'many', 'FuzzItem',
      '{"fields": ["parentId", "miscId"], "references": ["parentId", "miscId"]}');
    PERFORM ignis.register_relation('FuzzItem', 'misc', 'one', 'FuzzMisc',
                                    '{"fields": ["miscId"], "references": ["id"]}');
    PERFORM ignis.register_relation('FuzzMisc', 'items', 'many', 'FuzzItem',
                                    '{"inverseOf": "misc", "strategy": "batched"}');
    PERFORM ignis.register_relation('FuzzItem', 'odd', 'one', 'FuzzOdd',
                                    '{"fields": ["oddId"], "references": ["id"]}');
    PERFORM ignis.register_relation('FuzzOdd', 'items', 'many', 'FuzzItem',
                                    '{"inverseOf": "odd"}');
  END IF;
  -- keys with odd names (quotes of the join)
  IF NOT EXISTS (SELECT 1 FROM ignis.relations WHERE model = 'FuzzOdd' AND name = 'byDollar') THEN
    PERFORM ignis.register_relation('FuzzOdd', 'byDollar', 'many', 'FuzzItem',
                                    '{"fields": ["$1"], "references": ["qty"]}');
    PERFORM ignis.register_relation('FuzzItem', 'dotted', 'one', 'FuzzOdd',
                                    '{"fields": ["qty"], "references": ["dot.ted"]}');
  END IF;
  -- a relation to a model that may not be read (42501 when filtered by)
  IF NOT EXISTS (SELECT 1 FROM ignis.relations WHERE model = 'FuzzOdd' AND name = 'writeOnly') THEN
    PERFORM ignis.register_relation('FuzzOdd', 'writeOnly', 'one', 'FuzzWriteOnly',
                                    '{"fields": ["id"], "references": ["id"]}');
  END IF;
  -- a default filter that filters by a relation (item 11 is hidden: no
  -- misc with flag, a parent, qty 8), so that relation filters to FuzzItem
  -- nest through it
  IF (SELECT settings->'defaultFilter' FROM ignis.models WHERE name = 'FuzzItem') IS NULL THEN
    PERFORM ignis.alter_model('FuzzItem', '{"defaultFilter": {"where": {"or": [
      {"misc": {"some": {"flag": true}}}, {"parentId": null}, {"qty": {"lt": 3}}]}}}');
  END IF;
END
$fz$;
"""

# ---------------------------------------------------------------------------
# JSON encoding (with raw fragments for structures too deep for json.dumps)
# ---------------------------------------------------------------------------


class Raw:
    """A piece of JSON text inserted verbatim."""

    def __init__(self, text):
        self.text = text


class Num:
    """A JSON number written exactly as given (1e400, -0, 1.50 ...)."""

    def __init__(self, text):
        self.text = text


def enc(v):
    if isinstance(v, Raw):
        return v.text
    if isinstance(v, Num):
        return v.text
    if isinstance(v, dict):
        return "{" + ", ".join(json.dumps(k, ensure_ascii=False) + ": " + enc(x)
                               for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(enc(x) for x in v) + "]"
    return json.dumps(v, ensure_ascii=False)


def sql_lit(s):
    if s is None:
        return "NULL"
    return "'" + s.replace("'", "''") + "'"


def short(s, n):
    return s if len(s) <= n else s[:n] + "...(%d chars)" % len(s)


# ---------------------------------------------------------------------------
# psql session
# ---------------------------------------------------------------------------


class SessionLost(Exception):
    """psql died, the connection was lost, or no answer came in time.
    args: (lines read so far, "lost" or "timeout")."""


class Psql:
    def __init__(self, psql, dbname, setup=None):
        self.psql = psql
        self.dbname = dbname
        self.setup = setup      # SQL run by open() in each new session
        self.proc = None
        self.stdout_q = None
        self.stderr_q = None
        self.marker_n = 0

    def start(self):
        args = [self.psql, "-XAtq", "-v", "ON_ERROR_STOP=0"]
        if self.dbname:
            args += ["-d", self.dbname]
        env = dict(os.environ)
        env["PGCLIENTENCODING"] = "UTF8"
        env.setdefault("PGAPPNAME", "ignis_fuzz")
        self.proc = subprocess.Popen(
            args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=env, encoding="utf-8",
            errors="replace", bufsize=1)
        self.stdout_q = queue.Queue()
        self.stderr_q = queue.Queue()

        def pump(stream, q):
            for line in stream:
                q.put(line.rstrip("\n"))
            q.put(None)     # end of stream
        for stream, q in ((self.proc.stdout, self.stdout_q), (self.proc.stderr, self.stderr_q)):
            threading.Thread(target=pump, args=(stream, q), daemon=True).start()

    def open(self):
        """start() and run the setup SQL; its messages are dropped."""
        self.start()
        if self.setup:
            self.run([self.setup], timeout=60)
        self.stderr_lines()

    def run(self, statements, timeout=120):
        """Send statements (each producing at most one output line) and
        return the list of lines.  Raises SessionLost with the lines read so
        far when psql dies, the connection is lost or the batch takes longer
        than timeout seconds."""
        self.marker_n += 1
        marker = "@@fz-end-%d@@" % self.marker_n
        text = "".join(s.rstrip().rstrip(";") + ";\n" for s in statements)
        text += "\\echo " + marker + "\n"
        # write from a thread: psql answers the first statements (filling the
        # stdout pipe) before it has read the whole batch
        stdin = self.proc.stdin

        def feed():
            try:
                stdin.write(text)
                stdin.flush()
            except (BrokenPipeError, OSError, ValueError):
                pass
        threading.Thread(target=feed, daemon=True).start()
        lines = []
        deadline = time.time() + timeout
        while True:
            try:
                line = self.stdout_q.get(timeout=max(0.1, deadline - time.time()))
            except queue.Empty:
                raise SessionLost(lines, "timeout")
            if line is None:
                raise SessionLost(lines, "lost")
            if line == marker:
                return lines
            lines.append(line)

    def stderr_lines(self):
        out = []
        while True:
            try:
                line = self.stderr_q.get_nowait()
            except queue.Empty:
                return out
            if line is not None:
                out.append(line)

    def close(self):
        if self.proc is None:
            return
        try:
            self.proc.stdin.close()
        except (OSError, ValueError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


def simple_query(psql, dbname, sql):
    args = [psql, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql]
    if dbname:
        args += ["-d", dbname]
    env = dict(os.environ)
    env["PGCLIENTENCODING"] = "UTF8"
    return subprocess.run(args, capture_output=True, encoding="utf-8",
                          errors="replace", env=env)


# ---------------------------------------------------------------------------
# Model metadata (read from describe_model)
# ---------------------------------------------------------------------------


def kind_of(typ):
    t = typ.lower()
    if t.endswith("[]"):
        return "array:" + kind_of(t[:-2])
    if t in ("integer", "bigint", "smallint"):
        return "int"
    if t.startswith("numeric"):
        return "num"
    if t in ("double precision", "real"):
        return "float"
    if t in ("text", "citext", "name") or t.startswith("character") or t.endswith(".citext"):
        return "text"
    if t == "boolean":
        return "bool"
    if t == "date":
        return "date"
    if t.startswith("timestamp"):
        return "ts"
    if t in ("json", "jsonb"):
        return "json"
    if t == "uuid":
        return "uuid"
    return "enum"


class Model:
    def __init__(self, desc):
        self.name = desc["name"]
        self.props = [(p["name"], kind_of(p["type"])) for p in desc["properties"]]
        self.kinds = dict(self.props)
        self.relations = [(r["name"], r["target"]) for r in desc["relations"]]
        self.many = {r["name"] for r in desc["relations"] if r.get("type") == "many"}
        self.pk = desc.get("primaryKey")
        self.hidden = {p["name"] for p in desc["properties"] if p.get("hidden")}
        # name -> (fields of this model, references of the target, target)
        self.keys = {r["name"]: (r.get("fields") or [], r.get("references") or [], r["target"])
                     for r in desc["relations"]}
        self.default_where = ((desc.get("defaultFilter") or {}).get("where") or {})
        self.read = desc.get("operationScope") != "WRITE_ONLY"


# ---------------------------------------------------------------------------
# Generators
# ---------------------------------------------------------------------------
STRING_PIECES = [
    "", "a", "A", "Alice", "Bob", "Dave_", "Dave_X", "Zoë", "zoe", "news", "tech",
    "published", "draft", "member", "admin", "high", "Hello World", "%", "_", "%_%",
    "\\", "\\\\", "\\%", "\\_", "'", "''", "\"", "\\\"", "O'Brien", "ü", "Ünïcödé ✓",
    "✓", "😀", "\u200b", "\n", "\t", " ", "  ", "NULL", "null", "true", "1", "1.50",
    "-0", "1e3", "'; DROP TABLE public.users; --", "$1", "$$", ":x", ":'x'", "\\x41",
    "{", "}", "[", "]", ",", "(", ")", ".", "*", "+", "?", "^", "$", "|", "[a-z]",
    "(a|b)", "\\d", "ǅ", "ß", "İ", "\ufffd", "\u0001", "\u007f", "@@", "\\echo",
    "a.b", "a[0]", "metadata.priority", "%a%", "_b_", "E'\\n'", "\u202e", "日本語",
]

REGEX_GOOD = ["^H", "o$", "^(Hello|Deep)", "[a-z]+", "^.*$", "D.v", "\\d", "^$",
              "^[A-Z][a-z]+ [A-Z]", "ü|ë", "x*", "(?i)hello", "\\mnews\\M",
              "^\\w+@\\w+\\.com$", "[[:alpha:]]", "a{0,3}"]
REGEX_BAD = ["(", ")", "[", "*", "a{2,1}", "\\", "(?", "a**", "[z-a]", "(?<x>a)",
             "\\k<x>", "a{99999}", "[[:nope:]]", "+", "(?P<a>x)", "\\Q"]

VALID_OPS = ["eq", "neq", "ne", "gt", "gte", "lt", "lte", "between", "notBetween",
             "in", "inq", "nin", "notIn", "like", "nlike", "notLike", "ilike",
             "nilike", "notILike", "startsWith", "endsWith", "regexp", "iregexp",
             "is", "isn", "isNull", "isNotNull", "contains", "containedBy",
             "overlaps"]
BAD_OPS = ["exists", "notExists", "not", "and", "or", "Like", "IN", "BETWEEN",
           "gtt", "", " eq", "eq ", "$eq", "jsonPath", "__proto__", "constructor",
           "0", "ä", "startswith", "isnull", "null", "like%",
           "'", "\\", "ne\"q"]

GOOD_PATH_TAILS = [".priority", ".flags.featured", ".ratings[0]", ".ratings.0",
                   ".items[2].name", ".user-id", ".a", ".b[2].c", ".flags",
                   ".ratings[1]", "[0]", ".s", ".0", "._x", ".A-b_9",
                   ".ratings[99999999999999999999]"]
BAD_PATH_TAILS = [".", "[]", "..x", "[-1]", "[\"x\"]", ".bad key", ".ünï", "[0x]",
                  ".1a", "[", "]", ".a]", "[0", ".a..b", ".a.", "[ 0 ]", ".'x'",
                  ".a\\b", ".a%", ".$", "[*]", ".a[0]]", "[0][", ".\u00e9"]



# Fixed cases run before the random ones: edge cases of filter.md and earlier
# findings (model, filter, options).
CORPUS = [
    # ordering by a whole json property (read.md §3.3, filter.md §6: jsonb ordering)
    ("FuzzMisc", {"order": ["doc"], "fields": ["id"]}, {}),
    ("FuzzMisc", {"where": {"doc": {"gt": {"a": 0}}}, "order": ["doc DESC", "id"]}, {}),
    ("FuzzMisc", {"where": {"doc": {"between": [1, {"z": 1}]}}, "fields": ["id"]}, {}),
    ("FuzzMisc", {"where": {"doc": {"in": [{"a": 1, "b": [1, 2, {"c": "x"}], "s": "str"},
                                            [1, "two", None]]}}}, {}),
    ("FuzzMisc", {"where": {"doc.b[2].c": "x", "doc.a": {"gte": 1}}}, {}),
    ("FuzzMisc", {"where": {"doc": {"jsonPath": "$.flags.featured", "eq": True}}}, {}),
    ("FuzzMisc", {"where": {"doc": {"contains": [1]}}}, {}),
    ("FuzzMisc", {"where": {"code": "abcd"}}, {}),
    ("FuzzMisc", {"where": {"code": {"like": "x\\%\\_"}}}, {}),
    ("FuzzMisc", {"where": {"amount": Num("12.505")}}, {}),
    ("FuzzMisc", {"where": {"amount": {"between": [Num("-1e400"), Num("1e400")]}}}, {}),
    ("FuzzMisc", {"where": {"ratio": {"in": ["NaN", "Infinity", Num("1e309")]}}}, {}),
    ("FuzzMisc", {"where": {"nums": {"contains": [5, None]}}}, {}),
    ("FuzzMisc", {"where": {"nums": []}}, {}),
    ("FuzzMisc", {"where": {"nums": {"overlaps": [Num("1.5")]}}}, {}),
    ("FuzzMisc", {"where": {"label": {"ilike": "hello"}, "mood": {"gt": "sad"}}}, {}),
    ("FuzzMisc", {"where": {"day": {"lt": "infinity"}, "atTime": {"gte": "epoch"}}}, {}),
    ("FuzzMisc", {"where": {"uid": {"in": ["{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}", None]}}}, {}),
    ("FuzzMisc", {"where": {"id": Num("9223372036854775808")}}, {}),
    ("FuzzPost", {}, {"shouldQueryRange": True}),
    ("FuzzPost", {"where": {"or": [{"id": 1}], "and": [{"views": {"lt": 200}}],
                            "not": {"title": "x"}, "metadata.priority": {"lte": 9}}}, {}),
    ("FuzzPost", {"where": {"tags": {"overlaps": []}}}, {"shouldSkipDefaultFilter": True}),
    ("FuzzWriteOnly", {}, {}),
    # LIKE pattern ending with the escape character (PostgreSQL's 22025)
    ("Tag", {"where": {"name": {"nlike": "\\"}}}, {}),
    ("Tag", {"where": {"name": {"startsWith": "\\", "endsWith": "%_"}}}, {}),
    # where language edge cases
    ("Post", {"where": {"or": []}}, {"shouldQueryRange": True}),
    ("Post", {"where": {"or": [{}, {"views": "abc"}]}}, {}),
    ("Post", {"where": {"metadata.priority": {"gt": 1, "like": "h%"}}}, {}),
    ("Post", {"where": {"metadata.priority": Num("1.5")}}, {}),
    ("Post", {"where": {"metadata.priority": {"eq": Num("1.5")}}}, {}),
    ("Post", {"where": {"metadata.ratings": {"overlaps": [4]}}}, {}),
    ("Post", {"where": {"not": {"metadata.ratings": {"overlaps": [4]}}}}, {}),
    ("Post", {"where": {"metadata.flags": None, "metadata.0": {"isNull": True}}}, {}),
    ("Post", {"where": {"metadata.ratings[99999999999999999999]": 1}}, {}),
    ("Post", {"where": {"metadata": {"jsonPath": "$.flags.featured", "eq": "true"}}}, {}),
    ("Post", {"where": {"tags": {"contains": []}, "id": {"between": [1, "9"]}}}, {}),
    ("Post", {"where": {"tags": ["news"]}}, {}),
    ("Post", {"where": {"title": {"regexp": "("}}}, {}),
    ("Post", {"order": ["metadata.priority DESC NULLS LAST", "metadata"], "limit": 3}, {}),
    ("User", {"where": {"age": {"in": list(range(20000)) + [None]}}}, {}),
    ("User", {"where": {"age": {"nin": [None]}}}, {}),
    ("User", {"where": {"age": Num("1e400")}}, {}),
    ("User", {"where": {"age": Num("-0"), "id": Num("20.0")}}, {}),
    ("User", {"where": {"email": {"startsWith": "%_\\"}}}, {}),
    ("User", {"where": {"displayName": {"ilike": "ZOË"}}}, {}),
    ("User", {"where": {"createdAt": {"gt": "294277-01-01"}}}, {}),
    ("User", {"where": {"not": {}}}, {}),
    ("User", {"where": {"and": {"role": "member"}, "or": {"age": 27}}}, {}),
    ("User", {"where": {"password": "pw1"}, "fields": {"password": True}}, {}),
    ("User", {"include": [{"relation": "posts", "scope": {"include": [
        {"relation": "author", "scope": {"include": ["posts", "profile"]}}]}}]}, {}),
    ("User", {"where": Raw('{"not": ' * 3000 + '{"id": 1}' + "}" * 3000)}, {}),
    ("User", {"where": Raw('{"or": [' * 200 + '{"id": 1}' + "]}" * 200)}, {}),
]


class Gen:
    """Random filters.  Each case is generated either in "clean" mode (only
    operators and operands that the property's type accepts, so most calls
    succeed and reach execution) or in "noisy" mode (anything goes)."""

    def __init__(self, rng, models):
        self.r = rng
        self.models = models
        self.model_names = sorted(models)
        self.noise = 1.0
        self.relations_on = True    # where keys naming relations
        self.rel_depth = 0          # relation filters around the where being built

    def bad(self, p):
        """True with probability p in noisy mode, never in clean mode."""
        return self.r.random() < p * self.noise

    # -- scalars -----------------------------------------------------------
    def string(self, maxlen=40):
        r = self.r
        roll = r.random()
        if roll < 0.02:
            return r.choice(STRING_PIECES) * r.randint(100, 5000)
        if roll < 0.05:
            return "".join(chr(r.randint(0x20, 0x2FFF)) for _ in range(r.randint(1, 60)))
        if roll < 0.25:
            return r.choice(["Alice", "Bob", "Dave_X", "Davey", "Zoë", "news", "tech",
                             "published", "draft", "archived", "member", "admin", "guest",
                             "high", "Hello World", "Deep Dive", "Ünïcödé ✓", "abc", "x%_",
                             "Hello", "O'Brien \\ %_", "alice@example.com", "true", "3"])
        n = r.randint(1, 4)
        s = "".join(r.choice(STRING_PIECES) for _ in range(n))
        return s[:maxlen] if r.random() < 0.9 else s

    def number(self):
        r = self.r
        return r.choice([
            0, 1, -1, 2, 3, 5, 7, 19, 27, 34, 41, 45, 100, 120, 300,
            2147483647, -2147483648, 2147483648, 9223372036854775807,
            9223372036854775808, -9223372036854775809, 10 ** 30,
            Num("-0"), Num("1.50"), Num("1.5"), Num("2.0"), Num("0.5"),
            Num("1e400"), Num("-1e400"), Num("1e-400"), Num("1E3"), Num("1e308"),
            Num("1e309"), Num("123456789.123456789"), Num("99999999.995"),
            Num("3.14159265358979323846264338327950288"), 0.1, -2.5])

    def bad_scalar(self):
        r = self.r
        return r.choice([True, False, None, "", "abc", " 42 ", "4e2", "٣", "1_000",
                         "0x1F", "NaN", "Infinity", "-inf", "t", "yes", "maybe",
                         "2024-13-45", "not a date", {}, [], {"a": 1}, [1, [2]],
                         self.number(), self.string()])

    GOOD = {
        "int": [0, 1, 2, 3, 4, 5, 6, 19, 27, 34, 41, 45, 100, 120, 300, -1, Num("-0"),
                "27", "5", 2147483647, -2147483648],
        "num": [0, 1, Num("1.50"), Num("12.50"), Num("-3.00"), Num("-0"), 12.5, "12.5",
                "NaN", Num("1e-400"), Num("123456789.123456789"), 99999999],
        "float": [0, Num("0.5"), -1e10, "NaN", "Infinity", "-Infinity", Num("1e308"),
                  Num("1e-400"), 3, Num("-0")],
        "bool": [True, False, True, False, "t", "off"],
        "date": ["2024-01-01", "1999-12-31", "infinity", "-infinity", "epoch",
                 "2024-01-05T10:00:00Z", "2023-12-01", "2024-06-01", "0001-01-01 BC"],
        "ts": ["2024-01-05", "2024-01-05T10:00:00Z", "2024-01-05 10:00:00+02",
               "2024-03-05T00:00:00+00:00", "2023-12-01", "epoch", "infinity",
               "-infinity", "2024-06-30T23:59:59.999999+14:00", "2024-06-01T00:00:00Z",
               "2024-02-29 12:00:00", "1999-12-31 23:59:59", "2024-04-01T00:00:00Z"],
        "uuid": ["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "00000000-0000-0000-0000-000000000000",
                 "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}", "A0EEBC999C0B4EF8BB6D6BB9BD380A11"],
        "enum": ["sad", "ok", "happy"],
    }
    BAD = {
        "int": [Num("1.5"), Num("20.0"), Num("1e400"), 2147483648, 9223372036854775808,
                "abc", " 42 ", "4e2", "٣", "", "1_000", True, Num("1E3")],
        "num": [Num("1e400"), "abc", "", "1_000", "Infinity", True, "0x1F"],
        "float": [Num("1e309"), Num("-1e400"), "abc", "", "inf inity", True],
        "bool": ["maybe", "", 2, "yes please", "tru"],
        "date": ["2024-13-45", "2024-02-30", "garbage", "", "10000-01-01x", "5874898-01-01",
                 "2024-01-05 25:00"],
        "ts": ["2024-13-45", "2024-02-30", "garbage", "", "294277-01-01", "2024-01-05 25:00",
               "1999-12-31T24:00:01", "allballs", "2024-01-05T10:00:00Zulu", 5],
        "uuid": ["not-a-uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1", "", 5],
        "enum": ["angry", "", "SAD", " ok"],
        "text": [5, True, Num("1e400")],
    }

    def value(self, kind):
        r = self.r
        if kind.startswith("array:"):
            return [self.value(kind[6:]) for _ in range(r.randint(0, 4))]
        if self.bad(0.12):
            return self.bad_scalar()
        if self.bad(0.15) and kind in self.BAD:
            return r.choice(self.BAD[kind])
        if kind == "text":
            return self.string()
        if kind == "json":
            return self.json_doc(3)
        if kind == "int" and r.random() < 0.3:
            return r.randint(-3, 10)
        return r.choice(self.GOOD.get(kind, self.GOOD["enum"]))

    def json_doc(self, depth):
        r = self.r
        roll = r.random()
        if depth <= 0 or roll < 0.4:
            return r.choice([None, True, False, self.number(), self.string(), "high",
                             3, 5, Num("1.50"), 2, "str"])
        if roll < 0.7:
            return {r.choice(["priority", "flags", "ratings", "featured", "a", "b",
                              "", "x y", "ü"]): self.json_doc(depth - 1)
                    for _ in range(r.randint(0, 3))}
        return [self.json_doc(depth - 1) for _ in range(r.randint(0, 3))]

    def values_list(self, kind):
        r = self.r
        if r.random() < 0.02:
            n = r.randint(1000, 20000)
            if kind in ("int", "num", "float"):
                return [r.randint(-10, 10 ** 6) for _ in range(n)]
            if kind == "text":
                return [self.string(8) for _ in range(min(n, 3000))]
        lst = [self.value(kind) for _ in range(r.randint(0, 5))]
        if r.random() < 0.2:
            lst.insert(r.randint(0, len(lst)), None)
        return lst

    # -- operators -----------------------------------------------------------
    def ops_for(self, kind):
        """Operators the kind of target accepts (filter.md §4, D29, D38, D39)."""
        null_tests = ["is", "isn", "isNull", "isNotNull"]
        if kind.startswith("array:"):
            return ["eq", "neq", "ne", "contains", "containedBy", "overlaps"] + null_tests
        scalar = ["eq", "neq", "ne", "gt", "gte", "lt", "lte", "between", "notBetween",
                  "in", "inq", "nin", "notIn"] + null_tests
        if kind == "text":
            return scalar + ["like", "nlike", "notLike", "ilike", "nilike", "notILike",
                             "startsWith", "endsWith", "regexp", "iregexp"]
        if kind == "json":
            return scalar + ["contains", "containedBy", "overlaps"]
        return scalar

    def operand(self, op, kind):
        r = self.r
        base = kind
        if kind.startswith("array:"):
            base = kind[6:]
        if self.bad(0.08):
            return r.choice([None, {}, [], {"eq": 1}, [[1]], self.bad_scalar(),
                             self.json_doc(2)])
        if op in ("eq", "neq", "ne", "is", "isn"):
            if kind.startswith("array:"):
                if op in ("is", "isn") or (r.random() < 0.1 and op in ("eq", "neq", "ne")):
                    return None
                return self.value(kind) if not self.bad(0.3) else self.value(base)
            if r.random() < 0.15:
                return None
            return self.value(kind)
        if op in ("gt", "gte", "lt", "lte"):
            return self.value(kind)
        if op in ("between", "notBetween"):
            if not self.bad(0.3):
                return [self.value(kind), self.value(kind)]
            return r.choice([[self.value(kind)], [self.value(kind)] * 3, [1, None],
                             [1, "9"], 5, "x", [[1], [2]]])
        if op in ("in", "inq", "nin", "notIn"):
            if not self.bad(0.2):
                return self.values_list(kind)
            return self.value(kind)
        if op in ("like", "nlike", "notLike", "ilike", "nilike", "notILike",
                  "startsWith", "endsWith"):
            return self.string() if not self.bad(0.15) else self.bad_scalar()
        if op in ("regexp", "iregexp"):
            roll = r.random()
            if roll < 0.85 or self.noise == 0:
                return r.choice(REGEX_GOOD)
            if roll < 0.95:
                return r.choice(REGEX_BAD)
            return self.bad_scalar()
        if op in ("isNull", "isNotNull"):
            if self.bad(0.3):
                return r.choice(["true", 1, None, []])
            return r.choice([True, False])
        if op in ("contains", "containedBy", "overlaps"):
            ek = base if kind.startswith("array:") else r.choice(["int", "text", "json"])
            if not self.bad(0.3):
                lst = [self.value(ek) for _ in range(r.randint(0, 4))]
                if self.noise == 0 and ek != "json":
                    # one JSON type, no null
                    lst = [x for x in lst if x is not None and type(x) is type(lst[0])]
                return lst
            return r.choice([self.value(base), [1, "x"], [None], [[1]], [{"a": 1}], None])
        return self.value(base)

    def op_object(self, kind):
        r = self.r
        obj = {}
        allowed = self.ops_for(kind)
        for _ in range(r.choice([1, 1, 1, 2, 2, 3])):
            if not self.bad(0.3):
                op = r.choice(allowed)
            elif r.random() < 0.5:
                op = r.choice(VALID_OPS)
            elif r.random() < 0.6:
                op = r.choice(BAD_OPS)
            else:
                op = self.string(12)
            obj[op] = self.operand(op, kind)
        if self.noise == 0:
            # D5: null operands are errors for range and pattern operators
            obj = {k: v for k, v in obj.items()
                   if v is not None or k in ("eq", "neq", "ne", "is", "isn")}
            if kind in ("text", "json") and "between" in obj and "notBetween" in obj:
                del obj["notBetween"]
        if kind == "json" and self.bad(0.15):
            obj["jsonPath"] = r.choice(["$.priority", "$.flags.featured", "$.ratings[0]",
                                        "$.a", "$", "$..x", "priority", "$.a b",
                                        "$[0]", "$.b[2].c", 5, None])
        return obj

    # -- where objects -------------------------------------------------------
    def prop_value(self, model, prop, kind):
        r = self.r
        roll = r.random()
        if roll < 0.25:
            if kind.startswith("array:") and self.noise == 0:
                return self.value(kind)
            return self.value(kind) if not self.bad(0.2) else self.value(kind.replace("array:", ""))
        if roll < 0.32:
            return None
        if roll < 0.42:
            if kind.startswith("array:"):
                return self.value(kind)
            return self.values_list(kind)
        if roll < 0.9 or self.noise == 0:
            return self.op_object(kind)
        if roll < 0.93:
            return {}
        if roll < 0.96:
            return {self.string(10): self.value(kind)}
        return self.json_doc(2)

    def path_key(self, model):
        r = self.r
        jprops = [p for p, k in model.props if k == "json"]
        if jprops and not self.bad(0.15):
            root = r.choice(jprops)
        elif r.random() < 0.5:
            root = r.choice(model.props)[0]
        else:
            root = r.choice(["nope", "", "Metadata", "metadata ", "doc"])
        tail = ""
        for _ in range(r.randint(1, 3)):
            if not self.bad(0.2):
                tail += r.choice(GOOD_PATH_TAILS)
            else:
                tail += r.choice(BAD_PATH_TAILS)
        return root + tail

    def path_value(self):
        r = self.r
        roll = r.random()
        if roll < 0.3:
            return r.choice([self.number(), self.string(), True, False, "high", 3, 5])
        if roll < 0.38:
            return None
        if roll < 0.48:
            lst = [r.choice([self.number(), self.string(), None, "high", 3])
                   for _ in range(r.randint(0, 4))]
            return lst
        if self.noise == 0:
            # one comparison mode per operator object (D21)
            if r.random() < 0.5:
                ops = ["gt", "gte", "lt", "lte", "between", "notBetween", "eq", "neq",
                       "in", "nin", "isNull", "isNotNull"]
                obj = {}
                for _ in range(r.randint(1, 2)):
                    op = r.choice(ops)
                    if op in ("between", "notBetween"):
                        obj[op] = [r.choice([1, 2, Num("1.5"), 4]), r.choice([3, 5, Num("4.5"), 10])]
                    elif op in ("in", "nin"):
                        obj[op] = [r.choice([1, 3, 5, Num("1.50")]) for _ in range(r.randint(0, 3))]
                    elif op in ("isNull", "isNotNull"):
                        obj[op] = r.choice([True, False])
                    else:
                        obj[op] = r.choice([1, 2, 3, 5, Num("1.5"), Num("-0"), Num("1e-400")])
                if not any(k in obj for k in ("gt", "gte", "lt", "lte", "between", "notBetween")):
                    obj["gte"] = 0
                return obj
            return self.op_object("text")
        return self.op_object(r.choice(["json", "int", "text", "num"]))

    def where(self, model, depth=0):
        r = self.r
        w = {}
        nkeys = r.choice([0, 1, 1, 1, 2, 2, 3, 4]) if depth < 4 else r.choice([0, 1])
        for _ in range(nkeys):
            if (self.relations_on and model.relations and self.rel_depth < 3
                    and r.random() < 0.12):
                rel, target = r.choice(model.relations)
                w[rel] = self.relation_value(rel, target, depth)
                continue
            roll = r.random()
            if roll < 0.6:
                p, k = r.choice(model.props)
                w[p] = self.prop_value(model, p, k)
            elif roll < 0.78 and depth < 5:
                lk = r.choice(["and", "or", "not"])
                w[lk] = self.logical_value(model, lk, depth)
            elif roll < 0.92:
                if self.noise == 0 and not any(k == "json" for _, k in model.props):
                    continue
                w[self.path_key(model)] = self.path_value()
            elif self.noise > 0:
                key = r.choice(["nickname", "And", "OR", "NOT", "", " ", "id ", "ID",
                                "display_name", "author", "posts", "password",
                                "__proto__", self.string(15)])
                p, k = r.choice(model.props)
                w[key] = self.value(k)
        return w

    QUANTIFIERS = ["some", "every", "none"]

    def relation_value(self, rel, target, depth):
        """The value of a where key naming a relation: null or an object of
        quantifiers, each with a where of the target model."""
        r = self.r
        tm = self.models.get(target)
        if self.bad(0.2):
            return self.bad_relation_value(tm)
        if r.random() < 0.1:
            return None
        obj = {}
        for q in r.sample(self.QUANTIFIERS, r.choice([1, 1, 1, 2, 3])):
            obj[q] = self.related_where(tm, depth)
        return obj

    def related_where(self, tm, depth):
        if tm is None or self.r.random() < 0.1:
            return {}
        self.rel_depth += 1
        try:
            return self.where(tm, depth + 1)
        finally:
            self.rel_depth -= 1

    def bad_relation_value(self, tm):
        r = self.r
        roll = r.random()
        if roll < 0.3:
            q = r.choice(["sme", "Some", "SOME", "any", "all", "every ", "", "nonе",
                          "is", "isNot", "exists", "count", "and", "not",
                          self.string(8)])
            return {q: self.related_where(tm, 2)}
        if roll < 0.5:
            return {r.choice(self.QUANTIFIERS): r.choice([5, "x", [], [{}], None, True,
                                                          Num("1e400")])}
        if roll < 0.6:
            return {}
        if roll < 0.75:
            return r.choice([5, "x", [], True, False, [{"some": {}}], Num("-0"),
                             self.string(10)])
        if roll < 0.85:
            obj = {r.choice(self.QUANTIFIERS): self.related_where(tm, 2)}
            obj[r.choice(["bogus", "some ", "where", "relation"])] = {}
            return obj
        return self.relation_chain(tm, r.choice([14, 15, 16, 17, 20, 40]))

    def relation_chain(self, model, n):
        """A quantifier object for a relation to model whose where nests
        relation filters n - 1 relations further (fewer when the walk reaches
        a model without relations): n relations deep in all."""
        r = self.r
        chain = []
        m = model
        while m is not None and len(chain) < n - 1 and m.relations:
            rel, target = r.choice(m.relations)
            chain.append((rel, r.choice(self.QUANTIFIERS)))
            m = self.models.get(target)
        inner = {}
        if m is not None and r.random() < 0.5:
            p, k = r.choice(m.props)
            inner = {p: self.value(k)}
        for rel, q in reversed(chain):
            inner = {rel: {q: inner}}
        return {r.choice(self.QUANTIFIERS): inner}

    def logical_value(self, model, lk, depth):
        r = self.r
        roll = r.random()
        if lk == "not":
            if not self.bad(0.15):
                return self.where(model, depth + 1)
            return r.choice([[], [{}], 5, "x", None, True])
        if roll < 0.8 or self.noise == 0:
            return [self.where(model, depth + 1) for _ in range(r.randint(0, 3))]
        if roll < 0.9:
            return self.where(model, depth + 1)
        return r.choice([5, "x", None, True, [5], [[{}]], ["x"]])

    def deep_where(self, model):
        """A where nested deeper than a recursive encoder can handle."""
        r = self.r
        n = r.choice([20, 64, 100, 500, 2000, 10000])
        p, k = r.choice(model.props)
        leaf = enc({p: self.value(k)})
        kind = r.choice(["not", "and", "or", "mix"])
        opens, closes = [], []
        for i in range(n):
            lk = kind if kind != "mix" else r.choice(["not", "and", "or"])
            if lk == "not":
                opens.append('{"not": ')
                closes.append("}")
            else:
                opens.append('{"%s": [' % lk)
                closes.append("]}")
        return Raw("".join(opens) + leaf + "".join(reversed(closes)))

    def deep_operand(self, model):
        r = self.r
        n = r.choice([50, 1000, 5000])
        jprops = [p for p, k in model.props if k == "json"]
        p = r.choice(jprops) if jprops else r.choice(model.props)[0]
        inner = "[" * n + "1" + "]" * n if r.random() < 0.5 else '{"a": ' * n + "1" + "}" * n
        return Raw('{%s: {"%s": %s}}' % (json.dumps(p), r.choice(["eq", "in", "contains", "neq"]), inner))

    # -- filters -------------------------------------------------------------
    def order(self, model):
        r = self.r
        items = []
        for _ in range(r.randint(0, 3)):
            if model.relations and r.random() < 0.25:
                key = self.relation_order_key(model)
            elif not self.bad(0.2):
                key = r.choice(model.props)[0]
                if model.kinds.get(key) == "json" and r.random() < 0.5:
                    key += r.choice(GOOD_PATH_TAILS if not self.bad(0.3) else BAD_PATH_TAILS)
            else:
                key = r.choice(["nope", "", "id,", "posts", self.string(8)])
            item = key
            if r.random() < 0.6:
                if not self.bad(0.25):
                    item += " " + r.choice(["ASC", "DESC", "asc", "desc", "Desc",
                                            "DESC NULLS FIRST", "ASC NULLS LAST",
                                            "desc nulls last", "  ASC  "])
                else:
                    item += " " + r.choice(["UP", "NULLS", "DESC NULLS", "ASC NULLS MIDDLE",
                                            "DESC extra", "DESC,", ", ,"])
            items.append(item)
        if r.random() < 0.2:
            return ", ".join(items) if items else "id"
        if self.bad(0.05):
            return r.choice([5, {"id": "asc"}, [5], None])
        return items

    def relation_order_key(self, model, depth=0):
        # order by related rows: one relations to a property (or a JSON path
        # of one, or a further relation), a many relation's count
        r = self.r
        rel, target = r.choice(model.relations)
        tm = self.models.get(target)
        many = rel in model.many
        if many or tm is None or self.bad(0.1):
            if not self.bad(0.2):
                return rel + ".count"
            return rel + r.choice([".id", ".nope", ".count.x", "", ".", "[0]"])
        if depth < 2 and tm.relations and r.random() < 0.3:
            return rel + "." + self.relation_order_key(tm, depth + 1)
        key = r.choice(tm.props)[0] if not self.bad(0.1) else r.choice(["nope", "count", ""])
        if tm.kinds.get(key) == "json" and r.random() < 0.5:
            key += r.choice(GOOD_PATH_TAILS if not self.bad(0.3) else BAD_PATH_TAILS)
        return rel + "." + key

    def fields(self, model):
        r = self.r
        names = [p for p, _ in model.props]
        roll = r.random()
        if roll < 0.5:
            lst = r.sample(names, r.randint(0, min(3, len(names))))
            if self.bad(0.15):
                lst.append(r.choice(["nope", "metadata.priority", "author", 5, None]))
            return lst
        if roll < 0.9 or self.noise == 0:
            val = r.choice([True, False])
            obj = {n: val for n in r.sample(names, r.randint(0, min(3, len(names))))}
            if self.bad(0.2):
                obj[r.choice(names)] = r.choice([True, False, "yes", 1, None])
            return obj
        return r.choice(["id", 5, None, [[]]])

    def int_arg(self):
        r = self.r
        if not self.bad(0.4):
            return r.choice([0, 1, 2, 3, 5, 10, 100, None, 9223372036854775807])
        return r.choice([-1, Num("2.5"), "10", Num("1e400"), 9223372036854775808, True, [],
                         Num("-0"), Num("1.0")])

    def include(self, model, depth=0):
        r = self.r
        out = []
        used = set()
        for _ in range(r.randint(1, 2)):
            if not model.relations or self.bad(0.1):
                if self.noise == 0:
                    continue
                out.append(r.choice(["nope", {"relation": "nope"}, {}, 5, {"rel": "author"},
                                     {"relation": 5}]))
                continue
            rel, target = r.choice(model.relations)
            if rel in used and self.noise == 0:
                continue
            used.add(rel)
            if r.random() < 0.3:
                out.append(rel)
                continue
            inc = {"relation": rel}
            if r.random() < 0.7:
                tm = self.models.get(target)
                scope = {}
                if tm is not None:
                    if r.random() < 0.7:
                        scope["where"] = self.where(tm, 2)
                    if r.random() < 0.3:
                        scope["order"] = self.order(tm)
                    if r.random() < 0.3:
                        scope["limit"] = self.int_arg()
                    if r.random() < 0.2:
                        scope["fields"] = self.fields(tm)
                    if depth < 3 and r.random() < 0.3:
                        scope["include"] = self.include(tm, depth + 1)
                inc["scope"] = scope
            if r.random() < 0.15:
                # a relation count: its scope is a where only
                inc["count"] = True if not self.bad(0.2) else r.choice(["yes", 1, None])
                if isinstance(inc.get("scope"), dict) and not self.bad(0.2):
                    inc["scope"] = {k: v for k, v in inc["scope"].items() if k == "where"}
            if r.random() < 0.15:
                inc["shouldSkipDefaultFilter"] = r.choice([True, False]) if not self.bad(0.3) else "yes"
            if self.bad(0.03):
                inc["bogus"] = 1
            out.append(inc)
        if self.bad(0.05) and out:
            out.append(out[0])
        return out

    def deep_include(self, model):
        """A chain of includes deeper than 16 (54001) or just under."""
        n = self.r.choice([15, 16, 17, 40])
        text = '"posts"'
        for i in range(n):
            rel = "author" if i % 2 == 0 else "posts"
            text = '{"relation": "%s", "scope": {"include": [%s]}}' % (rel, text)
        return Raw('{"include": [%s]}' % text)

    def case(self):
        """Returns (model name, where, filter, options, where_only)."""
        r = self.r
        self.noise = 0.0 if r.random() < 0.45 else 1.0
        if not self.bad(0.03):
            mname = r.choice(self.model_names)
            if mname == "FuzzWriteOnly" and r.random() < 0.8:
                mname = r.choice(self.model_names)
        else:
            mname = r.choice(["Nope", "user", "", "User ", "x" * 200, None])
        model = self.models.get(mname) or self.models[r.choice(self.model_names)]

        roll = r.random()
        if self.bad(0.02):
            where = self.deep_where(model)
        elif self.bad(0.01):
            where = self.deep_operand(model)
        elif self.bad(0.01):
            where = r.choice([[1], "x", 5, None, True, []])
        else:
            where = self.where(model)

        filt = {"where": where}
        where_only = isinstance(where, (dict, Raw))
        if r.random() < 0.35:
            where_only = False
            if r.random() < 0.3:
                filt["order"] = self.order(model)
            if r.random() < 0.3:
                filt["fields"] = self.fields(model)
            if r.random() < 0.3:
                filt["limit"] = self.int_arg()
            if r.random() < 0.2:
                filt[r.choice(["skip", "offset"])] = self.int_arg()
            if r.random() < 0.3:
                filt["include"] = self.include(model)
            if self.bad(0.05):
                filt[r.choice(["limt", "Where", "where ", "", "order_by"])] = 1
        if self.bad(0.01):
            where_only = False
            filt = self.deep_include(model)
        if self.bad(0.01):
            where_only = False
            filt = r.choice([[], "x", 5, None, [{"where": {}}]])

        opts = {}
        if r.random() < 0.25:
            opts["shouldSkipDefaultFilter"] = r.choice([True, False])
        if r.random() < 0.3:
            opts["shouldQueryRange"] = True
        if self.bad(0.03):
            where_only = False
            opts[r.choice(["shouldSkipDefaultFilter", "shouldQueryRange", "bogus",
                           "transaction", "isStrict", "force"])] = r.choice(["yes", 1, None, True])
        return mname, where, filt, opts, where_only


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------


class Results:
    def __init__(self, max_report, repro=None, invariants=INVARIANTS):
        self.repro = repro
        self.checked = {k: 0 for k in invariants}
        self.failed = {k: 0 for k in invariants}
        self.max_report = max_report
        self.reported = 0
        self.seen = set()

    def check(self, inv, ok, iteration, what, detail, call):
        self.checked[inv] += 1
        if ok:
            return True
        self.failed[inv] += 1
        if self.repro is not None:
            self.repro.write("-- [%s] iteration %d: %s\n-- %s\n%s\n\n" % (
                inv, iteration, what, short(str(detail), 2000).replace("\n", "\n-- "), call))
            self.repro.flush()
        sig = (inv, what, re.sub(r"\d+", "N", str(detail))[:120])
        if self.reported < self.max_report and sig not in self.seen:
            self.seen.add(sig)
            self.reported += 1
            print("FAIL [%s] iteration %d: %s" % (inv, iteration, what))
            print("  call:   %s" % short(call, 1200))
            print("  result: %s" % short(str(detail), 1500))
            sys.stdout.flush()
        return False


def error_checks(res, it, fn, out, call, arg_root, pg_states=PG_CONVERSION_STATES):
    """Checks every error result: internal, message, sqlstate.  pg_states: the
    SQLSTATEs of PostgreSQL's own errors the function may pass through."""
    ok = True
    if out.get("ok"):
        return True
    st = out.get("state") or ""
    msg = out.get("msg") or ""
    detail = "%s: %s" % (st, msg)
    if out.get("detail"):
        detail += " | DETAIL: " + out["detail"]
    internal = st[:2] in ("XX", "58") or (
        not msg.startswith("ignis: ") and INTERNAL_PATTERNS.search(msg) is not None)
    ok &= res.check("internal", not internal, it, "%s: internal error" % fn, detail, call)
    if internal:
        return False
    good_msg = msg.startswith("ignis: ") or st in pg_states
    ok &= res.check("message", good_msg, it,
                    "%s: error is neither an ignis error nor an input-conversion error" % fn,
                    detail, call)
    if msg.startswith("ignis: ") and os.environ.get("FUZZ_DUMP_MESSAGES"):
        with open(os.environ["FUZZ_DUMP_MESSAGES"], "a", encoding="utf-8") as fh:
            fh.write("%s\t%s\t%s\n" % (fn, st, msg.replace("\n", "\\n")))
    if msg.startswith("ignis: "):
        good_state = st in IGNIS_STATES
        ok &= res.check("sqlstate", good_state, it,
                        "%s: ignis error with an undocumented SQLSTATE" % fn, detail, call)
        wrong_root = {"filter": "conditions", "conditions": "filter"}[arg_root]
        bad_root = re.search(r"\bat %s[.\[]" % wrong_root, msg) is not None
        ok &= res.check("sqlstate", not bad_root, it,
                        "%s: error path does not start with %s" % (fn, arg_root), detail, call)
    return ok


def call_text(fn, model, a1, a2):
    return "SELECT ignis.%s(%s, %s, %s);" % (
        fn, sql_lit(model), sql_lit(a1) + "::jsonb", sql_lit(a2) + "::jsonb")


def parse_line(line):
    try:
        return json.loads(line, parse_float=Decimal)
    except ValueError:
        return {"ok": False, "state": "FZ000", "msg": "unparsable output: " + short(line, 300)}


def wait_for_server(psql, dbname, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        p = simple_query(psql, dbname, "SELECT 1")
        if p.returncode == 0:
            return True
        time.sleep(0.5)
    return False


def postmaster_start(psql, dbname):
    """Identifies the current server lifetime: a crash restart (which keeps
    pg_postmaster_start_time) starts a new checkpointer."""
    p = simple_query(psql, dbname,
                     "SELECT pid FROM pg_catalog.pg_stat_activity WHERE backend_type = 'checkpointer'")
    return p.stdout.strip() if p.returncode == 0 else None


# ---------------------------------------------------------------------------
# Relation filters against an independent evaluation (invariant "relation")
# ---------------------------------------------------------------------------
BIG_LIMIT = 1000000


def helper_call(fn, model, a1, a2):
    return "SELECT pg_temp.fz_call(%s, %s, %s, %s)" % (
        sql_lit(fn), sql_lit(model), sql_lit(a1), sql_lit(a2))


def row_key(row, names):
    """The key of a row for a relation (SQL =: a key with a NULL in it
    relates to nothing, None)."""
    vals = tuple(row.get(n) for n in names)
    return None if any(v is None for v in vals) else vals


class RelationCheck:
    """The relation invariant.  Each check builds a where with relation filters
    on a random model (some, every, none, null, several quantifiers in one
    object, nested up to 3 relations, beside plain conditions, under not, or,
    and), runs it through find, count and exists_with, and compares the
    primary keys with the set computed here from plain finds that use no
    relation filter:

      * the related rows of a target T are the rows find(T) shows: its default
        filter and scope filter always apply, whatever the quantifier's where
        says and whatever the call's shouldSkipDefaultFilter;
      * a where W of T holds on the rows of find(T, {where: W}) with
        shouldSkipDefaultFilter (W is AND-ed to the default filter, never
        merged with it, so it cannot override it);
      * some: a related row where W holds; none: no such row; every: no
        related row where W does not hold (NULL is not a match); null: no
        related row.  Keys compare with SQL =, a NULL key relates to nothing.

    It runs in a session of its own, whose ignis.* limits stay at their
    defaults (the plan mode and plan cache size vary)."""

    # fixed calls first: (model, function, argument, SQLSTATE or None for
    # success, texts the message or hint must contain); the sample's
    # User.posts and Post.author have no relation filter in their default
    # filters, so a chain of them counts one relation per step
    CHAIN = '{"author": {"some": {"posts": {"some": '
    FIXED = [
        ("Post", "count", CHAIN * 8 + '{}' + "}}}}" * 8, None, []),
        ("Post", "count", CHAIN * 8 + '{"author": {"every": {}}}' + "}}}}" * 8, "54001",
         ["at conditions.author.some.posts"]),
        ("User", "find", '{"where": {"posts": {"sme": {}}}}', "22023",
         ["at filter.where.posts.sme", '"some"']),
        ("User", "count", '{"posts": {"every": {}, "Every": {}}}', "22023",
         ["at conditions.posts.Every", '"every"']),
        ("User", "count", '{"posts": {}}', "22023", ["at conditions.posts"]),
        ("User", "count", '{"posts": 5}', "22023", ["conditions.posts"]),
        ("User", "count", '{"not": {"posts": [{"some": {}}]}}', "22023", ["conditions.not.posts"]),
        ("User", "find", '{"where": {"posts": {"some": null}}}', "22023",
         ["filter.where.posts.some"]),
        ("User", "find", '{"where": {"posts": {"none": "x"}}}', "22023",
         ["filter.where.posts.none"]),
        ("Post", "count", '{"author": {"some": {"posts": {"every": {"titel": 1}}}}}', "42703",
         ["at conditions.author.some.posts.every.titel"]),
    ]

    FORMS = ["plain", "not", "or", "and"]
    WEIGHTS = [50, 15, 20, 15]

    def __init__(self, rng, models, res, args):
        self.r = rng
        self.models = models
        self.res = res
        self.args = args
        self.g = Gen(rng, models)
        self.g.noise = 0.0
        self.g.relations_on = False
        self.session = Psql(args.psql, args.dbname, SETUP_SQL)
        self.rows = {}      # model -> {pk: row}: every row in scope
        self.visible = {}   # model -> pks of the rows find shows
        self.rels = {}      # model -> relations whose keys can be read
        self.n = 0
        self.outcomes = {}
        self.hide_misc = "2"    # as SETUP_SQL sets it

    # -- session -------------------------------------------------------------
    def run(self, it, statements, call):
        """Runs statements in the session; None when the session was lost
        (reported as a crash, the session reopened)."""
        try:
            lines = self.session.run(statements)
        except SessionLost as e:
            lines, why = e.args
            self.res.check("crash", False, it, "relation check: %s" % (
                "connection lost" if why == "lost" else "no answer in time"),
                "\n".join(self.session.stderr_lines()[-5:]), call)
            if why == "timeout":
                self.session.proc.kill()
            self.session.close()
            if wait_for_server(self.args.psql, self.args.dbname):
                self.session.open()
            return None
        bad = [line for line in self.session.stderr_lines()
               if re.search(r"\b(WARNING|ERROR|FATAL|PANIC)\b", line) and "ignis:" not in line]
        self.res.check("warnings", not bad, it, "unexpected message on stderr (relation check)",
                       "\n".join(bad), call)
        return [parse_line(line) for line in lines]

    def start(self):
        """Opens the session, reads every readable model's rows and runs the
        fixed calls."""
        self.session.open()
        if not self.load(0):
            return False

        def readable(m, names):
            return names and all(p in m.kinds and p not in m.hidden for p in names)
        for n in self.rows:
            m = self.models[n]
            self.rels[n] = [rel for rel, (fields, refs, t) in sorted(m.keys.items())
                            if t in self.rows and len(fields) == len(refs)
                            and readable(m, fields) and readable(self.models[t], refs)]
        self.parents = [n for n in sorted(self.rels) if self.rels[n]]
        # includes whose scope can filter by relations
        self.includers = [(n, rel) for n in self.parents for rel in self.rels[n]
                          if self.models[n].keys[rel][2] in self.parents]
        if not self.res.check("relation", bool(self.parents), 0,
                              "no model with a relation to check", sorted(self.rows), "-"):
            return False
        self.fixed()
        return True

    def load(self, it):
        """Reads the rows of every readable model, and the pks of those find
        shows (again when a setting a scope filter reads changes)."""
        names = [n for n in sorted(self.models)
                 if self.models[n].read and isinstance(self.models[n].pk, str)]
        stmts = []
        for n in names:
            pk = self.models[n].pk
            stmts.append(helper_call("find", n, enc({"limit": BIG_LIMIT}),
                                     enc({"shouldSkipDefaultFilter": True})))
            stmts.append(helper_call("find", n, enc({"fields": [pk], "limit": BIG_LIMIT}), "{}"))
        outs = self.run(it, stmts, "reading the models' rows")
        if outs is None or len(outs) != len(stmts):
            self.res.check("relation", False, it, "could not read the models' rows", outs, "-")
            return False
        for i, n in enumerate(names):
            every, vis = outs[2 * i], outs[2 * i + 1]
            if not (every.get("ok") and vis.get("ok")):
                self.res.check("relation", n not in self.rows, it,
                               "%s: its rows cannot be read any more" % n,
                               "%s | %s" % (every.get("msg"), vis.get("msg")), stmts[2 * i])
                continue
            pk = self.models[n].pk
            self.rows[n] = {row[pk]: row for row in json.loads(every["r"], parse_float=Decimal)}
            self.visible[n] = {row[pk] for row in json.loads(vis["r"], parse_float=Decimal)}
            self.res.check("relation", self.visible[n] <= set(self.rows[n]), it,
                           "%s: find shows a row find with shouldSkipDefaultFilter does not" % n,
                           "%s / %s" % (sorted(self.visible[n]), sorted(self.rows[n])),
                           "SELECT ignis.find(%s)" % sql_lit(n))
        return True

    def fixed(self):
        cases = [c for c in self.FIXED if c[0] in self.rows]
        stmts = [helper_call(fn, name, arg, "{}") for name, fn, arg, _, _ in cases]
        outs = self.run(0, stmts, "the fixed relation filter calls")
        if outs is None:
            return
        for (name, fn, arg, state, texts), out in zip(cases, outs):
            call = call_text(fn, name, arg, "{}")
            text = "%s | HINT: %s" % (out.get("msg"), out.get("hint"))
            if state is None:
                ok = bool(out.get("ok"))
            else:
                ok = out.get("state") == state and all(t in text for t in texts)
            self.res.check("relation", ok, 0, "%s: expected %s%s" % (
                fn, state or "success", " mentioning " + ", ".join(texts) if texts else ""),
                "ok" if out.get("ok") else "%s: %s" % (out.get("state"), text), call)

    def close(self):
        self.session.close()

    # -- generation ------------------------------------------------------------
    def override(self, m, w):
        """A condition on a key of m's default filter: the caller's where may
        replace it at the top level, never in a relation filter."""
        r = self.r
        keys = [k for k in m.default_where if k not in ("and", "or", "not")]
        if not keys:
            return
        k = r.choice(keys)
        if k in m.kinds:
            w[k] = r.choice([{"neq": None}, {"isNotNull": True}, None,
                             self.g.prop_value(m, k, m.kinds[k])])
        else:
            w[k] = self.g.path_value()

    def gen_where(self, m, rdepth, force_rel=False, plain=True):
        """A where of model m: (json, spec), spec = (model name, plain part,
        [relation conditions]), a relation condition = (relation, parts) with
        parts None for null or a list of (quantifier, spec of the target)."""
        r = self.r
        w = {}
        if plain and r.random() < 0.6:
            w = self.g.where(m, r.choice([2, 3]))
        if plain and m.default_where and r.random() < 0.25:
            self.override(m, w)
        spec = (m.name, dict(w), [])
        rels = self.rels.get(m.name) or []
        if rels and rdepth < 3 and (force_rel or r.random() < 0.35):
            for _ in range(1 if r.random() < 0.8 else 2):
                rel = r.choice(rels)
                if rel in w:
                    continue
                w[rel], rc = self.gen_relation(m, rel, rdepth)
                spec[2].append(rc)
        return w, spec

    def gen_relation(self, m, rel, rdepth):
        r = self.r
        tm = self.models[m.keys[rel][2]]
        if r.random() < 0.12:
            return None, (rel, None)
        obj = {}
        parts = []
        for q in r.sample(Gen.QUANTIFIERS, r.choice([1, 1, 1, 1, 2, 3])):
            if r.random() < 0.12:
                wj, ws = {}, (tm.name, {}, [])
            else:
                wj, ws = self.gen_where(tm, rdepth + 1)
            obj[q] = wj
            parts.append((q, ws))
        return obj, (rel, parts)

    # -- evaluation ------------------------------------------------------------
    def leaves(self, spec, acc):
        """The plain finds a spec needs: (model, where text)."""
        name, plain, rcs = spec
        if plain:
            acc.setdefault((name, enc(plain)), None)
        for rel, parts in rcs:
            for _, ws in parts or []:
                self.leaves(ws, acc)
        return acc

    def holds(self, spec, found):
        """The pks of the rows of spec's model (all rows in scope) where its
        where holds."""
        name, plain, rcs = spec
        s = set(self.rows[name]) if not plain else found[(name, enc(plain))]
        for rc in rcs:
            s = s & self.related(name, rc, found)
        return s

    def related(self, name, rc, found):
        """The pks of the rows of model name where relation condition rc holds."""
        rel, parts = rc
        m = self.models[name]
        fields, refs, target = m.keys[rel]
        trows = self.rows[target]
        tvis = [pk for pk in self.visible[target] if pk in trows]
        pkeys = {pk: row_key(row, fields) for pk, row in self.rows[name].items()}
        if parts is None:
            present = {row_key(trows[pk], refs) for pk in tvis}
            return {pk for pk, k in pkeys.items() if k is None or k not in present}
        out = set(pkeys)
        for q, ws in parts:
            s = self.holds(ws, found)
            match = {row_key(trows[pk], refs) for pk in tvis if pk in s}
            miss = {row_key(trows[pk], refs) for pk in tvis if pk not in s}
            if q == "some":
                out &= {pk for pk, k in pkeys.items() if k is not None and k in match}
            elif q == "none":
                out &= {pk for pk, k in pkeys.items() if k is None or k not in match}
            else:
                out &= {pk for pk, k in pkeys.items() if k is None or k not in miss}
        return out

    def execute(self, it, tested, found, extra):
        """Runs the tested calls (function, helper call, call) with the plain
        finds of found's keys (filled in with their pks) and the extra
        statements.  Returns the tested calls' results and the extra
        statements' results, or None when there is nothing to compare: the
        session was lost, or a plain find failed (then each tested call must
        fail with one of the plain finds' SQLSTATEs)."""
        keys = list(found)
        refs = [helper_call("find", k[0], '{"where": %s, "fields": %s, "limit": %d}' % (
                    k[1], enc([self.models[k[0]].pk]), BIG_LIMIT),
                    enc({"shouldSkipDefaultFilter": True})) for k in keys] + extra
        outs = self.run(it, [t[1] for t in tested] + refs, tested[0][2])
        if outs is None:
            return None
        if len(outs) != len(tested) + len(refs):
            self.res.check("crash", False, it, "wrong number of results", outs, tested[0][2])
            return None
        touts = outs[:len(tested)]
        routs = outs[len(tested):]
        for (fn, _, text), out in zip(tested, touts):
            key = "ok" if out.get("ok") else out.get("state")
            self.outcomes.setdefault(fn, {}).setdefault(key, 0)
            self.outcomes[fn][key] += 1
            if out.get("stage") != "input":
                # a hard delete of a row other rows reference: 23503
                error_checks(self.res, it, fn, out, text,
                             "conditions" if fn in ("count", "exists_with", "delete_all") else "filter",
                             PG_CONVERSION_STATES | ({"23503"} if fn == "delete_all" else set()))

        ref_errors = {out.get("state"): out.get("msg") for out in routs if not out.get("ok")}
        if ref_errors:
            # a part of the where fails on its own: the call fails the same way
            if ref_errors.keys() & PG_RUNTIME_STATES:
                return None
            for (fn, _, text), out in zip(tested, touts):
                if out.get("state") in PG_RUNTIME_STATES:
                    continue
                self.res.check("relation", not out.get("ok") and out.get("state") in ref_errors, it,
                               "%s: a relation filter whose where fails on its own does not fail the same way" % fn,
                               "%s | alone: %s" % ("ok" if out.get("ok") else "%s: %s" % (
                                   out.get("state"), out.get("msg")), ref_errors), text)
            return None
        for k, out in zip(keys, routs):
            kpk = self.models[k[0]].pk
            found[k] = {row[kpk] for row in json.loads(out["r"], parse_float=Decimal)}
        return touts, routs[len(keys):]

    # -- one check ---------------------------------------------------------------
    def settings(self, it):
        r = self.r
        stmts = ["SET ignis.plan_mode = '%s'" % r.choice(
                     ["auto", "auto", "force_custom_plan", "force_generic_plan", "off"]),
                 "SET ignis.plan_cache_size = %d" % r.choice([256, 256, 2, 0])]
        hide = r.choice(["2", "2", "1", "99"])
        if hide != self.hide_misc:
            # FuzzItem's scope filter reads it: other rows are in scope
            self.hide_misc = hide
            stmts.append("SET fuzz.hide_misc = '%s'" % hide)
        self.run(it, stmts, "; ".join(stmts))
        if len(stmts) > 2:
            self.load(it)

    def check(self, it):
        r = self.r
        if self.n % 50 == 0:
            self.settings(it)
        self.n += 1
        if self.includers and r.random() < 0.25:
            self.check_include(it)
            return
        name = r.choice(self.parents)
        m = self.models[name]
        pk = m.pk
        opts = r.choice([{}, {}, {"shouldSkipDefaultFilter": True},
                         {"shouldSkipDefaultFilter": False}])
        base = set(self.rows[name]) if opts.get("shouldSkipDefaultFilter") else self.visible[name]
        form = r.choices(self.FORMS, self.WEIGHTS)[0]
        specs = []
        if form == "plain":
            where, spec = self.gen_where(m, 0, force_rel=True)
            specs.append(spec)
        elif form == "not":
            w1, spec = self.gen_where(m, 0, force_rel=True, plain=False)
            where = {"not": w1}
            specs.append(spec)
        else:
            w1, s1 = self.gen_where(m, 0, force_rel=True)
            w2, s2 = self.gen_where(m, 0, force_rel=r.random() < 0.5)
            if r.random() < 0.5:
                w1, s1, w2, s2 = w2, s2, w1, s1
            where = {form: [w1, w2]}
            specs += [s1, s2]

        f_text = enc({"where": where, "fields": [pk], "limit": BIG_LIMIT})
        w_text = enc(where)
        o_text = enc(opts)
        tested = [("find", helper_call("find", name, f_text, o_text),
                   call_text("find", name, f_text, o_text)),
                  ("count", helper_call("count", name, w_text, o_text),
                   call_text("count", name, w_text, o_text))]
        if r.random() < 0.3:
            tested.append(("exists_with", helper_call("exists_with", name, w_text, o_text),
                           call_text("exists_with", name, w_text, o_text)))
        if r.random() < 0.15:
            # the rows delete_all deletes (soft or hard), rolled back
            # (force: a where that holds on every row is no mistake here)
            d_text = enc(dict(opts, force=True))
            tested.append(("delete_all", "SELECT pg_temp.fz_undone('delete_all', %s, %s, %s)" % (
                sql_lit(name), sql_lit(w_text), sql_lit(d_text)),
                "BEGIN; " + call_text("delete_all", name, w_text, d_text) + " ROLLBACK;"))
        # the plain finds, each a where without relation filters on all the
        # rows of its model; in form plain the top-level plain part instead
        # runs with the call's options (it merges with the parent's default
        # filter as the call's where does)
        found = {}
        if form == "plain":
            for rel, parts in specs[0][2]:
                for _, ws in parts or []:
                    self.leaves(ws, found)
        else:
            for s in specs:
                self.leaves(s, found)
        top_plain = form == "plain" and bool(specs[0][1])
        extra = []
        if top_plain:
            extra.append(helper_call("find", name, enc({"where": specs[0][1], "fields": [pk],
                                                         "limit": BIG_LIMIT}), o_text))
        done = self.execute(it, tested, found, extra)
        if done is None:
            return
        touts, eouts = done
        if form == "plain":
            if top_plain:
                expected = {row[pk] for row in json.loads(eouts[0]["r"], parse_float=Decimal)}
            else:
                expected = set(base)
            for rc in specs[0][2]:
                expected &= self.related(name, rc, found)
        elif form == "not":
            expected = base - self.holds(specs[0], found)
        elif form == "or":
            expected = base & (self.holds(specs[0], found) | self.holds(specs[1], found))
        else:
            expected = base & self.holds(specs[0], found) & self.holds(specs[1], found)

        for (fn, _, text), out in zip(tested, touts):
            if not out.get("ok"):
                if out.get("state") in PG_RUNTIME_STATES or (
                        fn == "delete_all" and out.get("state") in ("23503", "42501")):
                    # a row others reference, a model that may not be written
                    continue
                self.res.check("relation", False, it,
                               "%s: a relation filter fails where its parts succeed" % fn,
                               "%s: %s" % (out.get("state"), out.get("msg")), text)
                continue
            if fn == "find":
                got = [row[pk] for row in json.loads(out["r"], parse_float=Decimal)]
                ok = len(got) == len(set(got)) and set(got) == expected
                detail = "expected %s, got %s (missing %s, extra %s)" % (
                    sorted(expected), got, sorted(expected - set(got)), sorted(set(got) - expected))
            elif fn == "count":
                got = json.loads(out["r"]).get("count")
                ok = got == len(expected)
                detail = "expected %d (%s), got %s" % (len(expected), sorted(expected), got)
            elif fn == "delete_all":
                got = json.loads(out["r"], parse_float=Decimal)
                ids = sorted(row.get(pk) for row in got.get("data") or [])
                ok = got.get("count") == len(expected) and ids == sorted(expected)
                detail = "expected %d %s, got %s %s" % (len(expected), sorted(expected),
                                                        got.get("count"), ids)
            else:
                ok = (out["r"] == "true") == bool(expected)
                detail = "expected %s (%s), got %s" % (bool(expected), sorted(expected), out["r"])
            self.res.check("relation", ok, it, "%s: %s relation filter returns other rows than the plain finds give" % (fn, form),
                           detail, text)


    def check_include(self, it):
        """A relation filter in the scope of an include (rows or a relation
        count, correlated or batched): each row's related rows are the
        target's rows the include would list without it (the scope's plain
        conditions merged with the target's default filter unless the item
        skips it) where the relation filters hold."""
        r = self.r
        qname, rel = r.choice(self.includers)
        q = self.models[qname]
        fields, refs, tname = q.keys[rel]
        t = self.models[tname]
        count = rel in q.many and r.random() < 0.3
        w, spec = self.gen_where(t, 1, force_rel=True)
        item = {"relation": rel}
        if count:
            item["count"] = True
            item["scope"] = {"where": w}
        else:
            item["scope"] = {"where": w, "fields": [t.pk], "limit": BIG_LIMIT}
            if r.random() < 0.4:
                item["strategy"] = r.choice(["batched", "correlated"])
        skip = r.choice([None, None, True, False])
        if skip is not None:
            item["shouldSkipDefaultFilter"] = skip
        filt = {"fields": [q.pk], "include": [item], "limit": BIG_LIMIT}
        # sometimes one include deeper: the rows of qname listed by an
        # include of another model, each checked the same way
        outer = [(n, orel) for n in sorted(self.rows)
                 for orel, (_, _, tg) in sorted(self.models[n].keys.items()) if tg == qname]
        top = qname
        nested = bool(outer) and r.random() < 0.3
        if nested:
            top, orel = r.choice(outer)
            filt = {"fields": [self.models[top].pk], "limit": BIG_LIMIT,
                    "include": [{"relation": orel, "scope": dict(filt)}]}
            if orel not in self.models[top].many:
                del filt["include"][0]["scope"]["limit"]
        f_text = enc(filt)
        o_text = enc({"shouldSkipDefaultFilter": True})
        text = call_text("find", top, f_text, o_text)
        tested = [("find", helper_call("find", top, f_text, o_text), text)]
        found = {}
        for _, parts in spec[2]:
            for _, ws in parts or []:
                self.leaves(ws, found)
        extra = []
        if spec[1]:
            extra.append(helper_call("find", tname, enc({"where": spec[1], "fields": [t.pk],
                                                          "limit": BIG_LIMIT}),
                                     enc({"shouldSkipDefaultFilter": bool(skip)})))
        done = self.execute(it, tested, found, extra)
        if done is None:
            return
        (out,), eouts = done
        if not out.get("ok"):
            if out.get("state") not in PG_RUNTIME_STATES:
                self.res.check("relation", False, it,
                               "include: a relation filter in a scope fails where its parts succeed",
                               "%s: %s" % (out.get("state"), out.get("msg")), text)
            return
        if spec[1]:
            shown = {row[t.pk] for row in json.loads(eouts[0]["r"], parse_float=Decimal)}
        else:
            shown = set(self.rows[tname]) if skip else set(self.visible[tname])
        for rc in spec[2]:
            shown &= self.related(tname, rc, found)
        by_key = {}
        for tpk in shown:
            k = row_key(self.rows[tname][tpk], refs)
            if k is not None:
                by_key.setdefault(k, set()).add(tpk)
        got_rows = json.loads(out["r"], parse_float=Decimal)
        if nested:
            got_rows = [x for row in got_rows
                        for x in (row.get(orel) if isinstance(row.get(orel), list) else [row.get(orel)])
                        if isinstance(x, dict)]
        wrong = []
        for row in got_rows:
            qrow = self.rows[qname].get(row.get(q.pk))
            exp = by_key.get(row_key(qrow, fields), set()) if qrow is not None else None
            got = row.get(rel)
            if exp is None:
                wrong.append("%s: not a row of %s" % (row.get(q.pk), qname))
            elif count:
                if got != len(exp):
                    wrong.append("%s: count %s, expected %d %s" % (row[q.pk], got, len(exp), sorted(exp)))
            elif rel in q.many:
                ids = [x.get(t.pk) for x in got] if isinstance(got, list) else got
                if not isinstance(ids, list) or len(ids) != len(set(ids)) or set(ids) != exp:
                    wrong.append("%s: %s, expected %s" % (row[q.pk], ids, sorted(exp)))
            else:
                one = got.get(t.pk) if isinstance(got, dict) else got
                if (one is None and exp) or (one is not None and one not in exp):
                    wrong.append("%s: %s, expected one of %s" % (row[q.pk], one, sorted(exp)))
        if not nested and {row.get(q.pk) for row in got_rows} != set(self.rows[qname]):
            wrong.append("rows %s, expected %s" % (sorted(row.get(q.pk) for row in got_rows),
                                                    sorted(self.rows[qname])))
        self.res.check("relation", not wrong, it,
                       "include: %s with a relation filter in its scope lists other rows than the plain finds give" % (
                           "a relation count" if count else "an include"),
                       "; ".join(wrong), text)


def finish(res, args, pm_start, outcomes, invariants, started, passed, failed):
    """Final crash checks and the report; returns the exit status."""
    # crash: the postmaster must not have gone through a crash restart
    pm_now = postmaster_start(args.psql, args.dbname)
    res.check("crash", pm_start is not None and pm_now == pm_start, 0,
              "server went through a crash restart (new checkpointer) or is unreachable", "%s -> %s" % (pm_start, pm_now), "-")
    p = simple_query(args.psql, args.dbname, "SELECT 1")
    res.check("crash", p.returncode == 0, 0, "server unreachable at the end", p.stderr, "-")

    print()
    for fn in sorted(outcomes):
        print("outcomes %s: %s" % (fn, ", ".join(
            "%s=%d" % kv for kv in sorted(outcomes[fn].items(), key=lambda kv: -kv[1]))))
    for inv in invariants:
        print("INVARIANT %s checked=%d failed=%d" % (inv, res.checked[inv], res.failed[inv]))
    print("elapsed %.1f s" % (time.time() - started))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and sum(res.failed.values()) == 0 else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--iterations", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", "1")))
    ap.add_argument("-d", "--dbname", default=None,
                    help="database name or connection string (default: PGDATABASE)")
    ap.add_argument("--psql", default=shutil.which("psql") or "psql")
    ap.add_argument("--bq-rate", type=float, default=0.5,
                    help="share of iterations that also check build_query parity")
    ap.add_argument("--relation-rate", type=float, default=0.25,
                    help="relation checks per iteration (invariant relation)")
    ap.add_argument("--no-corpus", action="store_true",
                    help="skip the fixed corpus of edge cases run before the random ones")
    ap.add_argument("--no-settings", action="store_true",
                    help="keep the session's ignis.* settings at their defaults")
    ap.add_argument("--no-extra", action="store_true",
                    help="do not create the extra FuzzMisc model")
    ap.add_argument("--max-report", type=int, default=40,
                    help="print at most this many distinct failures")
    ap.add_argument("--repro-file", default=None,
                    help="append the complete SQL of every failing call to this file")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    sys.stdout.reconfigure(errors="backslashreplace")

    rng = random.Random(args.seed)
    started = time.time()

    if not args.no_extra:
        p = simple_query(args.psql, args.dbname, EXTRA_SQL)
        if p.returncode != 0:
            print("could not create the extra model: " + p.stderr.strip(), file=sys.stderr)
            return 2
    p = simple_query(args.psql, args.dbname,
                     "SELECT jsonb_agg(ignis.describe_model(name) ORDER BY name) FROM ignis.models")
    if p.returncode != 0 or not p.stdout.strip() or p.stdout.strip() == "":
        print("cannot read the ignis models (extension and docs/sample.sql loaded?): "
              + p.stderr.strip(), file=sys.stderr)
        return 2
    models = {}
    for d in json.loads(p.stdout) or []:
        m = Model(d)
        if m.props:
            models[m.name] = m
    if not models:
        print("no ignis models registered", file=sys.stderr)
        return 2
    print("fuzzing %d models (%s), seed %d, %d iterations"
          % (len(models), ", ".join(sorted(models)), args.seed, args.iterations), flush=True)
    pm_start = postmaster_start(args.psql, args.dbname)

    gen = Gen(rng, models)
    repro = open(args.repro_file, "a", encoding="utf-8") if args.repro_file else None
    res = Results(args.max_report, repro)
    session = Psql(args.psql, args.dbname, SETUP_SQL)
    open_session = session.open
    try:
        open_session()
    except SessionLost:
        print("could not start psql: " + "\n".join(session.stderr_lines()), file=sys.stderr)
        return 2

    passed = failed = 0
    outcomes = {}
    state = {"stop": False}
    # the relation checks draw from their own generator, so that a seed
    # gives the same checks whatever the rate
    relcheck = RelationCheck(random.Random(args.seed * 7919 + 1), models, res, args)
    rel_on = args.relation_rate > 0 and relcheck.start()
    rel_rng = random.Random(args.seed * 7919 + 2)

    def run_case(it, mname, where, filt, opts, where_only, do_bq):
        f_text = enc(filt)
        w_text = enc(where)
        o_text = enc(opts)
        c_opts = {}
        if isinstance(opts, dict) and isinstance(opts.get("shouldSkipDefaultFilter"), bool):
            c_opts["shouldSkipDefaultFilter"] = opts["shouldSkipDefaultFilter"]
        c_text = enc(c_opts)
        range_opt = isinstance(opts, dict) and opts.get("shouldQueryRange") is True

        def helper(fn):
            return "SELECT pg_temp.fz_call('%s', %s, %s, %s)" % (
                fn, sql_lit(mname), sql_lit(f_text if fn == "find" else w_text),
                sql_lit(o_text if fn == "find" else c_text))
        calls = [
            ("find", call_text("find", mname, f_text, o_text), helper("find")),
            ("count", call_text("count", mname, w_text, c_text), helper("count")),
            ("exists_with", call_text("exists_with", mname, w_text, c_text),
             helper("exists_with")),
        ]
        if do_bq:
            calls.append(("build_query", call_text("build_query", mname, f_text, o_text),
                          "SELECT pg_temp.fz_bq(%s, %s, %s)" % (
                              sql_lit(mname), sql_lit(f_text), sql_lit(o_text))))
        if args.verbose:
            print("[%d] %s" % (it, short(calls[0][1], 300)))

        try:
            lines = session.run([c[2] for c in calls])
            lost = None
        except SessionLost as e:
            lines, why = e.args
            lost = len(lines)
        outs = [parse_line(line) for line in lines]

        # crash: the session must survive every call
        if lost is not None:
            culprit = calls[min(lost, len(calls) - 1)]
            res.check("crash", False, it, "%s: %s" % (
                culprit[0], "connection lost" if why == "lost" else "no answer in time"),
                "\n".join(session.stderr_lines()[-5:]), culprit[1])
            if why == "timeout":
                session.proc.kill()
            session.close()
            if not wait_for_server(args.psql, args.dbname):
                print("server did not come back; stopping", file=sys.stderr)
                state["stop"] = True
                return
            open_session()
        else:
            res.check("crash", len(outs) == len(calls), it, "wrong number of results",
                      lines, calls[0][1])

        # warnings on stderr that are not ignis' own
        bad_lines = [line for line in session.stderr_lines()
                     if re.search(r"\b(WARNING|ERROR|FATAL|PANIC)\b", line)
                     and "ignis:" not in line]
        res.check("warnings", not bad_lines, it, "unexpected message on stderr",
                  "\n".join(bad_lines), calls[0][1])

        by_fn = {}
        for (fn, text, _), out in zip(calls, outs):
            by_fn[fn] = out
            key = "ok" if out.get("ok") else "%s%s" % (
                out.get("state"), "@" + out["stage"] if out.get("stage") else "")
            outcomes.setdefault(fn, {}).setdefault(key, 0)
            outcomes[fn][key] += 1
            if out.get("stage") == "input":
                continue
            if fn == "build_query":
                # build_query's own errors are checked like any call's
                if out.get("stage") == "build_query":
                    error_checks(res, it, fn, out, text, "filter")
                continue
            error_checks(res, it, fn, out, text,
                         "filter" if fn == "find" else "conditions")

        find = by_fn.get("find")
        count = by_fn.get("count")
        exists = by_fn.get("exists_with")
        bq = by_fn.get("build_query")

        def runtime_error(out):
            return out is not None and not out.get("ok") and out.get("state") in PG_RUNTIME_STATES

        # parity: build_query's statement returns what find returns
        if bq is not None and find is not None and find.get("stage") != "input":
            if find.get("ok") and not runtime_error(bq):
                ok = bq.get("ok") and bq.get("same")
                res.check("parity", bool(ok), it,
                          "build_query's sql does not reproduce find" if bq.get("ok")
                          else "build_query/execute failed where find succeeded",
                          bq, calls[3][1])
            elif bq.get("stage") == "build_query" and find.get("state") != "42501":
                # build_query rejected it (find checks the operation scope
                # first, build_query is allowed on WRITE_ONLY models): find must reject with the same SQLSTATE
                res.check("parity", bq.get("state") == find.get("state"), it,
                          "build_query and find disagree on the error",
                          "find %s: %s | build_query %s: %s" % (
                              find.get("state"), find.get("msg"), bq.get("state"), bq.get("msg")),
                          calls[3][1])

        # consistency of find, count, exists_with (errors PostgreSQL raises only
        # while evaluating rows depend on the plan: not compared)
        if (where_only and find is not None and count is not None
                and find.get("stage") != "input" and count.get("stage") != "input"
                and not runtime_error(find) and not runtime_error(count)):
            same_status = bool(find.get("ok")) == bool(count.get("ok")) and (
                find.get("ok") or find.get("state") == count.get("state"))
            res.check("consistency", same_status, it, "find and count disagree",
                      "find %s | count %s" % (
                          "ok" if find.get("ok") else "%s: %s" % (find.get("state"), find.get("msg")),
                          ("ok " + count.get("r", "")) if count.get("ok")
                          else "%s: %s" % (count.get("state"), count.get("msg"))),
                      calls[0][1] + "  /  " + calls[1][1])
            if find.get("ok") and count.get("ok") and range_opt:
                try:
                    total = json.loads(find["r"])["range"]["total"]
                    n = json.loads(count["r"])["count"]
                    res.check("consistency", total == n, it, "range total differs from count",
                              "total %s, count %s" % (total, n), calls[0][1] + "  /  " + calls[1][1])
                except (ValueError, KeyError, TypeError) as e:
                    res.check("consistency", False, it, "unexpected result shape",
                              "%s: %s" % (e, short(find.get("r", ""), 300)), calls[0][1])
        if (count is not None and exists is not None and count.get("stage") != "input"
                and not runtime_error(count) and not runtime_error(exists)):
            if count.get("ok") and exists.get("ok"):
                n = json.loads(count["r"]).get("count")
                res.check("consistency", (exists["r"] == "true") == (n > 0), it,
                          "exists_with differs from count > 0",
                          "exists_with %s, count %s" % (exists["r"], n), calls[2][1])
            else:
                res.check("consistency",
                          bool(count.get("ok")) == bool(exists.get("ok"))
                          and count.get("state") == exists.get("state"), it,
                          "count and exists_with disagree",
                          "count %s: %s | exists_with %s: %s" % (
                              count.get("state"), count.get("msg"),
                              exists.get("state"), exists.get("msg")), calls[2][1])

    def run_counted(it, *case):
        nonlocal passed, failed
        before = sum(res.failed.values())
        run_case(it, *case)
        if sum(res.failed.values()) == before:
            passed += 1
        else:
            failed += 1

    # the fixed corpus first (edge cases and earlier findings), then random cases
    it = 0
    if not args.no_corpus:
        for mname, filt, opts in CORPUS:
            if mname not in models:
                continue
            it += 1
            where = filt.get("where", {}) if isinstance(filt, dict) else {}
            where_only = isinstance(filt, dict) and set(filt) <= {"where"}
            run_counted(it, mname, where, filt, opts, where_only, True)
            if state["stop"]:
                break
    for n in range(args.iterations):
        if state["stop"]:
            failed += 1
            break
        if n % 250 == 0 and not args.no_settings:
            # vary the session's planning and limits every 250 cases
            settings = [
                "SET ignis.plan_mode = '%s'" % rng.choice(
                    ["auto", "auto", "force_custom_plan", "force_generic_plan", "off"]),
                "SET ignis.plan_cache_size = %d" % rng.choice([256, 256, 2, 0]),
                "SET ignis.default_limit = %d" % rng.choice([10, 10, 0, 1]),
                "SET ignis.max_where_depth = %d" % rng.choice([1000, 1000, 16, 100000]),
            ]
            if args.verbose:
                print("settings: " + "; ".join(settings))
            try:
                session.run(settings)
            except SessionLost:
                res.check("crash", False, it, "connection lost while changing settings",
                          "\n".join(session.stderr_lines()[-5:]), "; ".join(settings))
                break
            for line in session.stderr_lines():
                print("settings: " + line, file=sys.stderr)
        it += 1
        case = gen.case()
        do_bq = rng.random() < args.bq_rate
        run_counted(it, *case, do_bq)
        if rel_on and rel_rng.random() < args.relation_rate:
            before = sum(res.failed.values())
            relcheck.check(it)
            if sum(res.failed.values()) == before:
                passed += 1
            else:
                failed += 1

    session.close()
    relcheck.close()
    for fn, counts in relcheck.outcomes.items():
        outcomes["relation check " + fn] = counts

    return finish(res, args, pm_start, outcomes, INVARIANTS, started, passed, failed)

if __name__ == "__main__":
    sys.exit(main())
