#!/usr/bin/env python3
"""wiresharkx: drive the Wireshark GUI (wireshark-qt) headless, with tcpx loaded.

Used by tests/test_gui.py and scripts/screenshots.sh.  The X server comes from
xvfb-run; Wireshark runs exactly like tsharkx.py runs tshark: with HOME in a
throw-away dir (tsharkx.TempHome) that holds the plugin and the "tcpx" profile
(profile/tcpx), as user nobody when we are root.  Keys go in with xdotool,
screenshots come out with ImageMagick's `import`, windows are listed with
xwininfo (Debian: xvfb xauth xdotool imagemagick x11-utils).

    with XDisplay() as x, tsharkx.TempHome() as home:
        ws = Wireshark(x, home, "sample_pcaps/lossy_download.pcapng", ["-g", "30"])
        ws.start()
        ws.screenshot("build/list.png")
        ws.stop()

CLI (what scripts/screenshots.sh runs):
    python3 tests/tools/wiresharkx.py screenshots OUTDIR
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tsharkx  # noqa: E402

SCREEN_W = int(os.environ.get("TCPX_GUI_WIDTH", "1440"))
SCREEN_H = int(os.environ.get("TCPX_GUI_HEIGHT", "900"))
WIRESHARK = os.environ.get("TCPX_WIRESHARK", "wireshark")
TOOLS = ("xvfb-run", "xauth", "xdotool", "import", "convert", "xwininfo", WIRESHARK)

# Colours of the tcpx colouring rules (profile/tcpx/colorfilters), 8-bit, by
# the rule's name ("tcpx: zero window" -> "zero_window").
def _rule_colors(path=os.path.join(tsharkx.PROFILE_DIR, "tcpx", "colorfilters")):
    colors = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"^@tcpx: (\w+(?: \w+)?)[^@]*@[^@]*@\[(\d+),(\d+),(\d+)\]", line)
            if m:
                colors[m.group(1).replace(" ", "_")] = tuple(int(v) // 257 for v in m.group(2, 3, 4))
    return colors


RULE_COLORS = _rule_colors()

# Packet-list column widths from profile/tcpx/recent: the explanation column
# starts after the eight columns before it.
def _column_widths(path=os.path.join(tsharkx.PROFILE_DIR, "tcpx", "recent")):
    names = {"%m": "No.", "%t": "Time", "%s": "Source", "%d": "Destination",
             "%p": "Protocol", "%L": "Length", '"%Cus:tcp.stream"': "Stream",
             '"%Cus:tcp.time_delta"': "Since prev (stream)",
             '"%Cus:tcpx.summary"': "Explanation (tcpx)"}
    with open(path) as f:
        text = f.read()
    pairs = re.findall(r"^\t(\S+|\"[^\"]+\"), (-?\d+),?$", text, re.M)
    return [(names[k], int(w)) for k, w in pairs if k in names]


COLUMN_WIDTHS = _column_widths()


def missing_tools():
    return [t for t in TOOLS if not shutil.which(t)]


def _run(cmd, env=None, timeout=30, check=True):
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       stdin=subprocess.DEVNULL, timeout=timeout)
    if check and p.returncode != 0:
        raise RuntimeError("%s failed (rc=%d): %s" % (" ".join(cmd), p.returncode,
                                                      p.stderr.decode("utf-8", "replace")[-2000:]))
    return p.stdout.decode("utf-8", "replace")


class XDisplay(object):
    """A virtual X screen: `xvfb-run -n N -f AUTH -s ... sleep`, in its own session."""

    def __init__(self, width=SCREEN_W, height=SCREEN_H):
        self.width, self.height = width, height
        self.dir = None
        self.proc = None
        self.number = None

    def _free_number(self):
        start = 70 + os.getpid() % 100
        # X servers in other chroots of the same network namespace (the version matrix)
        # leave no lock file here, but their abstract sockets show in /proc/net/unix.
        try:
            with open("/proc/net/unix") as f:
                abstract = f.read()
        except OSError:
            abstract = ""
        for n in list(range(start, 200)) + list(range(70, start)):
            if not (os.path.exists("/tmp/.X%d-lock" % n) or os.path.exists("/tmp/.X11-unix/X%d" % n)
                    or "@/tmp/.X11-unix/X%d\n" % n in abstract):
                return n
        raise RuntimeError("no free X display number")

    def start(self, timeout=30):
        self.dir = tsharkx.tempfile.mkdtemp(prefix="tcpx-x-", dir=tsharkx._tmp_parent())
        os.chmod(self.dir, 0o755)
        self.auth = os.path.join(self.dir, "Xauthority")
        for attempt in range(3):
            self.number = self._free_number()
            self.log = open(os.path.join(self.dir, "xvfb.log"), "w")
            self.proc = subprocess.Popen(
                ["xvfb-run", "-n", str(self.number), "-f", self.auth, "-s",
                 "-screen 0 %dx%dx24 -nolisten tcp" % (self.width, self.height),
                 "sleep", "86400"],
                stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)
            deadline = time.time() + timeout
            while time.time() < deadline and self.proc.poll() is None:
                if os.path.exists(self.auth):
                    p = subprocess.run(["xdotool", "getdisplaygeometry"], env=self.env(),
                                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
                    if p.returncode == 0:
                        os.chmod(self.auth, 0o644)  # nobody's Wireshark reads a copy
                        return self
                time.sleep(0.3)
            self._kill()
        raise RuntimeError("xvfb-run did not start an X server (see %s)" % self.log.name)

    def env(self):
        env = dict(os.environ)
        env.update({"DISPLAY": ":%d" % self.number, "XAUTHORITY": self.auth})
        return env

    def _kill(self):
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.proc = None
        if getattr(self, "log", None):
            self.log.close()

    def stop(self):
        self._kill()
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # --- X helpers ---------------------------------------------------------

    def xdotool(self, *args, check=True):
        return _run(["xdotool"] + [str(a) for a in args], env=self.env(), check=check)

    def windows(self):
        """Top-level windows: list of dicts id, name, w, h, x, y (mapped ones only)."""
        out = _run(["xwininfo", "-root", "-children"], env=self.env())
        wins = []
        for line in out.splitlines():
            m = re.match(r'\s*(0x[0-9a-f]+) (?:"([^"]*)"|\(has no name\)).*?\s(\d+)x(\d+)\+(-?\d+)\+(-?\d+)', line)
            if not m:
                continue
            wid = int(m.group(1), 16)
            state = _run(["xwininfo", "-id", str(wid)], env=self.env(), check=False)
            if "IsViewable" not in state:
                continue
            wins.append({"id": wid, "name": m.group(2) or "", "w": int(m.group(3)),
                         "h": int(m.group(4)), "x": int(m.group(5)), "y": int(m.group(6))})
        return wins

    def wait_window(self, pattern, timeout=60, proc=None):
        """The first mapped top-level window whose name matches the regex."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            for w in self.windows():
                if re.search(pattern, w["name"]):
                    return w
            if proc is not None and proc.poll() is not None:
                raise RuntimeError("wireshark exited (rc=%s) before window %r appeared"
                                   % (proc.returncode, pattern))
            time.sleep(0.5)
        return None

    def screenshot(self, path, crop=None):
        """Grab the whole screen into path (PNG); crop=(x, y, w, h) optional."""
        tmp = path + ".tmp.png"
        _run(["import", "-window", "root", tmp], env=self.env(), timeout=60)
        args = ["convert", tmp]
        if crop:
            x, y, w, h = crop
            args += ["-crop", "%dx%d+%d+%d" % (w, h, x, y), "+repage"]
        _run(args + ["-strip", path], timeout=60)
        os.unlink(tmp)
        return path


