"""Robustness: captures from untrusted networks must not crash tcpx, and the
odd-but-legal ones must still be explained correctly.

* every sample capture through the ASan/UBSan build (skipped when that build
  or gcc's libasan is missing; the ctest fixture `asan_build` makes it);
* a capture starting mid-stream, sequence numbers wrapping past 2^32,
  IPv6 over VLAN, a tunnel with two TCP headers per frame, a snaplen of 60,
  3000 concurrent streams (generated at test time), a capture with no TCP.

Hostile captures: sample_pcaps/hostile_*.pcap, made by sample_pcaps/craft_hostile.py.
"""

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

import tsharkx
import sanitized

SOURCE_DIR = os.environ.get("TCPX_SOURCE_DIR") or os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))
SAMPLES = os.path.join(SOURCE_DIR, "sample_pcaps")
sys.path.insert(0, SAMPLES)
import craft_hostile  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_oracle  # noqa: E402  (Wireshark flags -> expected tcpx anomalies)


def sample(name):
    return os.path.join(SAMPLES, name)


def rows(cap, fields, extra=(), two_pass=False, display_filter=None):
    return tsharkx.fields(cap, fields, display_filter=display_filter,
                          two_pass=two_pass, extra=extra)


_TAPS = None


def have_tap(name):
    """Is `-z name` listed by `tshark -z help` with the (normal) plugin?"""
    global _TAPS
    if _TAPS is None:
        rc, out, err = tsharkx.run_tshark(["-z", "help"], timeout=120)
        _TAPS = set(l.strip() for l in (out + err).splitlines())
    return name in _TAPS


def assert_matches_oracle(tc, cap, extra=()):
    """Per frame, tcpx.anomaly equals what Wireshark's own flags call for."""
    got = rows(cap, test_oracle.FIELDS, extra=extra)
    tc.assertTrue(got, "no frames read from %s" % cap)
    bad = []
    for r in got:
        exp = test_oracle.expected_anomalies(r)
        have = set(tsharkx.split(r["tcpx.anomaly"])) - test_oracle.IGNORED
        if have != exp:
            bad.append("frame %s: tcpx %s, Wireshark %s" % (r["frame.number"], sorted(have), sorted(exp)))
    tc.assertEqual(bad, [], "%s: tcpx disagrees with Wireshark:\n%s" % (cap, "\n".join(bad[:20])))
    return got


class SanitizedSamples(unittest.TestCase):
    """Every sample capture, single pass and -2, with the ASan/UBSan plugin."""

    @classmethod
    def setUpClass(cls):
        cls.plugin = sanitized.asan_plugin()
        if not os.path.isfile(cls.plugin):
            raise unittest.SkipTest("no sanitized plugin at %s (ctest fixture asan_build, or "
                                    "cmake -S . -B build-asan -DTCPX_SANITIZE=ON -DBUILD_TESTING=OFF)"
                                    % cls.plugin)
        if not sanitized.preload():
            raise unittest.SkipTest("gcc's libasan.so not found")
        cls.env = sanitized.asan_env()

    def test_every_sample_clean(self):
        caps = sorted(p for p in glob.glob(os.path.join(SAMPLES, "*.pcap*")) if ".tmp" not in p)
        self.assertGreater(len(caps), 10)
        z = ["-z", "tcpx,health"] if have_tap("tcpx,health") else []
        problems = []
        loaded = False
        for cap in caps:
            for mode in ([], ["-2"]):
                args = ["-r", cap, "-n"] + mode + ["-T", "fields", "-e", "frame.number",
                                                   "-e", "tcpx.summary", "-e", "tcpx.anomaly"] + z
                rc, out, err = tsharkx.run_tshark(args, capture=cap, plugin=self.plugin, env=self.env)
                found = sanitized.reports(rc, out, err)
                if rc != 0 and not found:
                    found = ["tshark failed: %s %s" % (sanitized.describe_rc(rc), err[-300:])]
                if "\tHandshake" in out:
                    loaded = True
                for p in found:
                    problems.append("%s %s: %s" % (os.path.basename(cap), " ".join(mode) or "1-pass", p))
        self.assertEqual(problems, [], "\n\n".join(problems))
        self.assertTrue(loaded, "no tcpx output at all: did the sanitized plugin load?")


