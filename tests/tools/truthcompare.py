"""truthcompare: what tcpx says about a corpus capture, and where it differs from the truth.

Used by tests/test_truth.py (issue #16 item 2); the corpus and its truth files:
tests/corpus/README.md.  A miss is a dict: check, scenario, item (a stream, a
counter, an artefact count or a wording key), tcpx (what tcpx says), truth.

    run_tcpx(truth)               -> Observed: frames, health rows, texts
    stream_results(truth, obs)    -> rows of the per-stream matrices, misses
    counter_results(truth, obs)   -> rows of the kernel counter table, misses
    artefact_results(truth, obs)  -> one row of the capture artefact table, misses
    texts_of(name, tree, health)  -> (where, pieces) for the wording checker
"""

import collections
import json
import os
import re

import tsharkx

FRAME_FIELDS = ["frame.number", "ip.src", "ip.id", "tcp.srcport", "tcp.seq_raw", "tcp.ack_raw",
                "tcp.flags", "tcp.len", "tcpx.anomaly", "tcpx.cause_code", "tcpx.step", "frame.time_relative",
                "frame.cap_len", "ip.hdr_len", "tcp.hdr_len"]
# Fields that make a packet itself: a copy made by the capture repeats all of them,
# a retransmission by TCP has another IP ID.
IDENTITY = FRAME_FIELDS[1:8]
HEALTH_ARGS = ["-z", "tcpx,health", "-z", "tcpx,health,json"]
TREE_ARGS = ["-n", "-V", "-O", "tcpx", "-Y", "tcpx"]
DUPLICATE = "capture_duplicate"

# Where the capture sits for tcpx's capture_position: the corpus's router (r0) is
# on the client's side of the delay line (tests/corpus/README.md, Topology).  Two
# points merged have no single position.
POSITION = {"client": "near_client", "router": "near_client", "server": "near_server",
            "router-both": None}

# Per truth verdict class, the tcpx verdict codes that agree (kept apart from the
# corpus's sources, so a new tcpx verdict does not invalidate a made corpus).
with open(os.path.join(os.path.dirname(__file__), "..", "corpus", "tcpx_codes.json")) as _f:
    TCPX_CODES = json.load(_f)["codes"]

Observed = collections.namedtuple("Observed", "frames health health_text tree")


def run_tcpx(capture, frames=True):
    """tshark with tcpx on one capture: per-frame fields (frames=True), the health
    JSON rows and text, and the tcpx tree of every frame that has one."""
    args = ["-n", "-r", capture] + (tsharkx.FIELD_OPTS + [a for f in FRAME_FIELDS for a in ("-e", f)]
                                    if frames else ["-q"]) + HEALTH_ARGS
    rc, out, err = tsharkx.run_tshark(args, capture=capture)
    if rc != 0:
        raise tsharkx.TsharkError("tshark on %s failed (rc=%d): %s" % (capture, rc, err[-2000:]))
    rows, health, text = [], [], []
    for line in out.split("\n"):
        if frames and re.match(r"\d+\t", line):
            rows.append(dict(zip(FRAME_FIELDS, line.split("\t"))))
        elif line.startswith("{"):
            health.append(json.loads(line))
        else:
            text.append(line)
    rc, tree, err = tsharkx.run_tshark(TREE_ARGS, capture=capture)
    if rc != 0:
        raise tsharkx.TsharkError("tshark -V on %s failed (rc=%d): %s" % (capture, rc, err[-2000:]))
    return Observed(rows, health, "\n".join(text), tree)


# --- Per stream -----------------------------------------------------------------

def stream_name(s):
    return "%s -> %s" % (s["client"], s["server"])


# What tcpx may not say of a loss whose truth is a queue (tbf drops), a lossy link or a policer (nftables
# drops, no queue): "undetermined" never contradicts.
CAUSE_CONTRADICTS = {"queue": ("no_queue_delay",), "link": ("queue",), "policer": ("queue",)}


