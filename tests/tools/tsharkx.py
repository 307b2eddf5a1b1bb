#!/usr/bin/env python3
"""tsharkx: run tshark with the freshly built tcpx plugin loaded.

Wireshark ignores personal plugins (and WIRESHARK_PLUGIN_DIR) when it runs as
root.  So every run gets a throw-away, world-readable temp dir holding

    <tmp>/home/.local/lib/wireshark/plugins/X.Y/epan/tcpx.so   (the plugin; X.Y: tshark's version)
    <tmp>/files/<capture and extra files>                        (copies)
    <tmp>/work/                                                  (cwd, writable)

and tshark runs with HOME=<tmp>/home -- as user nobody (setpriv) when we are
root, directly otherwise.  Captures are copied because the repository may live
somewhere nobody cannot read (/root).

Library use:
    from tsharkx import run_tshark, fields
    rc, out, err = run_tshark(["-r", cap, "-Y", "tcpx.anomaly"], capture=cap)
    rows = fields(cap, ["frame.number", "tcpx.summary"], display_filter="tcpx")

CLI (paths in the arguments that exist on disk are copied automatically):
    python3 tests/tools/tsharkx.py -r sample_pcaps/x.pcapng -Y tcpx.anomaly

Environment:
    TCPX_PLUGIN          plugin to load (default: <repo>/build/plugin/tcpx.so)
    TCPX_TSHARK          tshark binary (default: tshark)
    TCPX_PLUGIN_SUBDIR   plugin folder version (default: tshark's own, from tshark -v)
    TCPX_TSHARK_TIMEOUT  seconds per tshark run (default: 600)
    TCPX_TSHARK_WRAPPER  command put in front of tshark, split on spaces
                         (e.g. "valgrind --leak-check=full"); run_tshark()
                         also takes wrapper=[...] (default: empty)
"""

import os
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLUGIN = os.environ.get("TCPX_PLUGIN") or os.path.join(REPO, "build", "plugin", "tcpx.so")
TSHARK = os.environ.get("TCPX_TSHARK", "tshark")


def _plugin_subdir():
    """The version folder Wireshark searches: its own major.minor."""
    if os.environ.get("TCPX_PLUGIN_SUBDIR"):
        return os.environ["TCPX_PLUGIN_SUBDIR"]
    import re
    try:
        out = subprocess.run([TSHARK, "-v"], capture_output=True, text=True, timeout=60).stdout
    except OSError:
        out = ""
    m = re.search(r"TShark \(Wireshark\) (\d+)\.(\d+)", out)
    return "%s.%s" % m.groups() if m else "4.0"


PLUGIN_SUBDIR = _plugin_subdir()
TIMEOUT = float(os.environ.get("TCPX_TSHARK_TIMEOUT", "600"))
NOBODY = 65534

# Variables passed through to tshark (sanitizer builds need some of them).
PASS_ENV = ("PATH", "LD_PRELOAD", "LD_LIBRARY_PATH", "ASAN_OPTIONS",
            "UBSAN_OPTIONS", "LSAN_OPTIONS", "TCPX_DEBUG", "TCPX_TEST_FORCE_MISMATCH")

FIELD_OPTS = ["-T", "fields", "-E", "header=n", "-E", "separator=/t",
              "-E", "occurrence=a", "-E", "aggregator=|"]


class TsharkError(RuntimeError):
    pass


def _is_root():
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _tmp_parent():
    """A temp parent dir that user nobody can traverse."""
    d = tempfile.gettempdir()
    if _is_root():
        try:
            if not (os.stat(d).st_mode & 0o001):
                d = "/tmp"
        except OSError:
            d = "/tmp"
    return d


def _mkdirs(path, mode=0o755):
    os.makedirs(path, exist_ok=True)
    os.chmod(path, mode)


def _copy(src, dst):
    shutil.copyfile(src, dst)
    os.chmod(dst, 0o644)


def _unique_name(dest_dir, name):
    base, n = name, 1
    while os.path.exists(os.path.join(dest_dir, name)):
        n += 1
        name = "%d_%s" % (n, base)
    return name


