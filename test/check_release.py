#!/usr/bin/env python3
"""The release discipline of ignis, checked from the repository alone.

  * META.json is a valid PGXN distribution file (PGXN Meta Spec 1.0.0: the
    mandatory fields, their types and formats, the allowed keys of every
    object, licence names, semantic versions, terms, version ranges);
  * the version is the same everywhere: ignis.control's default_version,
    META.json's version and its ignis extension, the newest install script
    sql/ignis--<version>.sql, a CHANGELOG.md section;
  * every earlier install script the repository keeps has an upgrade path of
    sql/ignis--<from>--<to>.sql scripts to the default version;
  * `make dist` makes ignis-<version>.zip and .tar.gz holding the sources
    under ignis-<version>/.

Prints TAP lines ("ok N - ...", "not ok N - ...") and exits 1 when one failed.

    python3 test/check_release.py [repository root]
"""
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))

SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$")
LICENSES = {
    "agpl_3", "apache_1_1", "apache_2_0", "artistic_1", "artistic_2", "bsd", "freebsd",
    "gfdl_1_2", "gfdl_1_3", "gpl_1", "gpl_2", "gpl_3", "lgpl_2_1", "lgpl_3_0", "mit",
    "mozilla_1_0", "mozilla_1_1", "openssl", "perl_5", "postgresql", "qpl_1_0", "ssleay",
    "sun", "zlib", "open_source", "restricted", "unrestricted", "unknown",
}
PHASES = {"configure", "build", "test", "runtime", "develop"}
RELATIONSHIPS = {"requires", "recommends", "suggests", "conflicts"}


def is_term(s):
    """A Term: at least two characters, no slash, backslash, space or control character."""
    return isinstance(s, str) and len(s) >= 2 and not re.search(r"[/\\\s\x00-\x1f\x7f]", s)


def is_tag(s):
    return isinstance(s, str) and 2 <= len(s) <= 255 and not re.search(r"[/\\\x00-\x1f\x7f]", s)


def is_version_range(v):
    if v == 0:
        return True
    if not isinstance(v, str):
        return False
    if v == "0":
        return True
    for part in v.split(","):
        m = re.match(r"^\s*(?:(==|!=|<=|>=|<|>)\s*)?(\S+)\s*$", part)
        if not m or not (SEMVER.match(m.group(2)) or (m.group(2) == "0" and m.group(1) is None)):
            return False
    return True


def custom(key):
    return re.match(r"^[xX]_.", key) is not None


def check_keys(obj, allowed, where, errors):
    for k in obj:
        if k not in allowed and not custom(k):
            errors.append(f"{where}: unknown key {k!r}")


def nonempty_string(v):
    return isinstance(v, str) and len(v) >= 1