def histogram(path, crop=None):
    """{(r, g, b): pixel count} of a picture (or of crop=(x, y, w, h))."""
    args = ["convert", path]
    if crop:
        x, y, w, h = crop
        args += ["-crop", "%dx%d+%d+%d" % (w, h, x, y), "+repage"]
    out = _run(args + ["-depth", "8", "-format", "%c", "histogram:info:-"], timeout=60)
    hist = {}
    for line in out.splitlines():
        m = re.match(r"\s*(\d+):\s*\(\s*(\d+),\s*(\d+),\s*(\d+)", line)
        if m:
            hist[(int(m.group(2)), int(m.group(3)), int(m.group(4)))] = int(m.group(1))
    return hist


def rgb_rows(path):
    """(width, height, [bytes of one row, 3 bytes per pixel]) of a picture."""
    size = _run(["identify", "-format", "%w %h", path]).split()
    w, h = int(size[0]), int(size[1])
    raw = subprocess.run(["convert", path, "-depth", "8", "rgb:-"], stdout=subprocess.PIPE,
                         check=True).stdout
    return w, h, [raw[y * w * 3:(y + 1) * w * 3] for y in range(h)]


def column_text_in_colored_rows(path, x0, x1, colors):
    """Dark (text) pixels between x0 and x1 on rows painted in one of colors.

    Returns (rows with a rule colour in that range, dark pixels on those rows).
    """
    w, h, rows = rgb_rows(path)
    x1 = min(x1, w)
    wanted = set(bytes(c) for c in colors)
    n_rows = n_dark = 0
    for row in rows:
        px = [row[i:i + 3] for i in range(x0 * 3, x1 * 3, 3)]
        if sum(1 for p in px if p in wanted) < (x1 - x0) // 4:
            continue
        n_rows += 1
        n_dark += sum(1 for p in px if max(p) < 110)
    return n_rows, n_dark


