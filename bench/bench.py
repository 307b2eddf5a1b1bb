#!/usr/bin/env python3
"""tcpx benchmark: what the plugin costs on top of plain tshark.

    bash bench/run.sh [options]        (builds first; what the README documents)
    python3 bench/bench.py [options]   (uses the existing build/plugin/tcpx.so)

Options:
    --runs N        timed runs per command (default 7), alternated
    --dir D         cache dir for the captures (default $TCPX_BENCH_DIR or
                    /var/tmp/tcpx-bench); the 1 M capture is made once and reused
    --regen         make the capture again even if it is cached
    --scaling       also make a ~10 M packet capture (120,000 streams), time
                    (a) and (b) on it, then delete it (slow: ~10 min to make,
                    several minutes per run)
    --no-profile    skip bench/profile.md (callgrind + perf)
    --out FILE      results file (default bench/results.md)
    --profile-only  only make bench/profile.md (callgrind + perf on the 50k slice)
    --capture-only  only make (or check) the cached capture and its slices
    --budget        only the targets: (b)/(a), (c1)/(c0) and the control
                    (a)/(a), each pair N rounds at once on one shared CPU
                    (shared_cpu) on the 1 M capture; a short results file
                    (--out; bench/run.sh --wireshark names it budget-X.Y.md)

Must run as root (network namespaces make the capture; tshark itself runs as
user nobody with a throw-away HOME, see tests/tools/tsharkx.py).

Commands, each median of N alternated runs, wall time and peak RSS
(/usr/bin/time -f "%e %M %U %S"), and CPU time:
  (a)  tshark -n -q -z conv,tcp                      no plugin (the floor)
  (a+) tshark -n -q -z conv,tcp                      plugin loaded (no tcpx tap)
  (b)  tshark -n -q -z tcpx,health                   plugin
  (r)  tshark -n -q -z tcpx,report,report.html       plugin: the HTML report (written into
                                                    the run's work dir, overwritten)
  (n)  tshark -n -q -z tcpxnull                      bench/null_plugin.c: tcpx's mechanism
                                                    (hook in front of TCP, post-dissector,
                                                    tap) with no analysis: the floor
  (c0) tshark -n -T fields -e tcp.analysis.flags     no plugin    > /dev/null
  (c1) tshark -n -T fields -e tcpx.summary           plugin       > /dev/null
  (d)  tcptrace -n -l                                for reference
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "tools"))
import tsharkx  # noqa: E402

PLUGIN = os.path.join(REPO, "build", "plugin", "tcpx.so")
TIME = "/usr/bin/time"

COMMANDS = [
    # key, label, plugin?, argv after "tshark -n -r CAP"
    ("a", "plain tshark `-q -z conv,tcp` (no plugin)", False, ["-q", "-z", "conv,tcp"]),
    ("a+", "`-q -z conv,tcp`, plugin loaded", True, ["-q", "-z", "conv,tcp"]),
    ("b", "`-q -z tcpx,health` (plugin)", True, ["-q", "-z", "tcpx,health"]),
    ("r", "`-q -z tcpx,report,report.html`: the HTML report (plugin)", True,
     ["-q", "-z", "tcpx,report,report.html"]),
    ("n", "`-q -z tcpxnull`: the mechanism alone (`bench/null_plugin.c`: hook, post-dissector, "
     "tap, no analysis)", "null", ["-q", "-z", "tcpxnull"]),
    ("c0", "`-T fields -e tcp.analysis.flags` (no plugin)", False,
     ["-T", "fields", "-e", "tcp.analysis.flags"]),
    ("c1", "`-T fields -e tcpx.summary` (plugin)", True, ["-T", "fields", "-e", "tcpx.summary"]),
    ("d", "`tcptrace -n -l`", None, None),
]


def log(msg):
    print("[bench] " + msg, file=sys.stderr, flush=True)


def capinfo(path):
    out = subprocess.run(["capinfos", "-M", "-c", "-s", path], stdout=subprocess.PIPE,
                         text=True, check=True).stdout
    pk = int(re.search(r"Number of packets:\s*(\d+)", out).group(1))
    size = int(re.search(r"File size:\s*(\d+)", out).group(1))
    return pk, size


def ensure_capture(d, name, conns, regen):
    path = os.path.join(d, name)
    if os.path.exists(path) and not regen:
        log("reusing %s" % path)
        return path
    log("making %s (%d connections; about 1 minute per 12,000)" % (path, conns))
    subprocess.run([sys.executable, os.path.join(HERE, "gen_capture.py"), path,
                    "--conns", str(conns)], check=True)
    return path


def slice_of(src, n, d):
    dst = os.path.join(d, "%s-first%s.pcapng" % (os.path.basename(src).rsplit(".", 1)[0], "%dk" % (n // 1000) if n >= 1000 else str(n)))
    if not os.path.exists(dst) or os.path.getmtime(dst) < os.path.getmtime(src):
        subprocess.run(["editcap", "-r", src, dst + ".tmp", "1-%d" % n], check=True)
        os.chmod(dst + ".tmp", 0o644)
        os.replace(dst + ".tmp", dst)
    return dst


def check_not_global():
    """The baseline must load no tcpx: refuse if it is installed globally."""
    out = subprocess.run(["tshark", "-G", "folders"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True).stdout
    for line in out.splitlines():
        if line.startswith("Global Plugins:"):
            gdir = line.split(":", 1)[1].strip()
            for root, _, files in os.walk(gdir):
                if "tcpx.so" in files:
                    sys.exit("bench: tcpx is installed globally (%s); the baseline would "
                             "load it. Remove it first." % os.path.join(root, "tcpx.so"))


def build_null_plugin(d):
    """bench/null_plugin.c, compiled against the installed Wireshark headers."""
    so = os.path.join(d, "tcpx_null.so")
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "wireshark"], text=True,
                           stdout=subprocess.PIPE, check=True).stdout.split()
    subprocess.run(["gcc", "-shared", "-fPIC", "-O2", "-fvisibility=hidden",
                    "-I", os.path.join(REPO, "plugin", "core"), "-I", os.path.join(REPO, "plugin", "wireshark"),
                    os.path.join(HERE, "null_plugin.c"), "-o", so] + flags, check=True)
    return so


class Runner:
    """Throw-away HOMEs: one without any personal plugin, one with tcpx, one with
    the mechanism-only plugin (bench/null_plugin.c)."""

    def __init__(self):
        self.bare = tsharkx.TempHome(plugin="", profiles=(), prefix="tcpx-bench-bare-")
        self.plug = tsharkx.TempHome(plugin=PLUGIN, profiles=(), prefix="tcpx-bench-plug-")
        self.build = tempfile.mkdtemp(prefix="tcpx-bench-null-")
        self.null = tsharkx.TempHome(plugin=build_null_plugin(self.build), profiles=(),
                                     prefix="tcpx-bench-null-")
        self.timefile = tempfile.mkstemp(prefix="tcpx-bench-time-")[1]
        null = "0.0.0-mechanism-only"   # null_plugin.c's version
        for home, ok, name in ((self.bare, lambda v: v is None, "no tcpx.so"),
                               (self.plug, lambda v: v not in (None, null), "tcpx"),
                               (self.null, lambda v: v == null, "the null plugin")):
            rc, out, err = home.run(["tshark", "-G", "plugins"])
            got = re.search(r"^tcpx\.so\s+(\S+)", out, re.M)
            if not ok(got.group(1) if got else None):
                sys.exit("bench: a HOME should load %s:\n%s" % (name, out + err))

    def argv(self, key, cap):
        for k, _, plugin, args in COMMANDS:
            if k == key:
                break
        if plugin is None:
            return ["tcptrace", "-n", "-l", cap], None, None
        home = self.null if plugin == "null" else self.plug if plugin else self.bare
        argv, env = home.command(["tshark", "-n", "-r", cap] + args)
        return argv, env, home.work

    def time(self, key, cap, stdout=subprocess.DEVNULL):
        argv, env, cwd = self.argv(key, cap)
        p = subprocess.run([TIME, "-f", "%e %M %U %S", "-o", self.timefile] + argv, env=env,
                           cwd=cwd, stdin=subprocess.DEVNULL, stdout=stdout,
                           stderr=subprocess.PIPE)
        if p.returncode != 0:
            raise RuntimeError("%s failed (rc %d): %s" % (" ".join(argv[-8:]), p.returncode,
                                                          p.stderr.decode()[-2000:]))
        with open(self.timefile) as f:
            wall, rss, usr, sys_ = f.read().split()[-4:]
        return float(wall), int(rss), p, float(usr) + float(sys_)

    def output(self, key, cap):
        """One untimed run, its stdout (for counts)."""
        argv, env, cwd = self.argv(key, cap)
        return subprocess.run(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              check=True).stdout.decode("utf-8", "replace")

    def close(self):
        self.bare.close()
        self.plug.close()
        self.null.close()
        shutil.rmtree(self.build, ignore_errors=True)
        os.unlink(self.timefile)


def measure(r, cap, keys, runs):
    """Alternate the commands, rotating their order each round."""
    res = {k: [] for k in keys}
    for i in range(runs):
        order = keys[i % len(keys):] + keys[:i % len(keys)]
        for k in order:
            wall, rss, _, cpu = r.time(k, cap)
            res[k].append((wall, rss, cpu))
        log("%s round %d/%d: %s" % (os.path.basename(cap), i + 1, runs, "  ".join(
            "%s %.2fs %.2fcpu %dMB" % (k, res[k][-1][0], res[k][-1][2], res[k][-1][1] // 1024) for k in keys)))
    return res


def shared_cpu(r, cap, num, den, runs):
    """(num) and (den) at the same moment on one CPU, in turns of 100 ms (SCHED_RR), the one started
    first swapped each round: whatever else the machine does in those seconds (other jobs, a neighbour
    taking the CPU, its clock speed) weighs on both alike, and each one's CPU time (user+sys) is then
    the wall time it takes alone on that machine.  100 ms turns refill the caches ~50 times in a
    5 s run, not ~1000 times as the usual slices would.  (num) against itself measures the method's
    own error.  Per round: (CPU time num/den, peak RSS num/den, CPU s of den)."""
    cpu_id = sorted(os.sched_getaffinity(0))[0]

    def on_shared_cpu():
        os.sched_setaffinity(0, {cpu_id})
        os.sched_setscheduler(0, os.SCHED_RR, os.sched_param(1))

    ratios = []
    for i in range(runs):
        cpu, rss, procs = {}, {}, []
        order = ((num, "n"), (den, "d")) if i % 2 == 0 else ((den, "d"), (num, "n"))
        for k, tag in order:
            argv, env, cwd = r.argv(k, cap)
            tf = tempfile.mkstemp(prefix="tcpx-bench-time-")[1]
            p = subprocess.Popen([TIME, "-f", "%U %S %M", "-o", tf] + argv, env=env, cwd=cwd,
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, preexec_fn=on_shared_cpu)
            procs.append((tag, p, tf))
        for tag, p, tf in procs:
            rc = p.wait()
            with open(tf) as f:
                usr, sys_, kb = f.read().split()[-3:]
            os.unlink(tf)
            if rc != 0:
                raise RuntimeError("(%s) failed on the shared CPU (rc %d)" % (num if tag == "n" else den, rc))
            cpu[tag] = float(usr) + float(sys_)
            rss[tag] = int(kb)
        ratios.append((cpu["n"] / cpu["d"], rss["n"] / rss["d"], cpu["d"]))
        log("%s shared CPU %d/%d: (%s)/(%s) %.3f (%.1f s of %s)" % (
            os.path.basename(cap), i + 1, runs, num, den, ratios[-1][0], cpu["d"], den))
    return ratios


def spread(rounds, i=0):
    """median (lowest-highest) of one of shared_cpu()'s figures"""
    x = [r[i] for r in rounds]
    return "%.3f (%.3f-%.3f)" % (statistics.median(x), min(x), max(x))


