#!/usr/bin/env python3
"""Regenerate tcpx's labelled corpus: real-kernel captures with their truth.

    sudo python3 tests/corpus/make_corpus.py [--out DIR] [scenario ...]
    python3 tests/corpus/make_corpus.py --list
    python3 tests/corpus/make_corpus.py --check [--out DIR]
    sudo python3 tests/corpus/make_corpus.py --ensure --out DIR

Each scenario (scenarios.py) runs in fresh client/router/server namespaces
(netlab.py) with a 40 ms RTT from a TUN delay line, and writes DIR/NAME.pcapng
and DIR/NAME.truth.json (schema: README.md); DIR/corpus.json indexes the run.
Default DIR: /var/tmp/tcpx-corpus.  --check validates an existing corpus
(every truth has its capture, the capture has exactly the declared TCP
streams).  --ensure makes the whole corpus in DIR unless DIR already holds one
made by the same sources (corpus.json's sources_sha256), complete and valid;
exit status 77 when it must be made but cannot (not root, tools missing).
-v prints every command.  Needs root, iproute2, nftables, ethtool, tshark.
"""

import argparse
import glob
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time

import netlab
import scenarios

DEFAULT_OUT = "/var/tmp/tcpx-corpus"
TOOLS = ("ip", "tc", "ethtool", "nft", "nstat", "ss", "dumpcap", "tshark",
         "editcap", "mergecap")
SCHEMA = 1
RTT_TOLERANCE = 0.10
RTT_SLACK_MS = 0.5
# counters every truth lists for client and server even when zero; any
# other counter that moved is listed too
KEY_COUNTERS = (
    "TcpActiveOpens", "TcpPassiveOpens", "TcpAttemptFails", "TcpEstabResets",
    "TcpOutSegs", "TcpRetransSegs", "TcpOutRsts", "TcpExtTCPTimeouts",
    "TcpExtTCPLossProbes", "TcpExtTCPLossProbeRecovery",
    "TcpExtTCPFastRetrans", "TcpExtTCPSlowStartRetrans",
    "TcpExtTCPLostRetransmit", "TcpExtTCPSackRecovery",
    "TcpExtTCPSACKReorder", "TcpExtTCPSpuriousRTOs", "TcpExtTCPDSACKRecv",
    "TcpExtTCPDSACKOldSent", "TcpExtTCPSynRetrans", "TcpExtTCPWinProbe",
    "TcpExtTCPToZeroWindowAdv", "TcpExtTCPFromZeroWindowAdv",
    "TcpExtTCPAbortOnTimeout", "TcpExtDelayedACKs")


def sources_sha256():
    """A digest of the code that makes the corpus: this folder's *.py and
    the sample_pcaps/regenerate.py helpers netlab uses."""
    here = os.path.dirname(os.path.abspath(__file__))
    files = sorted(glob.glob(os.path.join(here, "*.py")))
    files.append(os.path.join(os.path.dirname(os.path.dirname(here)),
                              "sample_pcaps", "regenerate.py"))
    h = hashlib.sha256()
    for path in files:
        with open(path, "rb") as f:
            h.update(os.path.basename(path).encode() + b"\0" + f.read())
    return h.hexdigest()


def tshark(*args):
    return subprocess.run(["tshark", "-n"] + list(args), capture_output=True,
                          text=True, check=True).stdout


def conversations(path):
    """{tcp.stream: frozenset of its two endpoints} of a capture.

    Not ``-z conv,tcp``: the TCP tap runs after the options are dissected,
    so a capture cut inside them (snaplen 54) has streams but no
    conversations."""
    out = tshark("-r", path, "-T", "fields", "-e", "tcp.stream",
                 "-e", "ip.src", "-e", "tcp.srcport", "-e", "ip.dst",
                 "-e", "tcp.dstport")
    res = {}
    for line in out.splitlines():
        f = line.split("\t")
        if len(f) == 5 and f[0] and f[0] not in res:
            res[f[0]] = frozenset(("%s:%s" % (f[1], f[2]),
                                   "%s:%s" % (f[3], f[4])))
    return res


