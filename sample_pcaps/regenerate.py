#!/usr/bin/env python3
"""Regenerate the real-kernel sample captures of tcpx.

Every scenario runs in its own throw-away network namespace(s) created with
``ip netns add``; no interface outside those namespaces is touched.  Traffic
is produced by the Linux TCP stack (python sockets) and captured with
dumpcap.  Must be run as root.  python3 stdlib only.

Usage:
    sudo python3 sample_pcaps/regenerate.py            # all scenarios
    sudo python3 sample_pcaps/regenerate.py zero_window refused
    sudo python3 sample_pcaps/regenerate.py --list

Each scenario writes sample_pcaps/<scenario>.pcapng (near_path writes
near_client.pcapng and near_server.pcapng).  Re-running overwrites the
files (idempotent); namespaces are always removed, even on failure.

Internally the script re-invokes itself inside a namespace with
``--role NAME`` to run the socket code there.
"""

import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SELF = os.path.abspath(__file__)
REQUIRED_TOOLS = ("ip", "tc", "ethtool", "dumpcap")

CLIENT_IP = "10.0.0.1"
SERVER_IP = "10.0.0.2"

# ---------------------------------------------------------------------------
# helpers used by the driver (outside namespaces)
# ---------------------------------------------------------------------------


def log(msg):
    print("[regenerate] " + msg, flush=True)


def run(cmd, check=True, quiet=False):
    if not quiet:
        log("$ " + " ".join(cmd))
    return subprocess.run(cmd, check=check, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)


def nsexec(ns, *cmd, check=True, quiet=False):
    return run(["ip", "netns", "exec", ns] + list(cmd), check=check,
               quiet=quiet)