def validate_meta(meta):
    """Errors of a META.json document against PGXN Meta Spec 1.0.0."""
    errors = []
    if not isinstance(meta, dict):
        return ["the document is not an object"]
    for k in ("name", "version", "abstract", "maintainer", "license", "provides", "meta-spec"):
        if k not in meta:
            errors.append(f"missing mandatory field {k!r}")
    check_keys(meta, {"name", "version", "abstract", "maintainer", "license", "provides", "meta-spec",
                      "description", "generated_by", "tags", "no_index", "prereqs", "release_status",
                      "resources"}, "META.json", errors)
    if "name" in meta and not is_term(meta["name"]):
        errors.append("name: not a term")
    if "version" in meta and not (isinstance(meta["version"], str) and SEMVER.match(meta["version"])):
        errors.append("version: not a semantic version")
    for k in ("abstract", "description", "generated_by"):
        if k in meta and not nonempty_string(meta[k]):
            errors.append(f"{k}: not a non-empty string")
    m = meta.get("maintainer")
    if m is not None and not (nonempty_string(m) or (isinstance(m, list) and m and len(set(m)) == len(m)
                                                      and all(nonempty_string(x) for x in m))):
        errors.append("maintainer: neither a string nor a list of distinct strings")
    lic = meta.get("license")
    if lic is not None:
        if isinstance(lic, str):
            if lic not in LICENSES:
                errors.append(f"license: {lic!r} is not a known licence name")
        elif isinstance(lic, list):
            if not lic or len(set(lic)) != len(lic) or any(x not in LICENSES for x in lic):
                errors.append("license: the list must hold distinct known licence names")
        elif isinstance(lic, dict):
            if not lic or any(not (isinstance(v, str) and re.match(r"^[a-z][a-z0-9+.-]*:", v)) for v in lic.values()):
                errors.append("license: an object must map names to URIs")
        else:
            errors.append("license: not a string, list or object")
    ms = meta.get("meta-spec")
    if ms is not None:
        if not isinstance(ms, dict) or "version" not in ms:
            errors.append("meta-spec: an object with a version is required")
        else:
            check_keys(ms, {"version", "url"}, "meta-spec", errors)
            if not re.match(r"^1\.0\.\d+$", str(ms["version"])):
                errors.append("meta-spec.version: must be 1.0.x")
            if "url" in ms and ms["url"] not in ("https://pgxn.org/meta/spec.txt", "http://pgxn.org/meta/spec.txt"):
                errors.append("meta-spec.url: not the spec's address")
    prov = meta.get("provides")
    if prov is not None:
        if not isinstance(prov, dict) or not prov:
            errors.append("provides: a non-empty object is required")
        else:
            for name, ext in prov.items():
                where = f"provides.{name}"
                if not is_term(name):
                    errors.append(f"{where}: the name is not a term")
                if not isinstance(ext, dict):
                    errors.append(f"{where}: not an object")
                    continue
                check_keys(ext, {"file", "version", "abstract", "docfile", "docpath"}, where, errors)
                for k in ("file", "version"):
                    if k not in ext:
                        errors.append(f"{where}: missing mandatory field {k!r}")
                if "version" in ext and not (isinstance(ext["version"], str) and SEMVER.match(ext["version"])):
                    errors.append(f"{where}.version: not a semantic version")
                for k in ("file", "docfile"):
                    if k in ext:
                        p = ext[k]
                        if not (isinstance(p, str) and len(p) >= 2 and not p.startswith("/") and "\\" not in p):
                            errors.append(f"{where}.{k}: not a relative unix path")
                        elif not os.path.isfile(os.path.join(ROOT, p)):
                            errors.append(f"{where}.{k}: {p} is not in the distribution")
                if "abstract" in ext and not nonempty_string(ext["abstract"]):
                    errors.append(f"{where}.abstract: not a non-empty string")
    if "tags" in meta:
        t = meta["tags"]
        if not (isinstance(t, list) and t and len(set(t)) == len(t) and all(is_tag(x) for x in t)):
            errors.append("tags: a non-empty list of distinct tags (2 to 255 characters, no slashes)")
    if "release_status" in meta and meta["release_status"] not in ("stable", "testing", "unstable"):
        errors.append("release_status: not stable, testing or unstable")
    if "no_index" in meta:
        ni = meta["no_index"]
        if not isinstance(ni, dict) or not ({"file", "directory"} & set(ni)):
            errors.append("no_index: an object with file or directory")
        else:
            check_keys(ni, {"file", "directory"}, "no_index", errors)
    if "prereqs" in meta:
        pr = meta["prereqs"]
        if not isinstance(pr, dict):
            errors.append("prereqs: not an object")
        else:
            check_keys(pr, PHASES, "prereqs", errors)
            for phase, rels in pr.items():
                if custom(phase):
                    continue
                if not isinstance(rels, dict) or not (RELATIONSHIPS & set(rels)):
                    errors.append(f"prereqs.{phase}: an object with requires, recommends, suggests or conflicts")
                    continue
                check_keys(rels, RELATIONSHIPS, f"prereqs.{phase}", errors)
                for rel, exts in rels.items():
                    if custom(rel):
                        continue
                    if not isinstance(exts, dict) or not exts:
                        errors.append(f"prereqs.{phase}.{rel}: a non-empty object")
                        continue
                    for ext, rng in exts.items():
                        if not is_term(ext):
                            errors.append(f"prereqs.{phase}.{rel}: {ext!r} is not a term")
                        if not is_version_range(rng):
                            errors.append(f"prereqs.{phase}.{rel}.{ext}: {rng!r} is not a version range")
    if "resources" in meta:
        rs = meta["resources"]
        if not isinstance(rs, dict) or not ({"homepage", "bugtracker", "repository"} & set(rs)):
            errors.append("resources: an object with homepage, bugtracker or repository")
        else:
            check_keys(rs, {"homepage", "bugtracker", "repository"}, "resources", errors)
            if "bugtracker" in rs:
                check_keys(rs["bugtracker"], {"web", "mailto"}, "resources.bugtracker", errors)
            if "repository" in rs:
                check_keys(rs["repository"], {"url", "web", "type"}, "resources.repository", errors)
    return errors


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, ok, name, detail=None):
        self.n += 1
        print(f"{'ok' if ok else 'not ok'} {self.n} - {name}")
        if not ok:
            self.failed += 1
            for line in (detail if isinstance(detail, list) else [detail] if detail else []):
                print(f"#   {line}")


