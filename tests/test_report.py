"""-z tcpx,report,FILE.html: the shareable HTML report.

For a few sample captures, tshark (as nobody, in the harness's temp HOME)
writes the report into the harness's writable work dir; it is read back and
its DOM checked against `-z tcpx,health,json`: a table row per stream with
the same score, fault and verdict code; for every unhealthy stream a section
with the health report's paragraph and its pictures (a time-sequence SVG with
axes, legend and titled markers; the RTT under it); nothing that loads from
outside the file; a size bound.  Then headless Chromium (Debian's package)
renders it: a screenshot that is not blank, and `--dump-dom` after the page's
sort script sorted the table (`#sort=KEY[:desc]` in the URL) with every row
still there, in order.  The Chromium part is skipped when chromium is missing.
"""
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
from html.parser import HTMLParser

import tsharkx

ROOT = os.environ.get("TCPX_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))
SAMPLES = os.path.join(ROOT, "sample_pcaps")
CAPTURES = ["lossy_download.pcapng", "zero_window.pcapng", "reset_midtransfer.pcapng",
            "clean_http.pcapng", "refused.pcapng", "hostile_time_extremes.pcap"]
MAX_BYTES = 2 * 1024 * 1024          # a sample capture's report; large captures stay under a few MB
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--mute-audio"]


def write_report(capture, extra=()):
    """(html text, tshark stdout): the report tshark wrote as nobody into the harness's work dir."""
    with tsharkx.TempHome(profiles=()) as home:
        cap = home.add_file(capture)
        out = os.path.join(home.work, "report.html")
        rc, so, se = home.run([tsharkx.TSHARK, "-n", "-q", "-r", cap, "-z", "tcpx,report," + out] + list(extra))
        if rc != 0:
            raise AssertionError("tshark failed on %s (rc %d): %s" % (capture, rc, se[-3000:]))
        with open(out, encoding="utf-8") as f:
            return f.read(), so


def health_json(capture):
    rc, out, err = tsharkx.run_tshark(["-n", "-q", "-z", "tcpx,health,json"], capture=capture)
    if rc != 0:
        raise AssertionError("tshark failed on %s: %s" % (capture, err))
    return {s["stream"]: s for s in (json.loads(l) for l in out.splitlines() if l.startswith("{"))}


class ReportDom(HTMLParser):
    """What the checks need: rows, sections, pictures, titles, every URL-bearing attribute."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows, self.sections, self.heads = {}, {}, []
        self.urls, self.tags, self.scripts = [], set(), []
        self.table_attrs = {}
        self._row = self._cell = self._sec = self._text = None
        self._svg = None
        self._parent_cls = []
        self._groups = []          # classes of the open <g> elements

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        for k, v in attrs:
            if k in ("href", "src", "xlink:href", "action", "data", "poster", "srcset") and v is not None:
                self.urls.append(v)
        if tag == "script":
            self.scripts.append(a)
        if tag == "table":
            self.table_attrs = a
        if tag == "th":
            self.heads.append(a)
        if tag == "tr" and (a.get("id") or "").startswith("r"):
            self._row = self.rows.setdefault(int(a["id"][1:]), [])
        if tag == "td" and self._row is not None:
            self._row.append("")
            self._cell = True
        if tag == "section":
            self._sec = self.sections.setdefault(int(a["id"][1:]),
                                                 {"h3": "", "verdict": "", "svg": [], "titles": [], "texts": [],
                                                  "marker_titles": []})
        if self._sec is not None:
            if tag == "svg":
                self._svg = {"class": a.get("class"), "markers": 0}
                self._sec["svg"].append(self._svg)
            if tag in ("h3", "title", "text") or (tag == "p" and a.get("class") == "verdict"):
                self._text = [tag if tag != "p" else "verdict", "", self._parent_cls]
            self._parent_cls = (a.get("class") or "").split()
            if tag == "g":
                self._groups.append(a.get("class") or "")
            if (self._svg is not None and "m" in (a.get("class") or "").split()
                    and "legend" not in self._groups):
                self._svg["markers"] += 1

    def handle_endtag(self, tag):
        if tag == "g" and self._groups:
            self._groups.pop()
        if tag in ("tr", "tbody", "table"):   # the report leaves out </td> and </tr>
            self._row = None
        if tag == "section":
            self._sec = None
        if tag == "svg":
            self._svg = None
        if self._text and tag in ("h3", "title", "text", "p"):
            kind, text, parent = self._text
            if kind == "h3":
                self._sec["h3"] = text
            elif kind == "verdict":
                self._sec["verdict"] = text
            elif kind == "title":
                self._sec["titles"].append(text)
                if "m" in parent and "legend" not in self._groups:   # an anomaly marker's title
                    self._sec["marker_titles"].append(text)
            else:
                self._sec["texts"].append(text)
            self._text = None

    def handle_data(self, data):
        if self._row is not None and self._cell and self._row:
            self._row[-1] += data
        if self._text is not None:
            self._text[1] += data


def parse(html):
    dom = ReportDom()
    dom.feed(html)
    dom.close()
    for st, cells in dom.rows.items():
        dom.rows[st] = [c.strip() for c in cells]
    return dom


COLS = None  # header keys, from the first report


class ReportContentTest(unittest.TestCase):
    def test_samples(self):
        for name in CAPTURES:
            with self.subTest(capture=name):
                cap = os.path.join(SAMPLES, name)
                html, stdout = write_report(cap)
                self.check_report(name, html, stdout, health_json(cap))

    def check_report(self, name, html, stdout, health):
        self.assertIn("tcpx report: wrote", stdout)
        self.assertLess(len(html.encode()), MAX_BYTES)
        self.assertTrue(html.startswith("<!DOCTYPE html>"))
        self.assert_self_contained(html)
        dom = parse(html)
        keys = [h.get("data-key") for h in dom.heads]
        for k in ("stream", "client", "server", "score", "fault", "verdict"):
            self.assertIn(k, keys)
        # every stream of the health JSON has its row, with the same judgement
        self.assertEqual(sorted(dom.rows), sorted(health), "rows vs -z tcpx,health,json streams")
        for st, h in health.items():
            row = dict(zip(keys, dom.rows[st]))
            self.assertEqual(len(dom.rows[st]), len(keys), "stream %d: cells" % st)
            self.assertEqual(int(row["score"]), h["score"], "stream %d score" % st)
            self.assertEqual(row["fault"], h["fault"])
            self.assertEqual(row["verdict"], h["verdict_code"])
            self.assertTrue(row["client"].startswith(h["client"]))
            unhealthy = h["fault"] != "none"
            self.assertEqual(st in dom.sections, unhealthy, "stream %d: section iff unhealthy" % st)
            if unhealthy:
                self.check_section(name, st, dom.sections[st], h)
        if not any(h["fault"] != "none" for h in health.values()) and health:
            self.assertIn("All TCP streams look healthy.", html)

    def check_section(self, name, st, sec, h):
        self.assertIn("Stream %d: " % st, sec["h3"])
        self.assertIn("score %d/100" % h["score"], sec["h3"])
        # the paragraph: the health report's verdict sentence, capitalised, unwrapped
        self.assertTrue(sec["verdict"].lower().startswith(h["verdict"].lower()[:40]),
                        "%s stream %d: %r" % (name, st, sec["verdict"][:120]))
        self.assertNotIn("\n", sec["verdict"])
        classes = [s["class"] for s in sec["svg"]]
        self.assertEqual(classes[0], "seq", "time-sequence picture first")
        texts = " | ".join(sec["texts"])
        for label in ("Time since the stream's first frame (s)", "Relative sequence number",
                      "Data sent", "Acknowledged", "Receive window edge"):
            self.assertIn(label, texts)
        total = sum(h["anomalies"].values()) if isinstance(h.get("anomalies"), dict) else None
        if total:
            self.assertGreater(sec["svg"][0]["markers"], 0, "anomalies drawn")
            framed = sec["marker_titles"]
            self.assertEqual(len(framed), sec["svg"][0]["markers"], "a title per marker")
            for t in framed:
                self.assertRegex(t, r"^frames? \d+", "marker titles carry frame numbers")
            counted = 0
            for t in framed:
                m = re.match(r"frames \d+-\d+, [\d.]+-[\d.]+ s: (\d+) x ", t)
                counted += int(m.group(1)) if m else 1
            self.assertEqual(counted, total, "every anomaly in a marker: %s stream %d" % (name, st))
        if h.get("zero_window_client_s") or h.get("zero_window_server_s"):
            self.assertTrue(any(t.startswith("Zero window advertised by the") for t in sec["titles"]))
        if "rtt" in classes:
            self.assertIn("RTT of that data (ms)", texts)

    def assert_self_contained(self, html):
        dom = parse(html)
        for url in dom.urls:
            self.assertTrue(url.startswith("#"), "a reference out of the file: %r" % url)
        for tag in ("link", "img", "iframe", "object", "embed", "base", "meta http-equiv"):
            self.assertNotIn(tag, dom.tags)
        for attrs in dom.scripts:
            self.assertNotIn("src", attrs)
        low = html.lower()
        for bad in ("http://", "https://", "//cdn", "@import", "url(", "src=", "@font-face"):
            self.assertNotIn(bad, low)

    def test_analysis_off(self):
        """TCP's sequence analysis off: nothing judged, and the report says so (not "healthy")."""
        html, _ = write_report(os.path.join(SAMPLES, "lossy_download.pcapng"),
                               ["-o", "tcp.analyze_sequence_numbers:FALSE"])
        dom = parse(html)
        self.assertIn("TCP&#39;s sequence analysis is off", html)
        self.assertNotIn("look healthy", html)
        self.assertEqual(dom.sections, {})
        keys = [h.get("data-key") for h in dom.heads]
        row = dict(zip(keys, dom.rows[0]))
        self.assertEqual((row["score"], row["fault"], row["verdict"]), ("", "", "not_judged"))

    def test_filter_and_bad_argument(self):
        cap = os.path.join(SAMPLES, "refused.pcapng")
        html, _ = write_report(cap, ["-z", "tcpx,health,json"])
        self.assertEqual(len(parse(html).rows), 2)
        with tsharkx.TempHome(profiles=()) as home:
            c = home.add_file(cap)
            out = os.path.join(home.work, "one.html")
            rc, so, se = home.run([tsharkx.TSHARK, "-n", "-q", "-r", c, "-z", "tcpx,report,%s,tcp.stream == 1" % out])
            self.assertEqual(rc, 0, se)
            with open(out, encoding="utf-8") as f:
                self.assertEqual(sorted(parse(f.read()).rows), [1])
            rc, so, se = home.run([tsharkx.TSHARK, "-n", "-q", "-r", c, "-z", "tcpx,report"])
            self.assertNotEqual(rc, 0)
            self.assertIn("tcpx,report,FILE.html", se)


@unittest.skipUnless(CHROMIUM, "chromium not installed (scripts/setup.sh installs it)")
class ReportRenderTest(unittest.TestCase):
    """Debian's chromium, headless, no network: the page renders and its sort script works."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="tcpx-report-")
        cls.pages = {}
        for name in ("lossy_download.pcapng", "refused.pcapng"):
            html, _ = write_report(os.path.join(SAMPLES, name))
            path = os.path.join(cls.tmp, name + ".html")
            with open(path, "w", encoding="utf-8") as f:
                f.write(html)
            cls.pages[name] = path

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def chromium(self, args, timeout=120):
        profile = tempfile.mkdtemp(prefix="chromium-", dir=self.tmp)
        p = subprocess.run([CHROMIUM] + CHROMIUM_FLAGS + ["--user-data-dir=" + profile] + args,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                           cwd=self.tmp, env=dict(os.environ, HOME=self.tmp))
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")

    def test_screenshot(self):
        png = os.path.join(self.tmp, "lossy.png")
        rc, out, err = self.chromium(["--screenshot=" + png, "--window-size=1400,2000",
                                      "file://" + self.pages["lossy_download.pcapng"]])
        self.assertEqual(rc, 0, err[-2000:])
        with open(png, "rb") as f:
            data = f.read()
        self.assertTrue(data.startswith(b"\x89PNG"))
        self.assertGreater(len(data), 40000, "a blank page compresses to a few KB")
        if shutil.which("convert"):   # ImageMagick (setup.sh): how much of the page is not white
            p = subprocess.run(["convert", png, "-colorspace", "gray", "-threshold", "90%", "-negate",
                                "-format", "%[fx:mean]", "info:"], stdout=subprocess.PIPE, timeout=60)
            ink = float(p.stdout.decode() or 0)
            self.assertGreater(ink, 0.01, "the page is nearly blank")

    def dump(self, page, fragment=""):
        rc, out, err = self.chromium(["--dump-dom", "file://" + page + fragment])
        self.assertEqual(rc, 0, err[-2000:])
        self.assertIn("</html>", out)
        return out

    def test_sort_script(self):
        page = self.pages["refused.pcapng"]
        before = parse(self.dump(page))
        self.assertEqual(sorted(before.rows), [0, 1])
        for key, desc in (("stream", True), ("score", False), ("client", True), ("stream", False)):
            with self.subTest(sort=key, desc=desc):
                frag = "#sort=%s%s" % (key, ":desc" if desc else "")
                html = self.dump(page, frag)
                dom = parse(html)
                self.assertEqual(dom.table_attrs.get("data-sorted"), "%s:%s" % (key, "desc" if desc else "asc"),
                                 "the sort script did not run")
                self.assertEqual(dom.rows, before.rows, "rows or cells changed by sorting")
                order = [int(i) for i in re.findall(r'<tr id="r(\d+)"', html)]
                self.assertEqual(sorted(order), sorted(before.rows), "every row once")
                keys = [h.get("data-key") for h in dom.heads]
                col = keys.index(key)
                vals = [dom.rows[i][col] for i in order]
                if dom.heads[col].get("data-type") == "num":
                    vals = [float(v) for v in vals]
                else:
                    vals = [v.lower() for v in vals]
                self.assertEqual(vals, sorted(vals, reverse=desc), "rows in order: %r" % order)
                self.assertEqual(len(re.findall(r"<svg ", html)), len(re.findall(r"<svg ", open(page).read())))


if __name__ == "__main__":
    unittest.main()
