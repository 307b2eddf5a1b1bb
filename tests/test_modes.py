"""tcpx gives the same answers however tshark is run.

On sample_pcaps/lossy_download.pcapng, the frames with a tcpx anomaly are the
same whether found with -Y (single pass), -2 -Y, -T fields, or by reading the
tcpx tree in -V output; and the tcpx tree's text does not depend on the pass,
except for what -2 adds in hindsight: the "Later in the capture" lines
(tcpx.later, tcpx.later_code, tcpx.later_frame) and their few words at the end
of the summary ("; later resent in frame 66").  Single pass has none of them.
"""

import glob
import os
import re
import shutil
import tempfile
import unittest

import tsharkx

SOURCE_DIR = os.environ.get("TCPX_SOURCE_DIR") or os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))
CAPTURE = os.path.join(SOURCE_DIR, "sample_pcaps", "lossy_download.pcapng")

FRAME_RE = re.compile(r"^Frame (\d+):")


def tshark_ok(test, args):
    rc, out, err = tsharkx.run_tshark(args, capture=CAPTURE)
    test.assertEqual(rc, 0, "tshark %s failed:\n%s" % (" ".join(args), err[-3000:]))
    return out


def listed_frames(out):
    """Frame numbers of tshark's one-line-per-frame output."""
    frames = set()
    for line in out.splitlines():
        tok = line.split(None, 1)
        if tok and tok[0].isdigit():
            frames.add(int(tok[0]))
    return frames


def tcpx_names():
    """(protocol name as shown in -V, label of tcpx.anomaly)."""
    rc, out, _ = tsharkx.run_tshark(["-G", "protocols"])
    proto = None
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and parts[2] == "tcpx":
            proto = parts[0]
    rc, out, _ = tsharkx.run_tshark(["-G", "fields"])
    label = None
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and parts[0] == "F" and parts[2] == "tcpx.anomaly":
            label = parts[1]
    return proto, label


LATER_LINE = re.compile(r"^(\s+)\[(Later in the capture|Later finding|Settled by frame): ", re.M)
LATER_SUFFIX = re.compile(r"; later[^\]]*")


def without_hindsight(tree, proto):
    """A -2 tree as single pass shows it: without the later lines and summary words."""
    kept, skip_deeper = [], None
    for line in tree.split("\n"):
        indent = len(line) - len(line.lstrip())
        if skip_deeper is not None and line and indent > skip_deeper:
            continue        # a long later text's continuation lines
        skip_deeper = None
        m = LATER_LINE.match(line)
        if m:
            skip_deeper = len(m.group(1))
            continue
        if line.startswith(proto) or "[Summary: " in line:
            line = LATER_SUFFIX.sub("", line)
        kept.append(line)
    return "\n".join(kept)


def tcpx_trees(out, proto):
    """frame number -> text of its tcpx tree(s) in -V output."""
    trees = {}
    frame, inside = None, False
    for line in out.splitlines():
        if line and not line[0].isspace():
            m = FRAME_RE.match(line)
            if m:
                frame = int(m.group(1))
            inside = line.startswith(proto)
        if inside and frame is not None:
            trees.setdefault(frame, []).append(line)
    return {f: "\n".join(lines) for f, lines in trees.items()}


