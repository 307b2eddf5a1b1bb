"""scripts/demo.sh, the README's first command: what it prints and in which order.

The demo runs with TCPX_DEMO_SKIP_SETUP=1 (no apt, no build) and the plugin
under test (TCPX_PLUGIN).  It must print the stream health verdicts first,
then one tcpx tree per kind of anomaly (the first frame of each kind, the most
telling kinds first), then a short list of summaries per kind, then the next
steps; a capture path is taken from the caller's folder; a missing capture
stops it with a message and exit status 1.

TCPX_DEMO_SCRIPT runs another script instead of scripts/demo.sh (to check
that these tests fail on the old demo).
"""

import os
import re
import shutil
import subprocess
import tempfile
import unittest

import tsharkx

DEMO = os.environ.get("TCPX_DEMO_SCRIPT") or os.path.join(tsharkx.REPO, "scripts", "demo.sh")
SAMPLES = os.path.join(tsharkx.REPO, "sample_pcaps")
LOSSY = os.path.join(SAMPLES, "lossy_download.pcapng")
ZERO_WINDOW = os.path.join(SAMPLES, "zero_window.pcapng")
TITLE = re.compile(r"^---- (\w+): frame (\d+) ----$", re.M)


def run_demo(args=(), cwd=None, timeout=600):
    env = dict(os.environ)
    env.update({"TCPX_DEMO_SKIP_SETUP": "1", "TCPX_PLUGIN": tsharkx.PLUGIN})
    p = subprocess.run(["bash", DEMO] + list(args), cwd=cwd or tsharkx.REPO, env=env,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def kinds_of(capture):
    """{anomaly kind: [frame numbers]} from tshark -2 (what the demo lists)."""
    kinds = {}
    for r in tsharkx.fields(capture, ["frame.number", "tcpx.anomaly"],
                            display_filter="tcpx.anomaly", two_pass=True):
        for k in set(tsharkx.split(r["tcpx.anomaly"])):
            kinds.setdefault(k, []).append(int(r["frame.number"]))
    return kinds


class DemoOutput(unittest.TestCase):
    """The default capture (lossy_download), run from the repository."""

    @classmethod
    def setUpClass(cls):
        cls.rc, cls.out, cls.err = run_demo()
        cls.kinds = kinds_of(LOSSY)

    def test_runs(self):
        self.assertEqual(self.rc, 0, self.err[-3000:])

    def test_order_verdicts_trees_summaries_next_steps(self):
        out = self.out
        marks = [out.find("Stream health"), out.find("Verdict"),
                 out.find("network_loss"),                       # the verdict of stream 0
                 out.find("TCP anomaly explanations (tcpx)"),    # the first tree
                 out.find("Summaries per kind"), out.find("Next steps")]
        self.assertTrue(all(m >= 0 for m in marks), "a section is missing: %r\n%s"
                        % (marks, out[:3000]))
        self.assertEqual(marks, sorted(marks), "sections out of order: %r" % marks)

    def test_one_tree_per_kind_first_frame(self):
        titles = TITLE.findall(self.out)
        kinds = [k for k, _ in titles]
        self.assertGreaterEqual(len(titles), 3, self.out[:3000])
        self.assertLessEqual(len(titles), 6, "more than a handful of trees")
        self.assertEqual(len(set(kinds)), len(kinds), "a kind shown twice: %r" % kinds)
        # The capture has fast retransmissions: the demo shows one, before any
        # dup ACK tree.
        self.assertIn("fast_retransmission", kinds)
        if "dup_ack" in kinds:
            self.assertLess(kinds.index("fast_retransmission"), kinds.index("dup_ack"))
        for kind, frame in titles:
            frame = int(frame)
            self.assertIn(kind, self.kinds, "%s is not a kind in the capture" % kind)
            self.assertEqual(frame, self.kinds[kind][0],
                             "%s: frame %d is not the first of its kind" % (kind, frame))
            # The title is followed by that frame's tree.
            block = self.out.split("---- %s: frame %d ----\n" % (kind, frame), 1)[1]
            block = block.split("\n----", 1)[0].split("\n====", 1)[0]
            self.assertTrue(block.startswith("Frame %d:" % frame), block[:200])
            self.assertIn("TCP anomaly explanations (tcpx)", block)

    def test_summaries_are_short_and_counted(self):
        section = self.out.split("Summaries per kind", 1)[1].split("Next steps", 1)[0]
        self.assertLess(len(section.splitlines()), 60, "summary list too long")
        for kind, frames in self.kinds.items():
            n = len(frames)
            self.assertRegex(section, r"(?m)^%s: %d frames?$" % (re.escape(kind), n))
        # The first frame of the fast retransmissions, with its summary.
        self.assertRegex(section, r"(?m)^\s+44\s+Fast retransmission of bytes 17377-18824")
        self.assertLess(len(self.out.splitlines()), 250)

    def test_next_steps(self):
        nxt = self.out.split("Next steps", 1)[1]
        self.assertIn("cmake --install build", nxt)
        if os.geteuid() == 0:
            self.assertIn("-DTCPX_INSTALL_GLOBAL=ON", nxt)
        self.assertIn("wireshark -C tcpx sample_pcaps/lossy_download.pcapng", nxt)
        self.assertIn("-q -z tcpx,health", nxt)
        self.assertIn("-V -O tcpx", nxt)


class DemoPaths(unittest.TestCase):

    def test_relative_capture_from_another_folder(self):
        tmp = tempfile.mkdtemp(prefix="tcpx-demo-")
        try:
            os.chmod(tmp, 0o755)
            shutil.copyfile(ZERO_WINDOW, os.path.join(tmp, "zw.pcapng"))
            rc, out, err = run_demo(["zw.pcapng"], cwd=tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        self.assertEqual(rc, 0, err[-3000:])
        kinds = [k for k, _ in TITLE.findall(out)]
        self.assertIn("zero_window", kinds, out[:3000])
        self.assertEqual(kinds[0], "zero_window", "zero windows come before %r" % kinds)
        self.assertIn("wireshark -C tcpx zw.pcapng", out)

    def test_missing_capture(self):
        tmp = tempfile.mkdtemp(prefix="tcpx-demo-")
        try:
            rc, out, err = run_demo(["no-such-capture.pcapng"], cwd=tmp, timeout=60)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        self.assertEqual(rc, 1)
        self.assertIn("no-such-capture.pcapng", err)
        self.assertIn("not found", err)
        self.assertNotIn("====", out)


if __name__ == "__main__":
    unittest.main()
