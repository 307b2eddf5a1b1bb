"""The oracle test: tcpx's anomalies are exactly Wireshark's own TCP analysis.

For every bundled capture (sample_pcaps/*.pcap*) and, when it exists, every
capture in ../shared/real-captures (read in place, never copied into the repo),
tshark runs once with -T fields in single-pass and once in two-pass (-2) mode.
Per frame, the set of tcpx.anomaly values must equal the set derived from the
tcp.analysis.* fields (and tcp.flags.reset) with the mapping below.  "checksum"
is tcpx's own finding and is only checked for plausibility; "beyond_window" is
tcpx's own too (Wireshark flags no segment past the window) and is not compared.  Every frame with
an anomaly must carry a summary, and the summaries must not depend on the pass
but for -2's hindsight, which may only add words at the end ("; later ...").
Two readings of tcpx's own replace Wireshark's: a frame tcpx names a capture copy
("capture_copy": the capture recorded the packet twice) carries only that, whatever
Wireshark flagged; and Linux's zero-window probe, which Wireshark calls a keep-alive
(and its answer a keep-alive ACK), is a zero_window_probe (zero_window_probe_ack).
"""

import glob
import os
import re
import unittest

import tsharkx

SOURCE_DIR = os.environ.get("TCPX_SOURCE_DIR") or os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))
SAMPLES_DIR = os.path.join(SOURCE_DIR, "sample_pcaps")
REAL_DIR = os.path.normpath(os.path.join(SOURCE_DIR, "..", "shared", "real-captures"))

MAX_LINES = 30

# tcpx.anomaly value <- tcp.analysis field (retransmission is special-cased).
SIMPLE = {
    "fast_retransmission": "tcp.analysis.fast_retransmission",
    "spurious_retransmission": "tcp.analysis.spurious_retransmission",
    "out_of_order": "tcp.analysis.out_of_order",
    "lost_segment": "tcp.analysis.lost_segment",
    "acked_unseen": "tcp.analysis.ack_lost_segment",
    "dup_ack": "tcp.analysis.duplicate_ack",
    "zero_window": "tcp.analysis.zero_window",
    "zero_window_probe": "tcp.analysis.zero_window_probe",
    "zero_window_probe_ack": "tcp.analysis.zero_window_probe_ack",
    "window_full": "tcp.analysis.window_full",
    "window_update": "tcp.analysis.window_update",
    "keep_alive": "tcp.analysis.keep_alive",
    "keep_alive_ack": "tcp.analysis.keep_alive_ack",
    "reused_ports": "tcp.analysis.reused_ports",
    "tfo_syn": "tcp.analysis.tfo_syn",
    "tfo_ack": "tcp.analysis.tfo_ack",
    "tfo_ignored": "tcp.analysis.tfo_ignored",
}
# Conditions only newer Wireshark versions have: checked where this tshark knows them.
NEWER = {
    "partial_ack": "tcp.analysis.partial_ack",      # 4.4
    "ambiguous_ack": "tcp.analysis.ambiguous_ack",  # 4.6
}
SIMPLE.update({k: v for k, v in NEWER.items() if v in tsharkx.known_fields()})
RETX = "tcp.analysis.retransmission"
ANALYSIS_FIELDS = [RETX] + sorted(set(SIMPLE.values()))
FIELDS = (["frame.number", "tcp.stream", "tcpx.anomaly", "tcpx.summary",
           "tcp.flags.reset", "tcp.checksum", "tcp.checksum.status"]
          + ANALYSIS_FIELDS)
# tcpx's own findings, with no tcp.analysis field to compare with: checksum (checked for
# plausibility below) and beyond_window (data past the receiver's window: Wireshark flags nothing)
IGNORED = {"checksum", "beyond_window"}


def captures():
    """(label, path) of every capture to check."""
    out = []
    for d, label in ((SAMPLES_DIR, "sample_pcaps"), (REAL_DIR, "real-captures")):
        if not os.path.isdir(d):
            continue
        for p in sorted(glob.glob(os.path.join(d, "*.pcap*"))):
            # Skip captures still being written (pcapwriter's *.tmp.* files).
            if ".tmp" in os.path.basename(p) or not os.path.isfile(p):
                continue
            out.append(("%s/%s" % (label, os.path.basename(p)), p))
    return out


def is_true(v):
    return v not in ("", "0", "False", "false")


