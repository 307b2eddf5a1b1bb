#!/usr/bin/env python3
"""Capture fuzzing: damaged variants of every sample capture through tshark
with the ASan/UBSan build of tcpx.  Zero crashes and zero sanitizer reports.

Variants are made with Wireshark's own tools and a small pcap reader/writer:
  corrupt      editcap -E <rate> --seed (random bytes anywhere, 4 rates)
  corrupt_hdr  random bytes in the first 80 bytes of frames (Ethernet/IP/TCP headers)
  snaplen      editcap -s <n> (cuts inside Ethernet, IP, TCP header, options)
  truncate     the file's bytes cut at a random offset (last record torn)
  swap         adjacent frames swapped, timestamps kept (time goes backwards)
  shuffle      frames shuffled within small windows, timestamps re-sorted
  jitter       timestamps jittered, then reordercap (sorted by the new times)
  dup_merge    mergecap of the file with itself (every frame twice)
  dup_random   random frames repeated, now or later
  drop         random frames dropped
  time_chaos   zero, huge, equal or backwards timestamps
  combo        two or three of the above, then a light editcap -E
Each variant runs twice: single pass and -2, with
`-T fields -e frame.number -e tcpx.summary -e tcpx.anomaly` and, when
`tshark -z help` lists it, `-z tcpx,health`.

Deterministic: variant i uses mutator i % 12, capture (i + i // 12) % n_captures
and random.Random("<seed>:<i>"), whatever the number of jobs.

Short run (what the test suite runs: 150 variants = 300 tshark runs, 2 workers,
~3 min on 2 idle cores):
    python3 tests/fuzz/fuzz_captures.py --variants 150
Long run (>= 10,000 variants; record the result in tests/fuzz/LONG_RUN.md):
    python3 tests/fuzz/fuzz_captures.py --long --variants 10000 --log build/fuzz-long.log
Replay one variant:    ... --only 1234 --keep DIR

Needs the sanitized plugin (TCPX_ASAN_PLUGIN, default build-asan/plugin/tcpx.so:
cmake -S . -B build-asan -DTCPX_SANITIZE=ON -DBUILD_TESTING=OFF && cmake --build build-asan).
Failing variants are kept in --keep (default: tcpx-fuzz-failures in the system temp folder) with a
.txt report each.  Exit status 1 if anything was found.
"""

import argparse
import concurrent.futures
import glob
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "tools"))

import sanitized  # noqa: E402
import tsharkx  # noqa: E402

SAMPLES = os.path.join(REPO, "sample_pcaps")
SHORT_MAX_BYTES = 64 * 1024      # short run: bigger captures are cut to their first frames
SHORT_CUT_FRAMES = 250

# ---- classic pcap reading/writing (what editcap -F pcap writes) -------------


def read_pcap(path):
    """(header bytes, endian, nsec, [(sec, frac, orig_len, data)])."""
    with open(path, "rb") as f:
        buf = f.read()
    magic = buf[:4]
    for endian in ("<", ">"):
        m = struct.unpack(endian + "I", magic)[0]
        if m in (0xA1B2C3D4, 0xA1B23C4D):
            break
    else:
        raise ValueError("%s: not a classic pcap" % path)
    nsec = m == 0xA1B23C4D
    recs, off = [], 24
    while off + 16 <= len(buf):
        sec, frac, incl, orig = struct.unpack(endian + "IIII", buf[off:off + 16])
        off += 16
        recs.append([sec, frac, orig, buf[off:off + incl]])
        off += incl
    return buf[:24], endian, nsec, recs


def write_pcap(path, header, endian, recs):
    with open(path, "wb") as f:
        f.write(header)
        for sec, frac, orig, data in recs:
            f.write(struct.pack(endian + "IIII", sec & 0xFFFFFFFF, frac & 0xFFFFFFFF,
                                len(data), max(orig, len(data)) & 0xFFFFFFFF))
            f.write(data)


def _ts(rec, nsec):
    return rec[0] + rec[1] / (1e9 if nsec else 1e6)


def _set_ts(rec, t, nsec):
    t = max(0.0, t)
    unit = 1e9 if nsec else 1e6
    rec[0] = int(t)
    rec[1] = min(int(round((t - int(t)) * unit)), int(unit) - 1)


