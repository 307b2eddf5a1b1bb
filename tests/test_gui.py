"""tcpx in the Wireshark GUI: the "tcpx" profile, the explanation column, the
colouring rules and the Statistics menu entries.

Wireshark (wireshark-qt) runs on a virtual X screen made by xvfb-run, as user
nobody with HOME in a temp dir holding the plugin and profile/tcpx -- the same
layout tests/tools/tsharkx.py uses for tshark (tsharkx.TempHome) -- and is
driven with xdotool; screenshots are taken with ImageMagick's import
(tests/tools/wiresharkx.py).  Screenshots of a failing run are kept in
$TCPX_GUI_ARTIFACTS (default: a temp dir named in the failure message).

Skipped when the GUI tools are missing (scripts/setup.sh installs them) or
with TCPX_SKIP_GUI=1.
"""

import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

import tsharkx
import wiresharkx

CAPTURE = os.path.join(tsharkx.REPO, "sample_pcaps", "lossy_download.pcapng")
PROFILE = os.path.join(tsharkx.REPO, "profile", "tcpx")
EXPLANATION = "Explanation (tcpx)"


def _skip_reason():
    if os.environ.get("TCPX_SKIP_GUI") == "1":
        return "TCPX_SKIP_GUI=1"
    miss = wiresharkx.missing_tools()
    if miss:
        return "GUI tools missing: %s (scripts/setup.sh installs them)" % " ".join(miss)
    return None