def stream_results(truth, obs):
    """(rows, misses): per truth stream, what tcpx judged."""
    rows, misses = [], []
    scenario = truth["scenario"]
    want_position = POSITION.get(truth["capture"]["point"])
    for s in truth["streams"]:
        name = stream_name(s)
        judged = [h for h in obs.health if {h["client"], h["server"]} == {s["client"], s["server"]}]

        def miss(check, tcpx, want):
            misses.append(dict(check=check, scenario=scenario, item=name, tcpx=tcpx, truth=want))
        if not judged:
            miss("stream", "no such stream", "a stream %s" % name)
            continue
        h = judged[0]
        codes = TCPX_CODES.get(s["verdict"], [])
        row = dict(scenario=scenario, stream=name, truth_fault=s["fault"], faults_ok=s["faults_ok"],
                   tcpx_fault=h["fault"], truth_verdict=s["verdict"], tcpx_codes=codes,
                   tcpx_verdict=h["verdict_code"], truth_loss=s.get("loss_pattern"),
                   tcpx_loss=h["loss_pattern"], truth_cause=s.get("loss_cause"),
                   tcpx_cause=h.get("loss_cause") or "-", truth_position=want_position,
                   tcpx_position=h["capture_position"], verdict_text=h["verdict"])
        rows.append(row)
        if h["client"] != s["client"]:
            miss("roles", "client %s" % h["client"], "client %s" % s["client"])
        if h["fault"] not in s["faults_ok"]:
            miss("fault", h["fault"], " or ".join(s["faults_ok"]))
        if h["verdict_code"] not in codes:
            miss("verdict", h["verdict_code"], "%s (codes: %s)" % (s["verdict"], ", ".join(codes) or "none yet"))
        if s.get("loss_pattern") and h["loss_pattern"] != s["loss_pattern"]:
            miss("loss_pattern", h["loss_pattern"], s["loss_pattern"])
        if h.get("loss_cause") in CAUSE_CONTRADICTS.get(s.get("loss_cause"), ()):
            miss("loss_cause", h["loss_cause"], s["loss_cause"])
        if want_position and h["capture_position"] != want_position:
            miss("position", h["capture_position"], "%s (capture at %s)" % (
                want_position, truth["capture"]["point"]))
    return rows, misses


# --- Events with numbers: each fires on its scenario with the truth's numbers (within
# 10%), and on no other stream ------------------------------------------------------

def ss_values(truth, key):
    """An ``ss`` field's values (ms) over the sender's samples."""
    return [float(x[key].split("/")[0]) for x in truth["ss"]["samples"] if key in x]


def ss_max(truth, key):
    vals = ss_values(truth, key)
    return max(vals) if vals else None


def first_resend_gap(truth, obs):
    """The stall the wire shows (ms): from a segment's first transmission to its first resend by
    the same host, by the frames' own times and sequence numbers (the kernel's TCPTimeouts, checked
    when the corpus was made, says a timer sent it; its rto lags the timer's firing)."""
    first, gaps = {}, []
    for f in obs.frames:
        if not f["tcp.len"] or f["tcp.len"] == "0":
            continue
        key = (f["ip.src"], f["tcp.seq_raw"])
        if key in first:
            gaps.append(float(f["frame.time_relative"]) - first[key])
        else:
            first[key] = float(f["frame.time_relative"])
    return max(gaps) * 1000 if gaps else None


def pmtu_sender_icmps(truth, obs):
    """ICMP destination unreachables the data's sender received (nstat; the pmtu scenario's ICMPs are all
    'fragmentation needed', the router's IcmpMsgOutType3)."""
    return truth["counters"]["server"].get("IcmpInDestUnreachs")


# verdict class -> (health JSON field, its unit in ms, what the truth measures, how), or a list of them
EVENTS = collections.OrderedDict([
    ("queue_delay", ("queue_rtt_peak_ms", 1.0, "the sender's largest srtt (ss)",
                     lambda t, o: ss_max(t, "rtt"))),
    ("rto_too_long", ("rto_long_s", 1000.0, "the wire's gap from a segment to its resend", first_resend_gap)),
    ("nagle_delayed_ack", ("nagle_stalls", 1.0, "the receiver's delayed ACKs (nstat DelayedACKs)",
                           lambda t, o: t["counters"]["server"].get("TcpExtDelayedACKs"))),
    ("pmtu_handled", [("pmtu_mtu", 1.0, "the MTU set on the router's link (facts.pmtu.mtu)",
                       lambda t, o: t["facts"].get("pmtu", {}).get("mtu")),
                      ("pmtu_icmps", 1.0, "the sender's IcmpInDestUnreachs (nstat)", pmtu_sender_icmps)]),
    # a userspace sender (tests/corpus/rawtcp.py): its own log is the truth
    ("sack_ignored", [("sacked_resent_bytes", 1.0, "bytes the sender's log says it resent already SACKed",
                      lambda t, o: t["apps"][0].get("resent_sacked_bytes"))]),
    ("beyond_window", [("beyond_window_bytes", 1.0, "bytes the sender's log says it sent past the window",
                       lambda t, o: t["apps"][0].get("beyond_window_bytes"))]),
])


