"""Connections that never got going or died (issue #16 items 3 and 5), on the shared real captures.

A dead path is a lost connection, not a lossy link; SYNs sent again are the
handshake's, not data retransmissions; a retry after a reset is not "no SYN-ACK";
refusals to a port scanner are the scanner's doing; repeated attempts are said
once. Skipped when ../shared/real-captures is absent.
"""
import json
import os
import unittest

import tsharkx

ROOT = os.environ.get("TCPX_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))
REAL = os.path.join(ROOT, "..", "shared", "real-captures")


def real(name):
    path = os.path.join(REAL, name)
    if not os.path.exists(path):
        raise unittest.SkipTest("no %s" % path)
    return path


def health(capture, json_out=True):
    z = "tcpx,health,json" if json_out else "tcpx,health"
    rc, out, err = tsharkx.run_tshark(["-r", capture, "-q", "-z", z], capture=capture)
    if rc != 0:
        raise AssertionError("tshark failed on %s: %s" % (capture, err))
    if not json_out:
        return out
    return {s["stream"]: s for s in (json.loads(line) for line in out.splitlines() if line.startswith("{"))}


def frames(capture, display_filter):
    rows = tsharkx.fields(capture, ["frame.number", "tcpx.cause_code", "tcpx.explanation", "tcpx.cause"], display_filter)
    return {int(r["frame.number"]): r for r in rows}


class LostTest(unittest.TestCase):
    def test_dead_path_is_connection_lost(self):
        cap = real("cs_tcp_retransmissions_rto.pcapng")
        s = health(cap)[0]
        self.assertEqual(s["verdict_code"], "connection_lost")
        self.assertEqual(s["fault"], "network")
        self.assertEqual(s["loss_pattern"], "path_dead")
        self.assertIn("connection lost after 5 unanswered retransmissions over 9.211 s", s["verdict"])
        last = frames(cap, "frame.number == 6")[6]
        self.assertEqual(last["tcpx.cause_code"], "timeout_backoff")
        self.assertIn("nothing has come back from the likely server", last["tcpx.cause"])

    def test_syn_retransmissions_are_not_data(self):
        cap = real("cs_http_espn_fail_retrans_keepalive.pcapng")
        rows = frames(cap, "tcp.flags.syn == 1 && tcp.flags.ack == 0 && tcp.analysis.retransmission")
        self.assertTrue(rows)
        for n, r in rows.items():
            self.assertIn("sent its SYN again", r["tcpx.explanation"], n)
            self.assertNotIn("retransmission #", r["tcpx.explanation"], n)
            self.assertNotIn("data segment", r["tcpx.explanation"], n)

    def test_retry_after_refusal(self):
        cap = real("cs_ppa1e_evilprogram_rst_reusedports.pcap")
        rows = frames(cap, "frame.number == 14 || frame.number == 64")
        # Wireshark 4.0 keeps the retry in the refused stream (a SYN sent again), 4.4+ starts a
        # new stream on the reused ports: either way a retry after the refusal, not a lost SYN
        self.assertIn(rows[14]["tcpx.cause_code"], ("syn_retry_after_reset", "reuse_after_refusal"))
        self.assertNotIn("No SYN-ACK", rows[14]["tcpx.cause"])
        self.assertNotIn("within TIME-WAIT", rows[14]["tcpx.cause"])
        self.assertEqual(rows[64]["tcpx.cause_code"], "reuse_after_refusal")
        self.assertNotIn("within TIME-WAIT", rows[64]["tcpx.cause"])

    def test_scan_is_the_scanners_doing(self):
        cap = real("cs_ppa1e_evilprogram_rst_reusedports.pcap")
        scans = [s for s in health(cap).values() if s["verdict_code"] == "port_scan"]
        self.assertGreaterEqual(len(scans), 3)
        for s in scans:
            self.assertEqual(s["fault"], "none")
            self.assertEqual(s["score"], 100)

    def test_repeated_attempts_grouped(self):
        out = health(real("cs_http_espn_fail_retrans_keepalive.pcapng"), json_out=False)
        self.assertIn("Repeated attempts: 9 connections from 172.16.16.154 to 203.0.113.94:80", out)
        self.assertNotIn("Stream 3: 172.16.16.154:64863", out)

    def test_synack_does_not_open(self):
        cap = real("pp_w101_lab6_resets_reusedports.pcapng")
        for r in frames(cap, "tcp.flags.syn == 1 && tcp.flags.ack == 1 && tcp.analysis.reused_ports").values():
            self.assertNotIn("This SYN opens", r["tcpx.explanation"])


if __name__ == "__main__":
    unittest.main()
