#!/usr/bin/env python3
"""A userspace delay line between two TUN devices: a real RTT without netem.

This kernel has no netem, so a router namespace forwards its traffic through a
pair of TUN devices and this program holds every packet for a fixed time:

    client --veth-- r0 [router] r1 --veth-- server
                      |          ^
           policy route (iif r0) | main table
                      v          |
                     dlc  ==>  dls      (this program: read dlc, wait, write dls)
                     dlc  <==  dls      (and back: read dls, wait, write dlc)

A packet the kernel routes into one device comes out of the other one
``delay`` ms later, as if received there, and the kernel forwards it on by its
main table.  The router forwards each packet twice, so TTLs drop by 2.

Run it inside the router namespace once the devices exist (``install`` below
does the whole setup).  It prints ``ready`` when attached, and on SIGTERM or
SIGINT one JSON line of statistics.  python3 stdlib only:

    python3 delayline.py dlc dls --delay-ms 20 [--reverse-delay-ms 20]
                         [--reorder-every N --reorder-ms X]

With --reorder-every, every Nth packet of at least REORDER_MIN_LEN bytes from
dev_b to dev_a (the server's data toward the client) is held X ms longer: the
packets behind it overtake it, and nothing is lost (a path that reorders).
"""

import argparse
import fcntl
import heapq
import itertools
import json
import os
import select
import signal
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


def open_tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(),
                                           IFF_TUN | IFF_NO_PI))
    return fd


REORDER_MIN_LEN = 200    # bytes: data segments, not ACKs or handshakes


class Direction:
    """Packets read from ``src``, written to ``dst`` ``delay`` s later; every
    ``reorder_every``-th data packet ``reorder`` s later still."""

    def __init__(self, src, dst, delay, reorder_every=0, reorder=0.0):
        self.src, self.dst, self.delay = src, dst, delay
        self.reorder_every, self.reorder = reorder_every, reorder
        self.queue = []              # heap of (due, arrival number, packet)
        self.arrivals = itertools.count()
        self.data_packets = self.reordered = 0
        self.packets = self.bytes = self.max_queue = self.write_errors = 0
        self.late = []           # how late each packet left (s): the delay line's own error

    def due(self, now, pkt):
        if self.reorder_every and len(pkt) >= REORDER_MIN_LEN:
            self.data_packets += 1
            if self.data_packets % self.reorder_every == 0:
                self.reordered += 1
                return now + self.delay + self.reorder
        return now + self.delay

    def read_all(self, now):
        while True:
            try:
                pkt = os.read(self.src, 65536)
            except BlockingIOError:
                break
            heapq.heappush(self.queue,
                           (self.due(now, pkt), next(self.arrivals), pkt))
        self.max_queue = max(self.max_queue, len(self.queue))

    def flush(self, now):
        while self.queue and self.queue[0][0] <= now:
            due, _, pkt = heapq.heappop(self.queue)
            self.late.append(now - due)
            try:
                os.write(self.dst, pkt)
                self.packets += 1
                self.bytes += len(pkt)
            except OSError:
                self.write_errors += 1

    def next_due(self):
        return self.queue[0][0] if self.queue else None

    def stats(self):
        return {"delay_ms": self.delay * 1000.0, "packets": self.packets,
                "bytes": self.bytes, "max_queue": self.max_queue,
                "write_errors": self.write_errors,
                "reordered": self.reordered,
                "late_ms": late_quantiles(self.late)}


def late_quantiles(late):
    """The median, 99th percentile and maximum of how late packets left (ms)."""
    if not late:
        return {}
    late = sorted(late)
    q = lambda f: round(1000.0 * late[min(len(late) - 1, int(f * len(late)))], 3)
    return {"median": q(0.5), "p99": q(0.99), "max": q(1.0)}


def prioritize():
    """Wake up on time on a busy host: a late wake-up adds to the delay.
    The process sleeps in select() nearly all the time, so a real-time
    priority costs the others nothing."""
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(10))
        return "fifo"
    except (OSError, AttributeError):
        try:
            os.nice(-10)
            return "nice"
        except OSError:
            return "normal"


