#!/usr/bin/env python3
"""event_counts.py: how often each "beyond the flags" event (#17) fires, per capture.

For every capture given (a corpus directory's *.pcapng, ../shared/real-captures, or
files), one tshark pass for the frames and one for the health JSON, then one row per
capture: frame causes and steps (counted frames) and stream verdicts and figures
(counted streams).  A reading aid for reviews and closing notes, not a test: the
truth test (tests/test_truth.py) is what checks the events against ground truth.

    python3 tests/tools/event_counts.py /var/tmp/tcpx-corpus ../shared/real-captures
"""

import collections
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tsharkx  # noqa: E402

# (column, what counts): frames whose tcpx.cause_code / tcpx.step / tcpx.anomaly holds a
# value, or streams whose JSON verdict_code or figure says so.
FRAME_EVENTS = [
    ("syn_unans", "cause", "syns_unanswered"),
    ("pmtu_icmp", "step", "pmtu_icmp"),
    ("pmtu_resend", "cause", "pmtu_icmp"),
    ("unreach_icmp", "step", "icmp_unreachable"),
    ("blackhole", "cause", "pmtu_blackhole"),
    ("nagle", "step", "nagle"),
    ("timer_long", "cause", "timer_too_long"),
    ("beyond_win", "kind", "beyond_window"),
    ("sacked_resent", "cause", "resent_sacked"),
]
STREAM_EVENTS = [
    ("connect_delayed", lambda h: h["verdict_code"] == "connect_delayed" or "connect delayed" in h["verdict"]),
    ("queue", lambda h: h.get("queue_rtt_peak_ms") is not None),
    ("nagle_v", lambda h: (h.get("nagle_stalls") or 0) >= 3),
    ("rto_long", lambda h: h.get("rto_long_s") is not None),
    ("pmtu_v", lambda h: h["verdict_code"] in ("pmtu_handled", "pmtu_no_resend", "pmtu_blackhole")),
    ("sack_ign", lambda h: h["verdict_code"] == "sack_ignored" or "ignores SACK" in h["verdict"]),
    ("beyond_v", lambda h: h["verdict_code"] == "beyond_window" or "past the receive window" in h["verdict"]),
    ("scan", lambda h: h["verdict_code"] == "port_scan"),
    ("unreach_v", lambda h: h.get("unreachable_icmps") is not None),
    ("rwnd>50%", lambda h: h.get("limits_busy_s") and (h["limits_rwnd_s"] or 0) > 0.5 * h["limits_busy_s"]),
    ("recov>50%", lambda h: h.get("limits_busy_s") and h["limits_recovery_s"] > 0.5 * h["limits_busy_s"]),
]


def count(capture):
    rows = tsharkx.fields(capture, ["tcpx.cause_code", "tcpx.step", "tcpx.anomaly"], display_filter="tcpx")
    where = {"cause": "tcpx.cause_code", "step": "tcpx.step", "kind": "tcpx.anomaly"}
    got = collections.Counter()
    for row in rows:
        for col, field, value in FRAME_EVENTS:
            if value in tsharkx.split(row[where[field]]):
                got[col] += 1
    rc, out, _ = tsharkx.run_tshark(["-r", capture, "-q", "-z", "tcpx,health,json"], capture=capture)
    health = [json.loads(line) for line in out.splitlines() if line.startswith("{\"stream\"")]
    for col, test in STREAM_EVENTS:
        got[col] = sum(1 for h in health if test(h))
    got["streams"] = len(health)
    return got


def main(argv):
    captures = []
    for arg in argv or ["/var/tmp/tcpx-corpus"]:
        captures += sorted(glob.glob(os.path.join(arg, "*.pcap*"))) if os.path.isdir(arg) else [arg]
    cols = ["streams"] + [c for c, _, _ in FRAME_EVENTS] + [c for c, _ in STREAM_EVENTS]
    print("| capture | " + " | ".join(cols) + " |")
    print("|---" * (len(cols) + 1) + "|")
    for cap in captures:
        got = count(cap)
        print("| %s | %s |" % (os.path.basename(cap).split(".")[0],
                               " | ".join(str(got[c]) if got[c] else "." for c in cols)))
    print("\nFrames: %s. Streams: %s." % (", ".join("%s = %s %s" % (c, f, v) for c, f, v in FRAME_EVENTS),
                                          ", ".join(c for c, _ in STREAM_EVENTS)))


if __name__ == "__main__":
    main(sys.argv[1:])
