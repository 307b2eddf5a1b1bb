#!/usr/bin/env python3
"""Build the hostile_*.pcap captures used by tests/test_robustness.py.

Things a capture from an untrusted network can throw at tcpx that the other
samples do not: two TCP headers in one frame (a tunnel), no TCP at all, and
(generated at test time, not committed: too big) thousands of concurrent
streams.  Uses tests/tools/pcapwriter.py (stdlib only).

Usage:
    python3 sample_pcaps/craft_hostile.py [name ...]    (default: all committed ones)
    python3 sample_pcaps/craft_hostile.py --many-streams OUT.pcap [N]

Deterministic: re-running produces byte-identical files.

Files:
  hostile_tunnel_gtp.pcap  An outer TCP connection 192.0.2.1:40000 ->
      192.0.2.2:2152 whose payload is GTP-U (T-PDU, one per segment, TEID 1)
      carrying an inner IPv4/TCP connection 10.0.0.1:50000 -> 10.0.0.2:80:
      handshake, GET, a 600-byte response sent twice (inner retransmission,
      220 ms later), ACK, FIN both ways.  Frames 4-12 carry two TCP headers.
      Wireshark decodes the payload as GTP with `-d tcp.port==2152,gtp`.
  hostile_no_tcp.pcap  UDP (DNS-like) and ICMP echo only: no TCP at all.
  hostile_time_extremes.pcap  One connection whose ACKs are stamped 2^32-1 s
      (year 2106) and its data 1 s after the epoch: ACK RTTs of ~136 years;
      a second one whose handshake ACK comes ~136 years after the SYN-ACK,
      then data and a RST.
  hostile_far_future.pcapng  pcapng, interface time resolution 1 s, frames
      at 1 s, 2 s, 2^40 s and 2^62 s: nanosecond times beyond 64 bits.
"""

import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "tools"))

from pcapwriter import (PcapWriter, ethernet, ipv4_packet, tcp_header,  # noqa: E402
                        tcp_options, checksum, ETH_IPV4)

T0 = 1700000000.0
GTP_PORT = 2152


class Side:
    """Sequence state of one direction of a TCP connection."""

    def __init__(self, ip, port, isn):
        self.ip, self.port, self.nxt = ip, port, isn & 0xFFFFFFFF


def tcp_packet(a, b, flags, data=b"", seq=None, ack=True, advance=True,
               options=b"", window=64000, ip_id=0):
    """IPv4/TCP packet from side a to side b (bytes of the IP packet)."""
    s = a.nxt if seq is None else seq
    seg = tcp_header(a.ip, b.ip, a.port, b.port, seq=s,
                     ack=b.nxt if ack else 0, flags=flags, window=window,
                     payload=data, options=options)
    if advance and seq is None:   # an explicit seq is a retransmission
        n = len(data) + (1 if ("S" in flags or "F" in flags) else 0)
        a.nxt = (s + n) & 0xFFFFFFFF
    return ipv4_packet(a.ip, b.ip, seg, ip_id=ip_id)


def gtpu(inner, teid=1):
    """GTPv1-U T-PDU header + inner IP packet."""
    return struct.pack("!BBHI", 0x30, 0xFF, len(inner), teid) + inner


def craft_tunnel(path):
    oc, os_ = Side("192.0.2.1", 40000, 3000000), Side("192.0.2.2", GTP_PORT, 4000000)
    ic, is_ = Side("10.0.0.1", 50000, 1000000), Side("10.0.0.2", 80, 2000000)
    syn_opts = tcp_options(mss=1400, sack_perm=True, wscale=0)
    t = [T0]
    ipid = [0x100]

    def frame(pkt):
        return ethernet(pkt, ETH_IPV4)

    def outer(w, frm, dt, flags="PA", data=b"", options=b""):
        a, b = (oc, os_) if frm == "c" else (os_, oc)
        t[0] += dt
        ipid[0] += 1
        w.write(t[0], frame(tcp_packet(a, b, flags, data, ack="A" in flags,
                                       options=options, ip_id=ipid[0])))

    def inner(w, frm, dt, flags="A", data=b"", seq=None, options=b""):
        a, b = (ic, is_) if frm == "c" else (is_, ic)
        ipkt = tcp_packet(a, b, flags, data, seq=seq, ack="A" in flags,
                          options=options, ip_id=0x2000 + ipid[0])
        outer(w, frm, dt, "PA", gtpu(ipkt))

    body = (b"HTTP/1.1 200 OK\r\nContent-Length: 520\r\n\r\n"
            + b"tunnelled-bytes!" * 40)[:600]
    with PcapWriter(path) as w:
        outer(w, "c", 0, "S", options=syn_opts)          # 1
        outer(w, "s", 0.010, "SA", options=syn_opts)     # 2
        outer(w, "c", 0.00005, "A")                      # 3
        inner(w, "c", 0.001, "S", options=syn_opts)      # 4  inner SYN
        inner(w, "s", 0.020, "SA", options=syn_opts)     # 5  inner SYN-ACK
        inner(w, "c", 0.00005, "A")                      # 6  inner ACK
        inner(w, "c", 0.001, "PA", b"GET / HTTP/1.1\r\nHost: 10.0.0.2\r\n\r\n")  # 7
        first = is_.nxt
        inner(w, "s", 0.020, "PA", body)                 # 8  response
        inner(w, "s", 0.220, "PA", body, seq=first)      # 9  same bytes again: retransmission
        inner(w, "c", 0.020, "A")                        # 10 ACK
        inner(w, "c", 0.001, "FA")                       # 11 inner FIN
        inner(w, "s", 0.020, "FA")                       # 12 inner FIN
        outer(w, "c", 0.001, "A")                        # 13 outer ACK
        outer(w, "c", 0.001, "FA")                       # 14 outer FIN
        outer(w, "s", 0.010, "FA")                       # 15
        outer(w, "c", 0.00005, "A")                      # 16


