"""The corpus's test network: client, router and server namespaces.

    client 10.1.0.1 (c0) --veth-- (r0) 10.1.0.2 router 10.2.0.1 (r1) --veth-- (s0) 10.2.0.2 server
                                        \\__ dlc == delay line == dls __/

The router forwards through a TUN delay line (delayline.py), so the path has a
real RTT (2 x delay).  Offloads are off on every veth, so the capture shows
the packets TCP sent.  Namespace lifetime and dumpcap handling come from
sample_pcaps/regenerate.py (the sample captures' generator).  Every lab is
fresh, so the per-namespace kernel counters (nstat) belong to one scenario.
"""

import json
import os
import re
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)),
                                "sample_pcaps"))
import regenerate  # noqa: E402  (Namespaces, Capture, run)
import delayline  # noqa: E402

APPS = os.path.join(HERE, "apps.py")
ROLES = ("client", "router", "server")
CLIENT_IP, ROUTER_C_IP, ROUTER_S_IP, SERVER_IP = \
    "10.1.0.1", "10.1.0.2", "10.2.0.1", "10.2.0.2"
LINKS = (("client", "c0", CLIENT_IP), ("router", "r0", ROUTER_C_IP),
         ("router", "r1", ROUTER_S_IP), ("server", "s0", SERVER_IP))
# where dumpcap listens: role, interfaces (several are merged into one file)
CAPTURE_POINTS = {
    "router": ("router", ("r0",)),          # router, client side (default)
    "router-server-side": ("router", ("r1",)),
    "router-both": ("router", ("r0", "r1")),
    "client": ("client", ("c0",)),
    "server": ("server", ("s0",)),
}

LOG = []


def log(msg):
    LOG.append(msg)
    if os.environ.get("TCPX_CORPUS_VERBOSE"):
        print("  " + msg, flush=True)


regenerate.log = log          # its helpers log every command: keep them quiet


class Lab:
    """Fresh namespaces, veths, delay line; always torn down on exit."""

    def __init__(self, name, delay_ms=20, sysctls=None, delay_args=()):
        self.name, self.delay_ms, self.delay_args = name, delay_ms, delay_args
        self.sysctls = sysctls or {}
        self.nss = regenerate.Namespaces(name, *ROLES)
        self.delay = None
        self.delay_stats = None
        self.facts = {}       # a scenario's own ground truth, for its truth file

    def __enter__(self):
        self.nss.__enter__()
        try:
            self._build()
        except BaseException:
            self.nss.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        self.stop_delay_line()
        return self.nss.__exit__(*exc)

    def ns(self, role):
        return self.nss[role]

    def sh(self, role, *cmd, check=True):
        return regenerate.nsexec(self.nss[role], *cmd, check=check)

    def spawn(self, role, *cmd):
        return self.nss.spawn(role, *cmd)

    def _build(self):
        c, r, s = (self.nss[x] for x in ROLES)
        for role in ROLES:    # no IPv6 chatter in the counters
            for key in ("all", "default"):
                self.sh(role, "sysctl", "-q", "-w",
                        "net.ipv6.conf.%s.disable_ipv6=1" % key)
        regenerate.run(["ip", "link", "add", "c0", "netns", c, "type", "veth",
                        "peer", "name", "r0", "netns", r])
        regenerate.run(["ip", "link", "add", "s0", "netns", s, "type", "veth",
                        "peer", "name", "r1", "netns", r])
        for role in ROLES:
            self.sh(role, "ip", "link", "set", "lo", "up")
        for role, dev, addr in LINKS:
            self.sh(role, "ethtool", "-K", dev, "tso", "off", "gso", "off",
                    "gro", "off", "tx", "off", "rx", "off", check=False)
            self.sh(role, "ip", "addr", "add", addr + "/24", "dev", dev)
            self.sh(role, "ip", "link", "set", dev, "up")
        self.sh("client", "ip", "route", "add", "default", "via", ROUTER_C_IP)
        self.sh("server", "ip", "route", "add", "default", "via", ROUTER_S_IP)
        self.sh("router", "sysctl", "-q", "-w", "net.ipv4.ip_forward=1")
        for role, kv in self.sysctls.items():
            for k, v in kv.items():
                self.sh(role, "sysctl", "-q", "-w", "%s=%s" % (k, v))
        if self.delay_ms:
            self.delay = delayline.install(
                lambda *cmd: self.sh("router", *cmd),
                lambda *cmd: self.spawn("router", *cmd),
                "r0", "r1", self.delay_ms, extra_args=self.delay_args)

    def stop_delay_line(self):
        p, self.delay = self.delay, None
        if p is None or p.poll() is not None:
            return
        p.terminate()
        try:
            out, _ = p.communicate(timeout=5)
            self.delay_stats = json.loads(out.strip().splitlines()[-1])
        except (subprocess.TimeoutExpired, ValueError, IndexError):
            p.kill()

    # --- faults -----------------------------------------------------------
    def nft(self, *rules):
        """Rules for the router's forward chain (table inet tcpx)."""
        script = ["table inet tcpx {",
                  "  set dead { type ipv4_addr; flags dynamic; }",
                  "  chain forward { type filter hook forward priority 0;"]
        script += ["    " + r for r in rules] + ["  }", "}"]
        p = subprocess.run(["ip", "netns", "exec", self.nss["router"], "nft",
                            "-f", "-"], input="\n".join(script) + "\n",
                           text=True, capture_output=True)
        if p.returncode:
            raise RuntimeError("nft: " + p.stderr)

    def nft_counters(self):
        """Packets counted by each router rule that has a ``counter``."""
        out = self.sh("router", "nft", "list", "chain", "inet", "tcpx",
                      "forward", check=False).stdout
        res = []
        for line in out.splitlines():
            m = re.search(r"counter packets (\d+) bytes (\d+)", line)
            if m:
                res.append({"rule": line[:m.start()].strip(),
                            "packets": int(m.group(1))})
        return res

    def qdisc(self, role, dev, *spec):
        self.sh(role, "tc", "qdisc", "add", "dev", dev, "root", *spec)

    def qdisc_drops(self, role, dev):
        out = self.sh(role, "tc", "-s", "qdisc", "show", "dev", dev).stdout
        m = re.search(r"dropped (\d+)", out)
        return int(m.group(1)) if m else 0

    def tun_drops(self):
        """Packets the delay line's devices dropped (must be 0)."""
        total = 0
        for dev in ("dlc", "dls"):
            out = self.sh("router", "ip", "-s", "-j", "link", "show", dev,
                          check=False).stdout
            try:
                st = json.loads(out)[0]["stats64"]
                total += st["tx"]["dropped"] + st["rx"]["dropped"]
            except (ValueError, IndexError, KeyError):
                pass
        return total

    # --- applications -----------------------------------------------------
    def app(self, role, kind, **kw):
        """Start apps.py in a namespace; a server is listening on return."""
        p = self.spawn(role, "python3", APPS, kind,
                       *("%s=%s" % kv for kv in kw.items()))
        if kind == "server" and p.stdout.readline().strip() != "listening":
            raise RuntimeError("server did not start: " + p.stderr.read())
        return p

    def client(self, wait=True, **kw):
        kw.setdefault("server", SERVER_IP)
        p = self.app("client", "client", **kw)
        return self.result(p) if wait else p

    @staticmethod
    def result(p, timeout=60):
        out, err = p.communicate(timeout=timeout)
        try:
            return json.loads(out.strip().splitlines()[-1])
        except (ValueError, IndexError):
            raise RuntimeError("client printed no result: " + err)

    # --- ground truth -------------------------------------------------------
    def nstat(self):
        """Absolute kernel counters of each namespace (history untouched)."""
        return {role: json.loads(self.sh(role, "nstat", "-sazj").stdout)
                ["kernel"] for role in ROLES}

    def capture(self, point, path, bpf="tcp"):
        role, devs = CAPTURE_POINTS[point]
        return [regenerate.Capture(self.nss, role, dev, bpf,
                                   path if len(devs) == 1 else
                                   "%s.%s.pcapng" % (path, dev))
                for dev in devs]


