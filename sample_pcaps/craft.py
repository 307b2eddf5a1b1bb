#!/usr/bin/env python3
"""Build the crafted sample captures (things the kernel here cannot produce).

Uses tests/tools/pcapwriter.py (stdlib only).  Each file holds small but
complete connections (handshake, data, FIN) captured "at the client":
client -> server frames have the capture timestamp of their departure,
server -> client frames arrive one RTT (20 ms) after the client frame
that triggered them.

Usage: python3 sample_pcaps/craft.py [name ...]   (default: all)
Deterministic: re-running produces byte-identical files.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "tools"))

from pcapwriter import PcapWriter, tcp_frame, tcp_options  # noqa: E402

T0 = 1700000000.0          # 2023-11-14 22:13:20 UTC
RTT = 0.020
MSS = 1448
CMAC, SMAC = "02:00:00:00:00:01", "02:00:00:00:00:02"

REQUEST = (b"GET / HTTP/1.1\r\nHost: 10.0.0.2\r\nUser-Agent: tcpx-craft\r\n"
           b"Accept: */*\r\n\r\n")


def response(n):
    head = ("HTTP/1.1 200 OK\r\nServer: tcpx-craft\r\n"
            "Content-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % n)
    pat = b"0123456789abcdefghijklmnopqrstuvwxyz\n"
    return head.encode() + (pat * (n // len(pat) + 1))[:n]


class Conn:
    """One TCP connection; tracks next sequence numbers of both sides.

    send('c'|'s', t, flags, data, seq=None, ack=None, ...) writes a frame.
    seq defaults to the sender's next sequence number, ack to the other
    side's next sequence number (i.e. "everything received").
    """

    def __init__(self, w, cip="10.0.0.1", sip="10.0.0.2", cport=40000,
                 sport=80, cisn=1000000, sisn=2000000, vlan=None,
                 wscale=7, client_zero_csum=False, server_ttl=64):
        self.w = w
        self.ip = {"c": cip, "s": sip}
        self.port = {"c": cport, "s": sport}
        self.mac = {"c": CMAC, "s": SMAC}
        self.isn = {"c": cisn & 0xFFFFFFFF, "s": sisn & 0xFFFFFFFF}
        self.nxt = dict(self.isn)
        self.ipid = {"c": 0x1000, "s": 0x8000}
        self.vlan = vlan
        self.wscale = wscale
        self.client_zero_csum = client_zero_csum
        self.ttl = {"c": 64, "s": server_ttl}
        self.win = {"c": 502, "s": 509}   # scaled by 2**7 -> ~64 KB

    def send(self, frm, t, flags="A", data=b"", seq=None, ack=None,
             window=None, options=b"", ip_id=None, advance=True,
             write=True, ttl=None):
        """write=False: update state only (a frame lost before the tap)."""
        to = "s" if frm == "c" else "c"
        if seq is None:
            seq = self.nxt[frm]
        if ack is None:
            ack = self.nxt[to]
        if "A" not in flags.upper():
            ack = 0
        if window is None:
            window = self.win[frm]
        if ip_id is None:
            ip_id = self.ipid[frm]
            self.ipid[frm] = (self.ipid[frm] + 1) & 0xFFFF
        csum = 0 if (frm == "c" and self.client_zero_csum) else None
        frame = tcp_frame(self.ip[frm], self.ip[to], self.port[frm],
                          self.port[to], seq=seq, ack=ack, flags=flags,
                          window=window, payload=data, options=options,
                          ip_id=ip_id, vlan=self.vlan, src_mac=self.mac[frm],
                          dst_mac=self.mac[to], tcp_checksum=csum,
                          ttl=self.ttl[frm] if ttl is None else ttl)
        if write:
            self.w.write(t, frame)
        if advance:
            end = seq + len(data) + (1 if "S" in flags.upper() else 0) + \
                (1 if "F" in flags.upper() else 0)
            end &= 0xFFFFFFFF
            # advance if end is "after" nxt in modulo-2^32 arithmetic
            if ((end - self.nxt[frm]) & 0xFFFFFFFF) < 0x80000000:
                self.nxt[frm] = end
        return seq

    def rel(self, frm, off):
        """Absolute sequence number at relative offset ``off`` (1 = first
        byte after the SYN)."""
        return (self.isn[frm] + off) & 0xFFFFFFFF

    def handshake(self, t, syn_opts=True):
        o = tcp_options(mss=1460, sack_perm=True, wscale=self.wscale) \
            if syn_opts else b""
        self.send("c", t, "S", window=64240, options=o)
        self.send("s", t + RTT, "SA", window=65160, options=o)
        self.send("c", t + RTT + 0.00005, "A")
        return t + RTT + 0.00005

    def close(self, t, first="c"):
        """Active close by ``first``; returns time of the last frame."""
        other = "s" if first == "c" else "c"
        self.send(first, t, "FA")
        if first == "c":
            self.send("s", t + RTT, "FA")
            self.send("c", t + RTT + 0.00005, "A")
            return t + RTT + 0.00005
        self.send("c", t + 0.0001, "FA")  # client (capture point) answers
        self.send("s", t + 0.0001 + RTT, "A")
        return t + 0.0001 + RTT


def segments(data, mss=MSS):
    return [data[i:i + mss] for i in range(0, len(data), mss)]


def download(c, t, body, lost=(), ack_every=2):
    """Client sends REQUEST, server answers ``body`` in MSS segments
    (all clean).  Returns time of last frame."""
    c.send("c", t, "PA", REQUEST)
    t += RTT
    segs = segments(body)
    for i, s in enumerate(segs):
        c.send("s", t, "PA" if i == len(segs) - 1 else "A", s)
        if i % ack_every == ack_every - 1 or i == len(segs) - 1:
            c.send("c", t + 0.00003, "A")
        t += 0.0012
    return t


# ---------------------------------------------------------------------------


def crafted_spurious(w):
    c = Conn(w)
    t = c.handshake(T0)
    c.send("c", t + 0.0001, "PA", REQUEST)
    t += 0.0001 + RTT
    body = response(4000)
    segs = segments(body)
    for s in segs:
        c.send("s", t, "A" if s is not segs[-1] else "PA", s)
        t += 0.0012
    c.send("c", t, "A")                     # client ACKs everything
    # the server did not get that ACK in time and retransmits the first
    # segment: already ACKed -> spurious retransmission
    t += RTT + 0.2
    c.send("s", t, "A", segs[0], seq=c.rel("s", 1), ack=c.rel("c", 1 +
           len(REQUEST)))
    c.send("c", t + 0.00005, "A",           # dup ACK with D-SACK
           options=tcp_options(sack=[(c.rel("s", 1), c.rel("s", 1 + MSS))]))
    c.close(t + 0.05)


def crafted_network_duplicate(w):
    c = Conn(w)
    t = c.handshake(T0)
    c.send("c", t + 0.0001, "PA", REQUEST)
    t += 0.0001 + RTT
    segs = segments(response(4000))
    for i, s in enumerate(segs):
        ipid = c.ipid["s"]
        seq = c.send("s", t, "A" if i < len(segs) - 1 else "PA", s)
        if i == 1:
            # SPAN-port duplicate: identical frame (same IP ID) 20 us later
            c.send("s", t + 0.00002, "A", s, seq=seq, ip_id=ipid)
        t += 0.0012
        if i % 2 == 1 or i == len(segs) - 1:
            c.send("c", t - 0.0011, "A")
    c.close(t + 0.05)


def crafted_out_of_order(w):
    c = Conn(w)
    t = c.handshake(T0)
    c.send("c", t + 0.0001, "PA", REQUEST)
    t += 0.0001 + RTT
    segs = segments(response(6000))
    s1, s2, s3 = c.rel("s", 1), c.rel("s", 1 + MSS), c.rel("s", 1 + 2 * MSS)
    c.send("s", t, "A", segs[0], seq=s1)
    c.send("c", t + 0.00003, "A", ack=s2)
    # 2 was sent before 3, so its IP ID is the lower one: the path reordered them
    id2, id3 = c.ipid["s"], (c.ipid["s"] + 1) & 0xFFFF
    c.ipid["s"] = (id3 + 1) & 0xFFFF
    c.send("s", t + 0.0003, "A", segs[2], seq=s3, ip_id=id3)   # 3 before 2
    c.send("c", t + 0.00033, "A", ack=s2,
           options=tcp_options(sack=[(s3, s3 + len(segs[2]))]))
    c.send("s", t + 0.0010, "A", segs[1], seq=s2, ip_id=id2)   # late, 0.7 ms
    c.send("c", t + 0.00103, "A", ack=s3 + len(segs[2]))
    t += 0.0022
    for i, s in enumerate(segs[3:]):
        c.send("s", t, "PA" if 3 + i == len(segs) - 1 else "A", s)
        t += 0.0012
    c.send("c", t, "A")
    c.close(t + 0.05)


def crafted_reused_ports(w):
    t = T0
    for isn_c, isn_s in ((1000000, 2000000), (3500000000, 123456789)):
        c = Conn(w, cport=40000, cisn=isn_c, sisn=isn_s)
        t = c.handshake(t)
        t = download(c, t + 0.0001, response(3000))
        t = c.close(t + 0.01)
        t += 1.5


def crafted_tfo(w):
    cookie = bytes.fromhex("a1b2c3d4e5f60718")
    # 1: SYN with cookie + data, SYN-ACK acknowledges the data
    c = Conn(w, cport=40001)
    o = tcp_options(mss=1460, sack_perm=True, wscale=7, tfo=cookie)
    c.send("c", T0, "S", REQUEST, window=64240, options=o)
    c.send("s", T0 + RTT, "SA", window=65160,
           options=tcp_options(mss=1460, sack_perm=True, wscale=7))
    t = T0 + RTT + 0.00005
    c.send("c", t, "A")
    t += 0.0005
    for s in segments(response(2000)):
        c.send("s", t, "PA", s)
        t += 0.0012
    c.send("c", t, "A")
    t = c.close(t + 0.01)
    # 2: SYN with cookie + data, SYN-ACK ignores the data (acks ISN+1):
    # the client retransmits the request after the handshake
    c = Conn(w, cport=40002, cisn=5000000, sisn=6000000)
    t += 1.0
    c.send("c", t, "S", REQUEST, window=64240, options=o)
    c.nxt["c"] = c.rel("c", 1)              # data not accepted
    c.send("s", t + RTT, "SA", window=65160,
           options=tcp_options(mss=1460, sack_perm=True, wscale=7))
    t += RTT + 0.00005
    c.send("c", t, "A")
    c.send("c", t + 0.00002, "PA", REQUEST)
    t += RTT
    for s in segments(response(2000)):
        c.send("s", t, "PA", s)
        t += 0.0012
    c.send("c", t, "A")
    c.close(t + 0.01)


def crafted_checksum_offload(w):
    c = Conn(w, client_zero_csum=True)
    t = c.handshake(T0)
    t = download(c, t + 0.0001, response(3000))
    c.close(t + 0.01)


def crafted_seq_wrap(w):
    # the server (data sender) starts 3000 bytes below 2^32: its sequence
    # numbers wrap during the ~10 KB transfer
    c = Conn(w, cisn=0xFFFFF000, sisn=2 ** 32 - 3000)
    t = c.handshake(T0)
    c.send("c", t + 0.0001, "PA", REQUEST)
    t += 0.0001 + RTT
    body = response(10000)
    segs = segments(body)
    offs = [1 + i * MSS for i in range(len(segs))]
    lost = 3                                 # seq of segs[3] is past 2^32
    sack = None
    for i, s in enumerate(segs):
        if i == lost:
            c.send("s", t, "A", s, write=False)   # lost before the tap
            t += 0.0012
            continue
        c.send("s", t, "PA" if i == len(segs) - 1 else "A", s,
               seq=c.rel("s", offs[i]))
        if i > lost:
            le = c.rel("s", offs[lost + 1])
            re = c.rel("s", offs[i] + len(s))
            c.send("c", t + 0.00003, "A", ack=c.rel("s", offs[lost]),
                   options=tcp_options(sack=[(le, re)]))
        else:
            c.send("c", t + 0.00003, "A", ack=c.rel("s", offs[i] + len(s)))
        t += 0.0012
    # fast retransmission of the lost segment (after 3 dup ACKs + RTT/2)
    t += 0.008
    c.send("s", t, "A", segs[lost], seq=c.rel("s", offs[lost]))
    c.send("c", t + 0.00003, "A")
    c.close(t + 0.05)


def crafted_ipv6_vlan(w):
    c = Conn(w, cip="fd00:100::1", sip="fd00:100::2", vlan=100)
    t = c.handshake(T0)
    c.send("c", t + 0.0001, "PA", REQUEST)
    t += 0.0001 + RTT
    segs = segments(response(3000))
    for s in segs[:-1]:
        c.send("s", t, "A", s)
        t += 0.0012
    c.send("c", t - 0.0011, "A")
    # tap in the middle of the path: the last segment passes the tap but
    # is lost before the client, so no ACK -> RTO retransmission
    last_seq = c.send("s", t, "PA", segs[-1])
    t += 0.220
    c.send("s", t, "PA", segs[-1], seq=last_seq)
    c.send("c", t + 0.00003, "A")
    c.close(t + 0.05)


def crafted_forged_reset(w):
    """Resets in the server's name (captured at the client): the server's own
    packets arrive with TTL / hop limit 57, one RTT (20 ms) after the client's.
    1: a good download from 10.0.0.2:80 (the reference); 2: a SYN to port 8443
    answered 0.1 ms later by a RST with TTL 64 (a firewall on the path); 3: a
    SYN to port 8081 answered one RTT later by a RST with TTL 57 (the server:
    nothing listening); 4 (IPv6): a download cut by a RST with hop limit 64
    where the server's packets have 57."""
    c = Conn(w, cport=40001, server_ttl=57)
    t = c.handshake(T0)
    c.send("c", t + 0.0001, "PA", REQUEST)
    t += 0.0001 + RTT
    for s in segments(response(3000)):
        c.send("s", t, "A", s)
        t += 0.0012
    c.send("c", t, "A")
    t = c.close(t + 0.01)
    b = Conn(w, cport=40002, sport=8443, cisn=5000000, server_ttl=57)
    b.send("c", t + 0.1, "S", window=64240, options=tcp_options(mss=1460))
    b.send("s", t + 0.1001, "RA", ttl=64)
    r = Conn(w, cport=40003, sport=8081, cisn=6000000, server_ttl=57)
    r.send("c", t + 0.2, "S", window=64240, options=tcp_options(mss=1460))
    r.send("s", t + 0.2 + RTT, "RA")
    v = Conn(w, cip="fd00:100::1", sip="fd00:100::2", cport=40004, server_ttl=57)
    o = tcp_options(mss=1440, sack_perm=True, wscale=7)
    t += 0.3
    v.send("c", t, "S", window=64240, options=o)
    v.send("s", t + RTT, "SA", window=65160, options=o)
    v.send("c", t + RTT + 0.00005, "A")
    t += RTT + 0.0001
    v.send("c", t, "PA", REQUEST)
    t += RTT
    for s in segments(response(3000))[:2]:
        v.send("s", t, "A", s)
        t += 0.0012
    v.send("c", t, "A")
    v.send("s", t + 0.0002, "RA", ttl=64)