def udp_packet(src, dst, sport, dport, data, ip_id):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    return ipv4_packet(src, dst, udp, proto=17, ip_id=ip_id)


def icmp_echo(src, dst, typ, ident, seqno, ip_id):
    body = struct.pack("!BBHHH", typ, 0, 0, ident, seqno) + b"tcpx-hostile-ping"
    body = body[:2] + struct.pack("!H", checksum(body)) + body[4:]
    return ipv4_packet(src, dst, body, proto=1, ip_id=ip_id)


def craft_no_tcp(path):
    with PcapWriter(path) as w:
        t = T0
        q = (b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
             b"\x07example\x03com\x00\x00\x01\x00\x01")
        for i in range(3):
            w.write(t, ethernet(udp_packet("10.0.0.1", "10.0.0.53", 53000 + i, 53, q, 10 + i), ETH_IPV4))
            w.write(t + 0.005, ethernet(udp_packet("10.0.0.53", "10.0.0.1", 53, 53000 + i,
                                                   q[:2] + b"\x81\x80" + q[4:], 100 + i), ETH_IPV4))
            w.write(t + 0.010, ethernet(icmp_echo("10.0.0.1", "10.0.0.2", 8, 7, i, 20 + i), ETH_IPV4))
            w.write(t + 0.011, ethernet(icmp_echo("10.0.0.2", "10.0.0.1", 0, 7, i, 200 + i), ETH_IPV4))
            t += 1.0


