# PyHangar's judge: runs inside the interpreter a check is for and answers,
# one JSON line per JSON request line on stdin, with the `packaging` library
# pip vendors (from pip, or from the pip wheel ensurepip bundles), so tags,
# versions, specifiers, markers and requirements follow the interpreter's
# own rules. Reads nothing but stdin; writes nothing but stdout.
import email.parser
import json
import os
import platform
import sys
import sysconfig

try:
    from pip._vendor.packaging import markers, requirements, specifiers, tags, utils, version
except ImportError:
    import glob

    try:
        import ensurepip

        bundled = sorted(glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), "_bundled", "pip-*.whl")))
    except ImportError:
        bundled = []
    if not bundled:
        sys.stdout.write(json.dumps({"error": "this interpreter has neither pip nor ensurepip's pip wheel, "
                                              "so it cannot say which wheels it takes; install pip for it"}) + "\n")
        sys.exit(0)
    sys.path.insert(0, bundled[-1])
    from pip._vendor.packaging import markers, requirements, specifiers, tags, utils, version

SUPPORTED = [str(t) for t in tags.sys_tags()]
PRIORITY = {t: i for i, t in enumerate(SUPPORTED)}
FREE_THREADED = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
PYTHON = version.Version(platform.python_version())
ENV = markers.default_environment()


def pip_index_url():
    """The index-url pip is configured with (pip.conf, PIP_CONFIG_FILE), or "".
    Asked only when nothing else names the index: reading pip's
    configuration loads much of pip."""
    try:
        from pip._internal.configuration import Configuration

        conf = Configuration(isolated=False)
        conf.load()
        for key in ("global.index-url", "install.index-url"):
            try:
                return conf.get_value(key)
            except Exception:
                pass
    except Exception:
        pass
    return ""


def env(_):
    return {"tags": SUPPORTED[:20], "tag_count": len(SUPPORTED), "free_threaded": FREE_THREADED,
            "python_version": str(PYTHON)}


def requirement(req):
    try:
        r = requirements.Requirement(req["text"])
    except Exception as e:
        return {"error": "not a requirement pip would read: %s" % e}
    applies = r.marker is None or any(r.marker.evaluate(dict(ENV, extra=x)) for x in [""] + req.get("extras", []))
    return {"name": utils.canonicalize_name(r.name), "display": r.name, "specifier": str(r.specifier),
            "extras": sorted(r.extras), "applies": applies, "url": r.url or ""}


def parse(filename):
    """(name, version, tag set or None for an sdist), or None."""
    try:
        if filename.endswith(".whl"):
            name, ver, _, tagset = utils.parse_wheel_filename(filename)
            return name, ver, tagset
        if filename.endswith((".tar.gz", ".zip")):
            name, ver = utils.parse_sdist_filename(filename)
            return name, ver, None
    except Exception:
        pass
    return None


def kind(tag):
    if tag.abi == "none" and tag.platform == "any":
        return "pure-python"
    return "free-threaded-wheel" if FREE_THREADED else "binary-wheel"


def pick(req):
    """The newest version the specifier and Requires-Python allow, and what
    pip would install of it here."""
    name = utils.canonicalize_name(req["name"])
    spec = specifiers.SpecifierSet(req.get("specifier", ""))
    exact = any(s.operator in ("==", "===") and "*" not in s.version for s in spec)
    by_version = {}
    yanked_only = set()
    skipped_python = set()
    for i, f in enumerate(req["files"]):
        p = parse(f["filename"])
        if p is None or utils.canonicalize_name(p[0]) != name:
            continue
        if f.get("requires_python"):
            try:
                if not specifiers.SpecifierSet(f["requires_python"]).contains(PYTHON, prereleases=True):
                    skipped_python.add(p[1])
                    continue
            except Exception:
                pass
        if f.get("yanked") and not exact:
            yanked_only.add(p[1])
            continue
        by_version.setdefault(p[1], []).append((i, f["filename"], p[2]))
    versions = list(spec.filter(by_version.keys()))
    if not versions:
        if not by_version and not skipped_python and not yanked_only:
            reason = "no files for it on the index"
        elif skipped_python and not by_version:
            reason = "no release supports Python %s (Requires-Python)" % PYTHON
        else:
            reason = "no release satisfies %s" % (str(spec) or "any version")
            if skipped_python:
                reason += " for Python %s (newer ones require another Python)" % PYTHON
        return {"status": "not-found", "reason": reason}
    versions.sort(reverse=True)

    def best(ver):
        """The compatible wheel pip would prefer, as (file index, filename,
        tag), or None; and the sdist, if any."""
        found, sdist = None, None
        for i, filename, tagset in by_version[ver]:
            if tagset is None:
                sdist = (i, filename)
                continue
            ranked = [(PRIORITY[str(t)], t) for t in tagset if str(t) in PRIORITY]
            if ranked:
                rank, tag = min(ranked)
                if found is None or rank < found[0]:
                    found = (rank, i, filename, tag)
        return found, sdist

    newest = versions[0]
    wheel, sdist = best(newest)
    out = {"version": str(newest), "older_version_ok": ""}
    if wheel is not None:
        out.update(status=kind(wheel[3]), file=wheel[2], file_index=wheel[1], tag=str(wheel[3]),
                   reason="%s fits this interpreter (%s)" % (wheel[2], wheel[3]))
        return out
    have = sorted({"%s-%s" % (t.interpreter, t.abi) for _, _, ts in by_version[newest] if ts for t in ts})
    if sdist is not None:
        out.update(status="source-only", file=sdist[1], file_index=sdist[0],
                   reason="no wheel fits this interpreter%s: pip builds %s here (a compiler is needed, and a C extension "
                          "in it may turn the GIL back on)" % (
                              " (wheels only for %s)" % ", ".join(have) if have else "", sdist[1]))
    else:
        out.update(status="no-compatible-wheel", file="", reason="wheels only for %s, none for this interpreter, and no sdist" % ", ".join(have))
    for older in versions[1:]:
        if best(older)[0] is not None:
            out["older_version_ok"] = str(older)
            break
    return out


def deps(req):
    """The requirements a distribution's METADATA states that apply here,
    for the extras asked for."""
    meta = email.parser.Parser().parsestr(req["metadata"])
    out = []
    for text in meta.get_all("Requires-Dist") or []:
        try:
            r = requirements.Requirement(text)
        except Exception:
            continue
        if r.marker is not None and not any(r.marker.evaluate(dict(ENV, extra=x)) for x in [""] + req.get("extras", [])):
            continue
        out.append({"name": utils.canonicalize_name(r.name), "display": r.name, "specifier": str(r.specifier),
                    "extras": sorted(r.extras), "text": text})
    return {"deps": out}


def many(op):
    """An op over a list of requests, answered in one line."""
    def run(req):
        out = []
        for item in req["items"]:
            try:
                out.append(op(item))
            except Exception as e:
                out.append({"error": "%s: %s" % (type(e).__name__, e)})
        return {"answers": out}
    return run


OPS = {"env": env, "pip_index_url": lambda _: {"url": pip_index_url()}, "requirements": many(requirement), "picks": many(pick), "deps": many(deps)}

sys.stdout.write(json.dumps({"ready": True}) + "\n")
sys.stdout.flush()
for line in sys.stdin:
    try:
        req = json.loads(line)
        answer = OPS[req["op"]](req)
    except Exception as e:
        answer = {"error": "%s: %s" % (type(e).__name__, e)}
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()