def med(samples, i):
    return statistics.median(s[i] for s in samples)


def paired(res, num, den, i):
    """Median of the per-round ratios (same round = same machine load)."""
    return statistics.median(n[i] / d[i] for n, d in zip(res[num], res[den]))


def counts(r, cap):
    health = r.output("b", cap)
    m = re.search(r"Streams:\s*(\d+)", health)
    streams = int(m.group(1)) if m else 0
    summ = r.output("c1", cap)
    cached = sum(1 for line in summ.splitlines() if line.strip())
    return streams, cached


def struct_sizes():
    exe = os.path.join(tempfile.gettempdir(), "tcpx-bench-sizes")
    cflags = subprocess.run(["pkg-config", "--cflags", "--libs", "glib-2.0"], text=True,
                            stdout=subprocess.PIPE, check=True).stdout.split()
    subprocess.run(["gcc", "-I", os.path.join(REPO, "plugin", "core"), "-I", os.path.join(REPO, "tap", "core"),
                    os.path.join(HERE, "sizes.c"),
                    "-o", exe] + cflags, check=True)
    out = subprocess.run([exe], stdout=subprocess.PIPE, text=True, check=True).stdout
    os.unlink(exe)
    return {k: int(v) for k, v in (l.split() for l in out.splitlines())}


