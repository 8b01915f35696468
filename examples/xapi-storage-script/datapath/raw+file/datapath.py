#!/usr/bin/python3 -S
"""raw+file: a SMAPIv3 datapath plugin for raw volumes that are regular files.

The directory name is the URI scheme (shared/docs/smapiv3-interface.md section 1): a volume whose
uri is raw+file:///abs/path/<key>.raw is served here. Datapath.attach returns a File
implementation (data.ml backend variant ["File", {"path": ...}]); no kernel device, no root.

The calling order attach -> activate, then deactivate -> detach, is enforced, and the state lives
in <key>.datapath beside the volume so that its volume plugin refuses to destroy a volume still in
use. One domain at a time may be active (like libcow's VDIInUse). Datapath.open and
Datapath.close are accepted around them (persistent only) but not required: xapi-storage-script
calls them only for plugins that advertise NONPERSISTENT (vdi_epoch_begin/epoch_end in main.ml),
which this one does not.

Standard library only; same calling convention and error JSON as the volume plugin.
"""

import contextlib
import errno
import fcntl
import json
import os
import sys
import urllib.parse

SCHEME = "raw+file"


class PluginError(Exception):
    def __init__(self, code, params):
        super().__init__(code, params)
        self.code = code
        self.params = params


def idl_error(name, detail):
    return PluginError("SR_BACKEND_FAILURE", [name, str(detail)])


def require(args, name, kind):
    if name not in args:
        raise idl_error("UnmarshalException", "argument missing: " + name)
    value = args[name]
    ok = isinstance(value, bool) if kind == "bool" else isinstance(value, str)
    if not ok:
        raise idl_error("TypeError", "%s must be %s, got %s" % (name, kind, json.dumps(value)))
    return value


def volume_path(uri):
    parsed = urllib.parse.urlparse(uri)
    path = urllib.parse.unquote(parsed.path)
    if parsed.scheme != SCHEME or not path.endswith(".raw") or not os.path.isabs(path):
        raise PluginError("SR_BACKEND_FAILURE_47", ["not a raw+file volume uri", uri])
    if not os.path.isfile(path):
        raise idl_error("Volume_does_not_exist", uri)
    return path


def state_path(path):
    return path[:-len(".raw")] + ".datapath"