def handshake_rtts(path):
    """{(client, server): ms from the last SYN to the handshake's ACK}."""
    out = tshark("-r", path, "-Y", "tcp.flags.syn==1 || "
                 "(tcp.seq==1 && tcp.ack==1)", "-T", "fields",
                 "-e", "frame.time_epoch", "-e", "ip.src", "-e", "tcp.srcport",
                 "-e", "ip.dst", "-e", "tcp.dstport", "-e", "tcp.flags.syn",
                 "-e", "tcp.flags.ack")
    state, res = {}, {}
    for line in out.splitlines():
        t, src, sport, dst, dport, syn, ack = line.split("\t")
        a, b = "%s:%s" % (src, sport), "%s:%s" % (dst, dport)
        syn, ack = syn in ("1", "True"), ack in ("1", "True")
        if syn and not ack:
            state[(a, b)] = {"syn": float(t)}
        elif syn and ack and (b, a) in state:
            state[(b, a)].setdefault("synack", float(t))
        elif ack and (a, b) in state and "synack" in state[(a, b)]:
            s = state[(a, b)]
            if (a, b) not in res:
                res[(a, b)] = round((float(t) - s["syn"]) * 1000.0, 3)
    return res


def counter_deltas(before, after, key=KEY_COUNTERS):
    out = {}
    for name in sorted(after):
        d = after[name] - before.get(name, 0)
        if d or name in key:
            out[name] = d
    return out


def slice_frames(raw, anchor, lead_s, length_s):
    """(first, last) frame numbers of the ``length_s`` seconds that start
    ``lead_s`` before the first frame matching the display filter
    ``anchor``; None when no frame matches."""
    out = tshark("-r", raw, "-T", "fields", "-e", "frame.number",
                 "-e", "frame.time_epoch")
    times = [(int(n), float(t)) for n, t in
             (ln.split("\t") for ln in out.splitlines())]
    hit = tshark("-r", raw, "-T", "fields", "-e", "frame.time_epoch",
                 "-Y", anchor).split()
    if not hit:
        return None
    start = float(hit[0]) - lead_s
    keep = [n for n, t in times if start <= t <= start + length_s]
    return (keep[0], keep[-1]) if keep else None


def derive(kind, arg, raws, final, expect):
    if kind is None:
        os.replace(raws[0], final)
        return None
    if kind == "slice":   # arg: (anchor display filter, lead s, length s)
        span = slice_frames(raws[0], *arg)
        expect(span is not None, "the slice's anchor (%s) is in the "
               "capture" % arg[0])
        span = span or (1, 1)
        cmd = ["editcap", "-r", raws[0], final, "%d-%d" % span]
    elif kind == "twice":
        cmd = ["mergecap", "-w", final, raws[0], raws[0]]
    elif kind == "snaplen":
        cmd = ["editcap", "-s", str(arg), raws[0], final]
    else:  # merge
        cmd = ["mergecap", "-w", final] + raws
    subprocess.run(cmd, check=True, capture_output=True)
    return " ".join(os.path.basename(c) for c in cmd)


def run_scenario(sc, outdir):
    name, t0 = sc["name"], time.monotonic()
    final = os.path.join(outdir, name + ".pcapng")
    raw = os.path.join(outdir, name + ".raw.pcapng")
    checks = []

    def expect(cond, what):
        checks.append({"check": what, "ok": bool(cond)})

    with netlab.Lab(name, sc["delay_ms"], sc["sysctls"],
                    sc["delay_args"]) as lab:
        caps = lab.capture(sc["capture"], raw, sc["bpf"])
        ok = False
        try:
            before = lab.nstat()
            sampler = netlab.SsSampler(lab, *sc["sender"])
            sampler.start()
            apps = sc["fn"](lab, expect)
            ss = sampler.stop()
            time.sleep(0.2)          # last ACKs and FINs
            after = lab.nstat()
            if sc["verify"]:      # the kernel counted what was injected
                sc["verify"]({r: counter_deltas(before[r], after[r], ())
                              for r in netlab.ROLES}, expect)
            facts = {"nft_rules": lab.nft_counters(),
                     "router_r0_qdisc_drops": lab.qdisc_drops("router", "r0"),
                     # route metrics a scenario set (rto_min): the truth of a timer
                     "routes": {r: lab.sh(r, "ip", "route", "show").stdout.strip()
                                for r in ("client", "server")}}
            facts.update(lab.facts)      # what the scenario itself recorded
            ok = True
        finally:
            for c in caps:
                c.stop(keep=ok)
        lab.stop_delay_line()
        facts["delay_line"] = lab.delay_stats
        facts["delay_line_device_drops"] = lab.tun_drops()
        expect(facts["delay_line_device_drops"] == 0,
               "delay line dropped nothing")
    raws = [c.out for c in caps]
    rtts = handshake_rtts(raws[0])
    how = derive(*(sc["derive"] or (None, None)), raws, final, expect)
    for r in raws:
        if os.path.exists(r):
            os.unlink(r)
    return truth(sc, final, how, apps, ss, before, after, facts, rtts,
                 checks, time.monotonic() - t0)