def crafted_zero_window_probe(w):
    # A receiver whose window closes; the sender probes BSD/Windows style
    # with 1 byte of new data (Linux probes with seq-1 and no data, which
    # Wireshark reports as keep-alive instead), the receiver answers each
    # probe with window 0, then opens the window.
    c = Conn(w)
    t = c.handshake(T0)
    c.send("c", t + 0.0001, "PA", REQUEST)
    t += 0.0001 + RTT
    body = response(12000)
    segs = segments(body)
    n_before = 4                              # window = 4 segments
    c.win["c"] = (n_before * MSS) >> 7
    off = 1
    for s in segs[:n_before]:
        c.send("s", t, "A", s)
        off += len(s)
        t += 0.0012
    c.send("c", t, "A", window=0)             # zero window
    rest = b"".join(segs[n_before:])
    backoff = 0.2
    probes = 0
    for k in range(3):
        t += backoff
        backoff *= 2
        c.send("s", t, "A", rest[:1], seq=c.rel("s", off), advance=False)
        c.send("c", t + 0.00003, "A", window=0)
        probes += 1
    t += 0.3
    c.win["c"] = 502
    c.send("c", t, "A")                       # window update
    t += RTT
    for s in segments(rest):
        c.send("s", t, "A", s)
        t += 0.0012
    c.send("c", t, "A")
    c.close(t + 0.05)


CRAFTS = {
    "crafted_spurious": crafted_spurious,
    "crafted_network_duplicate": crafted_network_duplicate,
    "crafted_out_of_order": crafted_out_of_order,
    "crafted_reused_ports": crafted_reused_ports,
    "crafted_tfo": crafted_tfo,
    "crafted_checksum_offload": crafted_checksum_offload,
    "crafted_seq_wrap": crafted_seq_wrap,
    "crafted_ipv6_vlan": crafted_ipv6_vlan,
    "crafted_zero_window_probe": crafted_zero_window_probe,
    "crafted_forged_reset": crafted_forged_reset,
}


def main(argv):
    names = [a[:-5] if a.endswith(".pcap") else a for a in argv] or \
        list(CRAFTS)
    for n in names:
        if n not in CRAFTS:
            print("unknown: %s; known: %s" % (n, " ".join(CRAFTS)),
                  file=sys.stderr)
            return 2
    for n in names:
        path = os.path.join(HERE, n + ".pcap")
        tmp = path + ".tmp"
        with PcapWriter(tmp) as w:
            CRAFTS[n](w)
            count = w.count
        os.replace(tmp, path)
        os.chmod(path, 0o644)
        print("wrote %s (%d frames)" % (path, count))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