# ---- profile ------------------------------------------------------------------

def profile(r, cap, out_md):
    lines = ["# tcpx profile", "",
             "`-q -z tcpx,health` on `%s` (%d packets), made by `bash bench/run.sh`." % (
                 os.path.basename(cap), capinfo(cap)[0]), ""]
    # callgrind: instruction counts are exact, so (b)/(a) here is free of the noise
    # of a shared machine.  A 1-packet run of each gives the start-up cost
    # (registering every dissector), subtracted to get instructions per packet.
    # Its cache simulation counts the L1 misses: what makes a packet's instructions
    # dearer than their number says.
    one = slice_of(cap, 1, os.path.dirname(cap))
    ir = {}
    misses = {}
    for key in ("a", "n", "b"):   # (b) last: `ann` below is its annotation
        for c in (one, cap):
            argv, env, cwd = r.argv(key, c)
            i = argv.index("tshark")
            outf = os.path.join(cwd, "callgrind.out")
            vg = argv[:i] + ["valgrind", "--tool=callgrind", "--cache-sim=yes",
                             "--callgrind-out-file=" + outf] + argv[i:]
            log("callgrind (%s) on %s" % (key, os.path.basename(c)))
            subprocess.run(vg, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           check=True)
            kept = os.path.join(tempfile.gettempdir(), "tcpx-bench-callgrind.%s.out" % key)
            shutil.copy(outf, kept)
            os.unlink(outf)
            ann = subprocess.run(["callgrind_annotate", "--threshold=100", "--show=Ir", kept],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                 text=True, check=True).stdout
            total = int(re.search(r"([\d,]+) \(100.0%\)\s+PROGRAM TOTALS", ann).group(1).replace(",", ""))
            ir[key, c] = (total, ann)
            sim = subprocess.run(["callgrind_annotate", "--threshold=100", "--show=I1mr,D1mr,D1mw", kept],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                 text=True, check=True).stdout
            tot = [l for l in sim.splitlines() if "PROGRAM TOTALS" in l][0]
            i1, d1r, d1w = (int(x.replace(",", "")) for x in re.findall(r"([\d,]+) \(", tot)[:3])
            misses[key, c] = (i1, d1r + d1w)
    npk = capinfo(cap)[0]
    total_a, _ = ir["a", cap]
    total_b, ann = ir["b", cap]
    pp_a = (total_a - ir["a", one][0]) / float(npk - 1)
    pp_b = (total_b - ir["b", one][0]) / float(npk - 1)
    pp_n = (ir["n", cap][0] - ir["n", one][0]) / float(npk - 1)
    per_pk = lambda key, k: (misses[key, cap][k] - misses[key, one][k]) / float(npk - 1)
    rows = {}    # function -> [instructions, file]
    own = 0
    loose = []   # "???:fn" rows without an object: callgrind lost the object, not the name
    for line in ann.splitlines():
        m = re.match(r"\s*([\d,]+) \(\s*([\d.]+)%\)\s+(.*)$", line)
        if not m:
            continue
        n = int(m.group(1).replace(",", ""))
        rest = m.group(3)
        # the auto-annotation's "<counts for unidentified lines in FILE>" repeat what the
        # function table already counted: skip them
        f = re.match(r"(.*?):(\S+)(?: \[(.*)\])?\s*$", rest)
        if rest.startswith("<counts for") or not f:
            continue
        src, fn, obj = f.group(1), f.group(2), f.group(3) or ""
        if "tcpx.so" in obj or re.search(r"(^|/)(plugin|tap)/", src):
            own += n
            row = rows.setdefault(fn, [0, "tcpx.so"])
            row[0] += n
            if src != "???":
                row[1] = os.path.basename(src)
        elif src == "???" and not obj:
            loose.append((fn, n))
    for fn, n in loose:
        if fn in rows:
            own += n
            rows[fn][0] += n
    lines += ["## callgrind (instructions, exact)", "",
              "(n) is `bench/null_plugin.c`: tcpx's mechanism (hook in front of TCP, "
              "post-dissector, a tap record per TCP frame) with no analysis.", "",
              "| | (a) plain tshark `-q -z conv,tcp` | (n) mechanism alone | "
              "(b) `-q -z tcpx,health` | (b)/(a) |",
              "|---|---:|---:|---:|---:|",
              "| whole run, %d packets | %s | %s | %s | %.3f |" % (
                  npk, format(total_a, ","), format(ir["n", cap][0], ","), format(total_b, ","),
                  total_b / total_a),
              "| start-up + 1 packet | %s | %s | %s | %.3f |" % (
                  format(ir["a", one][0], ","), format(ir["n", one][0], ","),
                  format(ir["b", one][0], ","), ir["b", one][0] / float(ir["a", one][0])),
              "| instructions per packet (whole run minus start-up) | %.0f | %.0f | %.0f | **%.3f** |" % (
                  pp_a, pp_n, pp_b, pp_b / pp_a),
              "| L1 instruction-cache misses per packet (simulated) | %.1f | %.1f | %.1f | %.3f |" % (
                  per_pk("a", 0), per_pk("n", 0), per_pk("b", 0), per_pk("b", 0) / per_pk("a", 0)),
              "| L1 data-cache misses per packet (simulated, reads + writes) | %.1f | %.1f | %.1f | %.3f |" % (
                  per_pk("a", 1), per_pk("n", 1), per_pk("b", 1), per_pk("b", 1) / per_pk("a", 1)),
              "",
              "Nearly every line of code tcpx runs for a packet misses the L1 instruction cache: "
              "between two packets tshark runs ~40,000 other instructions, which evict it. So the "
              "instruction-cache misses count the code a packet runs through, and each costs "
              "several cycles: (b) costs more time than its instruction count says.", "",
              "Self cost of the code in tcpx.so (plugin + health tap): %s instructions, "
              "%.1f%% of (b), %.0f per packet; the rest of (b)-(a) is Wireshark/GLib/libc work "
              "that tcpx asks for (wmem allocations, map lookups, tap queueing, the report's "
              "printf) minus the conversation table that (a) builds and (b) does not." % (
                  format(own, ","), 100.0 * own / total_b, own / float(npk)), "",
              "Top of tcpx.so by self cost (`callgrind_annotate`; static functions inlined "
              "into their callers count as the caller):", "",
              "| instructions | % of (b) | per packet | function | file |",
              "|---:|---:|---:|---|---|"]
    for fn, (n, src) in sorted(rows.items(), key=lambda kv: -kv[1][0])[:20]:
        lines.append("| %s | %.2f%% | %.1f | `%s` | %s |" % (
            format(n, ","), 100.0 * n / total_b, n / float(npk), fn, src))
    # the biggest differences (b)-(a) per function, Wireshark's included
    def per_fn(text):
        d = {}
        for line in text.splitlines():
            m = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*?)\s*$", line)
            if m and "PROGRAM TOTALS" not in m.group(2) and not m.group(2).startswith("<counts for"):
                name = re.sub(r" \[/tmp/[^]]*\]", " [tcpx.so]", m.group(2))
                d[name] = d.get(name, 0) + int(m.group(1).replace(",", ""))
        return d
    fa, fb = per_fn(ir["a", cap][1]), per_fn(ann)
    diff = sorted(((fb.get(k, 0) - fa.get(k, 0), k) for k in set(fa) | set(fb)), reverse=True)
    lines += ["", "Largest differences (b)-(a) by function, all objects (positive: extra in (b)):",
              "", "| instructions | per packet | function [object] |", "|---:|---:|---|"]
    for d, k in diff[:15]:
        lines.append("| %s | %.1f | `%s` |" % (format(d, ","), d / float(npk), k[-110:]))
    lines += ["| ... | | |"]
    for d, k in diff[-5:]:
        lines.append("| %s | %.1f | `%s` |" % (format(d, ","), d / float(npk), k[-110:]))
    # what tcpx makes Wireshark do: inclusive cost of the entry points
    inc = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", "--show=Ir",
                          os.path.join(tempfile.gettempdir(), "tcpx-bench-callgrind.b.out")],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=True).stdout
    lines += ["", "Inclusive cost (self + callees, including Wireshark and GLib functions "
              "they call) of tcpx's functions:", "",
              "| instructions | % of (b) | function |", "|---:|---:|---|"]
    n_inc = 0
    for line in inc.splitlines():
        m = re.match(r"\s*([\d,]+) \(\s*([\d.]+)%\)\s+(\S.*?):(\S+)(?: \[(.*)\])?\s*$", line)
        if m and ("tcpx.so" in (m.group(5) or "") or re.search(r"(^|/)(plugin|tap)/", m.group(3))):
            n = int(m.group(1).replace(",", ""))
            lines.append("| %s | %.2f%% | `%s` |" % (format(n, ","), 100.0 * n / total_b, m.group(4)))
            n_inc += 1
            if n_inc >= 15:
                break
    # perf, cpu-clock (software event: the HW counters do not work here)
    argv, env, cwd = r.argv("b", cap)
    pdata = os.path.join(tempfile.gettempdir(), "tcpx-bench-perf.data")
    p = subprocess.run(["perf", "record", "-e", "cpu-clock", "-F", "2000", "-g", "-o", pdata,
                        "--"] + argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    if p.returncode == 0:
        rep = subprocess.run(["perf", "report", "-i", pdata, "--stdio", "--no-children",
                              "--sort", "dso,symbol", "-g", "none", "--percent-limit", "0"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
        dso = subprocess.run(["perf", "report", "-i", pdata, "--stdio", "--no-children",
                              "--sort", "dso", "-g", "none"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
        lines += ["", "## perf record -e cpu-clock -g (sampled, %s)" % os.path.basename(cap), "",
                  "Share of samples per object:", "", "```"]
        lines += [l for l in dso.splitlines() if l.strip() and not l.startswith("#")][:8]
        lines += ["```", "", "tcpx.so symbols:", "", "```"]
        lines += [l for l in rep.splitlines() if "tcpx.so" in l][:15]
        lines += ["```"]
        os.unlink(pdata)
    else:
        lines += ["", "(perf record failed: %s)" % p.stderr.decode()[-300:]]
    with open(out_md, "w") as f:
        f.write("\n".join(lines) + "\n")
    log("wrote %s" % out_md)
    return pp_b / pp_a


# ---- main -------------------------------------------------------------------------

def fmt_row(label, key, res, base):
    w, m = med(res[key], 0), med(res[key], 1)
    c = med(res[key], 2)
    if base and key != base:
        return "| %s | %.2f | %.2f | %.0f | %.3f (%.3f) | %.3f (%.3f) | %.3f |" % (
            label, w, c, m / 1024.0, w / med(res[base], 0), paired(res, key, base, 0),
            c / med(res[base], 2), paired(res, key, base, 2), m / med(res[base], 1))
    return "| %s | %.2f | %.2f | %.0f | | | |" % (label, w, c, m / 1024.0)


def budget(big, runs, out):
    """The issue's three targets, each pair timed on one shared CPU (shared_cpu), with the method's own error."""
    r = Runner()
    t0 = time.time()
    try:
        health = shared_cpu(r, big, "b", "a", runs)
        fields = shared_cpu(r, big, "c1", "c0", runs)
        control = shared_cpu(r, big, "a", "a", max(2, runs // 2))
    finally:
        r.close()
    tshark_v = subprocess.run(["tshark", "-v"], stdout=subprocess.PIPE, text=True).stdout.split("\n")[0]
    pk = capinfo(big)[0]
    verdict = lambda rounds, i, limit: "met" if statistics.median(x[i] for x in rounds) <= limit else "missed"
    base_s = lambda rounds: statistics.median(x[2] for x in rounds)
    L = ["# tcpx: the benchmark budget", "",
         "Made by `bash bench/run.sh --budget` on %s (%d CPUs), %s; %s, %d packets; total %.0f s." % (
             time.strftime("%Y-%m-%d %H:%M"), os.cpu_count(), tshark_v, os.path.basename(big), pk,
             time.time() - t0), "",
         "Each pair runs at the same moment on one CPU, in turns of 100 ms, for %d rounds (the one started "
         "first swapped each round): the machine's other load weighs on both alike, and each one's CPU time "
         "is the wall time it takes alone. Plain tshark against itself shows the method's own error. "
         "Figures: median of the per-round ratios (lowest-highest)." % runs, "",
         "| target | measured | |", "|---|---:|---|",
         "| (b)/(a) time, `-q -z tcpx,health` / plain `-q -z conv,tcp` ≤ 1.10 | %s | %s |" % (
             spread(health), verdict(health, 0, 1.10)),
         "| (b)/(a) peak RSS ≤ 1.15 | %s | %s |" % (spread(health, 1), verdict(health, 1, 1.15)),
         "| (c1)/(c0) time, `-T fields -e tcpx.summary` / `-e tcp.analysis.flags` ≤ 1.25 | %s | %s |" % (
             spread(fields), verdict(fields, 0, 1.25)),
         "| (a)/(a) time: plain tshark against itself (%d rounds), the method's error | %s | |" % (
             len(control), spread(control)),
         "", "Plain tshark took %.1f s of CPU (median) for (a), %.1f s for (c0)." % (base_s(health), base_s(fields))]
    with open(out, "w") as f:
        f.write("\n".join(L) + "\n")
    log("written: " + out)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--dir", default=os.environ.get("TCPX_BENCH_DIR", "/var/tmp/tcpx-bench"))
    ap.add_argument("--regen", action="store_true")
    ap.add_argument("--scaling", action="store_true")
    ap.add_argument("--no-profile", action="store_true")
    ap.add_argument("--out", default=os.path.join(HERE, "results.md"))
    ap.add_argument("--profile-only", action="store_true", help="only write bench/profile.md")
    ap.add_argument("--capture-only", action="store_true",
                    help="only make (or check) the cached capture and its slices")
    ap.add_argument("--budget", action="store_true",
                    help="only (a) and (b) on the 1 M capture: the health report's wall budget")
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("bench: run as root (it makes the capture in network namespaces)")
    if not os.path.isfile(PLUGIN):
        sys.exit("bench: %s missing: run scripts/setup.sh (bench/run.sh does)" % PLUGIN)
    check_not_global()
    os.makedirs(a.dir, exist_ok=True)
    os.chmod(a.dir, 0o755)  # tshark runs as nobody and reads the captures in place
    big = ensure_capture(a.dir, "bench-1m.pcapng", 12000, a.regen)
    small = slice_of(big, 100000, a.dir)
    prof = slice_of(big, 50000, a.dir)
    if a.capture_only:
        return 0
    if a.budget:
        return budget(big, a.runs, a.out)
    # tcptrace, the reference, is not packaged everywhere (Debian unstable has none).
    keys = [k for k, _, _, _ in COMMANDS if k != "d" or shutil.which("tcptrace")]
    r = Runner()
    if a.profile_only:
        try:
            profile(r, prof, os.path.join(HERE, "profile.md"))
        finally:
            r.close()
        return 0
    t0 = time.time()
    try:
        info = {}
        for cap in (small, big):
            pk, size = capinfo(cap)
            streams, cached = counts(r, cap)
            info[cap] = (pk, size, streams, cached)
            log("%s: %d packets, %d streams, %d frames with a tcpx result" % (
                os.path.basename(cap), pk, streams, cached))
        # 12,000 downloads: ~1.5 M packets when each segment is captured alone, ~0.55 M on
        # kernels whose veth still merges segments (GRO) before dumpcap sees them.
        if info[big][0] < 400000 or info[big][2] < 10000:
            sys.exit("bench: %s is too small (%d packets, %d streams); use --regen" % (
                big, info[big][0], info[big][2]))
        results = {}
        for cap in (small, big):
            results[cap] = measure(r, cap, keys, a.runs)
        scaling = None
        if a.scaling:
            huge = ensure_capture(a.dir, "bench-10m.pcapng", 120000, True)
            try:
                pk, size = capinfo(huge)
                streams, _ = counts(r, huge)
                scaling = (pk, size, streams, measure(r, huge, ["a", "b"], max(1, a.runs // 2)))
            finally:
                os.unlink(huge)
        shared = shared_cpu(r, big, "b", "a", max(a.runs, 5))
        ratio_ir = None if a.no_profile else profile(r, prof, os.path.join(HERE, "profile.md"))
    finally:
        r.close()
    sizes = struct_sizes()

    # ---- report
    tshark_v = subprocess.run(["tshark", "-v"], stdout=subprocess.PIPE, text=True).stdout.split("\n")[0]
    L = ["# tcpx benchmark results", "",
         "Made by `bash bench/run.sh` on %s (%d CPUs, %s), %s; %d alternated runs per "
         "command, medians; total %.0f s." % (time.strftime("%Y-%m-%d"), os.cpu_count(),
                                             os.uname().machine, tshark_v, a.runs, time.time() - t0),
         "Ratios are against (a) (plain tshark, no plugin) and (c0) for (c1): ratio of the "
         "medians, and in parentheses the median of the per-round ratios. CPU = user+sys "
         "time of the process (wall time on a shared machine also counts waiting for a CPU).", ""]
    for cap in (big, small):
        pk, size, streams, cached = info[cap]
        res = results[cap]
        L += ["## %s: %d packets, %d TCP streams, %.0f MB, %d frames with a tcpx result" % (
            os.path.basename(cap), pk, streams, size / 1e6, cached), "",
              "| command | wall s | CPU s (user+sys) | peak RSS MB | wall ratio | CPU ratio | RSS ratio |",
              "|---|---:|---:|---:|---:|---:|---:|"]
        for key, label, _, _ in COMMANDS:
            if key not in res:
                continue
            base = "c0" if key == "c1" else ("a" if key in ("a+", "b", "n", "r") else None)
            L.append(fmt_row("(%s) %s" % (key, label), key, res, base))
        L.append("")
    # targets on the 1 M capture
    res = results[big]
    wb, mb = med(res["b"], 0) / med(res["a"], 0), med(res["b"], 1) / med(res["a"], 1)
    wc = med(res["c1"], 0) / med(res["c0"], 0)
    ok = lambda v, t: "**met**" if v <= t else "**missed** by %.0f%%" % ((v / t - 1) * 100)
    L += ["## Targets (%s)" % os.path.basename(big), "",
          "| target | measured | |", "|---|---:|---|",
          "| (b)/(a) wall ≤ 1.10 | %.3f | %s |" % (wb, ok(wb, 1.10)),
          "| (b)/(a) peak RSS ≤ 1.15 | %.3f | %s |" % (mb, ok(mb, 1.15)),
          "| (c1)/(c0) wall ≤ 1.25 | %.3f | %s |" % (wc, ok(wc, 1.25)),
          "| (b)/(a) CPU time (not a target; less disturbed by other load than wall) | %.3f | |" % (
              med(res["b"], 2) / med(res["a"], 2)),
          "| (c1)/(c0) CPU time | %.3f | |" % (med(res["c1"], 2) / med(res["c0"], 2)),
          "| (n)/(a) wall: the floor, tcpx's mechanism without its analysis | %.3f | |" % (
              med(res["n"], 0) / med(res["a"], 0)),
          "| (b)/(n) wall: what the analysis and the health tap add to the mechanism | %.3f | |" % (
              med(res["b"], 0) / med(res["n"], 0))]
    # Wall time here moves by tens of percent between rounds (other jobs, CPU steal):
    # show each round's ratio and the ratio of the least disturbed (fastest) runs.
    fastest = lambda num, den: min(s[0] for s in res[num]) / min(s[0] for s in res[den])
    each = lambda num, den: " ".join("%.2f" % (n[0] / d[0]) for n, d in zip(res[num], res[den]))
    for num, den in (("b", "a"), ("c1", "c0")):
        L += ["| (%s)/(%s) wall, round by round (not a target statistic: shows the noise) | %s | |" % (
                  num, den, each(num, den)),
              "| (%s)/(%s) wall, fastest run of each (not a target statistic) | %.3f | |" % (
                  num, den, fastest(num, den))]
    L.append("| (b)/(a) time on one shared CPU (`bench/budget-X.Y.md`'s method: both at once in 100 ms turns, "
             "%d rounds; the least disturbed by the machine's other load) | %s | |" % (len(shared), spread(shared)))
    if ratio_ir:
        L.append("| (b)/(a) instructions (callgrind, %s) | %.3f | exact, no noise |" % (
            os.path.basename(prof), ratio_ir))
    L += ["", "## Memory", "",
          "Peak RSS of the plugin's runs minus the baseline's, per stream and per packet:", "",
          "| capture | packets | streams | frames with result | (a+)-(a) MB | (b)-(a) MB | "
          "(b)-(a) per stream | (b)-(a) per packet | (b)-(a+) (health tap) per stream |",
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    rows = [(small, info[small][:4], results[small]), (big, info[big][:4], results[big])]
    if scaling:
        rows.append(("bench-10m.pcapng (deleted)", (scaling[0], scaling[1], scaling[2], 0), scaling[3]))
    for cap, (pk, _, streams, cached), res in rows:
        db = med(res["b"], 1) - med(res["a"], 1)
        if "a+" in res:  # (a+) is not run on the 10 M capture
            da = "%.1f" % ((med(res["a+"], 1) - med(res["a"], 1)) / 1024)
            dh = "%.2f KB" % ((med(res["b"], 1) - med(res["a+"], 1)) / streams)
        else:
            da = dh = "-"
        L.append("| %s | %d | %d | %s | %s | %.1f | %.2f KB | %.0f B | %s |" % (
            os.path.basename(cap), pk, streams, cached or "-", da, db / 1024,
            db / streams, db * 1024.0 / pk, dh))
    if scaling:
        L += ["", "10 M capture (%d packets, %d streams): (a) %.1f s %.0f MB, (b) %.1f s %.0f MB "
              "(wall %.3f, RSS %.3f)." % (scaling[0], scaling[2], med(scaling[3]["a"], 0),
                                          med(scaling[3]["a"], 1) / 1024, med(scaling[3]["b"], 0),
                                          med(scaling[3]["b"], 1) / 1024,
                                          med(scaling[3]["b"], 0) / med(scaling[3]["a"], 0),
                                          med(scaling[3]["b"], 1) / med(scaling[3]["a"], 1))]
    s = sizes
    L += ["", "What tcpx keeps (structure sizes on this build, `bench/sizes.c`):", "",
          "- per stream: `tcpx_stream_t` %d B (two `tcpx_side_t` of %d B), its endpoint "
          "names and map entries, plus per side a ring of original transmissions, "
          "%d B per segment, trimmed to the data in flight plus the last %d acknowledged "
          "segments, grown by doubling from 8 up to %d entries when more is in flight and "
          "halved down to 16 once its data is acknowledged; per side its recent state "
          "(`tcpx_recent_t` %d B: latest ACKs, resends, SACK reports) and a table of recent "
          "packets for capture copies (%d B per packet). A stream closed (RST, or both FINs "
          "acknowledged) and quiet for 3 s gives back the ring, the recent state and the table "
          "(`plugin/core/tcpx_release.c`); plus the health tap's per-stream record (`hstream_t` "
          "%d B; its ACK ring and pending holes only while the transfers run);" % (
              s["tcpx_stream_t"], s["tcpx_side_t"], s["tcpx_sent_t"], s["TCPX_SENT_KEEP_ACKED"],
              s["TCPX_SENT_MAX"], s["tcpx_recent_t"], s["tcpx_copy_slot_t"], s["hstream_t"]),
          "- per cached frame (a frame with a tcpx result: anomaly or story step): the "
          "result packed (`plugin/core/tcpx_pack.c`: only the non-zero fields of each %d B finding, "
          "as varints; typically 10-40 B per finding), appended to one per-file byte array "
          "with a 3 B record head, plus an %d B entry in the sorted frame index "
          "(`tcpx_store_t`; both arrays grow by doubling). Frames without a result cost "
          "nothing after their dissection." % (s["tcpx_finding_t"], s["tcpx_store_entry_t"])]
    text = "\n".join(L) + "\n"
    with open(a.out, "w") as f:
        f.write(text)
    print(text)
    log("wrote %s" % a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