def craft_many_streams(path, n=3000, retx_every=100):
    """n interleaved connections 10.1.x.y:port -> 10.9.0.1:80, all open at once.

    Phase by phase over all streams: SYN, SYN-ACK, ACK, request (100 bytes),
    response (300 bytes), then every retx_every-th stream (0, 100, ...) sends its
    response again 250 ms later (a retransmission), ACK, then FIN/FIN/ACK.
    Returns the number of retransmitted streams.
    """
    sides = []
    for i in range(n):
        c = Side("10.1.%d.%d" % (i // 250, i % 250 + 1), 20000 + i, 1000 + i * 7919)
        s = Side("10.9.0.1", 80, 5000000 + i * 104729)
        sides.append((c, s))
    opts = tcp_options(mss=1460, sack_perm=True, wscale=7)
    t = T0
    retx = 0
    with PcapWriter(path) as w:
        def put(pkt):
            nonlocal t
            t += 0.00001
            w.write(t, ethernet(pkt, ETH_IPV4))
        first = {}
        for step in range(9):
            for i, (c, s) in enumerate(sides):
                if step == 0:
                    put(tcp_packet(c, s, "S", ack=False, options=opts))
                elif step == 1:
                    put(tcp_packet(s, c, "SA", options=opts))
                elif step == 2:
                    put(tcp_packet(c, s, "A"))
                elif step == 3:
                    put(tcp_packet(c, s, "PA", b"q" * 100))
                elif step == 4:
                    first[i] = s.nxt
                    put(tcp_packet(s, c, "PA", b"r" * 300))
                elif step == 5:
                    if i % retx_every == 0:
                        if i == 0:
                            t += 0.25
                        put(tcp_packet(s, c, "PA", b"r" * 300, seq=first[i]))
                        retx += 1
                elif step == 6:
                    put(tcp_packet(c, s, "A"))
                elif step == 7:
                    put(tcp_packet(c, s, "FA"))
                elif step == 8:
                    put(tcp_packet(s, c, "FA"))
        for c, s in sides:
            put(tcp_packet(c, s, "A"))
    return retx


def craft_time_extremes(path):
    """Timestamps a broken clock or a hostile file can hold: the client's data at
    t = 1 s after the epoch, each server ACK at t = 2^32 - 1 s (the largest a
    classic pcap holds), so every ACK RTT is ~136 years (~4.3e18 ns): the sum
    of three no longer fits in 64 bits."""
    c, s = Side("10.0.0.1", 40001, 7000), Side("10.0.0.2", 80, 9000)
    opts = tcp_options(mss=1460, sack_perm=True, wscale=7)
    late = float(0xFFFFFFFF)
    with PcapWriter(path) as w:
        w.write(1.0, ethernet(tcp_packet(c, s, "S", ack=False, options=opts), ETH_IPV4))
        w.write(1.02, ethernet(tcp_packet(s, c, "SA", options=opts), ETH_IPV4))
        w.write(1.03, ethernet(tcp_packet(c, s, "A"), ETH_IPV4))
        for i in range(4):
            w.write(1.04 + i * 0.01, ethernet(tcp_packet(c, s, "PA", b"x" * 100), ETH_IPV4))
            w.write(late - 0.5 + i * 0.1, ethernet(tcp_packet(s, c, "A"), ETH_IPV4))
        w.write(late, ethernet(tcp_packet(c, s, "FA"), ETH_IPV4))
        w.write(late, ethernet(tcp_packet(s, c, "FA"), ETH_IPV4))
        w.write(late, ethernet(tcp_packet(c, s, "A"), ETH_IPV4))
        # Second connection: handshake ACK ~136 years after the SYN-ACK (a
        # handshake RTT of ~4.3e18 ns), some data, then a RST from the server.
        c, s = Side("10.0.0.1", 40002, 17000), Side("10.0.0.2", 80, 19000)
        w.write(2.0, ethernet(tcp_packet(c, s, "S", ack=False, options=opts), ETH_IPV4))
        w.write(2.02, ethernet(tcp_packet(s, c, "SA", options=opts), ETH_IPV4))
        w.write(late - 10, ethernet(tcp_packet(c, s, "A"), ETH_IPV4))
        w.write(late - 9, ethernet(tcp_packet(c, s, "PA", b"y" * 100), ETH_IPV4))
        w.write(late - 8, ethernet(tcp_packet(s, c, "RA"), ETH_IPV4))


def _pcapng_block(btype, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


def craft_far_future(path):
    """pcapng whose interface counts time in whole seconds (if_tsresol = 10^0)
    with 64-bit timestamps: frames at 1 s, 2 s, then 2^40 s and 2^62 s after
    the epoch.  In nanoseconds those no longer fit in 64 bits."""
    c, s = Side("10.0.0.1", 40003, 27000), Side("10.0.0.2", 80, 29000)
    opts = tcp_options(mss=1460, sack_perm=True, wscale=7)
    frames = [
        (1, tcp_packet(c, s, "S", ack=False, options=opts)),
        (2, tcp_packet(s, c, "SA", options=opts)),
        (1 << 40, tcp_packet(c, s, "A")),
        ((1 << 40) + 1, tcp_packet(c, s, "PA", b"z" * 100)),
        (1 << 62, tcp_packet(s, c, "A")),
        ((1 << 62) + 1, tcp_packet(s, c, "RA")),
    ]
    shb = _pcapng_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    idb_opts = struct.pack("<HHB", 9, 1, 0) + b"\0" * 3 + struct.pack("<HH", 0, 0)
    idb = _pcapng_block(1, struct.pack("<HHI", 1, 0, 262144) + idb_opts)
    out = [shb, idb]
    for ts, pkt in frames:
        data = ethernet(pkt, ETH_IPV4)
        out.append(_pcapng_block(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF,
                                                len(data), len(data)) + data))
    with open(path, "wb") as f:
        f.write(b"".join(out))


CRAFTERS = {
    "hostile_far_future": craft_far_future,
    "hostile_time_extremes": craft_time_extremes,
    "hostile_tunnel_gtp": craft_tunnel,
    "hostile_no_tcp": craft_no_tcp,
}


def main(argv):
    if argv[:1] == ["--many-streams"]:
        n = int(argv[2]) if len(argv) > 2 else 3000
        print("%d retransmitted streams" % craft_many_streams(argv[1], n))
        return 0
    names = argv or sorted(CRAFTERS)
    for name in names:
        path = os.path.join(HERE, name + (".pcapng" if name == "hostile_far_future" else ".pcap"))
        CRAFTERS[name](path)
        print("wrote", path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