class Wireshark(object):
    """One wireshark-qt process on an XDisplay, with a tsharkx.TempHome."""

    def __init__(self, display, home, capture, args=(), profile="tcpx"):
        self.x = display
        self.home = home
        self.capture = capture
        self.args = list(args)
        self.profile = profile
        self.proc = None
        self.main = None

    def start(self, timeout=120):
        auth = self.home.add_file(self.x.auth)
        cap = self.home.add_file(self.capture)
        cmd = [WIRESHARK]
        if self.profile:
            cmd += ["-C", self.profile]
        cmd += ["-r", cap] + self.args
        env = {"DISPLAY": ":%d" % self.x.number, "XAUTHORITY": auth,
               "QT_QPA_PLATFORM": "xcb", "XDG_RUNTIME_DIR": self.home.work,
               "NO_AT_BRIDGE": "1"}
        runtime = os.path.join(self.home.work, "runtime")
        if not os.path.isdir(runtime):
            os.mkdir(runtime, 0o700)
            if tsharkx._is_root():
                os.chown(runtime, tsharkx.NOBODY, tsharkx.NOBODY)
        env["XDG_RUNTIME_DIR"] = runtime
        argv, run_env = self.home.command(cmd, env)
        self.logpath = os.path.join(self.home.work, "wireshark.log")
        self.log = open(self.logpath, "w")
        self.proc = subprocess.Popen(argv, cwd=self.home.work, env=run_env,
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        # The main window is titled after the capture file once it is open.
        title = "^%s$" % re.escape(os.path.basename(cap))
        self.main = self.x.wait_window(title, timeout, self.proc)
        if not self.main:
            raise RuntimeError("Wireshark's main window did not appear; log:\n" + self.log_text())
        # No window manager: place the main window over the whole screen.
        self.x.xdotool("windowmove", self.main["id"], 0, 0)
        self.x.xdotool("windowsize", self.main["id"], self.x.width, self.x.height)
        self.x.xdotool("windowfocus", self.main["id"], check=False)
        self.settle()
        return self

    def settle(self, timeout=30, interval=1.0):
        """Wait until two screenshots in a row are the same (dissection done)."""
        tmp = os.path.join(self.home.work, "settle.png")
        last = None
        deadline = time.time() + timeout
        time.sleep(interval)
        while time.time() < deadline:
            self.x.screenshot(tmp)
            with open(tmp, "rb") as f:
                data = f.read()
            if data == last:
                return True
            last = data
            time.sleep(interval)
        return False

    def key(self, *keys, delay=0.4):
        for k in keys:
            self.x.xdotool("key", "--window", self.main["id"], k)
            time.sleep(delay)

    def click(self, x, y, button=1):
        self.x.xdotool("mousemove", x, y, "click", button)
        time.sleep(0.4)

    def screenshot(self, path, crop=None):
        return self.x.screenshot(path, crop)

    def log_text(self):
        try:
            with open(self.logpath) as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            try:
                self.key("ctrl+q")
                self.proc.wait(15)
            except Exception:
                pass
        if self.proc and self.proc.poll() is None:
            self.proc.kill()  # our own child, by pid
            self.proc.wait(10)
        self.proc = None
        if getattr(self, "log", None):
            self.log.close()
            self.log = None


def open_stat_menu_entry(ws, pattern, downs, timeout=6):
    """Statistics menu (Alt+S), Down `downs` times, Enter; the window matching
    pattern if one appeared (else None; menus and other dialogs are closed)."""
    before = set(w["id"] for w in ws.x.windows())
    ws.key("alt+s", delay=0.8)
    for _ in range(downs):
        ws.x.xdotool("key", "--window", ws.main["id"], "Down")
    time.sleep(0.3)
    ws.key("Return", delay=0.5)
    deadline = time.time() + timeout
    while time.time() < deadline:
        wins = ws.x.windows()
        for w in wins:
            if re.search(pattern, w["name"]):
                return w
        new = [w for w in wins if w["id"] not in before]
        if any(w["name"] for w in new):
            break  # some other dialog opened
        time.sleep(0.5)
    # Not ours: close whatever opened (dialog, submenu, menu).
    for w in ws.x.windows():
        if w["id"] not in before:
            ws.x.xdotool("key", "--window", w["id"], "Escape", check=False)
    ws.key("Escape", "Escape", delay=0.3)
    return None


def find_stat_menu_entry(ws, pattern, first_guess=(), limit=45):
    """Walk the Statistics menu from the top until an entry opens `pattern`.
    Returns (window, number of Down presses) or (None, None)."""
    order = list(first_guess) + [k for k in range(limit) if k not in first_guess]
    for k in order:
        w = open_stat_menu_entry(ws, pattern, k)
        if w:
            return w, k
    return None, None


def place(ws, win, x, y, w, h):
    ws.x.xdotool("windowmove", win["id"], x, y)
    ws.x.xdotool("windowsize", win["id"], w, h)
    time.sleep(1.0)


# --- screenshots for docs/img ------------------------------------------------

def make_screenshots(outdir, capture=None):
    capture = capture or os.path.join(tsharkx.REPO, "sample_pcaps", "lossy_download.pcapng")
    os.makedirs(outdir, exist_ok=True)
    made = []
    with XDisplay() as x:
        # 1. The packet list with the tcpx columns and colours, around the first loss.
        with tsharkx.TempHome() as home:
            ws = Wireshark(x, home, capture, ["-g", "44"]).start()
            try:
                path = os.path.join(outdir, "packet-list.png")
                ws.screenshot(path, crop=(0, 0, x.width, 560))
                made.append(path)
                # 2. The Statistics menu with the tcpx entries.
                ws.key("alt+s", delay=1.5)
                menu = [w for w in x.windows() if w["name"] == "Wireshark" and w["h"] > 200]
                path = os.path.join(outdir, "statistics-menu.png")
                if menu:
                    m = menu[0]
                    ws.screenshot(path, crop=(0, 0, m["x"] + m["w"] + 20, m["y"] + m["h"] + 10))
                else:
                    ws.screenshot(path)
                made.append(path)
                ws.key("Escape", "Escape")
            finally:
                ws.stop()
        # 3. The tcpx tree of a fast retransmission, its related frames listed.
        with tsharkx.TempHome() as home:
            ws = Wireshark(x, home, capture,
                           ["-Y", 'tcpx.anomaly == "fast_retransmission"', "-g", "44"]).start()
            try:
                expand_tcpx_tree(ws)
                path = os.path.join(outdir, "tcpx-tree.png")
                ws.screenshot(path)
                made.append(path)
            finally:
                ws.stop()
        # 4. Statistics > TCPX Stream Health (opened with -z at startup).
        with tsharkx.TempHome() as home:
            ws = Wireshark(x, home, capture, ["-z", "tcpx,table"]).start()
            try:
                dlg = x.wait_window("TCPX Stream Health", 30)
                if dlg:
                    place(ws, dlg, 0, 0, x.width, 300)
                    path = os.path.join(outdir, "stream-health.png")
                    ws.screenshot(path, crop=(0, 0, x.width, 300))
                    made.append(path)
                    # Page the table to its last columns (score, fault, verdict):
                    # click the horizontal scroll bar's trough, right of its handle.
                    for _ in range(6):
                        ws.click(x.width - 40, 218)
                    path = os.path.join(outdir, "stream-health-verdict.png")
                    ws.screenshot(path, crop=(0, 0, x.width, 300))
                    made.append(path)
            finally:
                ws.stop()
    return made


def expand_tcpx_tree(ws):
    """Select the last top-level item of the packet details (tcpx) and expand
    it with all its subtrees."""
    # The details pane sits under the packet list; click in it, go to its last
    # visible line (the collapsed tcpx tree), expand everything below it.
    y = int(ws.x.height * 0.62)
    ws.click(200, y)
    time.sleep(0.8)   # the click must give the pane focus before the keys (Qt 6 is slower)
    # End is not honoured by 4.6's details pane: walk down from the first item instead
    # (Frame, Ethernet, IP, TCP, tcpx: all collapsed when the frame is selected).
    ws.x.xdotool("key", "Home")
    time.sleep(0.3)
    for _ in range(4):
        ws.x.xdotool("key", "Down")
        time.sleep(0.2)
    ws.x.xdotool("key", "shift+Right")
    time.sleep(1.0)
    ws.settle(timeout=10, interval=0.5)


def main(argv):
    if len(argv) >= 2 and argv[0] == "screenshots":
        miss = missing_tools()
        if miss:
            print("wiresharkx: missing tools: %s (run scripts/setup.sh)" % " ".join(miss),
                  file=sys.stderr)
            return 1
        for p in make_screenshots(argv[1], argv[2] if len(argv) > 2 else None):
            print(p)
        return 0
    print(__doc__.strip())
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