def serve(dev_a, dev_b, delay_ms, reverse_delay_ms, reorder_every=0,
          reorder_ms=0.0):
    fd_a, fd_b = open_tun(dev_a), open_tun(dev_b)
    sched = prioritize()
    ways = {fd_a: Direction(fd_a, fd_b, delay_ms / 1000.0),
            fd_b: Direction(fd_b, fd_a, reverse_delay_ms / 1000.0,
                            reorder_every, reorder_ms / 1000.0)}
    stop = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.append(1))
    print("ready", flush=True)
    while not stop:
        dues = [d for d in (w.next_due() for w in ways.values()) if d]
        timeout = max(0.0, min(dues) - time.monotonic()) if dues else 0.5
        try:
            readable = select.select(list(ways), [], [], timeout)[0]
        except InterruptedError:
            continue
        now = time.monotonic()
        for fd in readable:
            ways[fd].read_all(now)
        for w in ways.values():
            w.flush(now)
    print(json.dumps({"%s->%s" % (dev_a, dev_b): ways[fd_a].stats(),
                      "%s->%s" % (dev_b, dev_a): ways[fd_b].stats(),
                      "scheduling": sched}),
          flush=True)


def install(nsexec, spawn, client_if, server_if, delay_ms,
            reverse_delay_ms=None, devs=("dlc", "dls"), extra_args=()):
    """Put a delay line between the router's ``client_if`` and ``server_if``
    (``extra_args``: more of its options, e.g. --reorder-every).

    ``nsexec(*cmd)`` runs a command in the router namespace; ``spawn(*cmd)``
    starts one in the background there and returns its Popen (stdout piped).
    Returns that Popen; terminating it (SIGTERM) prints the statistics.
    """
    dlc, dls = devs
    for dev in devs:
        nsexec("ip", "tuntap", "add", "dev", dev, "mode", "tun")
    proc = spawn("python3", os.path.abspath(__file__), dlc, dls,
                 "--delay-ms", str(delay_ms), "--reverse-delay-ms",
                 str(delay_ms if reverse_delay_ms is None else
                     reverse_delay_ms), *extra_args)
    line = proc.stdout.readline()
    if line.strip() != "ready":
        raise RuntimeError("delay line did not start: %s %s" %
                           (line, proc.stderr.read()))
    for dev in devs:
        nsexec("ip", "link", "set", dev, "mtu", "1500", "up")
    for key in ("all", "default") + devs:
        nsexec("sysctl", "-q", "-w", "net.ipv4.conf.%s.rp_filter=0" % key)
    # what enters from the client side goes into dlc, from the server side
    # into dls; what comes out of the delay line follows the main table
    for table, iif, dev in ((101, client_if, dlc), (102, server_if, dls)):
        nsexec("ip", "route", "add", "default", "dev", dev, "table",
               str(table))
        nsexec("ip", "rule", "add", "iif", iif, "table", str(table),
               "priority", str(table))
    return proc


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dev_a")
    ap.add_argument("dev_b")
    ap.add_argument("--delay-ms", type=float, default=20.0,
                    help="delay of packets from dev_a to dev_b")
    ap.add_argument("--reverse-delay-ms", type=float,
                    help="delay from dev_b to dev_a (default: --delay-ms)")
    ap.add_argument("--reorder-every", type=int, default=0,
                    help="hold every Nth data packet from dev_b to dev_a "
                         "longer (0: never)")
    ap.add_argument("--reorder-ms", type=float, default=0.0,
                    help="how much longer")
    a = ap.parse_args()
    rev = a.delay_ms if a.reverse_delay_ms is None else a.reverse_delay_ms
    serve(a.dev_a, a.dev_b, a.delay_ms, rev, a.reorder_every, a.reorder_ms)
    return 0


if __name__ == "__main__":
    sys.exit(main())