def run_tshark(args, capture=None, plugin=None, extra_files=(), timeout=None,
               env=None, check=False, wrapper=None):
    """Run tshark with the tcpx plugin; return (rc, stdout, stderr) as text.

    args        tshark arguments (list of str).
    capture     a capture file: it is copied and every argument equal to its
                path is replaced by the copy; if it appears nowhere in args,
                "-r <copy>" is put in front.
    plugin      the .so to load (default: TCPX_PLUGIN / build/plugin/tcpx.so);
                None-like "" or False loads no plugin at all.
    extra_files more files to make readable: a path (copied into the files dir,
                and substituted in args like the capture), or a pair
                (src, relpath) to put src at HOME/relpath (e.g. a
                ".config/wireshark/preferences" file).
    env         extra environment variables for tshark.
    check       raise TsharkError when tshark exits non-zero.
    wrapper     argv put in front of tshark (e.g. ["valgrind", ...]); default
                TCPX_TSHARK_WRAPPER split on spaces, or nothing.
    """
    if plugin is None:
        plugin = PLUGIN
    args = [str(a) for a in args]
    tmp = tempfile.mkdtemp(prefix="tcpx-tshark-", dir=_tmp_parent())
    try:
        os.chmod(tmp, 0o755)
        home = os.path.join(tmp, "home")
        files = os.path.join(tmp, "files")
        work = os.path.join(tmp, "work")
        _mkdirs(home)
        _mkdirs(files)
        _mkdirs(work, 0o777)
        # Wireshark writes recent files etc. into HOME/.config/wireshark.
        _mkdirs(os.path.join(home, ".config"), 0o777)

        if plugin:
            if not os.path.isfile(plugin):
                raise TsharkError("tcpx plugin not found: %s (build it with "
                                  "scripts/setup.sh or set TCPX_PLUGIN)" % plugin)
            pdir = home
            for part in (".local", "lib", "wireshark", "plugins", PLUGIN_SUBDIR, "epan"):
                pdir = os.path.join(pdir, part)
                _mkdirs(pdir)
            _copy(plugin, os.path.join(pdir, "tcpx.so"))

        subst = {}
        to_copy = ([capture] if capture else []) + list(extra_files)
        for item in to_copy:
            if isinstance(item, (tuple, list)):
                src, rel = item
                dst = os.path.join(home, rel)
                d = home
                for part in os.path.dirname(rel).split(os.sep):
                    if part:
                        d = os.path.join(d, part)
                        _mkdirs(d)
                _copy(str(src), dst)
                continue
            src = str(item)
            dst = os.path.join(files, _unique_name(files, os.path.basename(src)))
            _copy(src, dst)
            subst[src] = dst
            subst[os.path.abspath(src)] = dst

        new_args = [subst.get(a, a) for a in args]
        if capture and subst.get(str(capture)) not in new_args:
            new_args = ["-r", subst[str(capture)]] + new_args

        run_env = {k: os.environ[k] for k in PASS_ENV if k in os.environ}
        run_env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
        run_env.update({"HOME": home, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8",
                        "TZ": "UTC", "TMPDIR": work,
                        "XDG_CONFIG_HOME": os.path.join(home, ".config")})
        if env:
            run_env.update(env)

        if wrapper is None:
            wrapper = os.environ.get("TCPX_TSHARK_WRAPPER", "").split()
        cmd = [str(w) for w in wrapper] + [TSHARK] + new_args
        if _is_root():
            setpriv = shutil.which("setpriv") or "/usr/bin/setpriv"
            envargs = ["%s=%s" % kv for kv in sorted(run_env.items())]
            cmd = [setpriv, "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY,
                   "--clear-groups", "env", "-i"] + envargs + cmd
        p = subprocess.run(cmd, cwd=work, env=run_env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout or TIMEOUT)
        out = p.stdout.decode("utf-8", "replace")
        err = p.stderr.decode("utf-8", "replace")
        # Undo the path substitution in messages, for readable failures.
        for src, dst in subst.items():
            if os.path.isabs(src):
                out = out.replace(dst, src)
                err = err.replace(dst, src)
        if check and p.returncode != 0:
            raise TsharkError("tshark %s failed (rc=%d):\n%s"
                              % (" ".join(args), p.returncode, err[-4000:]))
        return p.returncode, out, err
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


_known_fields = None


def known_fields():
    """Names of every display filter field this tshark (with the plugin) knows."""
    global _known_fields
    if _known_fields is None:
        rc, out, err = run_tshark(["-G", "fields"])
        if rc != 0:
            raise TsharkError("tshark -G fields failed: %s" % err)
        _known_fields = {line.split("\t")[2] for line in out.splitlines()
                         if line.startswith("F\t") and line.count("\t") >= 2}
    return _known_fields


def wireshark_version():
    """(major, minor) of the tshark that runs the tests."""
    rc, out, err = run_tshark(["-v"])
    import re
    m = re.search(r"TShark \(Wireshark\) (\d+)\.(\d+)", out)
    if not m:
        raise TsharkError("cannot read tshark's version: %r" % out[:200])
    return int(m.group(1)), int(m.group(2))


def split(value):
    """A '|'-aggregated field value as a list ([] when empty)."""
    return value.split("|") if value else []


def fields(capture, field_names, display_filter=None, two_pass=False, extra=(),
           plugin=None, env=None):
    """Run `tshark -T fields` and return one dict per frame: field -> str.

    Several occurrences of a field in a frame are joined with '|' (use split()).
    Raises TsharkError if tshark fails or prints a malformed line.
    """
    field_names = list(field_names)
    args = ["-r", str(capture), "-n"]
    if two_pass:
        args.append("-2")
    if display_filter:
        args += ["-Y", display_filter]
    args += list(extra) + FIELD_OPTS
    for f in field_names:
        args += ["-e", f]
    rc, out, err = run_tshark(args, capture=capture, plugin=plugin, env=env)
    if rc != 0:
        raise TsharkError("tshark on %s failed (rc=%d):\n%s" % (capture, rc, err[-4000:]))
    rows = []
    for n, line in enumerate(out.split("\n")):
        if line == "":
            continue
        cols = line.split("\t")
        if len(cols) != len(field_names):
            raise TsharkError("%s: line %d has %d columns, expected %d: %r"
                              % (capture, n + 1, len(cols), len(field_names), line[:300]))
        rows.append(dict(zip(field_names, cols)))
    return rows


