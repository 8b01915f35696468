#!/usr/bin/python3 -S
"""org.smapimigrate.dirvol: a SMAPIv3 volume plugin keeping sparse raw volumes in one directory.

Called by the xapi-storage protocol only (see shared/docs/smapiv3-interface.md section 1): every
method is a symlink named <Interface>.<method> to this file, run as `<symlink> --json` with the
JSON params object on one line of stdin; the result is printed as JSON on stdout; a failure is
{"code", "params", "backtrace"} on stdout with exit status 1, as xapi's handle_exception does.

SR layout (configuration {"path": DIR}, as upstream's simple-file):
  DIR/sr.json          {"uuid", "name", "description"}
  DIR/<key>.raw        the volume data, a sparse regular file
  DIR/<key>.json       the volume's metadata (name, description, keys, ...)
  DIR/<key>.datapath   written by the raw+file datapath while the volume is open
  DIR/.lock            flock()ed around every change
The volume key is its uuid and never changes. Volume URIs are raw+file://<absolute .raw path>;
the scheme names the datapath directory datapath/raw+file.

Standard library only (Python 3.6 or later); run with -S since nothing outside it is needed.
"""

import contextlib
import errno
import fcntl
import json
import os
import re
import sys
import urllib.parse

# traceback and uuid are imported where used: every method is a process of its own, and their
# import is a fifth of one that needs neither (issue 10: plugin calls are the cost of small disks).

PLUGIN_NAME = "org.smapimigrate.dirvol"
URI_SCHEME = "raw+file"
SR_META = "sr.json"
KEY_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
FICLONE = 0x40049409  # linux/fs.h _IOW(0x94, 9, int)


class PluginError(Exception):
    """An error with an explicit xapi code and params."""

    def __init__(self, code, params):
        super().__init__(code, params)
        self.code = code
        self.params = params


def idl_error(name, detail):
    # IDL exceptions (Volume_does_not_exist, ...) reach xapi as SR_BACKEND_FAILURE [name, text].
    return PluginError("SR_BACKEND_FAILURE", [name, str(detail)])


# ---------------------------------------------------------------- parameters (strict, like the generated code)

def require(args, name, kind):
    if name not in args:
        raise idl_error("UnmarshalException", "argument missing: " + name)
    value = args[name]
    ok = {
        "string": lambda v: isinstance(v, str),
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "bool": lambda v: isinstance(v, bool),
        "dict": lambda v: isinstance(v, dict) and all(isinstance(k, str) and isinstance(x, str) for k, x in v.items()),
    }[kind](value)
    if not ok:
        raise idl_error("TypeError", "%s must be %s, got %s" % (name, kind, json.dumps(value)))
    return value


# ---------------------------------------------------------------- the SR directory

def sr_dir_of_key(sr):
    parsed = urllib.parse.urlparse(sr)
    if parsed.scheme != "file" or not parsed.path:
        raise idl_error("Sr_not_attached", sr)
    path = urllib.parse.unquote(parsed.path)
    if not os.path.isfile(os.path.join(path, SR_META)):
        raise idl_error("SR_does_not_exist", sr)
    return path


def sr_key_of_dir(path):
    return "file://" + urllib.parse.quote(os.path.abspath(path))


