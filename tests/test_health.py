"""Stream health (-z tcpx,health): counts against Wireshark's own fields, and verdicts per scenario."""
import glob
import json
import os
import unittest

import tsharkx

ROOT = os.environ.get("TCPX_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))
SAMPLES = os.path.join(ROOT, "sample_pcaps")
REAL = os.path.join(ROOT, "..", "shared", "real-captures")

# tcpx kind -> how to recognise it in tshark's own fields (per TCP header).
KINDS = {
    "retransmission": lambda r: r["tcp.analysis.retransmission"] and not r["tcp.analysis.fast_retransmission"]
                                and not r["tcp.analysis.spurious_retransmission"],
    "fast_retransmission": lambda r: r["tcp.analysis.fast_retransmission"],
    "spurious_retransmission": lambda r: r["tcp.analysis.spurious_retransmission"],
    "out_of_order": lambda r: r["tcp.analysis.out_of_order"],
    "lost_segment": lambda r: r["tcp.analysis.lost_segment"],
    "acked_unseen": lambda r: r["tcp.analysis.ack_lost_segment"],
    "dup_ack": lambda r: r["tcp.analysis.duplicate_ack"],
    "zero_window": lambda r: r["tcp.analysis.zero_window"],
    "zero_window_probe": lambda r: r["tcp.analysis.zero_window_probe"],
    "zero_window_probe_ack": lambda r: r["tcp.analysis.zero_window_probe_ack"],
    "window_full": lambda r: r["tcp.analysis.window_full"],
    "window_update": lambda r: r["tcp.analysis.window_update"],
    "keep_alive": lambda r: r["tcp.analysis.keep_alive"],
    "keep_alive_ack": lambda r: r["tcp.analysis.keep_alive_ack"],
    "reused_ports": lambda r: r["tcp.analysis.reused_ports"],
    "reset": lambda r: r["tcp.flags.reset"] in ("1", "True"),
}
# icmp.type, icmpv6.type: a TCP header inside an ICMP error is the quoted one, no segment of its stream
FIELDS = ["tcp.stream", "tcp.flags.reset", "tcpx.anomaly", "icmp.type", "icmpv6.type"] + sorted(
    "tcp.analysis." + n for n in ("retransmission", "fast_retransmission", "spurious_retransmission", "out_of_order",
                                  "lost_segment", "ack_lost_segment", "duplicate_ack", "zero_window",
                                  "zero_window_probe", "zero_window_probe_ack", "window_full", "window_update",
                                  "keep_alive", "keep_alive_ack", "reused_ports"))


def health_json(capture, extra=()):
    rc, out, err = tsharkx.run_tshark(["-r", capture, "-q", "-z", "tcpx,health,json"] + list(extra), capture=capture)
    if rc != 0:
        raise AssertionError("tshark failed on %s: %s" % (capture, err))
    streams = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return {s["stream"]: s for s in streams}


def tcpx_reading(row, kinds):
    """Wireshark's kinds of a frame, as tcpx reads them (tests/test_oracle.py): a capture
    copy is only that, and Linux's zero-window probe (a keep-alive to Wireshark) a probe."""
    ours = set(tsharkx.split(row["tcpx.anomaly"]))
    if ours == {"capture_copy"}:
        return set()
    for ws, tcpx in (("keep_alive", "zero_window_probe"), ("keep_alive_ack", "zero_window_probe_ack")):
        if ws in kinds and tcpx in ours:
            kinds = (kinds - {ws}) | {tcpx}
    return kinds


def expected_counts(capture):
    """stream -> (packets, {kind: count}) from tshark's own fields, one count per TCP header.

    -T fields cannot tell which of a frame's TCP headers (a tunnel) an analysis
    flag belongs to, so anomaly counts are None for streams seen in such frames."""
    per = {}
    for row in tsharkx.fields(capture, FIELDS):
        streams = [int(x) for x in row["tcp.stream"].split("|")] if row["tcp.stream"] else []
        if row["icmp.type"] or row["icmpv6.type"]:
            streams = []
        for st in streams:
            entry = per.setdefault(st, [0, {}])
            entry[0] += 1
            if len(streams) > 1:
                entry[1] = None
            elif entry[1] is not None:
                for kind in tcpx_reading(row, {kind for kind, test in KINDS.items() if test(row)}):
                    entry[1][kind] = entry[1].get(kind, 0) + 1
    return per


class HealthCountsTest(unittest.TestCase):
    def test_counts_match_wireshark(self):
        captures = sorted(glob.glob(os.path.join(SAMPLES, "*.pcap*")))
        if os.path.isdir(REAL):
            captures += sorted(glob.glob(os.path.join(REAL, "*.pcap*")))
        for cap in captures:
            with self.subTest(capture=os.path.basename(cap)):
                got = health_json(cap)
                want = expected_counts(cap)
                self.assertEqual(sorted(got), sorted(want), "streams differ")
                for st, (packets, kinds) in want.items():
                    s = got[st]
                    self.assertEqual(s["packets_c2s"] + s["packets_s2c"], packets, "stream %d packets" % st)
                    for kind in KINDS if kinds is not None else ():
                        self.assertEqual(s["anomalies"][kind], kinds.get(kind, 0), "stream %d %s" % (st, kind))


# capture -> expectations for its stream 0 (key: expected value, or a callable check).
SCENARIOS = {
    "clean_http.pcapng": {"verdict_code": "healthy", "fault": "none", "completeness_code": "complete",
                          "score": lambda v: v >= 90},
    "lossy_download.pcapng": {"verdict_code": "network_loss", "fault": "network", "loss_pattern": "bursts",
                              "score": lambda v: v <= 80},
    "zero_window.pcapng": {"verdict_code": "client_not_reading", "fault": "client", "zero_window_by": "client"},
    # nothing else from 10.0.0.2 in the capture: the reset may be the server's or a firewall's
    "refused.pcapng": {"verdict_code": "refused", "fault": "undetermined", "completeness": "refused"},
    "reset_midtransfer.pcapng": {"completeness": "reset by the server after data", "reset_by": "server"},
    "slow_server.pcapng": {"verdict_code": "server_app_slow", "fault": "server",
                           "app_response_max_ms": lambda v: v > 5000, "keepalives": lambda v: v > 0},
    "midstream.pcapng": {"completeness": lambda v: v.startswith("started mid-stream"), "roles_guessed": True},
    "capture_drops.pcapng": {"verdict_code": "capture_missed", "fault": "capture"},
    # a router's ICMPs "fragmentation needed": linked, not counted as packets; the resends no loss
    "pmtu_icmp.pcapng": {"verdict_code": "pmtu_handled", "fault": "none", "score": 100, "pmtu_mtu": 1280,
                         "pmtu_icmps": 10, "pmtu_frame": 16, "pmtu_resend_len": 1228, "loss_pattern": "none"},
    "near_client.pcapng": {"capture_position": "near_client", "verdict_code": "healthy"},
    "near_server.pcapng": {"capture_position": "near_server", "verdict_code": "healthy"},
}


class HealthVerdictTest(unittest.TestCase):
    def test_scenarios(self):
        for cap, want in SCENARIOS.items():
            path = os.path.join(SAMPLES, cap)
            if not os.path.exists(path):
                continue
            with self.subTest(capture=cap):
                s = health_json(path)[0]
                for key, expect in want.items():
                    self.assertIn(key, s)
                    if callable(expect):
                        self.assertTrue(expect(s[key]), "%s = %r" % (key, s[key]))
                    else:
                        self.assertEqual(s[key], expect, key)

    def test_json_types(self):
        s = health_json(os.path.join(SAMPLES, "lossy_download.pcapng"))[0]
        for key in ("stream", "packets_c2s", "bytes_s2c", "score", "retransmission_rate_pct", "duration_s"):
            self.assertIsInstance(s[key], (int, float), key)
            self.assertNotIsInstance(s[key], bool, key)
        self.assertIsInstance(s["anomalies"], dict)
        self.assertGreater(s["retransmitted_bytes"], 0)

    def test_text_report(self):
        cap = os.path.join(SAMPLES, "lossy_download.pcapng")
        rc, out, err = tsharkx.run_tshark(["-r", cap, "-q", "-z", "tcpx,health"], capture=cap)
        self.assertEqual(rc, 0, err)
        self.assertIn("TCP stream health (tcpx)", out)
        self.assertIn("network", out)
        # A filter restricts the streams.
        rc, out, err = tsharkx.run_tshark(["-r", cap, "-q", "-z", "tcpx,health,json,tcp.stream == 99"], capture=cap)
        self.assertEqual(rc, 0, err)
        self.assertFalse([l for l in out.splitlines() if l.startswith("{")])

    def test_anomaly_keys_are_tcpx_anomaly_values(self):
        # One vocabulary: the JSON's anomaly keys are the values of the tcpx.anomaly field.
        cap = os.path.join(SAMPLES, "crafted_checksum_offload.pcap")
        s = health_json(cap)[0]
        seen = {}
        for row in tsharkx.fields(cap, ["tcpx.anomaly"]):
            for name in filter(None, row["tcpx.anomaly"].replace("|", ",").split(",")):
                seen[name] = seen.get(name, 0) + 1
        self.assertIn("checksum", seen)
        self.assertNotIn("bad_checksum", s["anomalies"])
        for name, count in seen.items():
            self.assertEqual(s["anomalies"].get(name), count, name)

    def test_same_records_in_two_pass(self):
        cap = os.path.join(SAMPLES, "zero_window.pcapng")
        self.assertEqual(health_json(cap), health_json(cap, ["-2"]))


if __name__ == "__main__":
    unittest.main()