def event_results(truth, obs):
    """(rows, misses): the numbered events against the truth, and nowhere else."""
    rows, misses = [], []
    for s in truth["streams"]:
        judged = [h for h in obs.health if {h["client"], h["server"]} == {s["client"], s["server"]}]
        if not judged:
            continue
        h, name = judged[0], stream_name(s)
        specs = [(v, spec) for v, e in EVENTS.items() for spec in (e if isinstance(e, list) else [e])]
        for verdict, (field, unit, what, measure) in specs:
            got = h.get(field)
            if verdict != s["verdict"]:
                if got is not None:
                    misses.append(dict(check="event", scenario=truth["scenario"], item="%s %s" % (field, name),
                                       tcpx=got, truth="no %s" % verdict))
                continue
            want = measure(truth, obs)
            ok = got is not None and want is not None and abs(got * unit - want) <= 0.1 * want
            rows.append(dict(scenario=truth["scenario"], stream=name, event=verdict, field=field,
                             tcpx=got, truth=want, truth_is=what, ok=ok))
            if not ok:
                misses.append(dict(check="event", scenario=truth["scenario"], item="%s %s" % (field, name),
                                   tcpx=got, truth="%s %s ms" % (what, want)))
    return rows, misses


# --- What limited throughput: tcpx's shares against the sender kernel's tcp_info chrono ---

def ss_ms(sample, key):
    v = sample.get(key)
    return float(v.split("(")[0].rstrip("ms")) if v else 0.0


def ss_final(truth, s, sender):
    """The sender socket's last tcp_info sample (the largest busy), or None when the sampled
    socket is not the stream's sender or cannot be told from another stream's."""
    ss = truth.get("ss") or {}
    role = ("client", "server")[sender]
    if ss.get("namespace") != role:
        return None
    local, peer = s[role], s[("server", "client")[sender]]
    if sum(1 for x in truth["streams"] if x[role] == local) > 1 and not any(
            peer in smp["socket"].split() for smp in ss.get("samples", [])):
        return None   # several streams share the sender's address, and the samples name no peer
    mine = [smp for smp in ss.get("samples", []) if local in smp["socket"].split()
            and not any(":" in a and a not in (local, peer) for a in smp["socket"].split())]
    return max(mine, key=lambda smp: ss_ms(smp, "busy")) if mine else None