# --- Temp HOME for other programs (Wireshark's GUI; tests/test_gui.py) -------

PROFILE_DIR = os.path.join(REPO, "profile")


class TempHome(object):
    """The same throw-away layout run_tshark() builds, kept for a whole session:

        <tmp>/home/.local/lib/wireshark/plugins/X.Y/epan/tcpx.so
        <tmp>/home/.config/wireshark/profiles/<name>/...   (profiles=...)
        <tmp>/files/   copies made by add_file()
        <tmp>/work/    writable cwd / TMPDIR

    Use as a context manager (the dir is removed on exit).  command() wraps a
    command line so that it runs with HOME=<tmp>/home, as nobody when root.
    """

    def __init__(self, plugin=None, profiles=("tcpx",), prefix="tcpx-gui-"):
        if plugin is None:
            plugin = PLUGIN
        self.tmp = tempfile.mkdtemp(prefix=prefix, dir=_tmp_parent())
        os.chmod(self.tmp, 0o755)
        self.home = os.path.join(self.tmp, "home")
        self.files = os.path.join(self.tmp, "files")
        self.work = os.path.join(self.tmp, "work")
        _mkdirs(self.home)
        _mkdirs(self.files)
        _mkdirs(self.work, 0o777)
        _mkdirs(os.path.join(self.home, ".config"), 0o777)
        self.confdir = os.path.join(self.home, ".config", "wireshark")
        _mkdirs(self.confdir, 0o777)
        if plugin:
            if not os.path.isfile(plugin):
                raise TsharkError("tcpx plugin not found: %s (build it with "
                                  "scripts/setup.sh or set TCPX_PLUGIN)" % plugin)
            pdir = self.home
            for part in (".local", "lib", "wireshark", "plugins", PLUGIN_SUBDIR, "epan"):
                pdir = os.path.join(pdir, part)
                _mkdirs(pdir)
            _copy(plugin, os.path.join(pdir, "tcpx.so"))
        for name in profiles or ():
            self.add_profile(name)

    def add_profile(self, name, src=None):
        """Install profile/<name>/ (or src) as a personal profile, writable."""
        src = src or os.path.join(PROFILE_DIR, name)
        dst = os.path.join(self.confdir, "profiles", name)
        _mkdirs(os.path.dirname(dst), 0o777)
        _mkdirs(dst, 0o777)
        for f in sorted(os.listdir(src)):
            if os.path.isfile(os.path.join(src, f)):
                _copy(os.path.join(src, f), os.path.join(dst, f))
                os.chmod(os.path.join(dst, f), 0o666)
        return dst

    def add_file(self, src, mode=0o644):
        """Copy src into <tmp>/files (readable by nobody); return the copy's path."""
        dst = os.path.join(self.files, _unique_name(self.files, os.path.basename(str(src))))
        _copy(str(src), dst)
        os.chmod(dst, mode)
        return dst

    def environment(self, extra=None):
        env = {k: os.environ[k] for k in PASS_ENV if k in os.environ}
        env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
        env.update({"HOME": self.home, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8",
                    "TZ": "UTC", "TMPDIR": self.work,
                    "XDG_CONFIG_HOME": os.path.join(self.home, ".config")})
        if extra:
            env.update(extra)
        return env

    def command(self, cmd, env=None):
        """(argv, env) running cmd with this HOME, as nobody when we are root."""
        run_env = self.environment(env)
        cmd = [str(c) for c in cmd]
        if _is_root():
            setpriv = shutil.which("setpriv") or "/usr/bin/setpriv"
            envargs = ["%s=%s" % kv for kv in sorted(run_env.items())]
            cmd = [setpriv, "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY,
                   "--clear-groups", "env", "-i"] + envargs + cmd
        return cmd, run_env

    def run(self, cmd, env=None, timeout=None):
        """Run cmd to completion: (rc, stdout, stderr) as text."""
        argv, run_env = self.command(cmd, env)
        p = subprocess.run(argv, cwd=self.work, env=run_env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout or TIMEOUT)
        return (p.returncode, p.stdout.decode("utf-8", "replace"),
                p.stderr.decode("utf-8", "replace"))

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def main(argv):
    if not argv:
        print(__doc__.strip())
        return 2
    # Copy every argument that names an existing file (captures, -o files...).
    extra = []
    seen = set()
    for i, a in enumerate(argv):
        prev = argv[i - 1] if i else ""
        if (not a.startswith("-") or prev in ("-r",)) and os.path.isfile(a) and a not in seen:
            extra.append(a)
            seen.add(a)
    rc, out, err = run_tshark(argv, extra_files=extra)
    sys.stdout.write(out)
    sys.stderr.write(err)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
