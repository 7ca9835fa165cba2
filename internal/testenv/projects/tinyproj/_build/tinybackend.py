"""A PEP 517 build backend in the project's own tree (backend-path), so
the project builds with no build tool from an index. It builds a wheel of
src/tinyproj, compiling each .c file there into an extension module with
the machine's C compiler (the wheel is then tagged for the interpreter
that builds it). Standard library only."""
import base64
import hashlib
import os
import re
import subprocess
import sys
import sysconfig
import tempfile
import zipfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _project():
    text = open(os.path.join(HERE, "pyproject.toml"), encoding="utf-8").read()
    try:
        import tomllib
        return tomllib.loads(text)["project"]
    except ImportError:  # before 3.11: the few keys this file has
        import ast
        get = lambda key: re.search(r"^%s = (.*)$" % key, text, re.M).group(1)
        return {"name": ast.literal_eval(get("name")), "version": ast.literal_eval(get("version")),
                "requires-python": ast.literal_eval(get("requires-python")),
                "dependencies": ast.literal_eval(get("dependencies"))}


def get_requires_for_build_wheel(config_settings=None):
    return []


def _tag(has_ext):
    if not has_ext:
        return "py3-none-any"
    ver = "%d%d" % sys.version_info[:2]
    abi = "cp" + ver + ("t" if sysconfig.get_config_var("Py_GIL_DISABLED") else "")
    plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return "cp%s-%s-%s" % (ver, abi, plat)


def _compile(c_file, out_dir):
    name = os.path.splitext(os.path.basename(c_file))[0]
    target = os.path.join(out_dir, name + sysconfig.get_config_var("EXT_SUFFIX"))
    subprocess.check_call(["cc", "-shared", "-fPIC", "-O1", "-I", sysconfig.get_paths()["include"], c_file, "-o", target])
    return target


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    meta = _project()
    name, version = meta["name"], meta["version"]
    pkg = os.path.join(HERE, "src", name)
    files = {}
    with tempfile.TemporaryDirectory() as tmp:
        for entry in sorted(os.listdir(pkg)):
            full = os.path.join(pkg, entry)
            if entry.endswith(".py"):
                files[name + "/" + entry] = open(full, "rb").read()
            elif entry.endswith(".c"):
                built = _compile(full, tmp)
                files[name + "/" + os.path.basename(built)] = open(built, "rb").read()
        tag = _tag(any(k.endswith((".so", ".pyd")) for k in files))
        info = "%s-%s.dist-info/" % (name, version)
        lines = ["Metadata-Version: 2.1", "Name: " + name, "Version: " + version,
                 "Requires-Python: " + meta.get("requires-python", "")]
        lines += ["Requires-Dist: " + d for d in meta.get("dependencies", [])]
        files[info + "METADATA"] = ("\n".join(lines) + "\n").encode()
        files[info + "WHEEL"] = ("Wheel-Version: 1.0\nGenerator: tinybackend\nRoot-Is-Purelib: %s\nTag: %s\n"
                                 % ("true" if tag == "py3-none-any" else "false", tag)).encode()
        record = []
        for path, body in sorted(files.items()):
            digest = base64.urlsafe_b64encode(hashlib.sha256(body).digest()).rstrip(b"=").decode()
            record.append("%s,sha256=%s,%d" % (path, digest, len(body)))
        record.append(info + "RECORD,,")
        files[info + "RECORD"] = ("\n".join(record) + "\n").encode()
        filename = "%s-%s-%s.whl" % (name, version, tag)
        with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w") as zf:
            for path, body in files.items():
                zf.writestr(path, body)
    return filename