class ProfileFiles(unittest.TestCase):
    """The shipped profile itself (no GUI needed)."""

    def test_preferences(self):
        with open(os.path.join(PROFILE, "preferences")) as f:
            text = f.read()
        fmt = re.search(r"^gui\.column\.format:\s*\n((?:\s+\".*\n)+)", text, re.M)
        self.assertTrue(fmt, "gui.column.format missing")
        cols = re.findall(r'"([^"]*)",\s*"([^"]*)"', fmt.group(1))
        self.assertEqual([c[1] for c in cols],
                         ["%m", "%t", "%s", "%d", "%p", "%L", "%Cus:tcp.stream",
                          "%Cus:tcp.time_delta", "%Cus:tcpx.summary", "%i"])
        self.assertRegex(text, r"(?m)^tcp\.calculate_timestamps: TRUE$")

    def test_colorfilters(self):
        with open(os.path.join(PROFILE, "colorfilters")) as f:
            rules = [l.rstrip("\n") for l in f if l.startswith("@")]
        with open("/usr/share/wireshark/colorfilters") as f:
            defaults = [l.rstrip("\n") for l in f if l.startswith("@")]
        pat = re.compile(r"^@([^@]+)@([^@]+)@\[(\d+),(\d+),(\d+)\]\[(\d+),(\d+),(\d+)\]$")
        ours = [r for r in rules if "tcpx." in r]
        self.assertGreaterEqual(len(ours), 4)
        # tcpx rules first, then Wireshark's defaults unchanged and in order: those of 4.0,
        # which the profile carries.  Later versions changed a few of their own rules
        # (4.4: "TTL low or unexpected"); there the profile must still carry most of them.
        self.assertEqual(rules[:len(ours)], ours)
        if tsharkx.wireshark_version() == (4, 0):
            self.assertEqual(rules[len(ours):], defaults)
        else:
            names = lambda rs: {r.split("@")[1] for r in rs}
            carried = names(defaults) & names(rules[len(ours):])
            self.assertGreaterEqual(len(carried), 0.75 * len(names(defaults)),
                                    sorted(names(defaults) - carried))
        for r in ours:
            m = pat.match(r)
            self.assertTrue(m, r)
            self.assertIn("tcpx.", m.group(2))
            bg = [int(v) for v in m.group(3, 4, 5)]
            fg = [int(v) for v in m.group(6, 7, 8)]
            self.assertTrue(all(0 <= v <= 65535 for v in bg + fg), r)
            # Readable: light background, dark text.
            self.assertGreater(sum(bg) / 3, 0.65 * 65535, "background too dark: " + r)
            self.assertLess(max(fg), 0.3 * 65535, "text too light: " + r)
            bg8 = tuple(v // 257 for v in bg)
            self.assertIn(bg8, wiresharkx.RULE_COLORS.values(), r)

    def test_profile_filters_compile(self):
        """Every tcpx colouring rule is a valid display filter with the plugin."""
        with open(os.path.join(PROFILE, "colorfilters")) as f:
            filters = [l.split("@")[2] for l in f if l.startswith("@") and "tcpx." in l]
        for flt in filters:
            rc, out, err = tsharkx.run_tshark(["-Y", flt, "-c", "1"], capture=CAPTURE)
            self.assertEqual(rc, 0, "%s: %s" % (flt, err))


@unittest.skipIf(_skip_reason(), _skip_reason())
class TsharkWithProfile(unittest.TestCase):
    """tshark -C tcpx: the profile's columns, as the GUI fills them."""

    def test_explanation_column(self):
        expected = {r["frame.number"]: r["tcpx.summary"]
                    for r in tsharkx.fields(CAPTURE, ["frame.number", "tcpx.summary"],
                                            display_filter="tcpx.anomaly")}
        self.assertGreater(len(expected), 50)
        with tsharkx.TempHome() as home:
            cap = home.add_file(CAPTURE)
            rc, out, err = home.run(["tshark", "-C", "tcpx", "-r", cap, "-T", "tabs"])
            self.assertEqual(rc, 0, err)
            rc, plain, err = home.run(["tshark", "-C", "tcpx", "-r", cap, "-T", "tabs",
                                       "-o", "tcp.calculate_timestamps:FALSE"])
        rows = {}
        for line in out.splitlines():
            cols = [c.strip() for c in line.split("\t")]
            if cols and cols[0].isdigit():
                rows[cols[0]] = cols
        for num, summary in expected.items():
            self.assertIn(summary, rows[num], "frame %s: explanation column missing" % num)
        # Stream index and per-stream delta columns are filled too.
        sample = rows[sorted(expected, key=int)[0]]
        self.assertIn("0", sample)
        self.assertTrue(any(re.match(r"^0\.\d{9}$", c) for c in sample), sample)
        with open(os.path.join(PROFILE, "preferences")) as f:
            self.assertIn(EXPLANATION, f.read())

    def test_plugin_and_prefs_listed(self):
        rc, out, err = tsharkx.run_tshark(["-G", "plugins"])
        self.assertRegex(out, r"(?m)^tcpx\.so\s+\d+\.\d+\.\d+\s+dissector")
        rc, out, err = tsharkx.run_tshark(["-G", "currentprefs"])
        self.assertIn("#tcpx.phase_notes: FALSE", out)
        # Every tcpx preference comes with help text (the comment above it).
        blocks = re.findall(r"((?:#.*\n)+)#?tcpx\.(\w+):", out)
        self.assertTrue(blocks)
        for text, name in blocks:
            self.assertGreater(len(text.splitlines()), 1, "tcpx.%s has no help text" % name)


@unittest.skipIf(_skip_reason(), _skip_reason())
class Gui(unittest.TestCase):
    """Wireshark itself, on xvfb-run's X server, with -C tcpx."""

    @classmethod
    def setUpClass(cls):
        cls.art = os.environ.get("TCPX_GUI_ARTIFACTS") or tempfile.mkdtemp(prefix="tcpx-gui-art-")
        os.makedirs(cls.art, exist_ok=True)
        cls.keep = False
        cls.x = wiresharkx.XDisplay().start()

    @classmethod
    def tearDownClass(cls):
        cls.x.stop()
        if not cls.keep and not os.environ.get("TCPX_GUI_ARTIFACTS"):
            shutil.rmtree(cls.art, ignore_errors=True)

    def shot(self, ws, name, crop=None):
        return ws.screenshot(os.path.join(self.art, name), crop)

    def fail_with(self, msg, ws=None):
        type(self).keep = True
        if ws:
            msg += "\nwireshark log:\n" + ws.log_text()
        self.fail(msg + "\n(screenshots in %s)" % self.art)

    def test_packet_list_and_statistics_menu(self):
        with tsharkx.TempHome() as home:
            ws = wiresharkx.Wireshark(self.x, home, CAPTURE, ["-g", "44"])
            try:
                ws.start()
                self.check_packet_list(ws)
                self.check_statistics_menu(ws)
            except RuntimeError as e:
                self.fail_with(str(e), ws)
            finally:
                ws.stop()

    def check_packet_list(self, ws):
        path = self.shot(ws, "packet-list.png")
        hist = wiresharkx.histogram(path)
        # The window rendered: many colours, no colour covering almost everything.
        total = sum(hist.values())
        if len(hist) < 50 or max(hist.values()) > 0.9 * total:
            self.fail_with("screenshot looks blank (%d colours)" % len(hist), ws)
        # The tcpx colouring rules paint the anomalous rows (-g 44: the first loss).
        seen = {k: hist.get(c, 0) for k, c in wiresharkx.RULE_COLORS.items()}
        if seen["note"] < 2000 or seen["warning"] < 2000:
            self.fail_with("tcpx colouring rules not visible: pixels per rule %r" % seen, ws)
        # The explanation column holds text on those rows.
        x0 = sum(w for _, w in wiresharkx.COLUMN_WIDTHS[:-1]) + 5
        x1 = x0 + wiresharkx.COLUMN_WIDTHS[-1][1] - 10
        rows, dark = wiresharkx.column_text_in_colored_rows(
            path, x0, x1, [wiresharkx.RULE_COLORS["note"], wiresharkx.RULE_COLORS["warning"]])
        if rows < 50 or dark < 1500:
            self.fail_with("explanation column looks empty: %d coloured pixel rows, %d text "
                           "pixels in x %d..%d" % (rows, dark, x0, x1), ws)

    def check_statistics_menu(self, ws):
        before = set(w["id"] for w in self.x.windows())
        ws.key("alt+s", delay=1.5)
        popups = [w for w in self.x.windows() if w["id"] not in before and w["h"] > 200]
        self.shot(ws, "statistics-menu.png")
        if not popups:
            self.fail_with("Alt+S opened no Statistics menu", ws)
        ws.key("Escape", "Escape")
        # tcpx's two entries sit together, one after the other, among the
        # statistic tables (11 and 12 Down in 4.0.17); the old "TCPX Anomaly
        # Tree" at the end of the menu is gone.
        anomalies, downs = wiresharkx.find_stat_menu_entry(ws, r"TCPX Anomalies",
                                                           first_guess=(11, 10, 12, 13))
        self.shot(ws, "anomalies.png")
        if not anomalies:
            self.fail_with("Statistics > TCPX Anomalies not found in the menu", ws)
        self.x.xdotool("key", "--window", anomalies["id"], "Escape", check=False)
        time.sleep(1.0)
        neighbours = {}
        for k in (downs - 1, downs + 1):
            w = wiresharkx.open_stat_menu_entry(ws, r"TCPX Stream Health|TCPX Anomalies", k)
            neighbours[k] = w["name"] if w else None
            if w:
                self.x.xdotool("key", "--window", w["id"], "Escape", check=False)
                time.sleep(1.0)
        self.shot(ws, "stream-health.png")
        if not any(n and "TCPX Stream Health" in n for n in neighbours.values()):
            self.fail_with("Statistics > TCPX Stream Health is not next to TCPX Anomalies (entry %d); "
                           "neighbours: %r" % (downs, neighbours), ws)
        ws.key("alt+s", delay=1.0)
        ws.key("Up", delay=0.3)
        ws.key("Return", delay=2.0)
        if self.x.wait_window(r"TCPX Anomaly Tree", 3):
            self.fail_with("TCPX Anomaly Tree is still the last entry of the Statistics menu", ws)
        ws.key("Escape", "Escape", delay=0.3)


# Captures merged for the health table: healthy, lossy, slow server, refused, zero window, reset.
TABLE_CAPTURES = ("clean_http", "lossy_download", "slow_server", "refused", "zero_window",
                  "reset_midtransfer")
TABLE_FIRST_HEADERS = ["Score", "Stream", "Client", "Server", "Fault", "Verdict"]


@unittest.skipIf(_skip_reason() or not shutil.which("mergecap"), _skip_reason() or "mergecap missing")
class GuiHealthTable(unittest.TestCase):
    """Statistics > TCPX Stream Health: what comes first, in which order, and no
    0.000000 for what is unknown.  The table is read back through the dialog's
    own "Save as..." (plain text), which writes what the dialog shows."""

    @classmethod
    def setUpClass(cls):
        cls.art = os.environ.get("TCPX_GUI_ARTIFACTS") or tempfile.mkdtemp(prefix="tcpx-gui-art-")
        os.makedirs(cls.art, exist_ok=True)
        cls.tmp = tempfile.mkdtemp(prefix="tcpx-gui-table-")
        cls.capture = os.path.join(cls.tmp, "merged.pcapng")
        subprocess.run(["mergecap", "-w", cls.capture] +
                       [os.path.join(tsharkx.REPO, "sample_pcaps", n + ".pcapng") for n in TABLE_CAPTURES],
                       check=True)
        os.chmod(cls.capture, 0o644)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def saved_table(self, extra=()):
        """(header cells, row lines, log) of the table as the dialog saves it."""
        with wiresharkx.XDisplay() as x, tsharkx.TempHome() as home:
            ws = wiresharkx.Wireshark(x, home, self.capture, ["-z", "tcpx,table"] + list(extra))
            try:
                ws.start()
                dlg = x.wait_window(r"TCPX Stream Health", 30)
                self.assertTrue(dlg, "the TCPX Stream Health dialog did not open\n" + ws.log_text())
                wiresharkx.place(ws, dlg, 0, 0, x.width, 400)
                ws.screenshot(os.path.join(self.art, "health-table.png"), crop=(0, 0, x.width, 400))
                out = os.path.join(home.work, "health.txt")
                x.xdotool("windowfocus", dlg["id"], check=False)
                time.sleep(0.5)
                # The buttons sit at the dialog's bottom right: Copy, Save as..., Close.
                # Walk from Copy (harmless) towards Close until Save as... opens.
                saving = None
                for right in (230, 200, 175, 150, 130, 115):
                    ws.click(x.width - right, 400 - 24)
                    saving = x.wait_window(r"Save Statistics As", 3)
                    if saving or not x.wait_window(r"TCPX Stream Health", 1):
                        break
                if not saving:
                    self.fail("the Save as... dialog did not open\n" + ws.log_text())
                x.xdotool("type", "--delay", "20", out)
                time.sleep(0.5)
                x.xdotool("key", "Return")
                deadline = time.time() + 10
                while time.time() < deadline and not os.path.exists(out):
                    time.sleep(0.3)
                time.sleep(0.5)
                self.assertTrue(os.path.exists(out), "the table was not saved\n" + ws.log_text())
                with open(out, encoding="utf-8") as f:
                    text = f.read()
            finally:
                ws.stop()
        lines = [l for l in text.splitlines() if l.strip() and not set(l) <= set("=-")]
        head = next(i for i, l in enumerate(lines) if "Client" in l and "Server" in l)
        return re.split(r"\s{2,}", lines[head].strip()), lines[head + 1:], text

    def test_first_columns_order_and_unknowns(self):
        headers, rows, text = self.saved_table()
        self.assertEqual(headers[:len(TABLE_FIRST_HEADERS)], TABLE_FIRST_HEADERS, text)
        self.assertEqual(len(rows), len(TABLE_CAPTURES) + 1, text)  # refused.pcapng holds two streams
        # Worst first: the dialog sorts by its first column on open, the score.
        scores = [int(r.split()[0]) for r in rows]
        self.assertEqual(scores, sorted(scores), text)
        self.assertLess(scores[0], scores[-1], text)
        # The short verdict sits right after the fault, the long one last.
        self.assertRegex(rows[0], r"\bserver\s+refused\b", text)
        # Unknown stays empty, times have 3 decimals: no 0.000000 anywhere.
        self.assertNotIn("0.000000", text)
        self.assertNotRegex(text, r"\d\.\d{4,}\b")

    def test_analysis_off_not_judged(self):
        headers, rows, text = self.saved_table(["-o", "tcp.analyze_sequence_numbers:FALSE"])
        self.assertEqual(headers[:len(TABLE_FIRST_HEADERS)], TABLE_FIRST_HEADERS, text)
        for r in rows:
            self.assertIn("not judged: TCP analysis off", r)
            self.assertNotIn("healthy", r)
        self.assertIn("TCP's sequence analysis is off", text)


# --- Colours of the tcpx rules for every reader, and the I/O Graph preset ---

# Machado, Oliveira & Fernandes (2009) simulation matrices (severity 1.0), on
# linear RGB.
CVD_MATRICES = {
    "normal": None,
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
}
# Wireshark's default rules that colour TCP frames, next to which tcpx rows sit.
TCP_DEFAULT_RULES = ("TCP", "TCP RST", "TCP SYN/FIN", "HTTP")
MIN_DISTANCE = 15.0   # CIELAB (CIE76) distance under each simulation
MIN_CONTRAST = 7.0    # WCAG contrast ratio of the text on the background


def _linear(v8):
    c = v8 / 255.0
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _simulate(rgb8, matrix):
    lin = [_linear(v) for v in rgb8]
    if matrix is None:
        return lin
    return [min(1.0, max(0.0, sum(matrix[i][j] * lin[j] for j in range(3)))) for i in range(3)]


def _lab(lin):
    r, g, b = lin
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t):
        return t ** (1.0 / 3) if t > 216.0 / 24389 else (24389.0 / 27 * t + 16) / 116

    fx, fy, fz = f(x), f(y), f(z)
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))


