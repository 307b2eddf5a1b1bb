"""Stream health with TCP's sequence analysis off (-o tcp.analyze_sequence_numbers:FALSE).

Then Wireshark detects no retransmission, lost segment, duplicate ACK or window
problem, so tcpx has nothing to judge a stream from: lossy_download.pcapng
(12% of its data segments retransmitted) must not come out "healthy".  Every
output says so instead of giving a verdict: the -z tcpx,health text, its JSON,
the GUI's table (-z tcpx,table) and the per-frame tree.
"""
import json
import os
import unittest

import tsharkx

ROOT = os.environ.get("TCPX_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))
LOSSY = os.path.join(ROOT, "sample_pcaps", "lossy_download.pcapng")
OFF = ["-o", "tcp.analyze_sequence_numbers:FALSE"]
SAID = "TCP's sequence analysis is off"


def tshark(args, capture=LOSSY):
    rc, out, err = tsharkx.run_tshark(["-r", capture] + list(args), capture=capture)
    if rc != 0:
        raise AssertionError("tshark %s failed: %s" % (" ".join(args), err))
    return out


def json_lines(extra=()):
    out = tshark(["-q", "-z", "tcpx,health,json"] + list(extra))
    return [json.loads(l) for l in out.splitlines() if l.startswith("{")]


class AnalysisOn(unittest.TestCase):
    """The control: with TCP's analysis on (the default) the loss is judged."""

    def test_lossy_is_judged(self):
        lines = json_lines()
        self.assertFalse(any("tcpx_not_judged" in l for l in lines))
        self.assertEqual(len(lines), 1)
        self.assertEqual(lines[0]["verdict_code"], "network_loss")
        self.assertLess(lines[0]["score"], 100)
        out = tshark(["-q", "-z", "tcpx,health"])
        self.assertNotIn(SAID, out)
        tree = tshark(["-c", "1", "-V", "-O", "tcpx"])
        self.assertNotIn(SAID, tree)


class AnalysisOff(unittest.TestCase):

    def test_text_says_nothing_judged(self):
        out = tshark(["-q", "-z", "tcpx,health"] + OFF)
        self.assertIn(SAID, out)
        self.assertIn("nothing can be judged", out)
        self.assertNotIn("healthy", out)
        self.assertNotIn("look healthy", out)
        row = [l for l in out.splitlines() if l.strip().startswith("0 ")]
        self.assertEqual(len(row), 1, out)
        cells = row[0].split()
        # ... Loss, Score, Fault, State, History, Verdict
        self.assertEqual(cells[-1], "not_judged", out)
        self.assertEqual(cells[-4], "-", out)                 # fault: not "none"
        self.assertEqual(cells[-5], "-", out)                 # score: not 100

    def test_json_top_level_flag_and_nulls(self):
        lines = json_lines(OFF)
        self.assertGreaterEqual(len(lines), 2)
        top = lines[0]
        self.assertEqual(top.get("tcpx_not_judged"), "tcp_analysis_off", lines)
        self.assertIn(SAID, top["message"])
        streams = lines[1:]
        self.assertEqual([s["stream"] for s in streams], [0])
        for s in streams:
            self.assertIsNone(s["score"])
            self.assertIsNone(s["fault"])
            self.assertIsNone(s["retransmission_rate_pct"])
            self.assertIsNone(s["loss_pattern"])
            self.assertEqual(s["verdict_code"], "not_judged")
            self.assertNotIn("healthy", s["verdict"])

    def test_gui_table_not_judged(self):
        out = tshark(["-q", "-z", "tcpx,table"] + OFF)
        rows = [l for l in out.splitlines() if "10.1.0.1:" in l]
        self.assertEqual(len(rows), 1, out)
        cells = [c.strip() for c in rows[0].split("|")]
        self.assertEqual(cells[0], "", out)                        # score: empty, not a number
        self.assertIn("not judged", rows[0])
        self.assertIn(SAID, rows[0])
        self.assertNotIn("healthy", rows[0])

    def test_per_frame_tree_says_so(self):
        tree = tshark(["-c", "1", "-V", "-O", "tcpx"] + OFF)
        self.assertIn(SAID, tree)

    def test_filter_keeps_the_notice(self):
        out = tshark(["-q", "-z", "tcpx,health,tcp.stream == 0"] + OFF)
        self.assertIn(SAID, out)


if __name__ == "__main__":
    unittest.main()