def limits_results(truth, obs):
    """(rows, misses): the time the sender had data out (busy) and the time the receiver's window
    held it back (rwnd), against its kernel's busy and rwnd_limited, within 10% of the busy time or
    the path's round trip, whichever is more.
    Only for streams that ended in the capture (FIN both ways), so the capture holds the whole
    transfer.  The kernel was sampled every 100 ms or so: its last sample can miss the end, so the
    wire may add what came after it, no more."""
    rows, misses = [], []
    for s in truth["streams"]:
        judged = [h for h in obs.health if {h["client"], h["server"]} == {s["client"], s["server"]}]
        if not judged or judged[0].get("limits_sender") not in ("client", "server"):
            continue
        h = judged[0]
        if h["completeness_code"] != "complete":
            continue
        sample = ss_final(truth, s, ("client", "server").index(h["limits_sender"]))
        if sample is None or ss_ms(sample, "busy") <= 0:
            continue
        busy = h["limits_busy_s"] * 1000.0
        rwnd = h["limits_rwnd_s"] * 1000.0 if h["limits_rwnd_s"] is not None else None  # None: scale unknown
        k_busy, k_rwnd = ss_ms(sample, "busy"), ss_ms(sample, "rwnd_limited")
        # the kernel's chrono ticks in jiffies (its busy values here are multiples of 4 ms: HZ=250) and
        # rounds each burst's start and stop: a jiffy per burst on top of the 10%.  And no capture decides
        # the time to better than a round trip: whether the sender waited for the window at a given
        # round trip turns on its TSO deferral (tcp_tso_should_defer: its congestion window, pacing rate
        # and smoothed RTT, none on the wire), and one wait lasts until the next ACKs come, up to a round
        # trip.  On a transfer of a few round trips one such wait is more than 10% of it.
        rtt = float(truth.get("path", {}).get("rtt_ms") or 0.0)
        tol = max(0.1 * max(busy, k_busy), rtt) + 4.0 * (1 + (h.get("app_responses") or 0))
        ok = busy >= k_busy - tol and (rwnd is None or k_rwnd - tol <= rwnd <= k_rwnd + max(0.0, busy - k_busy) + tol)
        row = dict(scenario=truth["scenario"], stream=stream_name(s), busy=round(busy),
                   rwnd=round(rwnd) if rwnd is not None else "?",
                   kernel_busy=k_busy, kernel_rwnd=k_rwnd, ok=ok)
        rows.append(row)
        if not ok:
            misses.append(dict(check="limits", scenario=truth["scenario"], item="busy/rwnd %s" % stream_name(s),
                               tcpx="%d/%s ms" % (busy, row["rwnd"]), truth="tcp_info %d/%d ms" % (k_busy, k_rwnd)))
    return rows, misses


# --- Retransmission classes against the kernels' counters -------------------------

RETX_KINDS = ("retransmission", "fast_retransmission", "spurious_retransmission")


def pairs(frame):
    """(kind, cause) of each finding of a frame, capture copies left out; an advancing
    ACK's D-SACK (the step "dsack") counts as ("dsack", "dsack")."""
    kinds = tsharkx.split(frame["tcpx.anomaly"])
    causes = tsharkx.split(frame["tcpx.cause_code"])
    causes += [""] * (len(kinds) - len(causes))
    found = [(k, c) for k, c in zip(kinds, causes) if c != DUPLICATE]
    if "dsack" in tsharkx.split(frame.get("tcpx.step", "")):
        found.append(("dsack", "dsack"))
    return found


def is_retx(kind, cause):
    return kind in RETX_KINDS or (kind, cause) in (("out_of_order", "quick_retransmission"),
                                                   ("out_of_order", "pmtu_icmp"),
                                                   ("out_of_order", "resend_after_gap"))


# out-of-order bytes tcpx says were no resend: the originals, reordered on the path
REORDERED = ("reordering", "reordered_original")


def is_fast(kind, cause):
    return kind == "fast_retransmission" or (kind, cause) in (
        ("retransmission", "loss_sack"), ("retransmission", "loss_recovery"),
        ("out_of_order", "quick_retransmission"))


def is_rto(kind, cause):
    return kind == "retransmission" and cause in ("timeout", "timeout_backoff", "syn_unanswered",
                                                  "synack_unanswered", "pmtu_blackhole", "timer_too_long")