@unittest.skipUnless(os.path.isfile(CAPTURE), "missing %s" % CAPTURE)
class ModesTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.proto, cls.anomaly_label = tcpx_names()

    def test_same_frames_and_trees(self):
        self.assertIsNotNone(self.proto, "tshark -G protocols does not list tcpx")
        self.assertIsNotNone(self.anomaly_label, "tshark -G fields does not list tcpx.anomaly")

        by_filter = listed_frames(tshark_ok(self, ["-r", CAPTURE, "-n", "-Y", "tcpx.anomaly"]))
        by_filter2 = listed_frames(tshark_ok(self, ["-r", CAPTURE, "-n", "-2", "-Y", "tcpx.anomaly"]))
        rows = tsharkx.fields(CAPTURE, ["frame.number", "tcpx.anomaly"])
        by_fields = {int(r["frame.number"]) for r in rows if r["tcpx.anomaly"]}

        v1 = tcpx_trees(tshark_ok(self, ["-r", CAPTURE, "-n", "-V"]), self.proto)
        v2 = tcpx_trees(tshark_ok(self, ["-r", CAPTURE, "-n", "-2", "-V"]), self.proto)
        # An anomaly's subtree in -V carries its severity line ("Severity: Note (2)").
        anomaly_line = re.compile(r"^\s+\[?Severity: ", re.M)
        by_tree = {f for f, text in v1.items() if anomaly_line.search(text)}

        self.assertTrue(by_fields, "no tcpx.anomaly at all in %s" % CAPTURE)

        def diff(name, got):
            return "%s differs from -T fields: only there %s, missing %s" % (
                name, sorted(got - by_fields)[:20], sorted(by_fields - got)[:20])
        self.assertEqual(by_filter, by_fields, diff("-Y tcpx.anomaly", by_filter))
        self.assertEqual(by_filter2, by_fields, diff("-2 -Y tcpx.anomaly", by_filter2))
        self.assertEqual(by_tree, by_fields, diff("-V tree", by_tree))

        # The tcpx tree text is the same in both modes, but for -2's hindsight: the
        # first frames, the first ten anomalous ones and every frame -2 amends.
        amended = {f for f, text in v2.items() if LATER_LINE.search(text)}
        self.assertTrue(amended, "-2 amends no frame of %s (its gaps are resent later)" % CAPTURE)
        self.assertFalse([f for f, text in v1.items() if "Later in the capture" in text],
                         "single pass cannot know what comes later")
        sample = sorted(by_fields)[:10] + sorted(v1)[:3] + sorted(amended)
        for f in sorted(set(sample)):
            with self.subTest(frame=f):
                self.assertEqual(v1.get(f), without_hindsight(v2.get(f), self.proto),
                                 "tcpx tree of frame %d differs between single pass and -2" % f)
        self.assertEqual(sorted(v1), sorted(v2), "frames with a tcpx tree differ between passes")

    def test_hindsight_points_forward(self):
        """-2's later notes: on a gap (lost segment), settled by a later frame of the same
        stream that carries the missing bytes."""
        rows = tsharkx.fields(CAPTURE, ["frame.number", "tcpx.anomaly", "tcpx.later_code", "tcpx.later_frame",
                                        "tcp.stream"], two_pass=True)
        later = [r for r in rows if r["tcpx.later_code"]]
        self.assertTrue(later)
        seq = {int(r["frame.number"]): r for r in tsharkx.fields(CAPTURE, ["frame.number", "tcp.stream", "tcp.seq"])}
        for r in later:
            with self.subTest(frame=r["frame.number"]):
                self.assertIn("lost_segment", r["tcpx.anomaly"])
                self.assertIn(r["tcpx.later_code"], ("resent", "reordered", "filled", "capture_missed"))
                by = int(r["tcpx.later_frame"])
                self.assertGreater(by, int(r["frame.number"]))
                self.assertEqual(seq[by]["tcp.stream"], r["tcp.stream"])

    def test_each_field_alone(self):
        """Hidden trees (-Y, columns, taps) keep only the fields asked for, and tcpx
        writes the words of the others not at all: each field shown alone as a custom
        column (a hidden tree) has the values -T fields (a full tree) gives it."""
        names = ["tcpx.summary", "tcpx.explanation", "tcpx.cause", "tcpx.cause_code",
                 "tcpx.next_step", "tcpx.related_frame", "tcpx.sender", "tcpx.anomaly"]
        full = tsharkx.fields(CAPTURE, ["frame.number"] + names)
        self.assertTrue(any(r["tcpx.explanation"] for r in full))
        for name in names:
            with self.subTest(field=name):
                out = tshark_ok(self, ["-r", CAPTURE, "-n", "-T", "tabs", "-o",
                                       'gui.column.format:"No.","%%m","F","%%Cus:%s"' % name])
                alone = {}
                for line in out.splitlines():
                    no, _, value = line.strip(" ").partition("\t")
                    alone[int(no)] = value
                want = {int(r["frame.number"]): ",".join(filter(None, r[name].split("|"))) for r in full}
                self.assertTrue(any(want.values()), name)
                self.assertEqual(alone, want)

    def test_expert_info(self):
        """Every tcpx anomaly is also an Expert Info item of protocol tcpx with the frame's summary
        of it, whether tshark builds a tree (-V) or not (-q -z expert)."""
        rows = tsharkx.fields(CAPTURE, ["frame.number", "tcpx.anomaly", "tcpx.summary"])
        findings = sum(len(tsharkx.split(r["tcpx.anomaly"])) for r in rows)
        summaries = {s for r in rows for s in tsharkx.split(r["tcpx.summary"])}
        self.assertGreater(findings, 50)
        for args in (["-q"], ["-V"]):
            with self.subTest(args=args):
                out = tshark_ok(self, ["-r", CAPTURE] + args + ["-z", "expert"])
                listed = {}
                for line in out[out.find("\nWarns") if "\nWarns" in out else 0:].splitlines():
                    m = re.match(r"^\s+(\d+)\s+\S+\s+tcpx\s+(.*)$", line)
                    if m:
                        listed[m.group(2)] = listed.get(m.group(2), 0) + int(m.group(1))
                self.assertEqual(sum(listed.values()), findings)
                for message in listed:
                    self.assertTrue(any(s.startswith(message) for s in summaries), message)