def _distance(a8, b8, matrix):
    la, lb = _lab(_simulate(a8, matrix)), _lab(_simulate(b8, matrix))
    return sum((p - q) ** 2 for p, q in zip(la, lb)) ** 0.5


def _contrast(a8, b8):
    def lum(c):
        r, g, b = (_linear(v) for v in c)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    hi, lo = sorted((lum(a8), lum(b8)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _rules(path):
    """[(name, filter, background 8-bit, foreground 8-bit)] of a colorfilters file."""
    pat = re.compile(r"^@([^@]+)@([^@]+)@\[(\d+),(\d+),(\d+)\]\[(\d+),(\d+),(\d+)\]$")
    rules = []
    with open(path) as f:
        for line in f:
            m = pat.match(line.rstrip("\n"))
            if m:
                v = [int(x) // 257 for x in m.group(3, 4, 5, 6, 7, 8)]
                rules.append((m.group(1), m.group(2), tuple(v[:3]), tuple(v[3:])))
    return rules


class ProfileColours(unittest.TestCase):
    """The tcpx rule colours stay apart for colour-blind readers, and text on them reads."""

    @classmethod
    def setUpClass(cls):
        cls.tcpx = [r for r in _rules(os.path.join(PROFILE, "colorfilters"))
                    if "tcpx." in r[1]]
        defaults = {r[0]: r for r in _rules("/usr/share/wireshark/colorfilters")}
        cls.defaults = [defaults[n] for n in TCP_DEFAULT_RULES if n in defaults]

    def test_tcpx_rules_distinct_from_each_other(self):
        self.assertGreaterEqual(len(self.tcpx), 5)
        for mode, matrix in CVD_MATRICES.items():
            for i, a in enumerate(self.tcpx):
                for b in self.tcpx[i + 1:]:
                    d = _distance(a[2], b[2], matrix)
                    self.assertGreaterEqual(d, MIN_DISTANCE, "%s: %r and %r too close (%.1f)"
                                            % (mode, a[0], b[0], d))

    def test_tcpx_rules_distinct_from_wireshark_tcp_rules(self):
        self.assertEqual(len(self.defaults), len(TCP_DEFAULT_RULES),
                         "Wireshark's default TCP rules not found")
        for mode, matrix in CVD_MATRICES.items():
            for a in self.tcpx:
                for b in self.defaults:
                    d = _distance(a[2], b[2], matrix)
                    self.assertGreaterEqual(d, MIN_DISTANCE, "%s: %r and Wireshark's %r too "
                                            "close (%.1f)" % (mode, a[0], b[0], d))

    def test_text_contrast(self):
        for name, _, bg, fg in self.tcpx:
            for text in (fg, (0, 0, 0)):
                c = _contrast(bg, text)
                self.assertGreaterEqual(c, MIN_CONTRAST, "%r: text %r on %r: contrast %.1f"
                                        % (name, text, bg, c))

    def test_checks_catch_the_old_colours(self):
        """The previous reset/zero-window pair (#E8C8FF, #B8E0FF): 1.4 apart for
        deuteranopes; the old reset #E8C8FF next to Wireshark's TCP #E7E6FF."""
        m = CVD_MATRICES["deuteranopia"]
        self.assertLess(_distance((232, 200, 255), (184, 224, 255), m), MIN_DISTANCE)
        self.assertLess(_distance((232, 200, 255), (231, 230, 255), m), MIN_DISTANCE)


@unittest.skipIf(_skip_reason(), _skip_reason())
class GuiIoGraphs(unittest.TestCase):
    """Statistics > I/O Graphs opens with the profile's io_graphs preset."""

    def test_io_graph_preset_loaded(self):
        with open(os.path.join(PROFILE, "io_graphs")) as f:
            rows = [l for l in f if l.startswith('"')]
        enabled = [tuple(int(c[i:i + 2], 16) for i in (1, 3, 5))
                   for c in (r.split('","')[3] for r in rows if r.startswith('"Enabled"'))]
        self.assertTrue(enabled)
        art = os.environ.get("TCPX_GUI_ARTIFACTS") or tempfile.mkdtemp(prefix="tcpx-gui-art-")
        keep = bool(os.environ.get("TCPX_GUI_ARTIFACTS"))
        try:
            with wiresharkx.XDisplay() as x, tsharkx.TempHome() as home:
                ws = wiresharkx.Wireshark(x, home, CAPTURE)
                try:
                    ws.start()
                    win, downs = wiresharkx.find_stat_menu_entry(ws, r"I/O Graphs",
                                                                 first_guess=(6, 5, 7))
                    wiresharkx.time.sleep(2.0)   # the graphs are drawn
                    path = ws.screenshot(os.path.join(art, "io-graphs.png"))
                    names = [w["name"] for w in x.windows()]
                    log = ws.log_text()
                finally:
                    ws.stop()
            self.assertTrue(win, "Statistics > I/O Graphs not found")
            # No error dialog about the io_graphs file, only the two windows.
            others = [n for n in names if "I/O Graphs" not in n
                      and n != os.path.basename(CAPTURE)]
            self.assertEqual(others, [], "other windows: %r\n%s" % (others, log))
            # The colour swatches of the first two graphs of the preset are in
            # the graph table (Wireshark's own defaults have other colours).
            hist = wiresharkx.histogram(path, crop=(win["x"], win["y"], win["w"], win["h"]))
            for c in enabled[:2]:
                self.assertGreater(hist.get(c, 0), 40, "graph colour #%02X%02X%02X not shown"
                                   % c)
        except AssertionError:
            keep = True
            raise
        finally:
            if not keep:
                shutil.rmtree(art, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