SS_FIELDS = re.compile(r"(\w+):(\S+)")
SS_KEEP = ("rtt", "rto", "cwnd", "ssthresh", "retrans", "lost", "unacked",
           "bytes_sent", "bytes_retrans", "bytes_acked", "delivery_rate",
           "busy", "rwnd_limited", "sndbuf_limited", "snd_wnd", "rcv_space",
           "pacing_rate", "reordering", "dsack_dups", "backoff", "mss")


class SsSampler(threading.Thread):
    """``ss -tin`` of the sender's connected socket(s) every ``interval`` s."""

    def __init__(self, lab, role, port, interval=0.1):
        super().__init__(daemon=True)
        # connected: established and closing (a server that wrote all and closed still sends)
        self.cmd = ["ip", "netns", "exec", lab.ns(role), "ss", "-tinH",
                    "state", "connected", "( sport = :%d or dport = :%d )"
                    % (port, port)]
        self.role, self.port, self.interval = role, port, interval
        self.samples, self.halt = [], threading.Event()
        self.t0 = time.monotonic()

    def run(self):
        while not self.halt.is_set():
            out = subprocess.run(self.cmd, capture_output=True,
                                 text=True).stdout
            lines = [ln.strip() for ln in out.splitlines() if ln.strip()]
            # -H: one socket is two lines: addresses, then the tcp_info
            for addr, info in zip(lines[0::2], lines[1::2]):
                sample = {"t": round(time.monotonic() - self.t0, 3),
                          # local and peer address (the columns before them vary with the states asked for)
                          "socket": " ".join([a for a in addr.split() if ":" in a][-2:])}
                for k, v in SS_FIELDS.findall(info):
                    if k in SS_KEEP:
                        sample[k] = v
                for flag in ("app_limited",):
                    if flag in info.split():
                        sample[flag] = True
                self.samples.append(sample)
            self.halt.wait(self.interval)

    def stop(self):
        self.halt.set()
        self.join(5)
        return {"namespace": self.role, "port": self.port,
                "interval_s": self.interval, "samples": self.samples}