def _tool(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


# ---- mutators: (rng, src, dst) ------------------------------------------------


def m_corrupt(rng, src, dst):
    rate = rng.choice([0.001, 0.005, 0.02, 0.1])
    _tool(["editcap", "-F", "pcap", "-E", str(rate), "--seed", str(rng.randrange(1 << 31)), src, dst])


def m_corrupt_hdr(rng, src, dst):
    hdr, e, ns, recs = read_pcap(src)
    p = rng.choice([0.05, 0.2, 0.5])
    for r in recs:
        if r[3] and rng.random() < p:
            d = bytearray(r[3])
            for _ in range(rng.randint(1, 4)):
                i = rng.randrange(min(len(d), 80))
                d[i] = rng.randrange(256) if rng.random() < 0.7 else d[i] ^ (1 << rng.randrange(8))
            r[3] = bytes(d)
    write_pcap(dst, hdr, e, recs)


def m_snaplen(rng, src, dst):
    _tool(["editcap", "-F", "pcap", "-s", str(rng.choice([1, 14, 18, 20, 34, 38, 40, 46, 54, 58, 60, 62, 66,
                                             74, 78, 94, 100, 200])), src, dst])


def m_truncate(rng, src, dst):
    with open(src, "rb") as f:
        data = f.read()
    cut = rng.randint(24, max(24, len(data) - 1))
    with open(dst, "wb") as f:
        f.write(data[:cut])


def m_swap(rng, src, dst):
    hdr, e, ns, recs = read_pcap(src)
    for _ in range(max(1, len(recs) // rng.choice([3, 10, 30]))):
        if len(recs) > 1:
            i = rng.randrange(len(recs) - 1)
            recs[i], recs[i + 1] = recs[i + 1], recs[i]
    write_pcap(dst, hdr, e, recs)


def m_shuffle(rng, src, dst):
    hdr, e, ns, recs = read_pcap(src)
    times = sorted(_ts(r, ns) for r in recs)
    k = rng.choice([2, 3, 5, 8, 20])
    out = []
    for i in range(0, len(recs), k):
        w = recs[i:i + k]
        rng.shuffle(w)
        out += w
    for r, t in zip(out, times):
        _set_ts(r, t, ns)
    write_pcap(dst, hdr, e, out)


def m_jitter(rng, src, dst):
    hdr, e, ns, recs = read_pcap(src)
    j = rng.choice([0.0001, 0.001, 0.02, 0.5])
    for r in recs:
        if rng.random() < 0.5:
            _set_ts(r, _ts(r, ns) + rng.uniform(-j, j), ns)
    tmp = dst + ".j.pcap"
    write_pcap(tmp, hdr, e, recs)
    try:   # not -n: with it reordercap writes nothing when the jitter left the order as it was
        _tool(["reordercap", tmp, dst])
    finally:
        os.unlink(tmp)


def m_dup_merge(rng, src, dst):
    _tool(["mergecap", "-F", "pcap", "-w", dst, src, src])


def m_dup_random(rng, src, dst):
    hdr, e, ns, recs = read_pcap(src)
    out = []
    later = []
    for r in recs:
        out.append(r)
        if rng.random() < 0.1:
            out.append(list(r))
        if rng.random() < 0.05:
            later.append(list(r))
        if later and rng.random() < 0.1:
            out.append(later.pop(0))
    write_pcap(dst, hdr, e, out + later)


def m_drop(rng, src, dst):
    hdr, e, ns, recs = read_pcap(src)
    p = rng.choice([0.02, 0.1, 0.3, 0.7])
    write_pcap(dst, hdr, e, [r for r in recs if rng.random() >= p])


def m_time_chaos(rng, src, dst):
    hdr, e, ns, recs = read_pcap(src)
    for r in recs:
        x = rng.random()
        if x < 0.05:
            r[0], r[1] = 0, 0
        elif x < 0.08:
            r[0], r[1] = 0xFFFFFFFF, (999999999 if ns else 999999)
        elif x < 0.15 and recs:
            r[0] = max(0, r[0] - rng.randint(1, 100000))
        elif x < 0.25:
            r[0], r[1] = recs[0][0], recs[0][1]
    write_pcap(dst, hdr, e, recs)


PY_MUTATORS = [m_corrupt_hdr, m_swap, m_shuffle, m_dup_random, m_drop, m_time_chaos]


def m_combo(rng, src, dst):
    cur = src
    tmps = []
    try:
        for k in range(rng.randint(2, 3)):
            nxt = "%s.c%d.pcap" % (dst, k)
            tmps.append(nxt)
            rng.choice(PY_MUTATORS + [m_snaplen, m_dup_merge])(rng, cur, nxt)
            cur = nxt
        _tool(["editcap", "-F", "pcap", "-E", "0.002", "--seed", str(rng.randrange(1 << 31)), cur, dst])
    finally:
        for t in tmps:
            if os.path.exists(t):
                os.unlink(t)


MUTATORS = [m_corrupt, m_corrupt_hdr, m_snaplen, m_truncate, m_swap, m_shuffle, m_jitter,
            m_dup_merge, m_dup_random, m_drop, m_time_chaos, m_combo]

# ---- driver -----------------------------------------------------------------


def prepare_bases(workdir, long_run):
    """Every sample capture as classic pcap (short run: big ones cut to their first frames)."""
    bases = []
    for p in sorted(glob.glob(os.path.join(SAMPLES, "*.pcap*"))):
        if ".tmp" in os.path.basename(p) or not os.path.isfile(p):
            continue
        name = os.path.basename(p).split(".")[0]
        dst = os.path.join(workdir, "base_%s.pcap" % name)
        cmd = ["editcap", "-F", "pcap"]
        try:
            if not long_run and os.path.getsize(p) > SHORT_MAX_BYTES:
                cmd += ["-r"]
                _tool(cmd + [p, dst, "1-%d" % SHORT_CUT_FRAMES])
            else:
                _tool(cmd + [p, dst])
        except subprocess.CalledProcessError:
            # editcap 4.4+ refuses time stamps pcap cannot hold (hostile_far_future,
            # hostile_time_extremes): those captures have their own tests.
            print("fuzz_captures: %s cannot be written as pcap by this editcap: not a base" % name)
            continue
        bases.append((name, dst))
    return bases


def tap_available(plugin, env):
    """Does `-z tcpx,health` run?  (Probed on a tiny capture with the sanitized plugin.)"""
    cap = os.path.join(SAMPLES, "refused.pcapng")
    rc, out, err = tsharkx.run_tshark(["-r", cap, "-q", "-z", "tcpx,health"], capture=cap,
                                      plugin=plugin, env=env, timeout=120)
    # Only "unknown -z argument" means no tap: a crash here must not switch the tap off.
    return "invalid -z argument" not in err.lower()


SIG_RE = re.compile(r"(\S+\.c:\d+):\d+: runtime error: ([a-z -]+)|ERROR: AddressSanitizer: ([\w-]+)"
                    r"|(crash: [^\n]*)|(hang)|(dissector bug)")


def signature(problem):
    """Where a problem comes from: 'tcpx_core.c:559 signed integer overflow', ..."""
    m = SIG_RE.search(problem)
    if not m:
        return problem[:80]
    if m.group(1):
        return "%s %s" % (os.path.basename(m.group(1)), m.group(2).strip())
    return next(g for g in m.groups()[2:] if g)


def pick(i, bases):
    """Variant i: mutator i % 12 and, for each mutator, every capture in turn
    ((i + i // 12) % n: consecutive variants of one mutator step through the
    captures by 13, which is coprime with n unless n is a multiple of 13)."""
    m = len(MUTATORS)
    name, base = bases[(i + i // m) % len(bases)]
    return name, base, MUTATORS[i % m]


class Fuzzer:
    def __init__(self, args):
        self.args = args
        self.plugin = sanitized.asan_plugin()
        self.env = sanitized.asan_env()
        self.lock = threading.Lock()
        self.runs = self.variants = 0
        self.rc_counts = {}
        self.failures = []
        self.generator_failures = 0
        self.by_mutator = {}
        self.signatures = {}
        self.log = open(args.log, "a") if args.log else None

    def one(self, i, bases, workdir):
        name, base, mut = pick(i, bases)
        rng = random.Random("%d:%d" % (self.args.seed, i))
        var = os.path.join(workdir, "v%06d_%s_%s.pcap" % (i, name, mut.__name__[2:]))
        try:
            mut(rng, base, var)
            if not os.path.isfile(var):
                raise RuntimeError("no variant written")
        except Exception as e:  # not a tcpx finding, but counted
            with self.lock:   # and failing the run: a harness that skips variants tests less than it says
                self.generator_failures += 1
                self._log("variant %d %s %s: generator failed: %s" % (i, name, mut.__name__, e))
            return
        problems = []
        rcs = []
        for mode in ([], ["-2"]):
            args = ["-r", var, "-n"] + mode + ["-T", "fields", "-e", "frame.number", "-e", "tcpx.summary",
                                               "-e", "tcpx.anomaly"] + self.z
            try:
                rc, out, err = tsharkx.run_tshark(args, capture=var, plugin=self.plugin, env=self.env,
                                                  timeout=self.args.timeout)
            except subprocess.TimeoutExpired:
                problems.append("%s: hang (> %d s)" % (" ".join(mode) or "1-pass", self.args.timeout))
                continue
            rcs.append(rc)
            for p in sanitized.reports(rc, out, err):
                problems.append("%s: %s" % (" ".join(mode) or "1-pass", p))
        with self.lock:
            self.variants += 1
            self.runs += len(rcs)
            for rc in rcs:
                self.rc_counts[rc] = self.rc_counts.get(rc, 0) + 1
            self.by_mutator[mut.__name__[2:]] = self.by_mutator.get(mut.__name__[2:], 0) + 1
            if problems:
                os.makedirs(self.args.keep, exist_ok=True)
                kept = os.path.join(self.args.keep, os.path.basename(var))
                shutil.copyfile(var, kept)
                with open(kept + ".txt", "w") as f:
                    f.write("variant %d seed %d base %s mutator %s\n\n%s\n"
                            % (i, self.args.seed, name, mut.__name__, "\n\n".join(problems)))
                self.failures.append((i, name, mut.__name__, problems))
                sigs = set(signature(p) for p in problems)
                if any(not x.startswith("crash: exit 6") for x in sigs):   # 66/67: the sanitizer's own exit
                    sigs = set(x for x in sigs if not x.startswith("crash: exit 6"))
                for sig in sigs:
                    self.signatures[sig] = self.signatures.get(sig, 0) + 1
                self._log("FAIL variant %d (%s, %s): %s" % (i, name, mut.__name__, problems[0][:500]))
            if self.variants % 100 == 0:
                self._log("%d variants, %d runs, %d failing, %.0f s" % (
                    self.variants, self.runs, len(self.failures), time.time() - self.t0))
        os.unlink(var)

    def _log(self, msg):
        line = "[fuzz] " + msg
        print(line, flush=True)
        if self.log:
            self.log.write(line + "\n")
            self.log.flush()

    def run(self):
        if not os.path.isfile(self.plugin):
            sys.exit("fuzz_captures: no sanitized plugin at %s (see --help)" % self.plugin)
        self.t0 = time.time()
        workdir = tempfile.mkdtemp(prefix="tcpx-fuzz-")
        try:
            bases = prepare_bases(workdir, self.args.long)
            self.z = ["-z", "tcpx,health"] if (not self.args.no_tap and tap_available(self.plugin, self.env)) else []
            ids = [self.args.only] if self.args.only is not None else \
                range(self.args.start, self.args.start + self.args.variants)
            self._log("%d captures, %d variants from #%d, seed %d, %d jobs, tap %s, plugin %s" % (
                len(bases), len(ids), ids[0], self.args.seed, self.args.jobs,
                "on" if self.z else "off", self.plugin))
            with concurrent.futures.ThreadPoolExecutor(self.args.jobs) as ex:
                for f in [ex.submit(self.one, i, bases, workdir) for i in ids]:
                    f.result()
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        el = time.time() - self.t0
        self._log("DONE: %d variants, %d tshark runs in %.0f s; exit codes %s; per mutator %s; "
                  "%d failing variants (crashes, sanitizer reports, hangs, dissector bugs)"
                  % (self.variants, self.runs, el, dict(sorted(self.rc_counts.items())),
                     dict(sorted(self.by_mutator.items())), len(self.failures)))
        for sig, n in sorted(self.signatures.items(), key=lambda kv: -kv[1]):
            self._log("signature (%d variants): %s" % (n, sig))
        for i, name, mut, problems in self.failures[:20]:
            print("\n--- variant %d (%s, %s)\n%s" % (i, name, mut, "\n".join(p[:2000] for p in problems)))
        if self.generator_failures:
            self._log("%d variants could not be made (generator failures above)" % self.generator_failures)
        return 1 if self.failures or self.generator_failures else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variants", type=int, default=None, help="how many (default 150, --long 10000)")
    ap.add_argument("--start", type=int, default=0, help="first variant number (to resume)")
    ap.add_argument("--only", type=int, default=None, help="run just this variant")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--long", action="store_true", help="whole captures (short: big ones cut)")
    ap.add_argument("--timeout", type=int, default=180, help="seconds per tshark run")
    ap.add_argument("--keep", default=os.path.join(tempfile.gettempdir(), "tcpx-fuzz-failures"))
    ap.add_argument("--log", default=None, help="append progress here too")
    ap.add_argument("--no-tap", action="store_true", help="never add -z tcpx,health")
    args = ap.parse_args()
    if args.variants is None:
        args.variants = 10000 if args.long else 150
    # Which variants, as the caller of the test suite chose (scripts/matrix.sh gives each other
    # Wireshark version fewer, other ones): TCPX_FUZZ_VARIANTS=N, TCPX_FUZZ_START=I.
    args.variants = int(os.environ.get("TCPX_FUZZ_VARIANTS") or args.variants)
    args.start = int(os.environ.get("TCPX_FUZZ_START") or args.start)
    return Fuzzer(args).run()


if __name__ == "__main__":
    sys.exit(main())
