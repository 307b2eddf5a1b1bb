#!/usr/bin/env python3
"""A small userspace TCP sender: the faults Linux's own TCP never makes.

Run in the client namespace by the corpus (scenarios_raw.py), key=value args:

    python3 rawtcp.py server=10.2.0.2 port=8080 sport=40001 put=300000
                      mode=sack_ignored|beyond_window [rto=0.2] [cwnd=24]
                      [beyond=4] [timeout=30]

It uploads ``put`` bytes (``PUT /up``, as apps.py's client does) to a real
Linux receiver (apps.py server) over a raw socket: the kernel adds the IP
header, this program builds the TCP header.  The client's kernel has no socket
for the connection and would answer every segment of the server with a RST,
so an nftables rule in the client namespace (installed here, removed at exit)
drops the client kernel's RSTs from ``sport``.

Modes (the fault is this sender's, on purpose):
- ``sack_ignored``: offers SACK-permitted (so Linux SACKs) but never reads the
  SACK blocks: NewReno recovery (RFC 6582, the "impatient" timer: not
  restarted by partial ACKs) repairs one hole per round trip; when the timer
  (``rto``, fixed) fires it goes back to the first unacknowledged byte and
  resends everything from there in slow start, SACKed or not.
- ``beyond_window``: a window-respecting sender with one bug: the first time
  the receiver's window closes (zero window, everything sent acknowledged) it
  sends ``beyond`` full segments past the right edge (ACK + window << scale).
  The receiver drops them; the sender waits out its timer, probes the zero
  window, and resends them when the window opens.

Prints one JSON line: the result (as apps.py's client does) and the sender's
own log, its ground truth: per segment sent ``[t, seq, len, resend, sacked,
beyond]`` (t: seconds since the SYN; seq relative as Wireshark shows it;
``sacked``: a resend whose whole range the receiver had SACKed in an ACK this
sender had received; ``beyond``: its end lay past the highest right edge the
receiver had offered), the totals, and the recovery episodes.
"""

import json
import os
import select
import socket
import struct
import subprocess
import sys
import time

from apps import body

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10
MSS = 1460
ISN = 0x10000000
OUR_WSCALE, OUR_WIN = 7, 0xffff


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def tcp_header(src, dst, sport, dport, seq, ack, flags, win, opts=b"",
               payload=b""):
    off = (20 + len(opts)) // 4
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xffffffff,
                      ack & 0xffffffff, off << 4, flags, win, 0, 0) + opts
    pseudo = struct.pack("!4s4sBBH", socket.inet_aton(src),
                         socket.inet_aton(dst), 0, 6,
                         len(hdr) + len(payload))
    c = csum(pseudo + hdr + payload)
    return hdr[:16] + struct.pack("!H", c) + hdr[18:] + payload


def parse(pkt):
    """(src ip, TCP fields) of an IPv4 packet, or None."""
    if len(pkt) < 40 or pkt[9] != 6:
        return None
    ihl = (pkt[0] & 0xf) * 4
    t = pkt[ihl:]
    sport, dport, seq, ack, off, flags, win = struct.unpack("!HHIIBBH",
                                                            t[:16])
    hl = (off >> 4) * 4
    seg = {"sport": sport, "dport": dport, "seq": seq, "ack": ack,
           "flags": flags, "win": win, "data": t[hl:], "sacks": [],
           "mss": None, "ws": None, "sack_perm": False}
    o = t[20:hl]
    i = 0
    while i < len(o):
        kind = o[i]
        if kind == 0:
            break
        if kind == 1:
            i += 1
            continue
        ln = o[i + 1] if i + 1 < len(o) else 0
        if ln < 2:
            break
        val = o[i + 2:i + ln]
        if kind == 2 and ln == 4:
            seg["mss"] = struct.unpack("!H", val)[0]
        elif kind == 3 and ln == 3:
            seg["ws"] = val[0]
        elif kind == 4:
            seg["sack_perm"] = True
        elif kind == 5:
            for j in range(0, len(val) - 7, 8):
                seg["sacks"].append(struct.unpack("!II", val[j:j + 8]))
        i += ln
    return socket.inet_ntoa(pkt[12:16]), seg


def nft(*args, stdin=None):
    return subprocess.run(["nft"] + list(args), input=stdin, text=True,
                          capture_output=True)