class Midstream(unittest.TestCase):
    def test_midstream_roles_guessed(self):
        cap = sample("midstream.pcapng")
        got = assert_matches_oracle(self, cap)
        steps = [s for r in got for s in tsharkx.split(r.get("tcpx.step", ""))]
        rc, out, err = tsharkx.run_tshark(["-r", cap, "-n", "-V", "-O", "tcpx", "-c", "1"], capture=cap)
        self.assertEqual(rc, 0, err)
        self.assertIn("Capture starts mid-connection", out)
        self.assertIn("guessed from the ports", out)
        f = rows(cap, ["frame.number", "tcpx.step", "tcpx.sender", "tcpx.phase"], display_filter="tcpx.step")
        self.assertEqual([r["tcpx.step"] for r in f][:1], ["midstream"])
        self.assertEqual(f[0]["frame.number"], "1")
        # No handshake in the capture: tcpx must not invent one.
        self.assertFalse([r for r in f if r["tcpx.step"] in ("syn", "syn_ack", "handshake_ack")], f[:5])
        self.assertEqual(f[0]["tcpx.phase"], "data")
        # The server (port 80) sends the first frame; the client is guessed from the ports.
        self.assertEqual(f[0]["tcpx.sender"], "server")
        del steps


class SeqWrap(unittest.TestCase):
    def test_wrap_relative_ranges(self):
        cap = sample("crafted_seq_wrap.pcap")
        assert_matches_oracle(self, cap)
        got = rows(cap, ["frame.number", "tcp.seq_raw", "tcpx.anomaly", "tcpx.summary",
                         "tcpx.explanation", "tcpx.cause", "tcpx.cause_code"], display_filter="tcpx")
        by = {r["frame.number"]: r for r in got}
        # Raw sequence numbers really wrap in this capture.
        raw = [int(r["tcp.seq_raw"]) for r in got]
        self.assertTrue(max(raw) > 0xFFFF0000 and min(raw) < 0x10000, raw)
        self.assertEqual(by["17"]["tcpx.anomaly"], "fast_retransmission")
        self.assertIn("bytes 4345-5792", by["17"]["tcpx.summary"])
        self.assertEqual(by["17"]["tcpx.cause_code"], "loss_dupacks")
        self.assertEqual(by["11"]["tcpx.anomaly"], "lost_segment")
        self.assertIn("1,448 bytes", by["11"]["tcpx.summary"])
        self.assertEqual(sum(1 for r in got if r["tcpx.anomaly"] == "dup_ack"), 3)
        # No number from the wrong side of the wrap (~4.29e9) anywhere in tcpx's words.
        for r in got:
            for k in ("tcpx.summary", "tcpx.explanation", "tcpx.cause"):
                self.assertNotRegex(r[k], r"42949\d{5}|4,294,9", "frame %s %s" % (r["frame.number"], k))


class Ipv6Vlan(unittest.TestCase):
    def test_ipv6_vlan_names_and_retransmission(self):
        cap = sample("crafted_ipv6_vlan.pcap")
        assert_matches_oracle(self, cap)
        got = rows(cap, ["frame.number", "vlan.id", "ipv6.src", "tcpx.anomaly", "tcpx.summary",
                         "tcpx.explanation", "tcpx.sender", "tcpx.step"])
        self.assertTrue(all(r["vlan.id"] == "100" and r["ipv6.src"] for r in got))
        anomalies = [(r["frame.number"], r["tcpx.anomaly"]) for r in got if r["tcpx.anomaly"]]
        expected = [("9", "retransmission")]
        if tsharkx.wireshark_version() >= (4, 6):
            expected.append(("10", "ambiguous_ack"))   # 4.6: the ACK of the retransmitted bytes
        self.assertEqual(anomalies, expected)
        r9 = got[8]
        self.assertIn("bytes 2897-3087", r9["tcpx.summary"])
        self.assertIn("[fd00:100::2]:80", r9["tcpx.explanation"])
        self.assertEqual(r9["tcpx.sender"], "server")
        self.assertEqual(got[0]["tcpx.step"], "syn")


