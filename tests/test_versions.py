"""tcpx on the Wireshark it runs on: loading, the safety net for TCP's internals, newer conditions.

The same tests run on every version of the matrix (4.0, 4.4, 4.6: scripts/matrix.sh).  Where
Wireshark's own analysis differs between versions, the expectations say which version they are for.
"""
import glob
import json
import os
import unittest

import tsharkx

ROOT = os.environ.get("TCPX_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))
SAMPLES = os.path.join(ROOT, "sample_pcaps")
LOSSY = os.path.join(SAMPLES, "lossy_download.pcapng")
SILENT = "tcpx is silent"


def sample(name):
    return os.path.join(SAMPLES, name)


def summaries(rows):
    return [(int(r["frame.number"]), r["tcpx.summary"]) for r in rows if r["tcpx.summary"]]


class PluginTest(unittest.TestCase):
    def test_loads_for_this_version(self):
        major, minor = tsharkx.wireshark_version()
        rc, out, err = tsharkx.run_tshark(["-G", "plugins"])
        self.assertEqual(rc, 0, err)
        line = [l for l in out.splitlines() if l.startswith("tcpx.so")]
        self.assertEqual(len(line), 1, out)
        # The loader refuses a plugin built for another minor version, so this one was built for it.
        self.assertIn("/plugins/%d.%d/epan/tcpx.so" % (major, minor), line[0])
        self.assertNotIn("compiled for Wireshark version", err)
        # The type column: 4.0 says "dissector"; 4.2+ read it from plugin_describe() and
        # say "unknown" without it.
        self.assertEqual(line[0].split("\t")[2].strip(), "dissector", line[0])


class GuardTest(unittest.TestCase):
    """What tcpx reads of TCP's internals must agree with what TCP reports publicly.
    TCPX_TEST_FORCE_MISMATCH makes the adapter misread one thing, as a drifted layout would."""

    def run_forced(self, what, args, capture=LOSSY):
        return tsharkx.run_tshark(["-r", capture, "-n"] + args, capture=capture,
                                  env={"TCPX_TEST_FORCE_MISMATCH": what})

    def check_silenced(self, what):
        # Single pass: TCP's report of a frame comes after the frame, so at most the
        # frame where the disagreement shows still carries tcpx's words.
        rc, out, err = self.run_forced(what, tsharkx.FIELD_OPTS + ["-e", "frame.number", "-e", "tcpx.summary"])
        self.assertEqual(rc, 0, err)
        self.assertEqual(err.count(SILENT), 1, err)
        said = [int(l.split("\t")[0]) for l in out.splitlines() if l.split("\t")[1:2] != [""]]
        first = int(err.split("first seen at frame ")[1].split(".")[0])
        self.assertTrue(all(n <= first for n in said), (first, said[:10]))
        self.assertLess(len(said), 40)

        # Two passes (tshark's first pass runs no taps, so the second finds it): said once, as
        # Expert Info, and no explanation after that frame.
        rc, out, err = self.run_forced(what, ["-2", "-V", "-O", "tcpx"])
        self.assertEqual(rc, 0, err)
        self.check_said_once(out, err)

        rc, out, err = self.run_forced(what, ["-2", "-q", "-z", "tcpx,health"])
        self.assertIn("nothing judged", out)
        self.assertNotIn("Verdict", out)
        rc, out, err = self.run_forced(what, ["-2", "-q", "-z", "tcpx,health,json"])
        self.assertIn("tcpx_silent", json.loads(out.strip().splitlines()[-1]))

    def check_said_once(self, out, err):
        self.assertEqual(err.count(SILENT), 1, err[-2000:])
        first = int(err.split("first seen at frame ")[1].split(".")[0])
        self.assertEqual(out.count("[Expert Info (Note/Undecoded): " + SILENT), 1)
        frames = out.split("\nFrame ")
        late = [f.split(":")[0] for f in frames[1:] if int(f.split(":")[0]) > first and "[Summary:" in f]
        self.assertEqual(late, [], "explanations after the mismatch at frame %d" % first)

    def test_stream_index(self):
        self.check_silenced("stream")

    def test_sequence_numbers(self):
        self.check_silenced("seq")

    def test_acknowledgment_numbers(self):
        self.check_silenced("ack")

    def test_analysis_flags(self):
        # Flags are compared where TCP's tree is built: -V, -T fields (and the GUI).
        rc, out, err = self.run_forced("flags", ["-2", "-V", "-O", "tcpx"])
        self.assertIn("(analysis flags)", err)
        self.check_said_once(out, err)

    MODES = (["-V"], ["-2", "-V"], ["-q", "-z", "tcpx,health"], ["-T", "pdml"],
             ["-o", "tcp.analyze_sequence_numbers:FALSE", "-V"],
             ["-o", "tcp.relative_sequence_numbers:FALSE", "-V"],
             ["-o", "tcp.check_checksum:TRUE", "-V"])

    def quiet(self, caps, modes):
        explained = 0
        for cap in caps:
            with self.subTest(capture=os.path.basename(cap)):
                for args in modes:
                    rc, out, err = tsharkx.run_tshark(["-r", cap, "-n"] + args, capture=cap)
                    self.assertEqual(rc, 0, (args, err[-500:]))
                    self.assertNotIn(SILENT, err + out, args)
                    explained += "TCP anomaly explanations (tcpx)" in out
        self.assertGreater(explained, 0, "the plugin explained nothing at all")

    def test_no_false_alarm(self):
        """Unforced, the guard stays quiet on every bundled capture, trees or not, with
        TCP's preferences that change what it shows (analysis off, raw numbers, checksums)."""
        self.quiet(sorted(glob.glob(os.path.join(SAMPLES, "*.pcap*"))), self.MODES)

    def test_no_false_alarm_real(self):
        """... and on the public captures (../shared/real-captures), when present."""
        caps = sorted(glob.glob(os.path.join(ROOT, "..", "shared", "real-captures", "*.pcap*")))
        if not caps:
            self.skipTest("no ../shared/real-captures")
        self.quiet(caps, self.MODES[:1] + self.MODES[4:5])

    def test_snaplen_cut(self):
        """Frames cut by the snaplen stop TCP's tree early: not a disagreement."""
        import subprocess
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            for snap in (54, 60, 80):
                cut = os.path.join(d, "cut%d.pcapng" % snap)
                subprocess.run(["editcap", "-s", str(snap), LOSSY, cut], check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                self.quiet([cut], (["-V"], ["-2", "-V"]))


class NewerConditionsTest(unittest.TestCase):
    """Conditions Wireshark added after 4.0 are explained where the running version has them."""

    def rows(self, capture, condition):
        return tsharkx.fields(capture, ["frame.number", "tcpx.anomaly", "tcpx.summary", "tcpx.cause_code"],
                              display_filter=condition)

    def test_partial_ack(self):
        if (4, 4) > tsharkx.wireshark_version():
            self.assertNotIn("tcp.analysis.partial_ack", tsharkx.known_fields())
            self.skipTest("Wireshark before 4.4 has no partial ACK condition")
        rows = self.rows(sample("crafted_tfo.pcap"), "tcp.analysis.partial_ack")
        self.assertTrue(rows, "4.4+ flags a partial ACK in crafted_tfo.pcap")
        for r in rows:
            self.assertIn("partial_ack", r["tcpx.anomaly"].split("|"))
            self.assertIn("Partial ACK", r["tcpx.summary"])
            self.assertTrue(r["tcpx.cause_code"])

    def test_ambiguous_ack(self):
        if (4, 6) > tsharkx.wireshark_version():
            self.assertNotIn("tcp.analysis.ambiguous_ack", tsharkx.known_fields())
            self.skipTest("Wireshark before 4.6 has no ambiguous ACK condition")
        rows = self.rows(LOSSY, "tcp.analysis.ambiguous_ack")
        self.assertGreater(len(rows), 10, "4.6 flags ACKs of retransmitted data in lossy_download")
        for r in rows:
            self.assertIn("ambiguous_ack", r["tcpx.anomaly"].split("|"))
            self.assertIn("retransmitted_data", r["tcpx.cause_code"].split("|"))


if __name__ == "__main__":
    unittest.main()