class Conn:
    """The raw socket, the RST filter, sending and receiving."""

    def __init__(self, src, dst, sport, dport):
        self.src, self.dst, self.sport, self.dport = src, dst, sport, dport
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_RAW,
                                  socket.IPPROTO_TCP)
        self.sock.bind((src, 0))
        p = nft("-f", "-", stdin="table inet rawtcp {\n chain out {\n"
                "  type filter hook output priority 0;\n"
                "  tcp sport %d tcp flags & rst == rst counter drop\n"
                " }\n}\n" % sport)
        if p.returncode:
            raise RuntimeError("nft: " + p.stderr)

    def rsts_dropped(self):
        out = nft("list", "chain", "inet", "rawtcp", "out").stdout
        for line in out.splitlines():
            if "counter packets" in line:
                return int(line.split("counter packets")[1].split()[0])
        return 0

    def close(self):
        nft("delete", "table", "inet", "rawtcp")
        self.sock.close()

    def send(self, seq, ack, flags, win, opts=b"", payload=b""):
        pkt = tcp_header(self.src, self.dst, self.sport, self.dport, seq,
                         ack, flags, win, opts, payload)
        self.sock.sendto(pkt, (self.dst, 0))

    def recv(self, timeout):
        """The next segment of the connection within timeout s, or None."""
        end = time.monotonic() + max(timeout, 0)
        while True:
            left = end - time.monotonic()
            r, _, _ = select.select([self.sock], [], [], max(left, 0))
            if not r:
                return None
            got = parse(self.sock.recv(65535))
            if got and got[0] == self.dst and got[1]["sport"] == self.dport \
                    and got[1]["dport"] == self.sport:
                return got[1]


def source_address(dst):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((dst, 9))
    addr = s.getsockname()[0]
    s.close()
    return addr


