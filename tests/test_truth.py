"""Truth test (issue #16 item 2): tcpx's judgement against a corpus of real-kernel captures with known faults.

The corpus (tests/corpus/README.md) comes from TCPX_CORPUS_DIR when it is set and
valid; else, as root with `ip netns`, it is made once into <build>/corpus (reused
while tests/corpus/*.py stay the same; ~90 s); else the test is skipped (exit 77).
TCPX_CORPUS_GENERATE=0 forbids making it (scripts/matrix.sh sets it in the chroots).
TCPX_TRUTH_JOBS: tshark runs at a time (default 2).

Printed (ctest -V) and written to <build>/truth-matrices.json:
  - per stream: fault domain, verdict, loss pattern, loss cause (only a
    contradicting one misses) and capture position, tcpx against the truth
    (confusion matrices: rows truth, columns tcpx);
  - per scenario and host: retransmission classes against the sending kernel's
    counters (within 5% or 1; the resends after a timeout that SACKs prompt,
    TCPSlowStartRetrans, may count as fast retransmissions or not: the wire
    does not show the sender's state; a capture after the drop cannot show
    the resends the kernel found lost again, TCPLostRetransmit), where the
    capture point makes them comparable;
  - capture artefacts: copies the capture made, and the ones tcpx labels;
  - wording defects (tests/tools/wording.py) in every text tcpx emits on the
    corpus and on ../shared/real-captures (when present).
Every miss fails the test unless tests/corpus/known_misses.json lists it; a listed
miss that passes fails it too ("now passes: remove it"), so the list only shrinks.
A miss that comes and goes between corpus runs (timing) is marked "varies": when it
passes, that is printed, not failed.  `python3 tests/test_truth.py --record [CORPUS_DIR
...]` rewrites the list from runs over one or more corpora (keeping each entry's
"fix"); write the new entries' "fix" by hand.
"""
import collections
import concurrent.futures
import glob
import json
import os
import shutil
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tools"))
import truthcompare  # noqa: E402
import wording  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("TCPX_SOURCE_DIR", os.path.dirname(HERE))
CORPUS_TOOLS = os.path.join(HERE, "corpus")
KNOWN_MISSES = os.path.join(CORPUS_TOOLS, "known_misses.json")
REAL = os.path.join(ROOT, "..", "shared", "real-captures")
SKIP = 77
sys.path.insert(0, CORPUS_TOOLS)
import truth as truthfile  # noqa: E402

RESULT = {}


def build_dir():
    if os.environ.get("TCPX_BINARY_DIR"):
        return os.environ["TCPX_BINARY_DIR"]
    plugin = os.environ.get("TCPX_PLUGIN", "")
    return os.path.dirname(os.path.dirname(plugin)) if plugin else os.path.join(ROOT, "build")