def truth(sc, final, how, apps, ss, before, after, facts, rtts, checks,
          seconds):
    rtt_ms = 2.0 * sc["delay_ms"]
    # A stalled host (the hypervisor's steal) makes the delay line late: up to 10 ms
    # once in a while here, both ways at once; a handshake it met is that much slower.
    late_ms = sum((d.get("late_ms") or {}).get("max", 0.0)
                  for d in (facts.get("delay_line") or {}).values() if isinstance(d, dict))
    streams = []
    for st in sc["streams"]:
        t = st.truth()
        hs = rtts.get((st.client, st.server))
        t["measured"] = {"handshake_rtt_ms": hs}
        if hs is not None:
            # the delay line itself adds ~0.15 ms each way: felt on a 2 ms path
            tolerance = max(RTT_TOLERANCE * rtt_ms, RTT_SLACK_MS)
            good = -tolerance <= hs - rtt_ms <= tolerance + late_ms
            t["measured"]["handshake_rtt_ok"] = good
            checks.append({"check": "handshake RTT %s ms within 10%% (or %s ms) of %s, or later by "
                           "no more than the delay line was late (%.1f ms)"
                           % (hs, RTT_SLACK_MS, rtt_ms, late_ms), "ok": good})
        streams.append(t)
    role, devs = netlab.CAPTURE_POINTS[sc["capture"]]
    return {
        "schema": SCHEMA,
        "scenario": sc["name"],
        "summary": sc["summary"],
        "injected": sc["injected"],
        "sysctls": sc["sysctls"],
        "path": {"client": netlab.CLIENT_IP, "server": netlab.SERVER_IP,
                 "router": [netlab.ROUTER_C_IP, netlab.ROUTER_S_IP],
                 "one_way_delay_ms": sc["delay_ms"], "rtt_ms": rtt_ms,
                 "congestion_control": "cubic"},
        "capture": {"file": os.path.basename(final), "point": sc["capture"],
                    "namespace": role, "interfaces": list(devs),
                    "filter": sc["bpf"],
                    "note": sc["capture_note"], "derived_by": how},
        "expected_tcp_streams": len(streams),
        "streams": streams,
        "apps": apps,
        "counters": {r: counter_deltas(before[r], after[r],
                                       KEY_COUNTERS if r != "router" else ())
                     for r in netlab.ROLES},
        "ss": ss,
        "facts": facts,
        "checks": checks,
        "generated": {"kernel": platform.release(),
                      "date": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                            time.gmtime()),
                      "seconds": round(seconds, 2)},
    }


def write_json(path, obj):
    with open(path + ".tmp", "w") as f:
        json.dump(obj, f, indent=1, sort_keys=False)
        f.write("\n")
    os.replace(path + ".tmp", path)
    os.chmod(path, 0o644)


def make_one(name, outdir, retry):
    """One scenario: its index entry, None if it failed, "retry" (when allowed) if
    it or its checks failed."""
    netlab.LOG.clear()
    try:
        t = run_scenario(scenarios.SCENARIOS[name], outdir)
    except Exception as e:  # keep going, report at the end
        print("%-26s FAILED: %s" % (name, e), flush=True)
        print("  " + "\n  ".join(netlab.LOG[-15:]), flush=True)
        return "retry" if retry else None
    cap = os.path.join(outdir, t["capture"]["file"])
    problems = stream_problems(t, cap)
    t["checks"].append({"check": "the capture holds exactly the declared "
                        "TCP streams" + "".join("; " + p for p in problems),
                        "ok": not problems})
    bad = [c["check"] for c in t["checks"] if not c["ok"]]
    size = os.path.getsize(cap)
    print("%-26s %5.1f s %8d bytes %s" % (
        name, t["generated"]["seconds"], size,
        "ok" if not bad else "CHECK FAILED: " + "; ".join(bad)
        + ("; trying once more" if retry else "")), flush=True)
    if bad and retry:
        return "retry"
    write_json(os.path.join(outdir, name + ".truth.json"), t)
    return {"seconds": t["generated"]["seconds"], "bytes": size,
            "failed_checks": bad}


RETRY_PAUSE_S = 20


def generate(names, outdir):
    os.makedirs(outdir, exist_ok=True)
    os.chmod(outdir, 0o755)
    index, t0, failed = {}, time.monotonic(), []
    for name in names:
        # A busy machine can spoil an injection's timing (a stall that ends before
        # the window closes, a delay line slowed for tens of seconds): a scenario whose
        # own checks fail gets two more tries, the last after a pause.
        for attempt in (1, 2, 3):
            if attempt == 3:
                time.sleep(RETRY_PAUSE_S)
            result = make_one(name, outdir, retry=attempt < 3)
            if result != "retry":
                break
        if result is None:
            failed.append(name)
        else:
            index[name] = result
    total = time.monotonic() - t0
    print("%d scenarios in %.1f s%s" % (len(names), total,
          ", failed: " + " ".join(failed) if failed else ""))
    write_json(os.path.join(outdir, "corpus.json"),
               {"schema": SCHEMA, "seconds": round(total, 1),
                "sources_sha256": sources_sha256(),
                "scenarios": index, "failed": failed})
    return 1 if failed or any(v["failed_checks"] for v in index.values()) \
        else 0