# kernel counter (per host, as the sender) -> (what tcpx counts, which frames,
# compared downstream of the loss too?)
COUNTERS = collections.OrderedDict([
    ("TcpRetransSegs", ("retransmissions, out_of_order resend_after_gap/quick_retransmission/pmtu_icmp "
                        "(+ out_of_order reordered_or_resent downstream of the loss)", is_retx, True)),
    ("TcpExtTCPFastRetrans", ("fast_retransmission, retransmission loss_sack/loss_recovery, "
                              "out_of_order quick_retransmission", is_fast, False)),
    ("TcpExtTCPTimeouts", ("retransmission timeout/timeout_backoff/pmtu_blackhole/timer_too_long/syn(ack)_unanswered", is_rto,
                           False)),
    ("TcpExtTCPLossProbes", ("retransmission early_retransmission",
                             lambda k, c: (k, c) == ("retransmission", "early_retransmission"), False)),
    ("TcpExtTCPSynRetrans", ("retransmission syn_unanswered/synack_unanswered",
                             lambda k, c: k == "retransmission" and c in ("syn_unanswered", "synack_unanswered"),
                             False)),
    ("TcpExtTCPWinProbe", ("zero_window_probe", lambda k, c: k == "zero_window_probe", True)),
    # Not TCPSpuriousRTOs: the kernel counts there the timeouts its F-RTO proved spurious, which a lost ACK
    # or D-SACK can keep it from proving (the ack_blackout scenario: 2 resends the receiver had, 0 counted);
    # what a capture shows is the receiver's word that it had the data: its D-SACKs.
    ("TcpExtTCPDSACKOldSent", ("dup_ack dsack, step dsack (sent by this host; kernel: TCPDSACKOldSent + "
                               "TCPDSACKOfoSent)",
                               lambda k, c: c == "dsack" and k in ("dup_ack", "dsack"), False)),
    ("TcpExtTCPDSACKRecv", ("dup_ack dsack, step dsack (sent by the other host)",
                            lambda k, c: c == "dsack" and k in ("dup_ack", "dsack"),
                            True)),
])
# counters the other host's frames show (the DSACK comes from the receiver)
FROM_PEER = ("TcpExtTCPDSACKRecv",)
# counters seen only in SACK blocks, which a snaplen may cut off
SACK_COUNTERS = ("TcpExtTCPDSACKOldSent", "TcpExtTCPDSACKRecv")
# counters that are the sum of kernel counters
KERNEL_SUMS = {"TcpExtTCPDSACKOldSent": ("TcpExtTCPDSACKOldSent", "TcpExtTCPDSACKOfoSent")}
# kernel counts tcpx may count in a counter or not: after a timeout Linux resends the rest of the holes in its
# loss state (TCPSlowStartRetrans), each prompted by the receiver's SACKs as a fast retransmission is; the wire
# does not show the sender's state (queue_shared_at_server: 129 fast + 9 of these, tcpx 138 fast)
KERNEL_EITHER = {"TcpExtTCPFastRetrans": "TcpExtTCPSlowStartRetrans"}


def probes_resent(counters):
    """(least, most) of the host's tail-loss probes that resent data.  TCPLossProbes counts every probe, and a
    probe sends new data when the sender has some (policer_lan: 3 probes, all 54 resends fast retransmissions):
    that is no resend on the wire.  A resent probe counts in TcpRetransSegs beside the fast, slow-start, SYN
    and timeout resends (one a timeout)."""
    c = lambda n: counters.get(n, 0)
    other = c("TcpRetransSegs") - c("TcpExtTCPFastRetrans") - c("TcpExtTCPSlowStartRetrans") - c("TcpExtTCPSynRetrans")
    most = max(0, min(c("TcpExtTCPLossProbes"), other))
    return max(0, min(most, other - c("TcpExtTCPTimeouts"))), most


def within(tcpx, kernel):
    """The issue's tolerance: within 5% or 1."""
    return abs(tcpx - kernel) <= max(1.0, 0.05 * kernel)


def options_cut(frame):
    """Did the capture's snaplen cut this frame inside its TCP options (an Ethernet frame: the corpus's veths),
    where its SACK blocks are?"""
    try:
        return int(frame["frame.cap_len"]) < 14 + int(frame["ip.hdr_len"]) + int(frame["tcp.hdr_len"])
    except (KeyError, ValueError):
        return False


def sees_originals(point, host):
    """Does a capture at `point` see what `host` sends before the router, where
    every corpus fault sits (nftables forward chain, tbf on r0)?  r0 receives
    the client's packets before forwarding them, and sends the server's after."""
    return point in (host, "router-both") or (point == "router" and host == "client")


def userspace_senders(truth):
    """Hosts whose TCP was a userspace sender (tests/corpus/rawtcp.py): their kernel
    had no socket for the connection and counted none of its retransmissions."""
    return {"client"} if any(a.get("sender") == "rawtcp.py" for a in truth["apps"]) else set()