@contextlib.contextmanager
def locked(sr_dir):
    fd = os.open(os.path.join(sr_dir, ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def write_json_atomically(path, value):
    tmp = path + ".tmp"
    try:
        with open(tmp, "w") as f:
            json.dump(value, f, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        # A full disk (or any failure) must not leave a *.json.tmp behind.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def read_json(path):
    with open(path) as f:
        return json.load(f)


def check_key(key):
    if not KEY_RE.match(key):
        raise idl_error("Volume_does_not_exist", key)
    return key


def data_path(sr_dir, key):
    return os.path.join(sr_dir, key + ".raw")


def meta_path(sr_dir, key):
    return os.path.join(sr_dir, key + ".json")


def datapath_state_path(sr_dir, key):
    return os.path.join(sr_dir, key + ".datapath")


def load_meta(sr_dir, key):
    check_key(key)
    try:
        return read_json(meta_path(sr_dir, key))
    except FileNotFoundError:
        raise idl_error("Volume_does_not_exist", key)


def volume_record(sr_dir, meta):
    key = meta["key"]
    st = os.stat(data_path(sr_dir, key))
    return {
        "key": key,
        "uuid": meta["uuid"],
        "name": meta["name"],
        "description": meta["description"],
        "read_write": meta["read_write"],
        "sharable": meta["sharable"],
        "virtual_size": st.st_size,
        "physical_utilisation": st.st_blocks * 512,
        "uri": [URI_SCHEME + "://" + urllib.parse.quote(os.path.abspath(data_path(sr_dir, key)))],
        "keys": meta["keys"],
    }


def refuse_if_in_use(sr_dir, key):
    if os.path.exists(datapath_state_path(sr_dir, key)):
        raise PluginError("SR_BACKEND_FAILURE_24",
                          ["VDIInUse", "volume %s is open in the datapath; close it first" % key])


def sparse_copy(src, dst):
    """Copies src to a new file dst keeping holes: a reflink where the filesystem can, else only the
    data extents found with SEEK_DATA/SEEK_HOLE."""
    with open(src, "rb") as fi, open(dst, "wb") as fo:
        size = os.fstat(fi.fileno()).st_size
        try:
            fcntl.ioctl(fo.fileno(), FICLONE, fi.fileno())
            return
        except OSError:
            pass
        pos = 0
        while pos < size:
            try:
                start = os.lseek(fi.fileno(), pos, os.SEEK_DATA)
            except OSError as e:
                if e.errno == errno.ENXIO:  # only a hole is left
                    break
                raise
            end = os.lseek(fi.fileno(), start, os.SEEK_HOLE)
            copy_range(fi.fileno(), fo.fileno(), start, end)
            pos = end
        os.ftruncate(fo.fileno(), size)


def copy_range(fin, fout, start, end):
    pos = start
    while pos < end:
        n = min(end - pos, 8 << 20)
        try:
            done = os.copy_file_range(fin, fout, n, pos, pos)  # Python 3.8+; dom0 may have 3.6
        except (OSError, AttributeError):
            done = 0
        if done <= 0:
            chunk = os.pread(fin, n, pos)
            if not chunk:
                raise OSError(errno.EIO, "short read while copying")
            done = os.pwrite(fout, chunk, pos)
        pos += done


# ---------------------------------------------------------------- Plugin

def plugin_query(args):
    require(args, "dbg", "string")
    return {
        "plugin": PLUGIN_NAME,
        "name": "Directory of sparse raw volumes",
        "description": ("Keeps each volume as a sparse raw file with a JSON sidecar in one directory; "
                        "bundled with smapi-migrate as its default target and test peer."),
        "vendor": "smapi-migrate",
        "copyright": "(C) smapi-migrate contributors",
        "version": "1.0",
        "required_api_version": "5.0",
        "features": ["SR_ATTACH", "SR_DETACH", "SR_CREATE", "SR_DELETE", "SR_UPDATE",
                     "VDI_CREATE", "VDI_DESTROY", "VDI_UPDATE", "VDI_RESIZE",
                     "VDI_SNAPSHOT", "VDI_CLONE",
                     "VDI_ATTACH", "VDI_DETACH", "VDI_ACTIVATE", "VDI_DEACTIVATE"],
        "configuration": {"path": "absolute path of the directory holding the SR (SR.create makes it)"},
        "required_cluster_stack": [],
    }


def plugin_diagnostics(args):
    require(args, "dbg", "string")
    return "%s: stateless; volumes are sparse raw files with JSON sidecars" % PLUGIN_NAME


# ---------------------------------------------------------------- SR

def sr_path_from_configuration(configuration):
    path = configuration.get("path")
    if not path:
        raise PluginError("SR_BACKEND_FAILURE_101", ["configuration needs \"path\"", json.dumps(configuration)])
    if not os.path.isabs(path):
        raise PluginError("SR_BACKEND_FAILURE_101", ["\"path\" must be absolute", path])
    return os.path.normpath(path)


def sr_create(args):
    require(args, "dbg", "string")
    sr_uuid = require(args, "uuid", "string")
    configuration = require(args, "configuration", "dict")
    name = require(args, "name", "string")
    description = require(args, "description", "string")
    path = sr_path_from_configuration(configuration)
    os.makedirs(path, exist_ok=True)
    with locked(path):
        if os.path.exists(os.path.join(path, SR_META)):
            raise PluginError("SR_BACKEND_FAILURE_103", ["an SR already exists in this directory", path])
        write_json_atomically(os.path.join(path, SR_META),
                              {"uuid": sr_uuid, "name": name, "description": description})
    return {"path": path}


def sr_attach(args):
    require(args, "dbg", "string")
    configuration = require(args, "configuration", "dict")
    path = sr_path_from_configuration(configuration)
    if not os.path.isfile(os.path.join(path, SR_META)):
        raise idl_error("SR_does_not_exist", "no SR in %s (run SR.create first)" % path)
    return sr_key_of_dir(path)


def sr_detach(args):
    require(args, "dbg", "string")
    sr_dir_of_key(require(args, "sr", "string"))
    return None


def volume_keys(sr_dir):
    return sorted(name[:-5] for name in os.listdir(sr_dir)
                  if name.endswith(".json") and KEY_RE.match(name[:-5]))


def sr_destroy(args):
    require(args, "dbg", "string")
    sr_dir = sr_dir_of_key(require(args, "sr", "string"))
    with locked(sr_dir):
        left = volume_keys(sr_dir)
        if left:
            raise PluginError("SR_BACKEND_FAILURE_1", ["SR not empty", "%d volumes left" % len(left)])
        os.unlink(os.path.join(sr_dir, SR_META))
        # The lock file is ours too: a destroyed SR leaves its directory as SR.create found it.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(os.path.join(sr_dir, ".lock"))
    return None


def sr_stat(args):
    require(args, "dbg", "string")
    sr = require(args, "sr", "string")
    sr_dir = sr_dir_of_key(sr)
    meta = read_json(os.path.join(sr_dir, SR_META))
    fs = os.statvfs(sr_dir)
    return {
        "sr": sr,
        "name": meta["name"],
        "uuid": meta["uuid"],
        "description": meta["description"],
        "free_space": fs.f_bavail * fs.f_frsize,
        "total_space": fs.f_blocks * fs.f_frsize,
        "datasources": [],
        "clustered": False,
        "health": ["Healthy", ""],
    }


def sr_set_field(field, arg):
    def method(args):
        require(args, "dbg", "string")
        sr_dir = sr_dir_of_key(require(args, "sr", "string"))
        value = require(args, arg, "string")
        with locked(sr_dir):
            meta = read_json(os.path.join(sr_dir, SR_META))
            meta[field] = value
            write_json_atomically(os.path.join(sr_dir, SR_META), meta)
        return None
    return method


def sr_ls(args):
    require(args, "dbg", "string")
    sr_dir = sr_dir_of_key(require(args, "sr", "string"))
    out = []
    for key in volume_keys(sr_dir):
        try:
            out.append(volume_record(sr_dir, read_json(meta_path(sr_dir, key))))
        except FileNotFoundError:
            pass  # destroyed while listing
    return out


# ---------------------------------------------------------------- Volume

def new_volume(sr_dir, name, description, read_write, sharable, keys):
    import uuid
    key = str(uuid.uuid4())
    meta = {"key": key, "uuid": key, "name": name, "description": description,
            "read_write": read_write, "sharable": sharable, "keys": dict(keys)}
    return key, meta


def volume_create(args):
    require(args, "dbg", "string")
    sr_dir = sr_dir_of_key(require(args, "sr", "string"))
    name = require(args, "name", "string")
    description = require(args, "description", "string")
    size = require(args, "size", "int")
    sharable = require(args, "sharable", "bool")
    if size < 0:
        raise PluginError("SR_BACKEND_FAILURE_79", ["VDI Invalid size", "negative size %d" % size])
    with locked(sr_dir):
        key, meta = new_volume(sr_dir, name, description, True, sharable, {})
        try:
            with open(data_path(sr_dir, key), "xb") as f:
                f.truncate(size)
            write_json_atomically(meta_path(sr_dir, key), meta)
        except BaseException:
            # No *.raw without its record: a volume half made is no volume.
            with contextlib.suppress(FileNotFoundError):
                os.unlink(data_path(sr_dir, key))
            raise
        return volume_record(sr_dir, meta)


def volume_stat(args):
    require(args, "dbg", "string")
    sr_dir = sr_dir_of_key(require(args, "sr", "string"))
    return volume_record(sr_dir, load_meta(sr_dir, require(args, "key", "string")))


def volume_destroy(args):
    require(args, "dbg", "string")
    sr_dir = sr_dir_of_key(require(args, "sr", "string"))
    key = require(args, "key", "string")
    with locked(sr_dir):
        load_meta(sr_dir, key)
        refuse_if_in_use(sr_dir, key)
        os.unlink(meta_path(sr_dir, key))  # metadata first: a half-destroyed volume is not listed
        with contextlib.suppress(FileNotFoundError):
            os.unlink(data_path(sr_dir, key))
    return None


def volume_change(change, *params):
    """A metadata-only method: change(meta, *values) edits the sidecar under the lock."""
    def method(args):
        require(args, "dbg", "string")
        sr_dir = sr_dir_of_key(require(args, "sr", "string"))
        key = require(args, "key", "string")
        values = [require(args, p, "string") for p in params]
        with locked(sr_dir):
            meta = load_meta(sr_dir, key)
            change(meta, *values)
            write_json_atomically(meta_path(sr_dir, key), meta)
        return None
    return method


def volume_resize(args):
    require(args, "dbg", "string")
    sr_dir = sr_dir_of_key(require(args, "sr", "string"))
    key = require(args, "key", "string")
    new_size = require(args, "new_size", "int")
    with locked(sr_dir):
        load_meta(sr_dir, key)
        path = data_path(sr_dir, key)
        if new_size < os.stat(path).st_size:
            raise PluginError("SR_BACKEND_FAILURE_79", ["VDI Invalid size", "shrinking not allowed"])
        os.truncate(path, new_size)
    return None


def volume_copy_of(read_write):
    def method(args):
        require(args, "dbg", "string")
        sr_dir = sr_dir_of_key(require(args, "sr", "string"))
        key = require(args, "key", "string")
        with locked(sr_dir):
            src = load_meta(sr_dir, key)
            new_key, meta = new_volume(sr_dir, src["name"], src["description"], read_write,
                                       src["sharable"], src["keys"])
            try:
                sparse_copy(data_path(sr_dir, key), data_path(sr_dir, new_key))
                write_json_atomically(meta_path(sr_dir, new_key), meta)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(data_path(sr_dir, new_key))
                raise
            return volume_record(sr_dir, meta)
    return method


def set_field(field):
    def change(meta, value):
        meta[field] = value
    return change


def set_key(meta, k, v):
    meta["keys"][k] = v


def unset_key(meta, k):
    meta["keys"].pop(k, None)


METHODS = {
    "Plugin.Query": plugin_query,
    "Plugin.diagnostics": plugin_diagnostics,
    "SR.create": sr_create,
    "SR.attach": sr_attach,
    "SR.detach": sr_detach,
    "SR.destroy": sr_destroy,
    "SR.stat": sr_stat,
    "SR.ls": sr_ls,
    "SR.set_name": sr_set_field("name", "new_name"),
    "SR.set_description": sr_set_field("description", "new_description"),
    "Volume.create": volume_create,
    "Volume.destroy": volume_destroy,
    "Volume.stat": volume_stat,
    "Volume.set": volume_change(set_key, "k", "v"),
    "Volume.unset": volume_change(unset_key, "k"),
    "Volume.set_name": volume_change(set_field("name"), "new_name"),
    "Volume.set_description": volume_change(set_field("description"), "new_description"),
    "Volume.resize": volume_resize,
    "Volume.snapshot": volume_copy_of(False),
    "Volume.clone": volume_copy_of(True),
}


# ---------------------------------------------------------------- protocol

def error_json(e):
    import traceback
    tb = traceback.extract_tb(e.__traceback__)
    if isinstance(e, PluginError):
        code, params = e.code, e.params
    elif isinstance(e, OSError) and e.errno == errno.ENOSPC:
        # SM's own code for a full SR (SR_BACKEND_FAILURE_44, "There is insufficient space").
        code, params = "SR_BACKEND_FAILURE_44", ["There is insufficient space", str(e)]
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
    except Exception as e:  # every failure becomes the xapi error JSON, never a bare traceback
        import traceback
        traceback.print_exc(file=sys.stderr)
        print(json.dumps(error_json(e)))
        sys.exit(1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
