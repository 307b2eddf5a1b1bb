"""Scenarios whose sender is rawtcp.py, a userspace TCP: faults Linux's TCP
never makes (it never ignores SACK, never writes past the receive window).

The client namespace runs rawtcp.py (its kernel's RSTs for the port dropped by
nftables there); the server is a real Linux receiver (apps.py server).  The
sender's own log (per segment: time, seq, length, resend, already SACKed,
beyond the window) lands in the truth's ``apps[0]``.  Imported by scenarios.py.
"""

import os

from netlab import SERVER_IP
from scenarios import Stream, scenario

RAWTCP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rawtcp.py")
BURST = (30, 37)     # the data segments (numgen, from 0) the router drops
PUT = 300000


def raw_upload(lab, expect, mode, size, **kw):
    args = ["server=%s" % SERVER_IP, "port=8080", "sport=40001",
            "put=%d" % size, "mode=" + mode]
    args += ["%s=%s" % kv for kv in kw.items()]
    r = lab.result(lab.spawn("client", "python3", RAWTCP, *args))
    expect(r["error"] is None and r["bytes"] == size, "upload complete")
    expect(r.get("response", "").startswith("HTTP/1.1 200"),
           "the server read it all and answered")
    expect(r.get("client_rsts_dropped", 0) >= 1,
           "the client kernel's own RSTs were dropped (it has no socket)")
    return r


def sack_ignored_verify(d, expect):
    srv = d["server"]
    dup = srv.get("TcpExtTCPDSACKOldSent", 0) + \
        srv.get("TcpExtTCPDSACKOfoSent", 0)
    expect(dup >= 1, "the receiver D-SACKed duplicate data "
           "(TCPDSACKOldSent + TCPDSACKOfoSent = %d)" % dup)


@scenario("sack_ignored",
          "300 kB upload from a userspace sender that offers SACK but "
          "ignores the blocks; the router drops 8 segments in a row",
          [Stream(40001, 8080, "sack_ignored",
                  "NewReno recovery repairs one hole per round trip; its "
                  "timer (0.2 s, not restarted by partial ACKs) fires and it "
                  "goes back N, resending data the receiver had SACKed")],
          injected="client: rawtcp.py mode=sack_ignored (SACK-permitted, "
                   "SACK blocks ignored, NewReno, fixed RTO 0.2 s, go-back-N "
                   "on timeout); nftables on the router: client->server data "
                   "segments %d-%d (numgen inc) dropped" % BURST,
          capture_note="at the router's client side, upstream of the drops: "
                       "the sender's view (its ACKs and SACKs arrive as the "
                       "capture sees them)",
          delay_ms=40, verify=sack_ignored_verify)
def sack_ignored(lab, expect):
    lab.nft('iifname "r0" tcp dport 8080 ip length > 100 '
            'numgen inc mod 100000 %d-%d counter drop' % BURST)
    lab.app("server", "server", port=8080)
    r = raw_upload(lab, expect, "sack_ignored", PUT, rto=0.2, cwnd=24)
    drops = sum(x["packets"] for x in lab.nft_counters())
    expect(drops == BURST[1] - BURST[0] + 1,
           "the router dropped %d segments in a row" % drops)
    expect(r.get("resent_sacked_segments", 0) >= 2,
           "the sender resent SACKed segments")
    return [r]


def beyond_verify(d, expect):
    n = d["server"].get("TcpExtBeyondWindow", 0)
    expect(n >= 1, "the receiver dropped segments beyond its window "
           "(TcpExtBeyondWindow = %d)" % n)


@scenario("beyond_window",
          "100 kB upload from a userspace sender that, when the receiver's "
          "window closes, sends 4 full segments past it",
          [Stream(40001, 8080, "beyond_window",
                  "the receiver drops the 4 segments (TcpExtBeyondWindow); "
                  "the sender resends them once its timer fires and the "
                  "window opens")],
          injected="client: rawtcp.py mode=beyond_window beyond=4 (4 "
                   "segments past the right edge of the first zero window); "
                   "server application: SO_RCVBUF 16384, no read for 1 s "
                   "after 20 kB",
          capture_note="at the router's client side: the sender's view",
          verify=beyond_verify)
def beyond_window(lab, expect):
    lab.app("server", "server", port=8080, rcvbuf=16384, stall=1,
            stall_after=20000)
    r = raw_upload(lab, expect, "beyond_window", 100000, rto=0.3, cwnd=10,
                   beyond=4)
    expect(r.get("beyond_window_segments", 0) == 4,
           "the sender sent 4 segments past the window")
    expect(r.get("beyond_window_resends", 0) >= 4,
           "and resent them")
    return [r]