class Namespaces:
    """Context manager creating uniquely named netns and always deleting."""

    def __init__(self, scenario, *roles):
        tag = "tcpx-%s-%d" % (scenario[:10], os.getpid())
        self.names = {r: "%s-%s" % (tag, r) for r in roles}
        self.procs = []

    def __enter__(self):
        for ns in self.names.values():
            run(["ip", "netns", "del", ns], check=False, quiet=True)
            run(["ip", "netns", "add", ns])
        return self

    def __getitem__(self, role):
        return self.names[role]

    def spawn(self, role, *cmd):
        """Start a background process inside namespace ``role``."""
        full = ["ip", "netns", "exec", self.names[role]] + list(cmd)
        log("& " + " ".join(full))
        p = subprocess.Popen(full, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        self.procs.append(p)
        return p

    def __exit__(self, *exc):
        for p in self.procs:
            if p.poll() is None:
                try:
                    p.kill()
                except OSError:
                    pass
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    pass
        for ns in self.names.values():
            run(["ip", "netns", "del", ns], check=False, quiet=True)
        return False


def setup_lo(ns, qdisc=None):
    """lo up, mtu 1500, no offloads, client+server addresses, opt. qdisc."""
    nsexec(ns, "ip", "link", "set", "lo", "up")
    nsexec(ns, "ip", "link", "set", "lo", "mtu", "1500")
    nsexec(ns, "ethtool", "-K", "lo", "tso", "off", "gso", "off", "gro",
           "off")
    nsexec(ns, "ip", "addr", "add", CLIENT_IP + "/24", "dev", "lo")
    nsexec(ns, "ip", "addr", "add", SERVER_IP + "/24", "dev", "lo")
    if qdisc:
        nsexec(ns, "tc", "qdisc", "add", "dev", "lo", "root", *qdisc)


def setup_path(nss, qdisc_toward_client=None):
    """client <-veth-> router <-veth-> server, offloads off everywhere.

    client 10.1.0.1 (dev c0)  router 10.1.0.2 (r0) / 10.2.0.1 (r1)
    server 10.2.0.2 (dev s0)
    """
    c, r, s = nss["client"], nss["router"], nss["server"]
    run(["ip", "link", "add", "c0", "netns", c, "type", "veth", "peer",
         "name", "r0", "netns", r])
    run(["ip", "link", "add", "s0", "netns", s, "type", "veth", "peer",
         "name", "r1", "netns", r])
    for ns, dev, addr in ((c, "c0", "10.1.0.1/24"), (r, "r0", "10.1.0.2/24"),
                          (r, "r1", "10.2.0.1/24"), (s, "s0", "10.2.0.2/24")):
        nsexec(ns, "ip", "link", "set", "lo", "up")
        nsexec(ns, "ethtool", "-K", dev, "tso", "off", "gso", "off", "gro",
               "off", "tx", "off", "rx", "off", check=False)
        nsexec(ns, "ip", "addr", "add", addr, "dev", dev)
        nsexec(ns, "ip", "link", "set", dev, "up")
    nsexec(c, "ip", "route", "add", "default", "via", "10.1.0.2")
    nsexec(s, "ip", "route", "add", "default", "via", "10.2.0.1")
    nsexec(r, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1")
    if qdisc_toward_client:
        nsexec(r, "tc", "qdisc", "add", "dev", "r0", "root",
               *qdisc_toward_client)


class Capture:
    def __init__(self, nss, role, iface, bpf, outfile):
        self.tmp = outfile + ".tmp.pcapng"
        self.out = outfile
        if os.path.exists(self.tmp):
            os.unlink(self.tmp)
        self.proc = nss.spawn(role, "dumpcap", "-q", "-i", iface, "-f", bpf,
                              "-w", self.tmp)
        # wait for dumpcap to have opened the interface and written the SHB
        deadline = time.time() + 10
        while time.time() < deadline:
            if os.path.exists(self.tmp) and os.path.getsize(self.tmp) > 0:
                break
            if self.proc.poll() is not None:
                raise RuntimeError("dumpcap died: " + self.proc.stderr.read())
            time.sleep(0.05)
        else:
            raise RuntimeError("dumpcap did not start")
        time.sleep(0.5)

    def stop(self, keep=True):
        """Stop dumpcap; keep=False (scenario failed) discards the file so
        an earlier good capture is not overwritten."""
        time.sleep(0.3)  # let the last packets reach the ring buffer
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if not keep:
            if os.path.exists(self.tmp):
                os.unlink(self.tmp)
            return
        if not os.path.exists(self.tmp):
            raise RuntimeError("dumpcap wrote nothing: %s" %
                               self.proc.stderr.read())
        os.replace(self.tmp, self.out)
        os.chmod(self.out, 0o644)
        log("wrote %s (%d bytes)" % (self.out, os.path.getsize(self.out)))


def out(name):
    return os.path.join(HERE, name + ".pcapng")


def role_cmd(role, *args):
    return ["python3", SELF, "--role", role] + [str(a) for a in args]


def run_role(nss, ns_role, role, *args, timeout=120):
    p = nss.spawn(ns_role, *role_cmd(role, *args))
    try:
        o, e = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        o, e = p.communicate()
        raise RuntimeError("role %s timed out: %s" % (role, e))
    if o.strip():
        log("   " + o.strip().replace("\n", "\n   "))
    if p.returncode != 0:
        raise RuntimeError("role %s failed (%d): %s" % (role, p.returncode, e))


def single_ns_scenario(name, role, qdisc=None, args=(), bpf="tcp"):
    with Namespaces(name, "ns") as nss:
        setup_lo(nss["ns"], qdisc)
        cap = Capture(nss, "ns", "lo", bpf, out(name))
        ok = False
        try:
            run_role(nss, "ns", role, *args)
            ok = True
        finally:
            cap.stop(keep=ok)


# ---------------------------------------------------------------------------
# scenarios (driver side)
# ---------------------------------------------------------------------------


def sc_clean_http():
    single_ns_scenario("clean_http", "clean_http")


def sc_lossy_download():
    # A tbf on the router's egress toward the client: it drops packets the
    # server's TCP cannot see locally (qdisc drops on the sender's own host
    # are reported back to TCP and are not real losses).  Captured on the
    # client's interface, so the dropped segments are "not captured".
    name = "lossy_download"
    with Namespaces(name, "client", "router", "server") as nss:
        setup_path(nss, ["tbf", "rate", "20mbit", "burst", "6k",
                         "limit", "12k"])
        cap = Capture(nss, "client", "c0", "tcp port 80", out(name))
        ok = False
        try:
            srv = nss.spawn("server", *role_cmd("bulk_server", "10.2.0.2",
                                                80, 1200000))
            time.sleep(0.5)
            run_role(nss, "client", "bulk_client", "10.2.0.2", 80)
            srv.wait(30)
            ok = True
        finally:
            cap.stop(keep=ok)


def sc_zero_window():
    single_ns_scenario("zero_window", "zero_window")


def sc_keepalive_idle():
    single_ns_scenario("keepalive_idle", "keepalive_idle")


def sc_refused():
    single_ns_scenario("refused", "refused")


def sc_reset_midtransfer():
    # no qdisc: the client reads slowly, so data is paced by its window
    single_ns_scenario("reset_midtransfer", "reset_midtransfer")


def sc_midstream():
    name = "midstream"
    with Namespaces(name, "ns") as nss:
        ns = nss["ns"]
        setup_lo(ns, ["tbf", "rate", "1mbit", "burst", "4k",
                      "limit", "2m"])
        p = nss.spawn("ns", *role_cmd("midstream"))
        time.sleep(1.5)  # handshake and first data happen before capture
        cap = Capture(nss, "ns", "lo", "tcp", out(name))
        ok = False
        try:
            time.sleep(2.0)
            ok = p.poll() is None        # transfer must still be running
        finally:
            cap.stop(keep=ok)
        if not ok:
            raise RuntimeError("midstream transfer ended too early")
        p.kill()
        p.wait()


def sc_slow_server():
    single_ns_scenario("slow_server", "slow_server")


def sc_near_path():
    name = "near_path"
    with Namespaces(name, "client", "router", "server") as nss:
        # 2 Mbit/s with a big queue: anything toward the client waits
        # behind the background UDP flow.
        setup_path(nss, ["tbf", "rate", "2mbit", "burst", "3k",
                         "limit", "400k"])
        sink = nss.spawn("client", *role_cmd("udp_sink", 9999, 20))
        bg = nss.spawn("server", *role_cmd("udp_blast", "10.1.0.1", 9999,
                                           2000000, 30000, 8))
        time.sleep(1.5)  # queue builds up to ~30 KB (~120 ms)
        bpf = "tcp port 8080"
        cap_c = Capture(nss, "client", "c0", bpf, out("near_client"))
        cap_s = None
        ok = False
        try:
            cap_s = Capture(nss, "server", "s0", bpf, out("near_server"))
            srv = nss.spawn("server", *role_cmd("http_server_once",
                                                "10.2.0.2", 8080, 2000))
            time.sleep(0.5)
            run_role(nss, "client", "http_client_once", "10.2.0.2", 8080)
            srv.wait(30)
            ok = True
        finally:
            cap_c.stop(keep=ok)
            if cap_s:
                cap_s.stop(keep=ok)
        bg.kill()
        sink.kill()


SCENARIOS = {
    "clean_http": sc_clean_http,
    "lossy_download": sc_lossy_download,
    "zero_window": sc_zero_window,
    "keepalive_idle": sc_keepalive_idle,
    "refused": sc_refused,
    "reset_midtransfer": sc_reset_midtransfer,
    "midstream": sc_midstream,
    "slow_server": sc_slow_server,
    "near_path": sc_near_path,
}
ALIASES = {"near_client": "near_path", "near_server": "near_path"}

# ---------------------------------------------------------------------------
# roles: socket code run inside a namespace (python3 regenerate.py --role X)
# ---------------------------------------------------------------------------

REQUEST = b"GET / HTTP/1.1\r\nHost: 10.0.0.2\r\nUser-Agent: tcpx-sample\r\n" \
          b"Accept: */*\r\n\r\n"


def http_header(length):
    return ("HTTP/1.1 200 OK\r\nServer: tcpx-sample\r\n"
            "Content-Type: application/octet-stream\r\n"
            "Content-Length: %d\r\n\r\n" % length).encode()


def body(n):
    pat = b"0123456789abcdefghijklmnopqrstuvwxyz\n"
    return (pat * (n // len(pat) + 1))[:n]


def listener(ip, port, rcvbuf=None):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind((ip, port))
    s.listen(4)
    return s


def connect(ip, port, src=None, rcvbuf=None, keepalive=False, timeout=30):
    s = socket.socket()
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    if keepalive:
        set_keepalive(s)
    if src:
        s.bind((src, 0))
    s.settimeout(timeout)
    s.connect((ip, port))
    return s


def set_keepalive(s, idle=1, intvl=1, cnt=20):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, idle)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, intvl)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, cnt)


def read_request(c):
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = c.recv(4096)
        if not d:
            break
        buf += d
    return buf


def read_response(s, chunk=65536, delay=0.0):
    """Read header + Content-Length body; returns body length read."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = s.recv(4096)
        if not d:
            return 0
        buf += d
    head, rest = buf.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    got = len(rest)
    while got < length:
        d = s.recv(chunk)
        if not d:
            break
        got += len(d)
        if delay:
            time.sleep(delay)
    return got


def wait_eof(s):
    try:
        while s.recv(65536):
            pass
    except OSError:
        pass


def start(fn, *a):
    t = threading.Thread(target=fn, args=a, daemon=True)
    t.start()
    return t


def role_clean_http():
    ls = listener(SERVER_IP, 80)

    def server():
        c, _ = ls.accept()
        read_request(c)
        # paced in 8 KB writes so the client's 64 KB initial receive window
        # never fills (otherwise Wireshark may report window_full)
        data = http_header(100000) + body(100000)
        for i in range(0, len(data), 8192):
            c.sendall(data[i:i + 8192])
            time.sleep(0.002)
        c.shutdown(socket.SHUT_WR)
        wait_eof(c)
        c.close()

    t = start(server)
    s = connect(SERVER_IP, 80, CLIENT_IP)
    s.sendall(REQUEST)
    n = read_response(s)
    wait_eof(s)
    s.close()
    t.join(10)
    print("clean_http: body %d" % n)


def role_bulk_server(ip, port, size):
    ls = listener(ip, int(port))
    c, _ = ls.accept()
    read_request(c)
    c.sendall(http_header(int(size)) + body(int(size)))
    c.shutdown(socket.SHUT_WR)
    wait_eof(c)
    c.close()


def role_bulk_client(ip, port):
    s = connect(ip, int(port))
    s.sendall(REQUEST)
    n = read_response(s)
    wait_eof(s)
    s.close()
    print("bulk_client: body %d" % n)


def role_http_server_once(ip, port, size):
    role_bulk_server(ip, port, size)


def role_http_client_once(ip, port):
    role_bulk_client(ip, port)


def role_zero_window():
    ls = listener(SERVER_IP, 80)
    size = 120000

    def server():
        c, _ = ls.accept()
        read_request(c)
        c.sendall(http_header(size) + body(size))
        c.shutdown(socket.SHUT_WR)
        wait_eof(c)
        c.close()

    t = start(server)
    # small receive buffer, set before connect() so the window is small
    s = connect(SERVER_IP, 80, CLIENT_IP, rcvbuf=16384)
    s.sendall(REQUEST)
    first = s.recv(200)          # read (part of) the header only
    time.sleep(6)                # stop reading: receive window closes
    n = len(first)
    while True:
        d = s.recv(65536)
        if not d:
            break
        n += len(d)
    s.close()
    t.join(10)
    print("zero_window: read %d" % n)


def role_keepalive_idle():
    ls = listener(SERVER_IP, 80)

    def server():
        c, _ = ls.accept()       # keep-alives from the client side only,
        req = read_request(c)    # so probes and their ACKs pair up cleanly
        c.sendall(http_header(13) + b"hello, world\n")
        wait_eof(c)
        c.close()

    t = start(server)
    s = connect(SERVER_IP, 80, CLIENT_IP, keepalive=True)
    time.sleep(5.5)              # idle: keep-alives flow
    s.sendall(REQUEST)
    read_response(s)
    s.close()
    t.join(10)


def role_refused():
    for _ in range(2):
        try:
            connect(SERVER_IP, 81, CLIENT_IP)
        except ConnectionRefusedError:
            print("refused: ok")
        time.sleep(0.3)


def role_reset_midtransfer():
    ls = listener(SERVER_IP, 80)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)
    size = 1000000

    def server():
        c, _ = ls.accept()
        read_request(c)
        data = http_header(size) + body(size)
        sent = 0
        t0 = time.time()
        c.settimeout(0.05)
        while time.time() - t0 < 0.3:
            try:
                sent += c.send(data[sent:sent + 8192])
            except socket.timeout:
                pass
        # abort: SO_LINGER {on, 0} + close -> RST while data still flowing
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                     struct.pack("ii", 1, 0))
        c.close()
        print("reset_midtransfer: server aborted after %d bytes" % sent)

    t = start(server)
    s = connect(SERVER_IP, 80, CLIENT_IP)
    s.sendall(REQUEST)
    n = 0
    try:
        while True:
            d = s.recv(4096)     # ~400 KB/s: the download is still running
            if not d:            # when the server aborts
                break
            n += len(d)
            time.sleep(0.01)
    except ConnectionResetError:
        print("reset_midtransfer: client got RST after %d bytes" % n)
    s.close()
    t.join(10)


def role_midstream():
    ls = listener(SERVER_IP, 80)
    size = 3000000

    def server():
        c, _ = ls.accept()
        read_request(c)
        try:
            c.sendall(http_header(size) + body(size))
        except OSError:
            pass

    start(server)
    s = connect(SERVER_IP, 80, CLIENT_IP, timeout=60)
    s.sendall(REQUEST)
    read_response(s)


def role_slow_server():
    ls = listener(SERVER_IP, 80)

    def server():
        c, _ = ls.accept()
        set_keepalive(c)
        read_request(c)
        time.sleep(6)            # the application thinks; TCP already ACKed
        c.sendall(http_header(2000) + body(2000))
        c.shutdown(socket.SHUT_WR)
        wait_eof(c)
        c.close()

    t = start(server)
    s = connect(SERVER_IP, 80, CLIENT_IP, keepalive=True)
    s.sendall(REQUEST)
    read_response(s)
    s.close()
    t.join(10)


def role_udp_sink(port, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.bind(("0.0.0.0", int(port)))
    s.settimeout(0.5)
    end = time.time() + float(seconds)
    while time.time() < end:
        try:
            s.recv(65536)
        except socket.timeout:
            pass


def role_udp_blast(dst, port, rate_bps, initial, seconds):
    """Initial burst of `initial` bytes then paced at rate_bps."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    payload = b"x" * 1000
    addr = (dst, int(port))
    rate = float(rate_bps) / 8.0
    sent = 0
    t0 = time.time()
    end = t0 + float(seconds)
    credit = float(initial)
    while time.time() < end:
        allowed = credit + (time.time() - t0) * rate
        while sent + 1028 <= allowed:      # 1000 + 28 bytes IP/UDP
            try:
                s.sendto(payload, addr)
            except OSError:
                pass
            sent += 1028
        time.sleep(0.002)


ROLES = {k[5:]: v for k, v in globals().items() if k.startswith("role_")}

# ---------------------------------------------------------------------------


def main(argv):
    if len(argv) >= 2 and argv[0] == "--role":
        ROLES[argv[1]](*argv[2:])
        return 0
    if "--list" in argv or "-h" in argv or "--help" in argv:
        print(__doc__)
        print("scenarios: " + " ".join(list(SCENARIOS) + list(ALIASES)))
        return 0
    if os.geteuid() != 0:
        print("regenerate.py: must be run as root (network namespaces, "
              "dumpcap, tc)", file=sys.stderr)
        return 1
    missing = [t for t in REQUIRED_TOOLS if shutil.which(t) is None]
    if missing:
        print("regenerate.py: missing tools: %s (Debian: apt-get install "
              "iproute2 ethtool tshark)" % ", ".join(missing),
              file=sys.stderr)
        return 1
    names = argv or list(SCENARIOS)
    todo = []
    for n in names:
        n = n[:-7] if n.endswith(".pcapng") else n
        n = ALIASES.get(n, n)
        if n not in SCENARIOS:
            print("unknown scenario %r; known: %s" % (
                n, " ".join(list(SCENARIOS) + list(ALIASES))),
                file=sys.stderr)
            return 2
        if n not in todo:
            todo.append(n)
    failed = []
    for n in todo:
        log("=== %s" % n)
        try:
            SCENARIOS[n]()
        except Exception as e:  # keep going, report at the end
            log("FAILED %s: %s" % (n, e))
            failed.append(n)
    if failed:
        log("failed scenarios: " + " ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
