#!/usr/bin/env python3
"""Tiny stdlib-only writer for classic libpcap files with TCP frames.

File format: classic pcap (magic 0xa1b2c3d4, v2.4, microsecond timestamps),
LINKTYPE_ETHERNET (1).  Frames are Ethernet II (optionally with one 802.1Q
tag) / IPv4 or IPv6 / TCP, with correct IPv4 header and TCP checksums
(unless a checksum is forced, e.g. 0 to imitate checksum offload).

Example:

    from pcapwriter import PcapWriter, tcp_frame, tcp_options
    with PcapWriter("x.pcap") as w:
        w.write(1700000000.0, tcp_frame("10.0.0.1", "10.0.0.2", 40000, 80,
                seq=1000, flags="S", window=64240,
                options=tcp_options(mss=1460, sack_perm=True, wscale=7)))

Addresses containing ':' are IPv6, otherwise IPv4.
"""

import ipaddress
import struct

LINKTYPE_ETHERNET = 1

FIN, SYN, RST, PSH, ACK, URG, ECE, CWR = 0x01, 0x02, 0x04, 0x08, 0x10, \
    0x20, 0x40, 0x80
_FLAG_LETTERS = {"F": FIN, "S": SYN, "R": RST, "P": PSH, "A": ACK, "U": URG,
                 "E": ECE, "C": CWR}

ETH_IPV4, ETH_IPV6, ETH_VLAN = 0x0800, 0x86DD, 0x8100
IPPROTO_TCP = 6

# TCP option kinds
OPT_EOL, OPT_NOP, OPT_MSS, OPT_WSCALE, OPT_SACK_PERM, OPT_SACK, OPT_TS, \
    OPT_TFO = 0, 1, 2, 3, 4, 5, 8, 34


def parse_flags(flags):
    """'SA', 'PA', 'FA', 'R' ... or an int -> int."""
    if isinstance(flags, int):
        return flags
    v = 0
    for ch in flags.upper():
        v |= _FLAG_LETTERS[ch]
    return v


