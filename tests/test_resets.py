"""Resets forged by a device on the path (issue #16): on the public capture that shows them
(../shared/real-captures/pp_w101_lab6_resets_reusedports.pcapng, skipped when absent) and on the
bundled sample captures, tcpx never calls a reset whose TTL is not its host's "nothing listening",
and never takes a handshake RTT from a reset."""
import os
import unittest

import tsharkx
from test_health import health_json

ROOT = os.environ.get("TCPX_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))
LAB6 = os.path.join(ROOT, "..", "shared", "real-captures", "pp_w101_lab6_resets_reusedports.pcapng")


CRAFTED = os.path.join(ROOT, "sample_pcaps", "crafted_forged_reset.pcap")


class BundledForgedResets(unittest.TestCase):
    """sample_pcaps/crafted_forged_reset.pcap (sample_pcaps/craft.py): the server's own packets have
    TTL / hop limit 57; resets with 64 are forged, the one with 57 one RTT after the SYN is the server's."""

    @classmethod
    def setUpClass(cls):
        rows = tsharkx.fields(CRAFTED, ["frame.number", "tcpx.cause_code", "tcpx.cause"])
        cls.frames = {int(r["frame.number"]): r for r in rows}
        cls.health = health_json(CRAFTED)

    def test_frames(self):
        self.assertEqual(self.frames[13]["tcpx.cause_code"], "forged_by_middlebox")
        self.assertIn("it has TTL 64 where the server's own packets have 57, and it came 0.100 ms after the SYN",
                      self.frames[13]["tcpx.cause"])
        # 64 is a starting TTL: no router between the forger and the capture point
        self.assertIn("No router reduced its TTL of 64: it was sent on this capture's own network",
                      self.frames[13]["tcpx.cause"])
        self.assertEqual(self.frames[15]["tcpx.cause_code"], "refused")
        self.assertIn("(TTL 57; its own packets have 57)", self.frames[15]["tcpx.cause"])
        self.assertNotIn("No router reduced", self.frames[15]["tcpx.cause"])
        # IPv6: the hop limit, mid-connection
        self.assertEqual(self.frames[23]["tcpx.cause_code"], "reset_by_middlebox")
        self.assertIn("it has TTL 64 where the server's own packets have 57", self.frames[23]["tcpx.cause"])

    def test_verdicts(self):
        want = {0: ("healthy", "none"), 1: ("reset_by_middlebox", "network"), 2: ("refused", "server"),
                3: ("reset_by_middlebox", "network")}
        for n, (code, fault) in want.items():
            self.assertEqual((self.health[n]["verdict_code"], self.health[n]["fault"]), (code, fault), "stream %d" % n)
        self.assertEqual(self.health[2]["capture_position"], "near_client")


@unittest.skipUnless(os.path.exists(LAB6), "../shared/real-captures not present")
class Lab6ForgedResets(unittest.TestCase):
    """Every RST there has TTL 64 and comes 0.2-1.3 ms after the SYN; the same servers'
    SYN-ACKs carry TTL 242-245 after 44-75 ms and their data TTL 49-54."""

    @classmethod
    def setUpClass(cls):
        cls.rows = tsharkx.fields(LAB6, ["frame.number", "ip.ttl", "tcp.flags.reset", "tcpx.cause_code",
                                         "tcpx.cause", "tcp.stream"])
        cls.health = health_json(LAB6)

    def rst_rows(self):
        return [r for r in self.rows if r["tcp.flags.reset"] in ("1", "True") and r["ip.ttl"] == "64"]

    def test_no_ttl64_reset_is_nothing_listening(self):
        rows = [r for r in self.rst_rows() if r["tcpx.cause_code"]]
        self.assertGreater(len(rows), 50)
        for r in rows:
            # the claim, not the alternatives an undetermined text weighs ("Either nothing listens ..., or ...")
            self.assertNotIn(": nothing listens", r["tcpx.cause"], "frame %s" % r["frame.number"])
            self.assertNotEqual(r["tcpx.cause_code"], "refused", "frame %s" % r["frame.number"])
        forged = [r for r in rows if r["tcpx.cause_code"] == "forged_by_middlebox"]
        self.assertGreater(len(forged), 20)
        self.assertIn("TTL 64 where the server's own packets have", forged[-1]["tcpx.cause"])

    def test_refusals_are_not_blamed_on_the_server(self):
        refused = [s for s in self.health.values() if s["verdict_code"] in ("refused", "reset_by_middlebox")]
        self.assertGreater(len(refused), 30)
        for s in refused:
            self.assertNotEqual(s["fault"], "server", "stream %s: %s" % (s["stream"], s["verdict"]))
            self.assertNotIn("nothing listening", s["verdict"])
        self.assertIn("reset_by_middlebox", {s["verdict_code"] for s in refused})

    def test_handshake_rtt_not_from_a_reset(self):
        # Stream numbers differ by version (4.4+ starts a new stream on reused ports), so every stream
        # with a handshake RTT: lab6's servers are 22 ms and more away; a forged reset came in 0.2-1.3 ms.
        timed = [s for s in self.health.values() if s["irtt_ms"] is not None]
        self.assertGreaterEqual(len(timed), 4)
        for s in timed:
            self.assertGreater(s["irtt_ms"], 10.0, "stream %s: iRTT %s ms" % (s["stream"], s["irtt_ms"]))
        # and no slow-server verdict measured against such an RTT
        for s in self.health.values():
            if s["verdict_code"] in ("server_app_slow", "server_slow"):
                self.assertGreater(s["irtt_ms"] or 0, 10.0, "stream %s" % s["stream"])

    def test_retry_after_reset_is_not_no_synack(self):
        # Wireshark 4.0: a SYN sent again in the refused stream; 4.4+: a new stream on the reused ports
        retry_codes = ("syn_retry_after_reset", "reuse_after_refusal")
        retries = [r for r in self.rows if r["tcpx.cause_code"] in retry_codes]
        self.assertGreater(len(retries), 20)
        for r in retries:
            self.assertNotIn("a refusal would have come back as a reset", r["tcpx.cause"], r["frame.number"])
            self.assertNotIn("within TIME-WAIT", r["tcpx.cause"], r["frame.number"])

if __name__ == "__main__":
    unittest.main()