def expected_anomalies(row):
    """The tcpx.anomaly set Wireshark's own fields call for, on one frame."""
    present = {f for f in ANALYSIS_FIELDS if row[f] != ""}
    exp = {name for name, f in SIMPLE.items() if f in present}
    if RETX in present and not present & {"tcp.analysis.fast_retransmission",
                                          "tcp.analysis.spurious_retransmission"}:
        exp.add("retransmission")
    if any(is_true(v) for v in tsharkx.split(row["tcp.flags.reset"])):
        exp.add("reset")
    return exp


_value_names = None


def anomaly_names(raw):
    """tcpx.anomaly values as names.  -T fields prints a value_string field's
    number, so numbers are mapped back through `tshark -G values`."""
    global _value_names
    vals = tsharkx.split(raw)
    if not any(v.isdigit() for v in vals):
        return set(vals)
    if _value_names is None:
        _value_names = {}
        rc, out, _ = tsharkx.run_tshark(["-G", "values"])
        for line in out.splitlines():
            parts = line.split("\t")
            if len(parts) >= 4 and parts[0] == "V" and parts[1] == "tcpx.anomaly":
                name = re.sub(r"[^a-z0-9]+", "_", parts[3].strip().lower()).strip("_")
                _value_names[parts[2]] = name
    return {_value_names.get(v, "#" + v) if v.isdigit() else v for v in vals}


def same_but_hindsight(one, two):
    """-2's summary is single pass's, with at most "; later ..." added to each header's."""
    a, b = one.split("|"), two.split("|")
    return len(a) == len(b) and all(y == x or (y.startswith(x + "; later") and x) for x, y in zip(a, b))


class OracleTest(unittest.TestCase):

    def check_rows(self, label, mode, rows, problems):
        for row in rows:
            got = anomaly_names(row["tcpx.anomaly"])
            exp = expected_anomalies(row)
            where = "%s [%s] frame %s (stream %s)" % (label, mode, row["frame.number"],
                                                      row["tcp.stream"] or "-")
            if got == {"capture_copy"}:
                exp = set(got)
            if "zero_window_probe" in got and "keep_alive" in exp:
                exp = (exp - {"keep_alive"}) | {"zero_window_probe"}
            if "zero_window_probe_ack" in got and "keep_alive_ack" in exp:
                exp = (exp - {"keep_alive_ack"}) | {"zero_window_probe_ack"}
            if got - IGNORED != exp:
                missing = sorted(exp - got)
                extra = sorted(got - IGNORED - exp)
                problems.append("%s: expected %s, got %s (missing %s, extra %s)"
                                % (where, sorted(exp), sorted(got - IGNORED), missing, extra))
            if "checksum" in got:
                sums = tsharkx.split(row["tcp.checksum"])
                status = tsharkx.split(row["tcp.checksum.status"])
                if not (any(int(s, 0) == 0 for s in sums if s) or "0" in status):
                    problems.append("%s: 'checksum' but tcp.checksum=%s status=%s"
                                    % (where, row["tcp.checksum"], row["tcp.checksum.status"]))
            if got and not row["tcpx.summary"].strip():
                problems.append("%s: anomalies %s but empty tcpx.summary" % (where, sorted(got)))

    def test_oracle(self):
        caps = captures()
        if not caps:
            self.skipTest("no captures in %s or %s" % (SAMPLES_DIR, REAL_DIR))
        checked = 0
        for label, path in caps:
            with self.subTest(capture=label):
                problems = []
                one = tsharkx.fields(path, FIELDS)
                two = tsharkx.fields(path, FIELDS, two_pass=True)
                self.check_rows(label, "1-pass", one, problems)
                self.check_rows(label, "2-pass", two, problems)
                n1 = [r["frame.number"] for r in one]
                n2 = [r["frame.number"] for r in two]
                if n1 != n2:
                    problems.append("%s: single pass gave %d frames, -2 gave %d"
                                    % (label, len(n1), len(n2)))
                else:
                    for a, b in zip(one, two):
                        if not same_but_hindsight(a["tcpx.summary"], b["tcpx.summary"]):
                            problems.append("%s frame %s: summary differs between passes: "
                                            "1-pass %r, 2-pass %r"
                                            % (label, a["frame.number"],
                                               a["tcpx.summary"], b["tcpx.summary"]))
                checked += 1
                if problems:
                    lines = problems[:MAX_LINES]
                    if len(problems) > MAX_LINES:
                        lines.append("... and %d more" % (len(problems) - MAX_LINES))
                    self.fail("%d mismatch(es) in %s:\n%s"
                              % (len(problems), label, "\n".join(lines)))
        self.assertGreater(checked, 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