def checksum(data):
    """RFC 1071 Internet checksum."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def tcp_options(mss=None, wscale=None, sack_perm=False, sack=None, ts=None,
                tfo=None, raw=b""):
    """Build a TCP options block, NOP-padded to a multiple of 4 bytes.

    mss: int; wscale: shift count; sack_perm: bool;
    sack: list of (left, right) edges; ts: (tsval, tsecr);
    tfo: bytes cookie (b"" = cookie request) -> option kind 34;
    raw: extra pre-encoded option bytes appended as is.
    Order follows Linux: MSS, SACK_PERM+TS / NOP NOP TS, NOP WS, SACK, TFO.
    """
    o = b""
    if mss is not None:
        o += struct.pack("!BBH", OPT_MSS, 4, mss)
    if sack_perm and ts is not None:
        o += struct.pack("!BB", OPT_SACK_PERM, 2)
        o += struct.pack("!BBII", OPT_TS, 10, ts[0] & 0xFFFFFFFF,
                         ts[1] & 0xFFFFFFFF)
    else:
        if ts is not None:
            o += struct.pack("!BBBBII", OPT_NOP, OPT_NOP, OPT_TS, 10,
                             ts[0] & 0xFFFFFFFF, ts[1] & 0xFFFFFFFF)
        if sack_perm:
            o += struct.pack("!BBBB", OPT_NOP, OPT_NOP, OPT_SACK_PERM, 2)
    if wscale is not None:
        o += struct.pack("!BBBB", OPT_NOP, OPT_WSCALE, 3, wscale)
    if sack:
        o += struct.pack("!BBBB", OPT_NOP, OPT_NOP, OPT_SACK, 2 + 8 * len(sack))
        for le, re in sack:
            o += struct.pack("!II", le & 0xFFFFFFFF, re & 0xFFFFFFFF)
    if tfo is not None:
        o += struct.pack("!BB", OPT_TFO, 2 + len(tfo)) + bytes(tfo)
    o += raw
    while len(o) % 4:
        o += bytes([OPT_NOP])
    if len(o) > 40:
        raise ValueError("TCP options longer than 40 bytes")
    return o


def _ipbytes(addr):
    return ipaddress.ip_address(addr).packed


def tcp_header(src, dst, sport, dport, seq=0, ack=0, flags="A",
               window=65535, payload=b"", options=b"", urgent=0,
               tcp_checksum=None):
    """TCP header+payload with checksum over the IPv4/IPv6 pseudo header.

    tcp_checksum: None = compute; an int forces that value (0 = offload).
    """
    if len(options) % 4:
        raise ValueError("options must be padded to 4 bytes")
    off = (20 + len(options)) // 4
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF,
                      ack & 0xFFFFFFFF, off << 4, parse_flags(flags),
                      window & 0xFFFF, 0, urgent) + options
    seg = hdr + payload
    if tcp_checksum is None:
        s, d = _ipbytes(src), _ipbytes(dst)
        if len(s) == 4:
            pseudo = s + d + struct.pack("!BBH", 0, IPPROTO_TCP, len(seg))
        else:
            pseudo = s + d + struct.pack("!I3xB", len(seg), IPPROTO_TCP)
        csum = checksum(pseudo + seg)
    else:
        csum = tcp_checksum
    return seg[:16] + struct.pack("!H", csum) + seg[18:]


def ipv4_packet(src, dst, payload, proto=IPPROTO_TCP, ip_id=0, ttl=64,
                df=True, tos=0):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, tos, 20 + len(payload),
                      ip_id & 0xFFFF, 0x4000 if df else 0, ttl, proto, 0,
                      _ipbytes(src), _ipbytes(dst))
    hdr = hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]
    return hdr + payload


def ipv6_packet(src, dst, payload, nh=IPPROTO_TCP, hlim=64, flow=0,
                tclass=0):
    first = (6 << 28) | ((tclass & 0xFF) << 20) | (flow & 0xFFFFF)
    return struct.pack("!IHBB16s16s", first, len(payload), nh, hlim,
                       _ipbytes(src), _ipbytes(dst)) + payload


def _mac(m):
    return bytes(int(x, 16) for x in m.split(":"))


def ethernet(payload, ethertype, src_mac="02:00:00:00:00:01",
             dst_mac="02:00:00:00:00:02", vlan=None, vlan_pcp=0):
    """Ethernet II frame, with an 802.1Q tag if vlan (VLAN id) is given."""
    f = _mac(dst_mac) + _mac(src_mac)
    if vlan is not None:
        f += struct.pack("!HH", ETH_VLAN, ((vlan_pcp & 7) << 13) |
                         (vlan & 0xFFF))
    return f + struct.pack("!H", ethertype) + payload


def tcp_frame(src, dst, sport, dport, seq=0, ack=0, flags="A",
              window=65535, payload=b"", options=b"", ip_id=0, ttl=64,
              vlan=None, src_mac="02:00:00:00:00:01",
              dst_mac="02:00:00:00:00:02", tcp_checksum=None, urgent=0,
              flow=0):
    """Complete Ethernet/[802.1Q]/IPv4|IPv6/TCP frame as bytes."""
    seg = tcp_header(src, dst, sport, dport, seq, ack, flags, window,
                     payload, options, urgent, tcp_checksum)
    if ":" in src:
        pkt, et = ipv6_packet(src, dst, seg, hlim=ttl, flow=flow), ETH_IPV6
    else:
        pkt, et = ipv4_packet(src, dst, seg, ip_id=ip_id, ttl=ttl), ETH_IPV4
    return ethernet(pkt, et, src_mac, dst_mac, vlan)


class PcapWriter:
    """Classic pcap writer (microsecond resolution)."""

    def __init__(self, path, snaplen=262144, linktype=LINKTYPE_ETHERNET):
        self.f = open(path, "wb")
        self.snaplen = snaplen
        self.count = 0
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen,
                                 linktype))

    def write(self, ts, frame):
        """ts: seconds since the epoch (float), frame: bytes."""
        usec_total = int(round(ts * 1000000))
        sec, usec = divmod(usec_total, 1000000)
        cap = frame[:self.snaplen]
        self.f.write(struct.pack("<IIII", sec, usec, len(cap), len(frame)))
        self.f.write(cap)
        self.count += 1

    def close(self):
        if self.f:
            self.f.close()
            self.f = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