def counter_results(truth, obs):
    """(rows, misses): per host and kernel counter, the kernel's count and tcpx's."""
    userspace = userspace_senders(truth)
    hosts = {}
    for s in truth["streams"]:
        hosts[s["client"].rsplit(":", 1)[0]] = "client"
        hosts[s["server"].rsplit(":", 1)[0]] = "server"
    point = truth["capture"]["point"]
    counts = collections.Counter()
    for frame in obs.frames:
        host = hosts.get(frame["ip.src"])
        found = pairs(frame)
        for name, (_, test, _) in COUNTERS.items():
            if any(test(k, c) for k, c in found):
                counts[(host, name)] += 1
        if any(k == "out_of_order" and not is_retx(k, c) and c not in REORDERED for k, c in found):
            counts[(host, "out_of_order")] += 1
        if any(k == "lost_segment" for k, c in found):
            counts[(host, "lost_segment")] += 1
        if options_cut(frame):
            counts[(host, "options_cut")] += 1
    rows, misses = [], []
    for host in ("client", "server"):
        upstream = sees_originals(point, host)
        peer = "server" if host == "client" else "client"
        for name, (what, _, downstream_too) in COUNTERS.items():
            kernel = sum(truth["counters"][host].get(n, 0) for n in KERNEL_SUMS.get(name, (name,)))
            least, probes = kernel, kernel
            if name == "TcpExtTCPLossProbes":
                least, kernel = probes_resent(truth["counters"][host])
            shown_by = peer if name in FROM_PEER else host  # whose frames show what the counter counts
            tcpx = counts[(shown_by, name)]
            note = ""
            if not upstream and name == "TcpRetransSegs":
                tcpx += counts[(host, "out_of_order")]
                note = ("downstream of the loss: a lost original shows as a gap, its retransmission as out-of-order "
                        "(those tcpx could not tell from reordering counted as resends)")
                # a resend dropped again never reaches a capture after the drop (queue_shared: 175 resent, 4 found lost
                # again, 170 on the wire)
                lost_again = truth["counters"][host].get("TcpExtTCPLostRetransmit", 0)
                least -= lost_again
                if lost_again:
                    note += "; %d resends lost again before the capture (LostRetransmit)" % lost_again
            comparable = upstream or downstream_too
            if not comparable:
                note = "not comparable: downstream of the loss the class of a retransmission is unknown"
            cut = counts[(shown_by, "options_cut")]
            if name in SACK_COUNTERS and cut:
                comparable = False
                note = "not comparable: the snaplen cut the TCP options of %d of the %s's frames (SACK blocks unseen)" % (
                    cut, shown_by)
            if host in userspace:
                comparable = False
                note = "not comparable: a userspace TCP (rawtcp.py) sent, its kernel counted nothing"
            either = truth["counters"][host].get(KERNEL_EITHER.get(name), 0)
            if either:
                note = (note + "; " if note else "") + "%s %d counted either way" % (
                    KERNEL_EITHER[name].replace("TcpExt", ""), either)
            if name == "TcpExtTCPLossProbes" and (least, kernel) != (probes, probes):
                note = (note + "; " if note else "") + "%d to %d of its %d probes resent data" % (least, kernel, probes)
            ok = any(within(tcpx, k + n) for k in range(least, kernel + 1) for n in range(either + 1)) \
                if comparable else None
            rows.append(dict(scenario=truth["scenario"], host=host, counter=name, kernel=kernel, tcpx=tcpx,
                             tcpx_counts=what, upstream=upstream, comparable=comparable, ok=ok, note=note,
                             gaps=counts[(host, "lost_segment")]))
            if ok is False:
                misses.append(dict(check="counter", scenario=truth["scenario"], item="%s (%s)" % (name, host),
                                   tcpx=tcpx, truth=kernel))
    return rows, misses


# --- Capture artefacts ----------------------------------------------------------

def artefact_results(truth, obs):
    """(row, misses): copies the capture made, and which of them tcpx labels."""
    seen, copies, labelled, false_labels = set(), 0, 0, 0
    for frame in obs.frames:
        key = tuple(frame[f] for f in IDENTITY)
        is_copy = key in seen
        seen.add(key)
        label = DUPLICATE in tsharkx.split(frame["tcpx.cause_code"])
        copies += is_copy
        labelled += is_copy and label
        false_labels += label and not is_copy
    artefact = any(s["fault"] == "capture" for s in truth["streams"])
    missed_verdicts = sum(1 for h in obs.health if h["verdict_code"] == "capture_missed")
    row = dict(scenario=truth["scenario"], artefact_scenario=artefact, copies=copies,
               labelled=labelled, false_labels=false_labels, capture_missed_verdicts=missed_verdicts)
    misses = []

    def miss(item, tcpx, want):
        misses.append(dict(check="artefacts", scenario=truth["scenario"], item=item, tcpx=tcpx, truth=want))
    if labelled != copies:
        miss("copies labelled", "%d of %d copies labelled %s" % (labelled, copies, DUPLICATE),
             "all %d" % copies)
    if false_labels:
        miss("false copy labels", "%d frames labelled %s that are no copy" % (false_labels, DUPLICATE), "0")
    if not artefact and missed_verdicts:
        miss("capture_missed verdicts", "%d streams judged capture_missed" % missed_verdicts,
             "0 on a capture without artefacts")
    return row, misses