class BatchedHealthTest(unittest.TestCase):
    """tshark's health report analyses frames nobody looks at in batches (plugin/wireshark/tcpx_defer.c);
    an Expert Info listener needs every frame's result at once, so it turns that off: the streams'
    JSON must not change."""

    def test_same_json_batched_or_not(self):
        compared = 0
        for cap in sorted(glob.glob(os.path.join(SOURCE_DIR, "sample_pcaps", "*.pcap*"))):
            outs = []
            for extra in ([], ["-z", "expert"]):
                rc, out, err = tsharkx.run_tshark(["-r", cap, "-q", "-z", "tcpx,json"] + extra)
                self.assertEqual(rc, 0, err[-2000:])
                outs.append([line for line in out.splitlines() if line.startswith("{")])
            with self.subTest(capture=os.path.basename(cap)):
                self.assertEqual(outs[0], outs[1])
            compared += len(outs[0])
        self.assertGreater(compared, 20)

    def test_lua_listener_gets_every_record(self):
        """A script listening to the tcpx tap must get every record whether or not the health report runs:
        a deferred frame queues none.  Lua listeners ask for a tree, which turns deferral off."""
        rc, out, _ = tsharkx.run_tshark(["-v"])
        if not re.search(r"(\bwith |\+)Lua\b", out):  # 4.0/4.4 "with Lua 5.4", 4.6 "+Lua 5.4" (else "-Lua")
            self.skipTest("this tshark has no Lua")
        workdir = tempfile.mkdtemp(prefix="tcpx-lua-")
        self.addCleanup(shutil.rmtree, workdir, True)
        script = os.path.join(workdir, "count.lua")
        with open(script, "w") as f:
            f.write('local n = 0\nlocal l = Listener.new("tcpx")\n'
                    'function l.packet() n = n + 1 end\n'
                    'function l.draw() print("lua tcpx records: " .. n) end\n')
        counts = []
        for extra in ([], ["-z", "tcpx,health"]):
            rc, out, err = tsharkx.run_tshark(["-q"] + extra, capture=CAPTURE, extra_files=[
                (script, os.path.join(".local", "lib", "wireshark", "plugins", "tcpx_count.lua"))])
            self.assertEqual(rc, 0, err[-2000:])
            m = re.search(r"lua tcpx records: (\d+)", out)
            self.assertIsNotNone(m, out[-2000:])
            counts.append(int(m.group(1)))
        self.assertGreater(counts[0], 100)
        self.assertEqual(counts[0], counts[1])


class SummaryAndPhaseNotesTest(unittest.TestCase):
    """The column text stays short, and the phase-note preference explains every TCP frame."""

    def test_summaries_fit_a_column(self):
        for cap in sorted(glob.glob(os.path.join(SOURCE_DIR, "sample_pcaps", "*.pcap*"))):
            for row in tsharkx.fields(cap, ["frame.number", "tcpx.summary"]):
                for summary in filter(None, row["tcpx.summary"].split("|")):
                    self.assertLessEqual(len(summary), 90, "%s frame %s: %s" % (os.path.basename(cap),
                                                                                 row["frame.number"], summary))

    @unittest.skipUnless(os.path.isfile(CAPTURE), "missing %s" % CAPTURE)
    def test_phase_notes_on_every_tcp_frame(self):
        rows = tsharkx.fields(CAPTURE, ["frame.number", "tcp.stream", "tcpx.phase", "tcpx.summary", "tcpx.anomaly"],
                              extra=["-o", "tcpx.phase_notes:TRUE"])
        tcp_rows = [r for r in rows if r["tcp.stream"]]
        self.assertTrue(tcp_rows)
        for r in tcp_rows:
            self.assertIn(r["tcpx.phase"], ("handshake", "data", "keep-alive", "teardown", "reset"), r)
            self.assertTrue(r["tcpx.summary"], r)
        notes = [r for r in tcp_rows if r["tcpx.summary"].startswith(("Data:", "ACK:"))]
        self.assertTrue(notes, "no phase notes")
        # Off by default: ordinary frames say nothing.
        plain = tsharkx.fields(CAPTURE, ["frame.number", "tcpx.summary"])
        self.assertFalse([r for r in plain if r["tcpx.summary"].startswith(("Data:", "ACK:"))])


@unittest.skipUnless(os.path.isfile(CAPTURE), "missing %s" % CAPTURE)
class DisabledTest(unittest.TestCase):
    """--disable-protocol tcpx silences tcpx (it reads the setting once per file) and leaves TCP as it was."""

    def test_disabled_tcpx_says_nothing(self):
        fields = ["frame.number", "tcp.analysis.flags", "tcpx.summary"]
        on = tsharkx.fields(CAPTURE, fields)
        off = tsharkx.fields(CAPTURE, fields, extra=["--disable-protocol", "tcpx"])
        self.assertTrue([r for r in on if r["tcpx.summary"]])
        self.assertFalse([r for r in off if r["tcpx.summary"]])
        self.assertEqual([(r["frame.number"], r["tcp.analysis.flags"]) for r in on],
                         [(r["frame.number"], r["tcp.analysis.flags"]) for r in off])
        health = tshark_ok(self, ["--disable-protocol", "tcpx", "-q", "-z", "tcpx,health"])
        self.assertIn("Streams: 0", health)


if __name__ == "__main__":
    unittest.main(verbosity=2)