def stream_problems(t, cap):
    """What is wrong with a capture against its truth's streams."""
    if not os.path.exists(cap):
        return ["capture %s missing" % cap]
    conv, problems = conversations(cap), []
    if len(conv) != t["expected_tcp_streams"]:
        problems.append("%d TCP streams, expected %d" % (
            len(conv), t["expected_tcp_streams"]))
    for s in t["streams"]:
        if frozenset((s["client"], s["server"])) not in conv.values():
            problems.append("stream %s -> %s not in the capture" % (
                s["client"], s["server"]))
    return problems


def corpus_problems(outdir):
    """(truth files, problems): each truth has its capture, with exactly the
    declared streams."""
    problems, n = [], 0
    for fn in sorted(os.listdir(outdir)) if os.path.isdir(outdir) else []:
        if not fn.endswith(".truth.json"):
            continue
        n += 1
        with open(os.path.join(outdir, fn)) as f:
            t = json.load(f)
        cap = os.path.join(outdir, t["capture"]["file"])
        problems += ["%s: %s" % (fn, p) for p in stream_problems(t, cap)]
    if not n:
        problems.append("no truth files in %s" % outdir)
    return n, problems


def check(outdir):
    n, problems = corpus_problems(outdir)
    for p in problems:
        print(p)
    print("%d truth files checked, %d problems" % (n, len(problems)))
    return 1 if problems else 0


def stale(outdir):
    """Why outdir does not hold a corpus made by these sources (None: it does)."""
    try:
        with open(os.path.join(outdir, "corpus.json")) as f:
            index = json.load(f)
    except (OSError, ValueError):
        return "no corpus.json"
    if index.get("sources_sha256") != sources_sha256():
        return "made by other sources (tests/corpus/*.py changed)"
    missing = [n for n in scenarios.SCENARIOS if n not in index["scenarios"]]
    failed = index.get("failed", []) + [
        n for n, v in index["scenarios"].items() if v["failed_checks"]]
    if missing or failed:
        return "incomplete (missing: %s; failed: %s)" % (
            " ".join(missing) or "none", " ".join(failed) or "none")
    problems = corpus_problems(outdir)[1]
    return "; ".join(problems) if problems else None


def ensure(outdir):
    """Make the whole corpus in outdir unless it is there already."""
    why = stale(outdir)
    if why is None:
        print("corpus in %s: up to date" % outdir)
        return 0
    print("corpus in %s: %s; making it" % (outdir, why), flush=True)
    cannot = can_generate()
    if cannot:
        print("make_corpus.py: " + cannot, file=sys.stderr)
        return 77
    for fn in os.listdir(outdir) if os.path.isdir(outdir) else []:
        if fn == "corpus.json" or fn.endswith((".truth.json", ".pcapng")):
            os.unlink(os.path.join(outdir, fn))
    return generate(list(scenarios.SCENARIOS), outdir)


def can_generate():
    """Why this process cannot make a corpus (None: it can)."""
    if os.geteuid() != 0:
        return "run as root (namespaces, nftables, dumpcap)"
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        return ("missing %s (Debian: apt-get install iproute2 nftables "
                "ethtool tshark)" % " ".join(missing))
    return None


def main(argv):
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n")[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__)
    ap.add_argument("scenario", nargs="*", help="default: all")
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--ensure", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args(argv)
    if a.list:
        for name, sc in scenarios.SCENARIOS.items():
            print("%-26s %s" % (name, sc["summary"]))
        return 0
    if a.check:
        return check(a.out)
    if a.ensure:
        if a.verbose:
            os.environ["TCPX_CORPUS_VERBOSE"] = "1"
        return ensure(a.out)
    unknown = [n for n in a.scenario if n not in scenarios.SCENARIOS]
    if unknown:
        print("unknown scenario(s): %s; --list shows them" %
              " ".join(unknown), file=sys.stderr)
        return 2
    cannot = can_generate()
    if cannot:
        print("make_corpus.py: " + cannot, file=sys.stderr)
        return 1
    if a.verbose:
        os.environ["TCPX_CORPUS_VERBOSE"] = "1"
    return generate(a.scenario or list(scenarios.SCENARIOS), a.out)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