# --- Texts for the wording checker -------------------------------------------------

_LABEL = re.compile(r"^[A-Z][A-Za-z0-9 ()/-]*: ")


def tree_texts(name, tree):
    """(where, pieces) of every tcpx tree item; continuation lines are pieces of their item."""
    texts, frame, current, depth = [], "", None, 0
    in_tcpx, expert = False, None
    for line in tree.split("\n"):
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        body = line.strip()
        # Wireshark's Expert Info item repeats a finding's summary (checked as the summary)
        if expert is not None and indent > expert:
            continue
        expert = indent if body.startswith("[Expert Info (") else None
        if expert is not None:
            continue
        if indent == 0:
            m = re.match(r"Frame (\d+):", line)
            frame = m.group(1) if m else frame
            in_tcpx = body.startswith("TCP anomaly explanations (tcpx)")
            current = [body.split(": ", 1)[-1]] if in_tcpx else None
            depth = 0
            if in_tcpx:
                texts.append(("%s frame %s" % (name, frame), current))
            continue
        if not in_tcpx:
            continue
        if body.startswith("[") and body.endswith("]"):
            body = body[1:-1]
        if current is not None and depth > 0 and indent > depth and not _LABEL.match(body):
            current.append(body)   # a continuation of a long text (cut between words)
            continue
        current, depth = [body], indent
        texts.append(("%s frame %s" % (name, frame), current))
    return texts


def tree_frames(name, tree):
    """(where, summary, findings) of every frame with a tcpx tree: the column's summary and, per
    finding, its cause code and next step (continuation lines joined)."""
    frames, frame, cur, item = [], "", None, None
    for line in tree.split("\n"):
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        body = line.strip()
        if body.startswith("[") and body.endswith("]"):
            body = body[1:-1]
        if indent == 0:
            m = re.match(r"Frame (\d+):", line)
            frame = m.group(1) if m else frame
            cur = None
            if body.startswith("TCP anomaly explanations (tcpx)"):
                cur = dict(summary="", findings=[])
                frames.append(("%s frame %s" % (name, frame), cur))
            continue
        if cur is None:
            continue
        key, _, value = body.partition(": ")
        if indent == 4 and key == "Summary":
            item = [cur, "summary"]
            cur["summary"] = value
        elif indent == 4 and not _LABEL.match(body):
            cur["findings"].append(dict(cause_code="", next_step=""))
            item = None
        elif indent == 8 and cur["findings"] and key in ("Cause code", "Next step"):
            slot = "cause_code" if key == "Cause code" else "next_step"
            cur["findings"][-1][slot] = value
            item = [cur["findings"][-1], slot]
        elif item is not None and indent > 8 - 4 * (item[1] == "summary") and not _LABEL.match(body):
            item[0][item[1]] += " " + body
        else:
            item = None
    return [(where, f["summary"], f["findings"]) for where, f in frames]


def health_texts(name, health, health_text):
    """(where, pieces): each stream's verdict and completeness, and each paragraph."""
    texts = []
    for h in health:
        for key in ("verdict", "completeness"):
            if h.get(key):
                texts.append(("%s stream %s %s" % (name, h["stream"], key), [h[key]]))
    current = None
    for line in health_text.split("\n"):
        m = re.match(r"Stream (\d+): ", line)
        if m:
            where = "%s stream %s paragraph" % (name, m.group(1))
            current = []
            texts += [(where, [line]), (where, current)]
        elif current is not None and line.startswith("  "):
            current.append(line.strip())
        else:
            current = None
    return texts
