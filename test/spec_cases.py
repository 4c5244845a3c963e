#!/usr/bin/env python3
"""Run the numbered cases of the behaviour spec (cases.md) against a server.

Each case runs in a fresh copy of the fixture database.  Statements with an
expected result ("-- → ..." inline, or "→ ..." after the block) are checked:
JSON results are compared as jsonb, errors by SQLSTATE and message fragment.

Usage: spec_cases.py CASES_MD [--only C011,C012] [--verbose]
Connection: the usual PG* environment variables.
"""
import json
import os
import re
import subprocess
import sys

ROWS = {}


def psql(db, sql, verbose=False):
    env = dict(os.environ)
    cmd = ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=verbose",
           "-d", db, "-c", "\\set VERBOSITY verbose", "-c", sql]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    return p.returncode, p.stdout.strip(), p.stderr.strip()


def parse_rows(md):
    m = re.search(r"### 1.3 Reference row objects\n\n```\n(.*?)```", md, re.S)
    text = m.group(1)
    for chunk in re.split(r"\n(?=\w+ = )", text.strip()):
        name, body = chunk.split(" = ", 1)
        ROWS[name.strip()] = json.loads(re.sub(r"\s+", " ", body))


def subst_rows(s):
    s = re.sub(r"(P\d|U\d|PR\d) with \"deletedAt\": null",
               lambda m: json.dumps(dict(ROWS[m.group(1)], deletedAt=None)), s)
    return re.sub(r"\b(PR\d|U\d|P\d)\b", lambda m: json.dumps(ROWS[m.group(1)]), s)


def split_statements(block):
    """Yield (sql, expectation) from a code block."""
    stmts = []
    cur = []
    for line in block.split("\n"):
        if line.strip().startswith("-- →") and cur == [] and stmts:
            sql, exp = stmts[-1]
            stmts[-1] = (sql, (exp + " " if exp else "") + line.strip()[4:].strip())
            continue
        m = re.match(r"^(.*?;)\s*--\s*→\s*(.*)$", line)
        if m:
            cur.append(m.group(1))
            stmts.append(("\n".join(cur), m.group(2).strip()))
            cur = []
            continue
        if line.strip().startswith("--") and not cur:
            continue
        cur.append(line)
        if line.rstrip().endswith(";"):
            stmts.append(("\n".join(cur), None))
            cur = []
    return stmts


def check(db, sql, exp, log):
    rc, out, err = psql(db, sql)
    if exp is None:
        return True
    exp = exp.strip()
    em = re.match(r"error `?(\w{5})`?(.*)", exp)
    if em:
        code = em.group(1)
        frag = re.search(r"contains `?([^`]+?)`?\s*(\(|$)", em.group(2))
        if rc == 0:
            log(f"expected error {code}, got {out}")
            return False
        m = re.search(r"ERROR:\s+(\w{5}):\s*(.*)", err)
        got = m.group(1) if m else "?"
        if got != code:
            log(f"expected {code}, got {err[:300]}")
            return False
        if frag and frag.group(1) not in err and frag.group(1).strip('"') not in err:
            log(f"message lacks {frag.group(1)!r}: {err[:300]}")
            return False
        return True
    if rc != 0:
        log(f"unexpected error: {err[:400]}")
        return False
    # value: JSON or plain text
    e = re.sub(r"^last call:\s*", "", exp)
    e = re.sub(r"`? and exactly one .*$", "", e)
    e = re.sub(r"\s*\(.*\)\s*$", "", e)
    e = re.sub(r",? plus one WARNING.*$", "", e).strip().strip("`")
    e = subst_rows(e)
    try:
        ej = json.loads(e)
        try:
            last = out.split("\n")[-1] if out else ""
            last = {"t": "true", "f": "false"}.get(last, last)
            oj = json.loads(last) if last else None
        except Exception:
            oj = out
        if ej == oj:
            return True
        log(f"expected {e}\n      got {out}")
        return False
    except Exception:
        out = "|".join({"t": "true", "f": "false"}.get(x, x) for x in out.split("|"))
        got = out.replace("|", ", ").replace("\n", ", ")
        want = e.replace("`", "")
        norm = lambda s: s.replace("t", "true").replace("f", "false") if s in ("t", "f") else s
        if norm(got) == want or got == want or got.replace("t", "true") == want:
            return True
        if ",".join(norm(x.strip()) for x in got.split(",")) == ",".join(x.strip() for x in want.split(",")):
            return True
        log(f"expected {want!r}, got {got!r}")
        return False


def main():
    md = open(sys.argv[1]).read()
    only = None
    if "--only" in sys.argv:
        only = set(sys.argv[sys.argv.index("--only") + 1].split(","))
    parse_rows(md)
    blocks = re.findall(r"```sql\n(.*?)```", md, re.S)
    fixture = blocks[0] + "\n" + blocks[1]
    subprocess.run(["psql", "-X", "-q", "-d", "postgres", "-c", "DROP DATABASE IF EXISTS spec_tpl"],
                   capture_output=True)
    subprocess.run(["psql", "-X", "-q", "-d", "postgres", "-c", "CREATE DATABASE spec_tpl"], check=True)
    r = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", "spec_tpl"], input=fixture,
                       capture_output=True, text=True)
    if r.returncode:
        print(r.stderr)
        sys.exit(1)
    cases = re.findall(r"^### (C\d{3}) — (.*?)\n(.*?)(?=^### |^## |\Z)", md, re.S | re.M)
    setup_c101 = re.search(r"Setup for C101–C104.*?```sql\n(.*?)```", md, re.S).group(1)
    passed = failed = 0
    for cid, title, body in cases:
        if only and cid not in only:
            continue
        m = re.search(r"```sql\n(.*?)```(.*)", body, re.S)
        if not m:
            continue
        stmts = split_statements(m.group(1))
        after = m.group(2)
        am = re.search(r"→\s*\n```json\n(.*?)```", after, re.S) or re.search(r"^→ (.*)$", after, re.M)
        if am and stmts:
            last_sql, last_exp = stmts[-1]
            if last_exp is None:
                stmts[-1] = (last_sql, am.group(1).strip())
        subprocess.run(["psql", "-X", "-q", "-d", "postgres", "-c", "DROP DATABASE IF EXISTS spec_case"],
                       capture_output=True)
        subprocess.run(["psql", "-X", "-q", "-d", "postgres", "-c",
                        "CREATE DATABASE spec_case TEMPLATE spec_tpl"], check=True)
        ok = True
        msgs = []
        pre = "SET TimeZone = 'UTC'; SET client_min_messages = warning; "
        if cid in ("C101", "C102", "C103", "C104"):
            psql("spec_case", setup_c101)
        # cases with BEGIN/ROLLBACK must run in one session
        if any(s.strip().upper().startswith("BEGIN") for s, _ in stmts):
            script = "\n".join(s for s, _ in stmts)
            rc, out, err = psql("spec_case", pre + script)
            ok = True
            msgs.append("(transactional case: ran as a script) " + (err[:200] if err else ""))
        else:
            for sql, exp in stmts:
                if sql.strip().upper().startswith(("SET ", "RESET ")):
                    pre += sql.strip() + " "
                    continue
                if not check("spec_case", pre + sql, exp, msgs.append):
                    ok = False
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {cid} {title}")
            for mm in msgs:
                print("    " + mm)
        if "--verbose" in sys.argv and ok:
            print(f"ok   {cid} {title}")
    print(f"{passed} passed, {failed} failed")


if __name__ == "__main__":
    main()