class Sender:
    """One upload; offsets are bytes into ``self.data`` (seq ISN + 1 + off)."""

    def __init__(self, conn, data, mode, rto, cwnd, beyond):
        self.c, self.data, self.mode = conn, data, mode
        self.rto_base, self.cwnd_max, self.beyond_left = rto, cwnd, beyond
        self.beyond_n = beyond
        self.t0 = time.monotonic()
        self.una = self.nxt = self.max = 0
        self.cwnd, self.ssthresh = 2, cwnd
        self.edge = 0            # highest right edge offered, as an offset
        self.win = 0             # latest window, bytes
        self.sacked = []         # [(lo, hi)] offsets, from the ACKs received
        self.dupacks, self.recover, self.in_recovery = 0, 0, False
        self.rto = rto
        self.timer = None        # when the retransmission timer fires
        self.persist = None      # when the next zero-window probe goes
        self.log, self.episodes = [], []
        self.rcv_nxt, self.peer_fin, self.fin_acked = 0, False, False
        self.response = b""
        self.fin_at = None

    # --- wire -----------------------------------------------------------------
    def now(self):
        return time.monotonic() - self.t0

    def wire(self, off):
        return ISN + 1 + off

    def off(self, seq):
        return (seq - ISN - 1) & 0xffffffff

    def send_ack(self, seq_off=None):
        if seq_off is None:     # after our FIN, the next byte is past it
            seq_off = self.nxt + (1 if self.fin_sent() else 0)
        seq = self.wire(seq_off)
        self.c.send(seq, self.rcv_nxt, ACK, OUR_WIN)

    def handshake(self, timeout):
        opts = (struct.pack("!BBH", 2, 4, MSS) + b"\x01" +
                struct.pack("!BBB", 3, 3, OUR_WSCALE) + b"\x01\x01\x04\x02")
        for attempt in range(4):
            self.c.send(ISN, 0, SYN, OUR_WIN, opts)
            end = time.monotonic() + min(1.0 * 2 ** attempt, timeout)
            while time.monotonic() < end:
                s = self.c.recv(end - time.monotonic())
                if s and s["flags"] & (SYN | ACK) == SYN | ACK \
                        and s["ack"] == ISN + 1:
                    self.mss = min(s["mss"] or 536, MSS)
                    self.scale = s["ws"] if s["ws"] is not None else 0
                    self.sack_ok = s["sack_perm"]
                    self.rcv_nxt = (s["seq"] + 1) & 0xffffffff
                    self.edge = s["win"]        # the SYN-ACK's is unscaled
                    self.win = s["win"]
                    self.send_ack(0)
                    return True
        return False

    # --- the log ----------------------------------------------------------------
    def is_sacked(self, lo, hi):
        return any(a <= lo and hi <= b for a, b in self.sacked)

    def emit(self, lo, hi, flags=ACK):
        resend = lo < self.max
        beyond = hi > self.edge
        self.log.append([round(self.now(), 6), lo + 1, hi - lo, resend,
                         resend and self.is_sacked(lo, hi), beyond])
        self.c.send(self.wire(lo), self.rcv_nxt, flags | PSH, OUR_WIN,
                    payload=self.data[lo:hi])
        if self.timer is None:
            self.timer = time.monotonic() + self.rto

    def send_segment(self):
        hi = min(self.nxt + self.mss, len(self.data))
        self.emit(self.nxt, hi)
        self.nxt = hi
        self.max = max(self.max, hi)

    def try_send(self):
        limit = self.una + int(self.cwnd) * self.mss
        while self.nxt < len(self.data) and self.nxt < limit:
            hi = min(self.nxt + self.mss, len(self.data))
            if hi > self.edge:
                if self.window_bug():
                    continue
                break
            if self.in_recovery and self.nxt >= self.max:
                break           # NewReno here: no new data in recovery
            self.send_segment()
        self.check_persist()

    def window_bug(self):
        """beyond_window: once, into the first closed window, send
        ``beyond`` segments past its edge."""
        if self.mode != "beyond_window" or not self.beyond_left \
                or self.win or self.nxt < self.max or self.una < self.nxt:
            return False
        for _ in range(self.beyond_left):
            if self.nxt < len(self.data):
                self.send_segment()
        self.beyond_left = 0
        return True

    def check_persist(self):
        blocked = self.nxt < len(self.data) and self.nxt >= self.edge
        if blocked and self.una >= min(self.max, self.edge) and not self.win:
            if self.persist is None:
                self.persist = time.monotonic() + self.rto
        else:
            self.persist = None

    # --- ACKs ---------------------------------------------------------------
    def on_segment(self, s):
        if s["data"] or s["flags"] & FIN:
            if s["seq"] == self.rcv_nxt:
                self.response += s["data"]
                self.rcv_nxt = (self.rcv_nxt + len(s["data"]) +
                                (1 if s["flags"] & FIN else 0)) & 0xffffffff
                self.peer_fin |= bool(s["flags"] & FIN)
            self.send_ack()
        if not s["flags"] & ACK:
            return
        ack = self.off(s["ack"])
        if ack > self.max + 1:
            return
        if ack == len(self.data) + 1:
            self.fin_acked = True
            ack = len(self.data)
        self.win = s["win"] << self.scale
        self.edge = max(self.edge, ack + self.win)
        for le, re in s["sacks"]:
            lo, hi = self.off(le), self.off(re)
            if ack < lo < hi <= self.max:
                self.sacked.append((lo, hi))
        if ack > self.una:
            self.on_new_ack(ack)
        elif ack == self.una and self.una < self.max and not s["data"] \
                and self.win:
            self.on_dupack()
        self.try_send()

    def on_new_ack(self, ack):
        self.una = ack
        self.nxt = max(self.nxt, ack)
        self.sacked = [(a, b) for a, b in self.sacked if b > ack]
        self.dupacks = 0
        self.rto = self.rto_base
        if self.in_recovery:
            if ack >= self.recover:
                self.in_recovery = False
                self.cwnd = self.ssthresh
                self.episodes[-1]["end_t"] = round(self.now(), 6)
                self.timer = None
            else:           # partial ACK: the next hole, one per round trip
                self.episodes[-1]["partial_ack_resends"] += 1
                self.emit(ack, min(ack + self.mss, len(self.data)))
                return      # impatient: the timer keeps running
        else:
            if self.episodes and "end_t" not in self.episodes[-1] \
                    and ack >= self.episodes[-1]["recover"]:
                self.episodes[-1]["end_t"] = round(self.now(), 6)
            # slow start, then congestion avoidance (one segment a round trip)
            grow = 1 if self.cwnd < self.ssthresh else 1.0 / self.cwnd
            self.cwnd = min(self.cwnd + grow, self.cwnd_max)
        self.timer = time.monotonic() + self.rto if self.una < self.max \
            else None

    def on_dupack(self):
        self.dupacks += 1
        # RFC 6582: no new recovery for the ACKs of what a recovery or a
        # timeout sent (the ACK must pass ``recover``)
        if self.dupacks == 3 and not self.in_recovery \
                and self.mode == "sack_ignored" and self.una >= self.recover:
            self.in_recovery, self.recover = True, self.max
            self.ssthresh = max((self.max - self.una) // self.mss // 2, 2)
            self.episodes.append({"start_t": round(self.now(), 6),
                                  "how": "fast retransmit",
                                  "recover": self.max,
                                  "partial_ack_resends": 0})
            self.emit(self.una, min(self.una + self.mss, len(self.data)))
            self.timer = time.monotonic() + self.rto

    def on_timer(self):
        """Go back N: everything from the first unacknowledged byte again."""
        self.timer = None
        if self.una >= self.max:
            return
        if not self.win and self.una >= self.edge:
            self.rto *= 2            # closed window: probe, do not resend
            self.nxt = self.una
            self.check_persist()
            return
        if not self.episodes or "end_t" in self.episodes[-1]:
            self.episodes.append({"start_t": round(self.now(), 6),
                                  "recover": self.max,
                                  "partial_ack_resends": 0})
        self.episodes[-1]["how"] = "timeout, go-back-N"
        self.episodes[-1]["rto_t"] = round(self.now(), 6)
        self.in_recovery, self.recover = False, self.max
        self.ssthresh = max((self.max - self.una) // self.mss // 2, 2)
        self.cwnd, self.nxt = 1, self.una
        self.rto *= 2
        self.try_send()

    def on_persist(self):
        self.persist = None
        self.send_ack(self.una - 1)  # a zero-window probe: one old byte's seq
        self.persist = time.monotonic() + self.rto

    # --- the loop -----------------------------------------------------------
    def run(self, deadline):
        self.try_send()
        while time.monotonic() < deadline:
            if self.fin_acked and self.peer_fin:
                return True
            if self.una >= len(self.data) and self.fin_at is None \
                    and not self.fin_acked:
                self.c.send(self.wire(len(self.data)), self.rcv_nxt,
                            FIN | ACK, OUR_WIN)
                self.fin_at = time.monotonic()
                self.fin_once = True
            now = time.monotonic()
            due = [t for t in (self.timer, self.persist,
                               self.fin_at and self.fin_at + 0.5) if t]
            s = self.c.recv(min(due) - now if due else 0.5)
            if s:
                self.on_segment(s)
                continue
            now = time.monotonic()
            if self.timer and now >= self.timer:
                self.on_timer()
            if self.persist and now >= self.persist:
                self.on_persist()
            if self.fin_at and now >= self.fin_at + 0.5 \
                    and not self.fin_acked:
                self.fin_at = None      # send the FIN again
        return False

    def linger(self, seconds):
        """Answer what still comes (a FIN sent again) for a while."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            s = self.c.recv(end - time.monotonic())
            if s and (s["data"] or s["flags"] & FIN):
                self.send_ack()

    def fin_sent(self):
        return getattr(self, "fin_once", False)

    def summary(self):
        resent = [x for x in self.log if x[3]]
        sacked = [x for x in resent if x[4]]
        beyond = [x for x in self.log if x[5] and not x[3]]
        first_beyond = {x[1] for x in beyond}
        return {
            "segments_sent": len(self.log),
            "segments_resent": len(resent),
            "bytes_resent": sum(x[2] for x in resent),
            "resent_sacked_segments": len(sacked),
            "resent_sacked_bytes": sum(x[2] for x in sacked),
            "beyond_window_segments": len(beyond),
            "beyond_window_bytes": sum(x[2] for x in beyond),
            "beyond_window_resends": sum(1 for x in resent
                                         if x[1] in first_beyond),
            "episodes": self.episodes,
            "mss": self.mss, "peer_wscale": self.scale,
        }


def main(argv):
    kw = dict(a.split("=", 1) for a in argv)
    server, port, sport = kw["server"], int(kw["port"]), int(kw["sport"])
    size = int(kw.get("put", 300000))
    data = (b"PUT /up HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % size
            + body(size))
    res = {"sport": sport, "error": None, "bytes": 0, "sender": "rawtcp.py",
           "mode": kw["mode"]}
    t0 = time.monotonic()
    conn = Conn(source_address(server), server, sport, port)
    try:
        snd = Sender(conn, data, kw["mode"], float(kw.get("rto", 0.2)),
                     int(kw.get("cwnd", 24)), int(kw.get("beyond", 4)))
        deadline = t0 + float(kw.get("timeout", 30))
        if not snd.handshake(deadline - time.monotonic()):
            res["error"] = "ETIMEDOUT"
        else:
            res["connect_s"] = round(time.monotonic() - t0, 4)
            if not snd.run(deadline):
                res["error"] = "ETIMEDOUT"
            snd.linger(0.3)
            res["bytes"] = max(snd.una - (len(data) - size), 0)
            res["response"] = snd.response.split(b"\r\n")[0].decode(
                errors="replace")
            res.update(snd.summary())
            res["log"] = snd.log
        res["client_rsts_dropped"] = conn.rsts_dropped()
    finally:
        conn.close()
    res["elapsed_s"] = round(time.monotonic() - t0, 4)
    print(json.dumps(res), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