@contextlib.contextmanager
def state_of(uri):
    """Yields [state or None] under a lock; whatever is left in the list is written back."""
    path = volume_path(uri)
    spath = state_path(path)
    fd = os.open(os.path.join(os.path.dirname(path), ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            with open(spath) as f:
                box = [json.load(f)]
        except FileNotFoundError:
            box = [None]
        yield path, box
        if box[0] is None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(spath)
        else:
            write_state(spath, box[0])
    finally:
        os.close(fd)


def write_state(spath, state):
    """Replaces the state file atomically; on a full filesystem, overwrites it in place instead.

    Releasing a volume must work when its SR is full (that is when a copy into it fails), and a
    state that shrinks fits in the blocks the file already has. No *.tmp is left either way.
    """
    text = json.dumps(state)
    try:
        with open(spath + ".tmp", "w") as f:
            f.write(text)
        os.replace(spath + ".tmp", spath)
    except OSError as e:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(spath + ".tmp")
        if e.errno != errno.ENOSPC or not os.path.exists(spath):
            raise
        with open(spath, "r+") as f:
            f.write(text)
            f.truncate()


def order_error(what):
    return PluginError("SR_BACKEND_FAILURE_46", ["datapath call out of order", what])


def plugin_query(args):
    require(args, "dbg", "string")
    return {
        "plugin": SCHEME,
        "name": "Raw file datapath",
        "description": "Hands out raw volume files as File implementations (no tapdisk, no loop device).",
        "vendor": "smapi-migrate",
        "copyright": "(C) smapi-migrate contributors",
        "version": "1.0",
        "required_api_version": "5.0",
        "features": [],
        "configuration": {},
        "required_cluster_stack": [],
    }


def fresh_state():
    return {"opened": False, "attached": [], "active": None}


def forget_if_unused(box):
    if box[0] is not None and not box[0]["opened"] and not box[0]["attached"]:
        box[0] = None


def dp_open(args):
    require(args, "dbg", "string")
    uri = require(args, "uri", "string")
    persistent = require(args, "persistent", "bool")
    if not persistent:
        raise idl_error("Unimplemented", "non-persistent datapaths are not supported")
    with state_of(uri) as (_, box):
        if box[0] is None:
            box[0] = fresh_state()
        box[0]["opened"] = True
    return None


def dp_attach(args):
    require(args, "dbg", "string")
    uri = require(args, "uri", "string")
    domain = require(args, "domain", "string")
    with state_of(uri) as (path, box):
        if box[0] is None:
            box[0] = fresh_state()
        if domain not in box[0]["attached"]:
            box[0]["attached"].append(domain)
    return {"implementations": [["File", {"path": path}]]}


def dp_activate(args):
    require(args, "dbg", "string")
    uri = require(args, "uri", "string")
    domain = require(args, "domain", "string")
    with state_of(uri) as (_, box):
        if box[0] is None or domain not in box[0]["attached"]:
            raise order_error("Datapath.activate before Datapath.attach for " + domain)
        if box[0]["active"] not in (None, domain):
            raise PluginError("SR_BACKEND_FAILURE_24", ["VDIInUse", "active for " + box[0]["active"]])
        box[0]["active"] = domain
    return None


def dp_deactivate(args):
    require(args, "dbg", "string")
    uri = require(args, "uri", "string")
    domain = require(args, "domain", "string")
    with state_of(uri) as (_, box):
        if box[0] is not None and box[0]["active"] == domain:
            box[0]["active"] = None
    return None


def dp_detach(args):
    require(args, "dbg", "string")
    uri = require(args, "uri", "string")
    domain = require(args, "domain", "string")
    with state_of(uri) as (_, box):
        if box[0] is not None:
            if box[0]["active"] == domain:
                raise order_error("Datapath.detach while still active for " + domain)
            if domain in box[0]["attached"]:
                box[0]["attached"].remove(domain)
            forget_if_unused(box)
    return None


def dp_close(args):
    require(args, "dbg", "string")
    uri = require(args, "uri", "string")
    with state_of(uri) as (_, box):
        if box[0] is not None and box[0]["attached"]:
            raise order_error("Datapath.close while attached for " + ", ".join(box[0]["attached"]))
        box[0] = None
    return None


METHODS = {
    "Plugin.Query": plugin_query,
    "Datapath.open": dp_open,
    "Datapath.attach": dp_attach,
    "Datapath.activate": dp_activate,
    "Datapath.deactivate": dp_deactivate,
    "Datapath.detach": dp_detach,
    "Datapath.close": dp_close,
}


def error_json(e):
    import traceback  # only on failure: every call is a process of its own
    tb = traceback.extract_tb(e.__traceback__)
    if isinstance(e, PluginError):
        code, params = e.code, e.params
    else:
        code, params = "SR_BACKEND_FAILURE", [type(e).__name__, str(e)]
    return {"code": code, "params": params,
            "backtrace": {"error": str(e), "files": [f.filename for f in tb], "lines": [f.lineno for f in tb]}}


def main():
    name = os.path.basename(sys.argv[0])
    try:
        method = next((m for n, m in METHODS.items() if n.lower() == name.lower()), None)
        if method is None:
            raise idl_error("Unimplemented", name)
        if "--json" not in sys.argv[1:]:
            raise idl_error("Unimplemented", "only the --json calling convention is supported")
        args = json.loads(sys.stdin.readline())
        if not isinstance(args, dict):
            raise idl_error("UnmarshalException", "params must be a JSON object")
        result = method(args)
    except Exception as e:
        import traceback
        traceback.print_exc(file=sys.stderr)
        print(json.dumps(error_json(e)))
        sys.exit(1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