class Tunnel(unittest.TestCase):
    CAP = sample("hostile_tunnel_gtp.pcap")
    # GTP is decoded on TCP port 2152 by default; say it anyway.
    EXTRA = ["-d", "tcp.port==2152,gtp", "-o", "tcpx.phase_notes:TRUE"]

    def test_two_tcpx_trees_per_frame(self):
        rc, out, err = tsharkx.run_tshark(["-r", self.CAP, "-n", "-V", "-O", "tcpx"] + self.EXTRA,
                                          capture=self.CAP)
        self.assertEqual(rc, 0, err)
        frames = re.split(r"(?m)^Frame (\d+):", out)[1:]
        labels = {}
        for num, body in zip(frames[0::2], frames[1::2]):
            labels[int(num)] = re.findall(r"(?m)^TCP anomaly explanations \(tcpx\)( \(TCP header \d of \d\))?:", body)
        self.assertEqual(len(labels), 16)
        for n in range(4, 13):
            self.assertEqual(labels[n], [" (TCP header 1 of 2)", " (TCP header 2 of 2)"], "frame %d" % n)
        for n in (1, 2, 3, 13, 14, 15, 16):
            self.assertEqual(labels[n], [""], "frame %d" % n)

    def test_each_layer_has_its_own_story(self):
        got = rows(self.CAP, ["frame.number", "tcp.stream", "tcpx.step", "tcpx.anomaly", "tcpx.summary"],
                   extra=self.EXTRA[:2])
        by = {int(r["frame.number"]): r for r in got}
        self.assertEqual(by[1]["tcpx.step"], "syn")                  # outer handshake
        self.assertEqual(sorted(tsharkx.split(by[4]["tcp.stream"])), ["0", "1"])
        self.assertEqual(by[4]["tcpx.step"], "syn")                  # inner handshake, outer is plain data
        self.assertEqual(by[6]["tcpx.step"], "handshake_ack")
        # The inner retransmission, and nothing about the outer stream (whose bytes are all new).
        flagged = [9, 10] if tsharkx.wireshark_version() >= (4, 6) else [9]   # 4.6: ambiguous ACK in 10
        self.assertEqual([n for n, r in sorted(by.items()) if r["tcpx.anomaly"]], flagged)
        self.assertEqual(by[9]["tcpx.anomaly"], "retransmission")
        self.assertIn("bytes 1-600 (frame 8", by[9]["tcpx.summary"])
        self.assertEqual(by[14]["tcpx.step"], "fin")
        self.assertIn("286 bytes", by[14]["tcpx.summary"])            # outer: 9 GTP packets' bytes
        assert_matches_oracle(self, self.CAP, extra=self.EXTRA[:2])

    def test_header_numbers_follow_the_frame(self):
        # The outer TCP header comes first in the frame: it is "1 of 2" (fixed bug:
        # headers used to be numbered in the order TCP finished with them).
        rc, out, err = tsharkx.run_tshark(["-r", self.CAP, "-n", "-V", "-O", "tcpx", "-Y", "frame.number==9"]
                                          + self.EXTRA, capture=self.CAP)
        self.assertEqual(rc, 0, err)
        m = re.search(r"\(TCP header 1 of 2\): (.*)", out)
        self.assertTrue(m, out)
        self.assertNotIn("Retransmission", m.group(1))   # header 1 = outer, whose bytes are new


class Snaplen(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="tcpx-snaplen-")
        self.cap = os.path.join(self.tmp, "seq_wrap_s60.pcap")
        subprocess.run(["editcap", "-s", "60", sample("crafted_seq_wrap.pcap"), self.cap], check=True)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_snaplen_60_same_anomalies(self):
        # Not the oracle here: when the snaplen cuts a SACK option, TCP throws
        # before it adds tcp.analysis.* to the tree, but its analysis (which tcpx
        # reads) still calls frames 12, 14, 16 duplicate ACKs: tcpx must say
        # exactly what it says on the full capture.
        got = rows(self.cap, test_oracle.FIELDS)
        full = assert_matches_oracle(self, sample("crafted_seq_wrap.pcap"))
        self.assertEqual(len(got), 21)
        self.assertEqual([r["tcpx.anomaly"] for r in got], [r["tcpx.anomaly"] for r in full])
        f = rows(self.cap, ["frame.number", "frame.cap_len", "tcpx.summary"], display_filter="tcpx.anomaly")
        self.assertTrue(all(int(r["frame.cap_len"]) <= 60 for r in f))
        self.assertIn("Fast retransmission of bytes 4345-5792", [r["tcpx.summary"] for r in f if r["frame.number"] == "17"][0])

    def test_truncated_options_not_called_absent(self):
        # With the SYN options cut by the snaplen, tcpx must not claim "no window
        # scaling, no SACK": the options were only not captured (fixed bug).
        got = rows(self.cap, ["frame.number", "tcpx.explanation"], display_filter="frame.number <= 2")
        for r in got:
            self.assertNotIn("no window scaling", r["tcpx.explanation"])
        self.assertIn("options not captured", " ".join(r["tcpx.explanation"] for r in got))