def vkey(v):
    return tuple(int(x) for x in re.findall(r"\d+", v))


def main():
    tap = Tap()

    # META.json against the spec; the checker itself rejects what it must
    try:
        with open(os.path.join(ROOT, "META.json"), encoding="utf-8") as f:
            meta = json.load(f)
    except (OSError, ValueError) as e:
        tap.check(False, "META.json is readable JSON", str(e))
        meta = {}
    errors = validate_meta(meta)
    tap.check(not errors, "META.json follows PGXN Meta Spec 1.0.0", errors)
    broken = dict(meta)
    broken.pop("license", None)
    broken["version"] = "0.2"
    broken["provides"] = {"ignis": {"file": "sql/ignis--0.2.0.sql"}}
    found = validate_meta(broken)
    tap.check(any("license" in e for e in found) and any(e.startswith("version") for e in found)
              and any("'version'" in e for e in found),
              "the META.json check rejects a missing licence, a non-semantic version and an extension without version",
              found)

    # the versions in step
    with open(os.path.join(ROOT, "ignis.control"), encoding="utf-8") as f:
        control = f.read()
    m = re.search(r"^default_version\s*=\s*'([^']+)'", control, re.M)
    default = m.group(1) if m else None
    tap.check(default is not None and SEMVER.match(default) is not None,
              f"ignis.control has a semantic default_version ({default})")
    tap.check(meta.get("version") == default, f"META.json version {meta.get('version')} = default_version {default}")
    ext = meta.get("provides", {}).get("ignis", {})
    tap.check(ext.get("version") == default and ext.get("file") == f"sql/ignis--{default}.sql",
              f"META.json provides ignis {ext.get('version')} from {ext.get('file')}")
    sql = os.listdir(os.path.join(ROOT, "sql"))
    installs = sorted((m.group(1) for m in (re.match(r"^ignis--([0-9.]+)\.sql$", f) for f in sql) if m), key=vkey)
    updates = [m.groups() for m in (re.match(r"^ignis--([0-9.]+)--([0-9.]+)\.sql$", f) for f in sql) if m]
    tap.check(installs and installs[-1] == default,
              f"the newest install script is sql/ignis--{default}.sql", f"install scripts: {installs}")
    for old in installs[:-1]:
        # breadth-first over the upgrade scripts, as ALTER EXTENSION finds a path
        reach, frontier = {old}, [old]
        while frontier:
            v = frontier.pop()
            for a, b in updates:
                if a == v and b not in reach:
                    reach.add(b)
                    frontier.append(b)
        tap.check(default in reach, f"{old} has an upgrade path to {default}", f"upgrade scripts: {updates}")
    try:
        with open(os.path.join(ROOT, "CHANGELOG.md"), encoding="utf-8") as f:
            changelog = f.read()
    except OSError:
        changelog = ""
    for v in installs:
        tap.check(re.search(r"^## \[?" + re.escape(v) + r"\]?", changelog, re.M) is not None,
                  f"CHANGELOG.md has a section for {v}")

    # make dist
    if subprocess.run(["git", "-C", ROOT, "rev-parse", "HEAD"], capture_output=True).returncode != 0:
        print("ok 0 # skip make dist: not a git checkout")
    else:
        with tempfile.TemporaryDirectory() as d:
            r = subprocess.run(["make", "-s", "-C", ROOT, "dist", f"DISTDIR={d}"], capture_output=True, text=True)
            tap.check(r.returncode == 0, "make dist succeeds", (r.stdout + r.stderr).splitlines()[-10:])
            prefix = f"ignis-{default}/"
            want = [prefix + p for p in ("META.json", "ignis.control", "Makefile", "CHANGELOG.md", "README.md",
                                         f"sql/ignis--{default}.sql")]
            want += [prefix + f"sql/ignis--{a}--{b}.sql" for a, b in updates]
            for name, lister in ((f"ignis-{default}.zip", lambda p: zipfile.ZipFile(p).namelist()),
                                 (f"ignis-{default}.tar.gz", lambda p: tarfile.open(p).getnames())):
                path = os.path.join(d, name)
                try:
                    names = set(lister(path))
                except (OSError, zipfile.BadZipFile, tarfile.TarError) as e:
                    tap.check(False, f"make dist made {name}", str(e))
                    continue
                missing = [w for w in want if w not in names]
                outside = [n for n in names if not n.startswith(prefix) and n != prefix.rstrip("/")]
                tap.check(not missing and not outside,
                          f"{name} holds the sources under {prefix}",
                          [f"missing: {missing}", f"outside {prefix}: {outside[:5]}"])

    print(f"# {tap.n - tap.failed} passed, {tap.failed} failed")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
