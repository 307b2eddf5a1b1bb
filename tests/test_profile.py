"""The tcpx profile's I/O Graph preset (profile/tcpx/io_graphs), without the GUI.

Wireshark 4.0 reads the "io_graphs" UAT file of the profile when
Statistics > I/O Graphs opens: one graph a line, 9 quoted fields (enabled,
name, display filter, colour, style, Y axis, Y field, SMA period, Y axis
factor).  Later versions read the same lines (4.6 added a tenth field with a
default).  tests/test_gui.py opens the dialog itself.
"""

import os
import re
import unittest

import tsharkx

PROFILE = os.path.join(tsharkx.REPO, "profile", "tcpx")
CAPTURE = os.path.join(tsharkx.REPO, "sample_pcaps", "lossy_download.pcapng")

# Values Wireshark 4.0 accepts (ui/qt/io_graph_dialog.cpp, ui/io_graph_item.h);
# 4.4 and 4.6 accept these too.
STYLES = {"Line", "Impulse", "Bar", "Stacked Bar", "Dot", "Square", "Diamond"}
Y_AXES = {"Packets", "Bytes", "Bits", "SUM(Y Field)", "COUNT FRAMES(Y Field)",
          "COUNT FIELDS(Y Field)", "MAX(Y Field)", "MIN(Y Field)", "AVG(Y Field)",
          "LOAD(Y Field)"}
SMA = {"None", "10 interval SMA", "20 interval SMA", "50 interval SMA",
       "100 interval SMA", "200 interval SMA", "500 interval SMA", "1000 interval SMA"}


def io_graphs():
    rows = []
    with open(os.path.join(PROFILE, "io_graphs")) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            rows.append((n, line))
    return rows


class IoGraphPreset(unittest.TestCase):

    def test_format(self):
        rows = io_graphs()
        self.assertGreaterEqual(len(rows), 3)
        for n, line in rows:
            m = re.match(r'^"([^"]*)"(?:,"([^"]*)"){8}$', line)
            self.assertTrue(m, "line %d: not 9 quoted fields: %s" % (n, line))
            f = re.findall(r'"([^"]*)"', line)
            self.assertIn(f[0], ("Enabled", "Disabled"), "line %d" % n)
            self.assertTrue(f[1], "line %d: no name" % n)
            self.assertRegex(f[3], r"^#[0-9A-F]{6}$", "line %d: colour" % n)
            self.assertIn(f[4], STYLES, "line %d: style" % n)
            self.assertIn(f[5], Y_AXES, "line %d: Y axis" % n)
            self.assertIn(f[7], SMA, "line %d: SMA period" % n)
            self.assertEqual(f[8], "1", "line %d: Y axis factor" % n)

    def test_one_enabled_graph_per_severity(self):
        enabled = {}
        for n, line in io_graphs():
            f = re.findall(r'"([^"]*)"', line)
            m = re.match(r"^tcpx\.severity == (\d)$", f[2])
            if f[0] == "Enabled" and m:
                enabled[int(m.group(1))] = f
        self.assertEqual(sorted(enabled), [2, 3, 4], "errors, warnings, notes")
        colours = [f[3] for f in enabled.values()]
        self.assertEqual(len(set(colours)), len(colours), "two graphs share a colour")

    def test_filters_compile_and_match(self):
        """Each graph's filter is valid with the plugin; the warnings and notes
        graphs have frames to plot in the lossy capture."""
        counts = {}
        for n, line in io_graphs():
            flt = re.findall(r'"([^"]*)"', line)[2]
            if not flt:
                continue
            rc, out, err = tsharkx.run_tshark(["-r", CAPTURE, "-n", "-Y", flt, "-T", "fields",
                                               "-e", "frame.number"], capture=CAPTURE)
            self.assertEqual(rc, 0, "line %d: %s: %s" % (n, flt, err))
            counts[flt] = len(out.split())
        self.assertGreater(counts.get("tcpx.severity == 3", 0), 0)
        self.assertGreater(counts.get("tcpx.severity == 2", 0), 0)


if __name__ == "__main__":
    unittest.main()