def make_corpus(*args, show=False):
    """make_corpus.py's exit status and output (printed as it comes with show=True)."""
    cmd = [sys.executable, os.path.join(CORPUS_TOOLS, "make_corpus.py")] + list(args)
    sys.stdout.flush()
    p = subprocess.run(cmd, stdout=None if show else subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return p.returncode, p.stdout or ""


def find_corpus():
    """(directory, how it was found) or (None, why there is none)."""
    notes = []
    given = os.environ.get("TCPX_CORPUS_DIR")
    if given:
        rc, out = make_corpus("--check", "--out", given)
        if rc == 0:
            return given, "TCPX_CORPUS_DIR=%s" % given
        notes.append("TCPX_CORPUS_DIR=%s is not a valid corpus: %s" % (given, out.strip().splitlines()[-1:]))
    if os.environ.get("TCPX_CORPUS_GENERATE") == "0":
        return None, notes + ["making one here is off (TCPX_CORPUS_GENERATE=0)"]
    if os.geteuid() != 0:
        return None, notes + ["making one needs root (network namespaces)"]
    ip = shutil.which("ip")
    if not ip or subprocess.run([ip, "netns", "list"], capture_output=True).returncode != 0:
        return None, notes + ["making one needs `ip netns` (iproute2)"]
    out_dir = os.path.join(build_dir(), "corpus")
    t0 = time.monotonic()
    rc, _ = make_corpus("--ensure", "--out", out_dir, show=True)
    if rc == SKIP:
        return None, notes + ["make_corpus.py --ensure cannot make it here"]
    if rc != 0:
        raise RuntimeError("making the corpus in %s failed (exit %d): see above" % (out_dir, rc))
    return out_dir, "%s (make_corpus.py --ensure, %.0f s)" % (out_dir, time.monotonic() - t0)


def setUpModule():
    directory, how = find_corpus()
    if directory is None:
        print("py_test_truth skipped: no corpus: " + "; ".join(how))
        sys.exit(SKIP)
    print("corpus: " + how, flush=True)
    RESULT.update(judge(directory))


# --- Running tcpx -------------------------------------------------------------------

def judge(directory):
    """Everything the tests check, from one pass of tshark over the corpus."""
    t0 = time.monotonic()
    truths = truthfile.corpus(directory)
    real = sorted(glob.glob(os.path.join(REAL, "*.pcap*"))) if os.path.isdir(REAL) else []
    jobs = int(os.environ.get("TCPX_TRUTH_JOBS", "2"))
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        corpus_obs = list(pool.map(lambda t: truthcompare.run_tcpx(t["capture_path"]), truths))
        real_obs = list(pool.map(lambda c: truthcompare.run_tcpx(c, frames=False), real))
    r = dict(streams=[], counters=[], artefacts=[], events=[], limits=[], misses=[], evaluated=set())
    checker = {"corpus": wording.Checker(), "real-captures": wording.Checker()}
    for t, obs in zip(truths, corpus_obs):
        rows, misses = truthcompare.stream_results(t, obs)
        r["streams"] += rows
        r["misses"] += misses
        rows, misses = truthcompare.counter_results(t, obs)
        r["counters"] += rows
        r["misses"] += misses
        row, misses = truthcompare.artefact_results(t, obs)
        r["artefacts"].append(row)
        r["misses"] += misses
        rows, misses = truthcompare.event_results(t, obs)
        r["events"] += rows
        r["misses"] += misses
        rows, misses = truthcompare.limits_results(t, obs)
        r["limits"] += rows
        r["misses"] += misses
        r["evaluated"].add(t["scenario"])
        add_texts(checker["corpus"], t["scenario"], obs)
    for cap, obs in zip(real, real_obs):
        add_texts(checker["real-captures"], os.path.basename(cap), obs)
    r["evaluated"].add("corpus")
    if real:
        r["evaluated"].add("real-captures")
    r["misses"] += wording_misses(checker)
    r["seconds"] = round(time.monotonic() - t0, 1)
    r["captures"] = (len(truths), len(real))
    r["targets"] = targets(r)
    return r


def targets(r):
    """The issue's targets, as measured on this run."""
    s, c, a = r["streams"], [x for x in r["counters"] if x["comparable"] and (x["kernel"] or x["tcpx"])], r["artefacts"]
    clean = [x for x in a if not x["artefact_scenario"]]
    made = [x for x in a if x["artefact_scenario"]]
    words = [m for m in r["misses"] if m["check"] == "wording"]
    return collections.OrderedDict([
        ("stream fault domains right", "%d of %d" % (sum(x["tcpx_fault"] in x["faults_ok"] for x in s), len(s))),
        ("stream verdicts right", "%d of %d" % (sum(x["tcpx_verdict"] in x["tcpx_codes"] for x in s), len(s))),
        ("retransmission classes within 5% or 1", "%d of %d compared (non-zero) counts" % (
            sum(bool(x["ok"]) for x in c), len(c))),
        ("artefact labels on clean scenarios", "%d" % sum(x["false_labels"] + x["capture_missed_verdicts"]
                                                         for x in clean)),
        ("copies labelled", "%d of %d" % (sum(x["labelled"] for x in made), sum(x["copies"] for x in made))),
        ("wording defects", "%d kinds of sentence" % len(words)),
    ])


def add_texts(checker, name, obs):
    seen = set()
    for where, pieces in (truthcompare.tree_texts(name, obs.tree)
                          + truthcompare.health_texts(name, obs.health, obs.health_text)):
        if tuple(pieces) not in seen:   # the same sentence on many frames: check it once
            seen.add(tuple(pieces))
            checker.add(where, pieces)
    for where, summary, findings in truthcompare.tree_frames(name, obs.tree):
        checker.add_frame(where, summary, findings)


def wording_misses(checkers):
    vocabulary = set().union(*(c.vocabulary() for c in checkers.values()))
    groups = collections.OrderedDict()
    for source, checker in checkers.items():
        for d in checker.defects(vocabulary):
            groups.setdefault(d.key, (d, set()))[1].add(source)
    return [dict(check="wording", scenario="any", item=key, tcpx="%s (%s)" % (d.excerpt, d.where),
                 truth=wording.DESCRIPTIONS[d.rule], sources=sorted(sources))
            for key, (d, sources) in groups.items()]


# --- Printing the matrices ----------------------------------------------------------

def matrix(title, rows, truth_key, tcpx_key, ok):
    """A confusion matrix: rows truth, columns tcpx; '*' marks cells holding a miss."""
    rows = [r for r in rows if r[truth_key] is not None]
    cells = collections.Counter((r[truth_key], r[tcpx_key]) for r in rows)
    bad = {(r[truth_key], r[tcpx_key]) for r in rows if not ok(r)}
    truths = sorted({r[truth_key] for r in rows})
    tcpxs = sorted({r[tcpx_key] for r in rows})
    width = max([len("truth \\ tcpx")] + [len(t) for t in truths])
    out = ["", "%s (rows: truth, columns: tcpx; * = a miss): %d of %d right" % (
        title, sum(1 for r in rows if ok(r)), len(rows))]
    out.append("  %-*s  %s" % (width, "truth \\ tcpx", "  ".join(tcpxs)))
    for t in truths:
        line = ["%*s" % (len(c), "%d%s" % (cells[(t, c)], "*" if (t, c) in bad else "")
                         if cells[(t, c)] else ".") for c in tcpxs]
        out.append("  %-*s  %s" % (width, t, "  ".join(line)))
    return out


def stream_table(rows):
    out = ["", "Per stream: truth verdict (fault) | tcpx verdict (fault), position, loss pattern (its cause)"]
    for r in rows:
        out.append("  %-24s %-32s %s (%s) | %s (%s), %s, %s (%s)" % (
            r["scenario"], r["stream"], r["truth_verdict"], r["truth_fault"], r["tcpx_verdict"],
            r["tcpx_fault"], r["tcpx_position"], r["tcpx_loss"], r["tcpx_cause"]))
    return out


def counter_table(rows):
    out = ["", "Retransmission classes against the sending kernel's counters (within 5% or 1; "
           "n/c = not comparable at this capture point)",
           "  %-24s %-6s %-10s %-22s %6s %6s  %s" % ("scenario", "host", "capture", "counter", "kernel",
                                                   "tcpx", "")]
    for r in rows:
        if not (r["kernel"] or r["tcpx"]):
            continue
        out.append("  %-24s %-6s %-10s %-22s %6d %6s  %s" % (
            r["scenario"], r["host"], "upstream" if r["upstream"] else "downstream",
            r["counter"].replace("TcpExt", ""), r["kernel"], r["tcpx"] if r["comparable"] else "n/c",
            ("ok" if r["ok"] else "MISS" if r["ok"] is False else "") + ("  (%s)" % r["note"] if r["note"] else "")
            + ("; %d gaps" % r["gaps"] if r["gaps"] and r["counter"] == "TcpRetransSegs" else "")))
    out.append("  (rows where both are 0 left out; tcpx counts: %s)" % "; ".join(
        "%s = %s" % (k.replace("TcpExt", ""), v[0]) for k, v in truthcompare.COUNTERS.items()))
    return out


def artefact_table(rows):
    out = ["", "Capture artefacts (copies = frames repeating an earlier packet: IP ID, ports, seq, ack, flags, len)",
           "  %-24s %-9s %7s %9s %13s %16s" % ("scenario", "artefact", "copies", "labelled", "false labels",
                                              "capture_missed")]
    for r in rows:
        out.append("  %-24s %-9s %7d %9d %13d %16d" % (r["scenario"], "yes" if r["artefact_scenario"] else "no",
                                                      r["copies"], r["labelled"], r["false_labels"],
                                                      r["capture_missed_verdicts"]))
    return out


def report(result, known):
    s = result["streams"]
    lines = ["", "=== tcpx against the corpus's truth: %d scenarios, %d real captures for wording, %.1f s ===" % (
        result["captures"] + (result["seconds"],))]
    lines += matrix("Fault domain per stream", s, "truth_fault", "tcpx_fault",
                    lambda r: r["tcpx_fault"] in r["faults_ok"])
    lines += matrix("Verdict per stream", s, "truth_verdict", "tcpx_verdict",
                    lambda r: r["tcpx_verdict"] in r["tcpx_codes"])
    lines += stream_table(s)
    lines += matrix("Loss pattern per network-loss stream", s, "truth_loss", "tcpx_loss",
                    lambda r: r["tcpx_loss"] == r["truth_loss"])
    lines += matrix("Loss cause per stream whose truth names one (undetermined is not wrong)", s, "truth_cause",
                    "tcpx_cause", lambda r: r["tcpx_cause"] not in truthcompare.CAUSE_CONTRADICTS.get(
                        r["truth_cause"], ()))
    lines += matrix("Capture position per stream (router = r0, client side of the delay)", s, "truth_position",
                    "tcpx_position", lambda r: r["tcpx_position"] == r["truth_position"])
    lines += counter_table(result["counters"])
    lines += artefact_table(result["artefacts"])
    lines += ["", "Events with numbers (tcpx's JSON field against the truth's measure, within 10%):"]
    lines += ["  %-12s %-14s %-18s tcpx %-10s truth %-10s (%s) %s" % (
        e["scenario"], e["event"], e["field"], e["tcpx"], e["truth"], e["truth_is"], "ok" if e["ok"] else "MISS")
        for e in result["events"]] or ["  (no scenario with a numbered event in this corpus)"]
    lines += ["", "What limited throughput (tcpx's busy / receiver-window ms against the sender's tcp_info):"]
    lines += ["  %-24s %-34s tcpx %6d / %6s  kernel %6d / %6d  %s" % (
        e["scenario"], e["stream"], e["busy"], e["rwnd"], e["kernel_busy"], e["kernel_rwnd"], "ok" if e["ok"] else "MISS")
        for e in result["limits"]] or ["  (no stream with a sampled sender in this corpus)"]
    lines += ["", "Targets (issue #16):"] + ["  %-40s %s" % kv for kv in result["targets"].items()]
    misses = result["misses"]
    lines += ["", "Misses: %d (%s); %d listed in known_misses.json" % (
        len(misses), ", ".join("%s %d" % kv for kv in sorted(collections.Counter(
            m["check"] for m in misses).items())), len(known))]
    for m in misses:
        lines.append("  %s%-12s %-24s %s: tcpx %s; truth %s" % (
            "  " if miss_id(m) in known else "! ", m["check"], m["scenario"], m["item"], m["tcpx"], m["truth"]))
    return "\n".join(lines)


def write_json(result, path):
    data = {k: v for k, v in result.items() if k != "evaluated"}
    with open(path, "w") as f:
        json.dump(data, f, indent=1, default=str)
        f.write("\n")


# --- Known misses ---------------------------------------------------------------------

def miss_id(m):
    return (m["check"], m["scenario"], m["item"])


def load_known():
    with open(KNOWN_MISSES) as f:
        return collections.OrderedDict((miss_id(m), m) for m in json.load(f)["misses"])


def record(results):
    """Rewrite known_misses.json from runs over one or more corpora (union of their
    misses; one missed on some runs only is marked "varies"), keeping the fixes."""
    old = load_known() if os.path.exists(KNOWN_MISSES) else {}
    with open(KNOWN_MISSES) as f:
        about = json.load(f).get("about", "")
    seen = collections.OrderedDict()
    for result in results:
        for m in result["misses"]:
            entry, runs, sources = seen.setdefault(miss_id(m), (m, set(), set()))
            runs.add(id(result))
            sources.update(m.get("sources", []))
    entries = []
    for key, (m, runs, sources) in seen.items():
        e = collections.OrderedDict((k, m[k]) for k in ("check", "scenario", "item", "tcpx", "truth"))
        if sources:
            e["sources"] = sorted(sources)
        if len(runs) < len(results):
            e["varies"] = "missed on %d of %d corpus runs" % (len(runs), len(results))
        e["fix"] = old.get(key, {}).get("fix", "")
        entries.append(e)
    with open(KNOWN_MISSES, "w") as f:
        json.dump({"about": about, "misses": entries}, f, indent=1)
        f.write("\n")
    print("known_misses.json: %d entries" % len(entries))


class TruthTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.known = load_known()
        print(report(RESULT, cls.known), flush=True)
        out = os.path.join(build_dir(), "truth-matrices.json")
        try:
            write_json(RESULT, out)
            print("\nwritten: " + out)
        except OSError as e:
            print("\ncould not write %s: %s" % (out, e))

    def check_misses(self, checks):
        new = ["%s %s %s: tcpx %s; truth %s" % (m["check"], m["scenario"], m["item"], m["tcpx"], m["truth"])
               for m in RESULT["misses"] if m["check"] in checks and miss_id(m) not in self.known]
        if new:
            self.fail("%d misses not in tests/corpus/known_misses.json:\n  %s" % (len(new), "\n  ".join(new)))

    def test_streams(self):
        """Fault domain, verdict, loss pattern, capture position, roles of every stream."""
        self.check_misses(("stream", "roles", "fault", "verdict", "loss_pattern", "position"))

    def test_retransmission_classes(self):
        self.check_misses(("counter",))

    def test_capture_artefacts(self):
        self.check_misses(("artefacts",))

    def test_events(self):
        """Events with numbers (#17): on their scenario within 10% of the truth's, on no other stream."""
        self.check_misses(("event",))

    def test_limits(self):
        """What limited throughput (#17 item 5): busy and receiver-window time against the sender's tcp_info
        (within 10% of the busy time or one round trip: truthcompare.limits_results)."""
        self.check_misses(("limits",))

    def test_wording(self):
        self.check_misses(("wording",))

    def test_known_misses_still_miss(self):
        now = {miss_id(m) for m in RESULT["misses"]}
        # judged on this run: its scenario, or for wording every source it was seen in
        judged = lambda m: all(x in RESULT["evaluated"] for x in m.get("sources", [m["scenario"]]))
        passing = [k for k, m in self.known.items() if k not in now and judged(m)]
        for k in passing:
            if "varies" in self.known[k]:
                print("passes on this corpus (%s): %s %s %s" % ((self.known[k]["varies"],) + k))
        passing = ["%s %s %s" % k for k in passing if "varies" not in self.known[k]]
        if passing:
            self.fail("now passes: remove it from known_misses.json:\n  " + "\n  ".join(passing))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--record"]:
        dirs = sys.argv[2:] or [find_corpus()[0]]
        if None in dirs:
            sys.exit("no corpus: " + "; ".join(find_corpus()[1]))
        record([judge(d) for d in dirs])
    else:
        unittest.main()
