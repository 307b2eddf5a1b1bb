"""Run tshark with the ASan/UBSan build of tcpx (-DTCPX_SANITIZE=ON).

tshark itself is not built with ASan, so the gcc ASan runtime must be loaded
first, with LD_PRELOAD (libubsan comes along; preloading it too is harmless).
Leak checking is off: tshark leaks by design at exit (valgrind checks tcpx's
own leaks: tests/test_robustness.py).  malloc_context_size=5 keeps tshark's
start-up (millions of mallocs while dissectors register) near 1 s instead of
~1.5 s; reports still carry 5 frames of allocation stack.

    env = asan_env()            # pass as run_tshark(..., env=env)
    problems = reports(rc, stderr)

Environment: TCPX_ASAN_PLUGIN (the sanitized tcpx.so; default
<repo>/build-asan/plugin/tcpx.so, the fixture in tests/CMakeLists.txt builds
it into <build>/asan/plugin/tcpx.so and sets this variable).
"""

import os
import re
import signal
import subprocess

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

ASAN_OPTIONS = ("detect_leaks=0:malloc_context_size=5:abort_on_error=0:"
                "symbolize=1:print_summary=1:exitcode=66")
UBSAN_OPTIONS = "print_stacktrace=1:halt_on_error=1:exitcode=67"

REPORT_RE = re.compile(r"ERROR: AddressSanitizer|runtime error:|"
                       r"ERROR: LeakSanitizer|AddressSanitizer:DEADLYSIGNAL|"
                       r"SUMMARY: (Address|UndefinedBehavior)Sanitizer")
# tcpx's own dissector exceptions (DISSECTOR_ASSERT...) in the output.
DISSECTOR_BUG_RE = re.compile(r"Dissector bug, protocol tcpx|Malformed Packet: tcpx")


def asan_plugin():
    p = os.environ.get("TCPX_ASAN_PLUGIN")
    if p:
        return p
    for cand in (os.path.join(REPO, "build-asan", "plugin", "tcpx.so"),
                 os.path.join(REPO, "build", "asan", "plugin", "tcpx.so")):
        if os.path.isfile(cand):
            return cand
    return os.path.join(REPO, "build-asan", "plugin", "tcpx.so")


def _gcc_lib(name):
    try:
        out = subprocess.run(["gcc", "-print-file-name=" + name], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, check=True).stdout.decode().strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    # gcc prints the bare name when it does not know the file.
    return out if os.path.isabs(out) and os.path.exists(out) else None


def preload():
    """LD_PRELOAD value for the gcc ASan (+UBSan) runtime, or None."""
    libs = [_gcc_lib("libasan.so"), _gcc_lib("libubsan.so")]
    if not libs[0]:
        return None
    return " ".join(l for l in libs if l)


def asan_env():
    pre = preload()
    if not pre:
        raise RuntimeError("gcc's libasan.so not found (apt-get install gcc)")
    return {"LD_PRELOAD": pre, "ASAN_OPTIONS": ASAN_OPTIONS, "UBSAN_OPTIONS": UBSAN_OPTIONS}


def is_crash(rc):
    """A signal (negative rc from subprocess) or a shell-style 128+signal code."""
    return rc < 0 or rc >= 128 or rc in (66, 67)


def describe_rc(rc):
    if rc < 0:
        try:
            return "killed by %s" % signal.Signals(-rc).name
        except ValueError:
            return "killed by signal %d" % -rc
    return "exit %d" % rc


def reports(rc, out, err):
    """Problems in one sanitized run: a list of short strings (empty: clean)."""
    problems = []
    if is_crash(rc):
        problems.append("crash: " + describe_rc(rc))
    text = (err or "") + "\n" + (out or "")
    m = REPORT_RE.search(text)
    if m:
        start = max(0, m.start() - 200)
        problems.append("sanitizer: " + text[start:m.start() + 1500])
    m = DISSECTOR_BUG_RE.search(text)
    if m:
        problems.append("dissector bug: " + text[max(0, m.start() - 200):m.start() + 300])
    return problems