class ManyStreams(unittest.TestCase):
    N = 3000

    def test_3000_concurrent_streams(self):
        tmp = tempfile.mkdtemp(prefix="tcpx-many-")
        try:
            cap = os.path.join(tmp, "hostile_many_streams.pcap")
            retx = craft_hostile.craft_many_streams(cap, self.N)
            self.assertEqual(retx, self.N // 100)
            t = time.time()
            got = rows(cap, ["frame.number", "tcp.stream", "tcpx.step", "tcpx.anomaly", "tcpx.summary",
                             "tcp.analysis.retransmission"])
            elapsed = time.time() - t
            self.assertEqual(len(got), self.N * 9 + self.N // 100)
            streams = {r["tcp.stream"] for r in got}
            self.assertEqual(len(streams), self.N)
            count = {}
            for r in got:
                for s in tsharkx.split(r["tcpx.step"]) + tsharkx.split(r["tcpx.anomaly"]):
                    count[s] = count.get(s, 0) + 1
            for step in ("syn", "syn_ack", "handshake_ack", "fin", "fin_reply", "close_ack"):
                self.assertEqual(count.get(step), self.N, step)
            self.assertEqual(count.get("retransmission"), self.N // 100)
            retx_streams = sorted(int(r["tcp.stream"]) for r in got if r["tcpx.anomaly"] == "retransmission")
            self.assertEqual(retx_streams, list(range(0, self.N, 100)))
            # Each stream's retransmission names its own first transmission (frame 4N+i+1), as a
            # retransmission's "(frame N, +age)" or a capture copy's "copy of frame N".
            for r in got:
                if r["tcpx.anomaly"] == "retransmission":
                    i = int(r["tcp.stream"])
                    first = 4 * self.N + i + 1
                    self.assertRegex(r["tcpx.summary"], r"\(frame %d,|copy of frame %d " % (first, first))
            self.assertEqual(sum(1 for r in got if r["tcp.analysis.retransmission"]), self.N // 100)
            self.assertLess(elapsed, 120, "3000 streams took %.0f s" % elapsed)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


class TimeExtremes(unittest.TestCase):
    """Timestamps 1 s after the epoch and 2^32-1 s (the classic pcap limits).
    The sanitized run over this capture (SanitizedSamples) is what finds the
    64-bit overflows; here: the words stay sane."""
    CAP = sample("hostile_time_extremes.pcap")

    def test_story_and_durations(self):
        got = assert_matches_oracle(self, self.CAP)
        self.assertEqual(len(got), 19)
        f = {r["frame.number"]: r for r in rows(self.CAP, ["frame.number", "tcpx.step", "tcpx.anomaly",
                                                           "tcpx.summary", "tcpx.cause_code"])}
        self.assertEqual([f[n]["tcpx.step"] for n in ("1", "2", "3", "12", "13", "14", "15", "16", "17")],
                         ["syn", "syn_ack", "handshake_ack", "fin", "fin_reply", "close_ack",
                          "syn", "syn_ack", "handshake_ack"])
        self.assertEqual(f["19"]["tcpx.anomaly"], "reset")
        for r in f.values():
            # No negative or wrapped durations/sizes in the words.
            self.assertNotRegex(r["tcpx.summary"], r"-\d|18446744|9223372", r["frame.number"])


class NoTcp(unittest.TestCase):
    CAP = sample("hostile_no_tcp.pcap")

    def test_no_tcp_no_output(self):
        got = rows(self.CAP, ["frame.number", "udp.srcport", "icmp.type", "tcpx.summary", "tcpx.anomaly",
                              "tcpx.step"], extra=["-o", "tcpx.phase_notes:TRUE"])
        self.assertEqual(len(got), 12)
        self.assertEqual(sum(1 for r in got if r["udp.srcport"]), 6)
        self.assertEqual(sum(1 for r in got if r["icmp.type"]), 6)
        self.assertFalse([r for r in got if r["tcpx.summary"] or r["tcpx.anomaly"] or r["tcpx.step"]])
        rc, out, err = tsharkx.run_tshark(["-r", self.CAP, "-Y", "tcpx"], capture=self.CAP)
        self.assertEqual((rc, out.strip()), (0, ""), err)

    def test_health_says_no_tcp(self):
        if not have_tap("tcpx,health"):
            self.skipTest("-z tcpx,health not available yet")
        rc, out, err = tsharkx.run_tshark(["-r", self.CAP, "-q", "-z", "tcpx,health"], capture=self.CAP)
        self.assertEqual(rc, 0, err)
        self.assertRegex(out, r"(?i)\bno TCP\b", out)
        self.assertRegex(out, r"Streams: 0\b", out)
        self.assertNotRegex(err, r"(?i)critical|warning|error", err)


if __name__ == "__main__":
    unittest.main()
