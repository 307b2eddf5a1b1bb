"""The corpus's scenarios: what each one injects and what its truth is.

A scenario is a function that makes traffic in a fresh Lab (netlab.py), with a
declaration of what it injected, where the capture sits and, per TCP stream,
the truth: a verdict class (VERDICTS) and its fault domain.  make_corpus.py
runs it between two nstat snapshots, with dumpcap running and the sender's
socket sampled by ``ss -tin``.  The client binds fixed source ports, so a
stream is known by its addresses before the capture exists.

Loss is made deterministic where the kernel lets it: nftables ``numgen inc``
(every Nth packet) rather than ``numgen random``, fixed sizes, fixed ports.
"""

import os
import re
import signal
import time

from netlab import CLIENT_IP, ROUTER_S_IP, SERVER_IP

# verdict class: (fault domain, meaning[, faults_ok: the domains a judge may
# give without being wrong, when not only the fault]); the tcpx verdict codes
# that agree: tcpx_codes.json
VERDICTS = {
    "healthy": ("none",
                "nothing went wrong: the transfer ran at the path's pace"),
    "network_loss": ("network",
                     "packets were lost on the path; TCP recovered them"),
    "connection_lost": ("network",
                        "the path died mid-transfer: the sender retransmitted "
                        "with backoff and gave up (ETIMEDOUT)"),
    "syn_retransmitted": ("network",
                          "the first SYNs were lost on the path; the "
                          "connection came up late, then worked"),
    "refused": ("server",
                "the server host answered the SYN with a RST: nothing "
                "listening on that port"),
    "syn_rejected_by_filter": ("network",
                               "a firewall on the path rejected the SYN with an "
                               "ICMP 'administratively prohibited'; the client's "
                               "connect failed at once (EHOSTUNREACH)"),
    "reset_by_middlebox": ("network",
                           "a box on the path forged the RST in the server's "
                           "name; the server never saw the SYN"),
    "client_not_reading": ("client",
                           "the client application stopped reading: zero "
                           "window, the server sent window probes"),
    "server_not_reading": ("server",
                           "the server application stopped reading: zero "
                           "window, the client sent window probes"),
    "server_app_slow": ("server",
                        "the server application took seconds to answer; "
                        "its TCP acknowledged the request at once"),
    "capture_duplicates": ("capture",
                           "healthy traffic; the capture holds every packet "
                           "twice"),
    "capture_truncated": ("capture",
                          "healthy traffic; the capture kept only the first "
                          "bytes of each packet"),
    "capture_two_points": ("capture",
                           "healthy traffic seen at two interfaces merged "
                           "into one file: each packet twice, one delay "
                           "line apart"),
    "scan_refused": ("client",
                     "a port scanner's SYN to a closed port, refused by the "
                     "server's kernel (RST): the scanner's doing, not a "
                     "server fault; a judge may call it benign (none)",
                     ["client", "none"]),
    "delay_spike": ("network",
                    "the path held every packet for about a second and then "
                    "delivered them all: the sender's RTO fired and its "
                    "retransmissions were unneeded (spurious, D-SACKed); "
                    "nothing was lost"),
    "pmtu_blackhole": ("network",
                       "a path-MTU black hole: packets larger than the path "
                       "allows are dropped without an ICMP 'fragmentation "
                       "needed', so full-size segments are retransmitted "
                       "again and again while small ones get through"),
    "pmtu_handled": ("none",
                     "the path's MTU is smaller than the hosts' links: the "
                     "router said so with ICMP 'fragmentation needed' and "
                     "the sender resent the segments that did not fit in "
                     "smaller ones, once, and went on: Path MTU discovery "
                     "working as designed; a few resends, no fault"),
    "rto_too_long": ("server",
                     "one segment lost on the path, resent only after the "
                     "server's retransmission timer, set far too long (the "
                     "route's rto_min 3 s on a 30 ms path), expired: the "
                     "transfer stood still for 3 s because of the server's "
                     "timer"),
    "queue_delay": ("network",
                    "a queue on the path fills (bufferbloat): the bottleneck's "
                    "large buffer holds what the receive window lets the "
                    "sender put in flight, so the RTT under load is many "
                    "times the path's, with no loss"),
    "nagle_delayed_ack": ("client",
                          "the client writes each request in two small writes "
                          "with Nagle on: the second waits for the ACK of the "
                          "first, which the server delays (~40 ms): every "
                          "exchange stalls; the client application's writes "
                          "(or TCP_NODELAY) are the fix"),
    "capture_short": ("none",
                      "the capture holds ~150 ms from the middle of a longer, "
                      "healthy transfer, with a brief zero window in it: too "
                      "short to judge; a judge may say what it saw but must "
                      "not turn the short event into a fault",
                      ["none", "capture"]),
    "sack_ignored": ("client",
                     "the client's TCP (a userspace sender) offered SACK but "
                     "ignores the SACK blocks: after a burst loss it repairs "
                     "one hole per round trip and, on its timeout, resends "
                     "data the receiver had already SACKed"),
    "path_reordering": ("network",
                        "the path reorders packets and loses none: some "
                        "segments arrive after later ones; the sender may "
                        "take the first few for losses and resend them "
                        "(spurious, D-SACKed) until its TCP learns the "
                        "reordering; a judge may call it harmless (none), "
                        "never packet loss",
                        ["network", "none"]),
    "ack_loss": ("network",
                 "the path loses ACKs on their way back to the sender and "
                 "no data: each gap in the ACKs leaves the sender waiting; "
                 "when one outlasts its timer it resends data the receiver "
                 "already had (spurious, D-SACKed); the data path is fine, "
                 "so a judge must not call it data loss; it may call it "
                 "harmless (none) when the sender never noticed",
                 ["network", "none"]),
    "beyond_window": ("client",
                      "the client's TCP (a userspace sender) sends segments "
                      "past the right edge of the receiver's window; the "
                      "receiver drops them and they must be sent again"),
}

SCENARIOS = {}


class Stream:
    """One TCP stream's truth; ``pattern``: how its losses came (tcpx's
    words: "scattered" single losses, "bursts" of several at once); cause: what
    dropped the segments ("queue": a qdisc overflowing; "link": nftables
    dropping with no queue, as a lossy link does)."""

    def __init__(self, sport, dport, verdict, note="", pattern=None, cause=None):
        self.client = "%s:%d" % (CLIENT_IP, sport)
        self.server = "%s:%d" % (SERVER_IP, dport)
        self.verdict, self.note, self.pattern = verdict, note, pattern
        self.cause = cause

    def truth(self):
        v = VERDICTS[self.verdict]
        fault, meaning = v[0], v[1]
        t = {"client": self.client, "server": self.server,
             "verdict": self.verdict, "fault": fault, "meaning": meaning}
        t["faults_ok"] = list(v[2]) if len(v) > 2 else [fault]
        if self.verdict.startswith("capture_"):
            # the wire carried healthy traffic: a judge may call it healthy,
            # but must not blame the client, the network or the server
            t["traffic_verdict"] = "healthy"
            t["faults_ok"] = ["capture", "none"]
        if self.note:
            t["note"] = self.note
        if self.pattern:
            t["loss_pattern"] = self.pattern
        if self.cause:
            t["loss_cause"] = self.cause
        return t


def scenario(name, summary, streams, injected="nothing", capture="router",
             capture_note="", sender=("server", 8080), delay_ms=20,
             sysctls=None, derive=None, verify=None, bpf="tcp",
             delay_args=()):
    """Register ``fn(lab, expect) -> app results`` as a scenario.

    capture: a netlab.CAPTURE_POINTS key; sender: (role, port) of the
    socket ``ss`` samples; derive: (kind, arg) artefact made afterwards
    with Wireshark's tools ("twice": mergecap of the file with itself,
    "snaplen": editcap -s arg, "merge": mergecap of the interfaces,
    "slice": editcap -r of the frames arg = (anchor display filter, lead s,
    length s) select); verify: ``fn(deltas, expect)`` checks the kernel
    counters' deltas ({role: {counter: delta}}) show the injection; bpf:
    dumpcap's capture filter ("tcp or icmp" to keep a router's ICMP);
    delay_args: more options of the delay line (delayline.py)."""
    def register(fn):
        SCENARIOS[name] = dict(name=name, summary=summary, fn=fn,
                               streams=streams, injected=injected,
                               capture=capture, capture_note=capture_note,
                               sender=sender, delay_ms=delay_ms,
                               sysctls=sysctls or {}, derive=derive,
                               verify=verify, bpf=bpf,
                               delay_args=tuple(delay_args))
        return fn
    return register


def clean_get(lab, expect, size=1000000):
    lab.app("server", "server", port=8080)
    r = lab.client(port=8080, sport=40001, get=size)
    expect(r["error"] is None and r["bytes"] == size, "transfer complete")
    return [r]


@scenario("clean", "a 1 MB download over a 40 ms path, nothing wrong",
          [Stream(40001, 8080, "healthy")])
def clean(lab, expect):
    return clean_get(lab, expect)


LOSS_RULE = ('iifname "dlc" oifname "r0" tcp sport 8080 ip length > 100 '
             'numgen inc mod 50 == 25 counter drop')


@scenario("loss_scattered",
          "1 MB download, the router drops every 50th data segment",
          [Stream(40001, 8080, "network_loss", "single losses, ~50 segments apart",
                  pattern="scattered", cause="link")],
          injected="nftables on the router, server->client data: "
                   "numgen inc mod 50 == 25 drop (2%, deterministic)",
          capture_note="downstream of the drops: the lost segments are "
                       "never captured, only their retransmissions")
def loss_scattered(lab, expect):
    lab.nft(LOSS_RULE)
    lab.app("server", "server", port=8080)
    r = lab.client(port=8080, sport=40001, get=1000000)
    expect(r["error"] is None, "transfer complete")
    expect(sum(x["packets"] for x in lab.nft_counters()) > 0,
           "the router dropped segments")
    return [r]


@scenario("loss_scattered_at_server",
          "loss_scattered captured at the server: each lost segment is "
          "seen twice, original and retransmission",
          [Stream(40001, 8080, "network_loss", "single losses, ~50 segments apart",
                  pattern="scattered", cause="link")],
          injected="nftables on the router, server->client data: "
                   "numgen inc mod 50 == 25 drop (2%, deterministic)",
          capture="server",
          capture_note="upstream of the drops: every original is captured, "
                       "then its retransmission")
def loss_scattered_at_server(lab, expect):
    return loss_scattered(lab, expect)


@scenario("queue_overflow",
          "800 kB download through a 10 Mbit/s bottleneck with a 12 kB "
          "queue: slow start overflows it once",
          [Stream(40001, 8080, "network_loss",
                  "one overflow: 3-4 segments lost within one RTT, "
                  "recovered in one SACK recovery", pattern="bursts",
                  cause="queue")],
          injected="tbf rate 10mbit burst 3000 limit 12000 on the router's "
                   "interface toward the client (r0)",
          capture_note="after the queue: tbf drops happen before the "
                       "packets reach the captured interface")
def queue_overflow(lab, expect):
    lab.qdisc("router", "r0", "tbf", "rate", "10mbit", "burst", "3000",
              "limit", "12000")
    lab.app("server", "server", port=8080)
    r = lab.client(port=8080, sport=40001, get=800000)
    expect(r["error"] is None, "transfer complete")
    expect(lab.qdisc_drops("router", "r0") > 0, "the queue overflowed")
    return [r]


@scenario("queue_shared",
          "four 3 MB downloads at once through a 10 Mbit/s bottleneck with "
          "a 30 kB queue: the flows fill the queue together and each "
          "overflow drops a segment or two of some of them",
          [Stream(40001 + i, 8080, "network_loss",
                  "a full queue, not a lossy link: the RTT rises by the "
                  "queue's delay (24 ms) before each overflow; a stream "
                  "may lose single segments, rounds apart, as on a lossy "
                  "link", cause="queue") for i in range(4)],
          injected="tbf rate 10mbit burst 3000 limit 30000 on the router's "
                   "interface toward the client (r0)",
          capture_note="after the queue: tbf drops happen before the "
                       "packets reach the captured interface, and the "
                       "capture's RTTs (to the client and back) miss the "
                       "queue's delay")
def queue_shared(lab, expect):
    lab.qdisc("router", "r0", "tbf", "rate", "10mbit", "burst", "3000",
              "limit", "30000")
    lab.app("server", "server", port=8080, conns=4)
    # the handshakes first: one through a full queue would not show the path's RTT
    procs = [lab.client(wait=False, port=8080, sport=40001 + i, get=3000000,
                        hold=0.5) for i in range(4)]
    res = [lab.result(p) for p in procs]
    expect(all(r["error"] is None for r in res), "transfers complete")
    expect(lab.qdisc_drops("router", "r0") >= 5,
           "the queue overflowed again and again")
    return res


@scenario("queue_shared_at_server",
          "queue_shared captured at the server: the RTTs of its data include "
          "the queue's delay",
          [Stream(40001 + i, 8080, "network_loss",
                  "a full queue: the RTT under load rises by up to the "
                  "queue's delay (24 ms) over the path's 40 ms",
                  cause="queue") for i in range(4)],
          injected="tbf rate 10mbit burst 3000 limit 30000 on the router's "
                   "interface toward the client (r0)",
          capture="server",
          capture_note="upstream of the queue: every original is captured, "
                       "then its retransmission")
def queue_shared_at_server(lab, expect):
    return queue_shared(lab, expect)


@scenario("policer",
          "4 MB download through a policer: the router drops the server's "
          "data beyond 700 packets/s (8 Mbit/s; a token bucket of 20 "
          "packets, 30 kB), queueing nothing; "
          "the server paces its sends at 12 Mbit/s",
          [Stream(40001, 8080, "network_loss",
                  "a policer, not a queue: losses in bursts whenever the "
                  "sender outruns the rate, with no rise in the RTT before "
                  "them", cause="policer")],
          injected="nftables on the router, server->client data: limit "
                   "rate over 700/second burst 20 packets drop; "
                   "the server's SO_MAX_PACING_RATE 1.5 MB/s (paced, its "
                   "line-rate bursts would queue in the delay line)",
          capture="server",
          capture_note="at the server, upstream of the policer: the RTT of "
                       "its data spans the whole path")
def policer(lab, expect):
    # Packets, not bytes: nftables gives a byte limit a bucket of one second's rate plus the burst
    # (1 MB here), which a sender slowed by a busy machine never empties: no drop at all.
    lab.nft('iifname "dlc" oifname "r0" tcp sport 8080 limit rate over '
            '700/second burst 20 packets counter drop')
    lab.app("server", "server", port=8080, maxrate=1500000)
    r = lab.client(port=8080, sport=40001, get=4000000)
    expect(r["error"] is None, "transfer complete")
    expect(sum(x["packets"] for x in lab.nft_counters()) >= 5,
           "the policer dropped segments")
    return [r]


# The same causes on a LAN-like path (1 ms each way): the RTT's thresholds have a floor (5 ms)
# that a 2 ms path's queue must clear, and a paced sender meets a policer a segment at a time.
@scenario("policer_lan",
          "policer on a 2 ms path, captured at the server: single segments "
          "dropped whenever the paced sender outruns the rate",
          [Stream(40001, 8080, "network_loss",
                  "a policer, not a queue: no rise in the RTT before the losses",
                  cause="policer")],
          injected="as policer, with 1 ms of delay each way",
          capture="server", delay_ms=1,
          capture_note="at the server, upstream of the policer")
def policer_lan(lab, expect):
    return policer(lab, expect)


@scenario("queue_shared_lan_at_server",
          "queue_shared on a 2 ms path, captured at the server: the queue's "
          "24 ms dwarfs the path's RTT",
          [Stream(40001 + i, 8080, "network_loss",
                  "a full queue: the RTT under load rises by up to 24 ms "
                  "over the path's 2 ms", cause="queue") for i in range(4)],
          injected="as queue_shared, with 1 ms of delay each way",
          capture="server", delay_ms=1,
          capture_note="at the server: the RTTs of its data include the "
                       "queue's delay")
def queue_shared_lan_at_server(lab, expect):
    return queue_shared(lab, expect)


@scenario("dead_path",
          "4 MB upload; after 300 kB the router drops the flow both ways",
          [Stream(40001, 8080, "connection_lost",
                  "the client gives up after tcp_retries2=3 (ETIMEDOUT)")],
          injected="nftables on the router: quota over 300 kbytes of "
                   "client->server, then the client's address joins a set "
                   "dropped both ways",
          capture="client", sender=("client", 8080),
          capture_note="at the client: its retransmissions with backoff, "
                       "nothing coming back",
          sysctls={"client": {"net.ipv4.tcp_retries2": 3}})
def dead_path(lab, expect):
    lab.nft('iifname "r0" ip saddr @dead counter drop',
            'oifname "r0" ip daddr @dead counter drop',
            'iifname "r0" tcp dport 8080 quota over 300 kbytes '
            'add @dead { ip saddr } counter drop')
    srv = lab.app("server", "server", port=8080)
    r = lab.client(port=8080, sport=40001, put=4000000)
    expect(r["error"] == "ETIMEDOUT", "client timed out")
    srv.kill()
    return [r]


def get_then_syn(lab, expect, port, error="ECONNREFUSED"):
    """A good download from the server, then a SYN to ``port``, whose connect fails with ``error``."""
    lab.app("server", "server", port=8080)
    ok = lab.client(port=8080, sport=40001, get=100000)
    bad = lab.client(port=port, sport=40002, get=1000)
    expect(ok["error"] is None, "first transfer complete")
    expect(bad["error"] == error, "second connect: %s" % error)
    return [ok, bad]


@scenario("refused",
          "a good download, then a SYN to a port nobody listens on",
          [Stream(40001, 8080, "healthy"),
           Stream(40002, 8081, "refused",
                  "the RST comes from the server's kernel: same TTL as its "
                  "other packets, one RTT after the SYN")])
def refused(lab, expect):
    return get_then_syn(lab, expect, 8081)


@scenario("middlebox_reset",
          "a good download, then a SYN the router rejects with a forged RST",
          [Stream(40001, 8080, "healthy"),
           Stream(40002, 8443, "reset_by_middlebox",
                  "the RST comes from the router: TTL 64 where the server's "
                  "packets arrive with 62, and ~0 ms after the SYN where "
                  "the RTT is 40 ms")],
          injected="nftables on the router: SYN to port 8443 -> reject with "
                   "tcp reset")
def middlebox_reset(lab, expect):
    lab.nft('iifname "r0" tcp dport 8443 tcp flags & (syn|ack) == syn '
            'counter reject with tcp reset')
    return get_then_syn(lab, expect, 8443)


@scenario("icmp_prohibited",
          "a good download, then a SYN the router rejects with an ICMP "
          "'administratively prohibited'",
          [Stream(40001, 8080, "healthy"),
           Stream(40002, 8444, "syn_rejected_by_filter",
                  "the ICMP comes from the router, quoting the SYN; the "
                  "client gives up at once")],
          injected="nftables on the router: SYN to port 8444 -> reject with "
                   "icmp type admin-prohibited",
          capture_note="capture filter 'tcp or icmp': the router's ICMP is "
                       "kept",
          bpf="tcp or icmp")
def icmp_prohibited(lab, expect):
    lab.nft('iifname "r0" tcp dport 8444 tcp flags & (syn|ack) == syn '
            'counter reject with icmp type admin-prohibited')
    return get_then_syn(lab, expect, 8444, error="EHOSTUNREACH")


@scenario("syn_retry",
          "two downloads whose first SYNs the router drops (1 and 2 SYNs)",
          [Stream(40001, 8081, "syn_retransmitted", "1 SYN lost: ~1 s late"),
           Stream(40002, 8082, "syn_retransmitted",
                  "2 SYNs lost: ~3 s late")],
          injected="nftables on the router: the first SYN to 8081 and the "
                   "first two to 8082 dropped (numgen inc); client "
                   "tcp_syn_linear_timeouts=0 (exponential SYN backoff)",
          capture_note="before the drops: every SYN is captured",
          sysctls={"client": {"net.ipv4.tcp_syn_linear_timeouts": 0}},
          sender=("server", 8082))
def syn_retry(lab, expect):
    lab.nft('iifname "r0" tcp dport 8081 tcp flags & (syn|ack) == syn '
            'numgen inc mod 1000 < 1 counter drop',
            'iifname "r0" tcp dport 8082 tcp flags & (syn|ack) == syn '
            'numgen inc mod 1000 < 2 counter drop')
    lab.app("server", "server", port=8081)
    lab.app("server", "server", port=8082)
    first = lab.client(wait=False, port=8081, sport=40001, get=100000)
    second = lab.client(wait=False, port=8082, sport=40002, get=100000)
    res = [lab.result(first), lab.result(second)]
    expect(0.9 < res[0].get("connect_s", 0) < 1.5, "connect 1 s late")
    expect(2.9 < res[1].get("connect_s", 0) < 3.5, "connect 3 s late")
    return res


@scenario("zero_window_client",
          "400 kB download; the client stops reading for 3 s after 20 kB",
          [Stream(40001, 8080, "client_not_reading")],
          injected="client application: SO_RCVBUF 16384, no read for 3 s")
def zero_window_client(lab, expect):
    lab.app("server", "server", port=8080)
    r = lab.client(port=8080, sport=40001, get=400000, rcvbuf=16384,
                   stall=3, stall_after=20000)
    expect(r["error"] is None and r["bytes"] == 400000, "transfer complete")
    return [r]


@scenario("zero_window_server",
          "400 kB upload; the server stops reading for 3 s after 20 kB",
          [Stream(40001, 8080, "server_not_reading")],
          injected="server application: SO_RCVBUF 16384, no read for 3 s",
          sender=("client", 8080))
def zero_window_server(lab, expect):
    lab.app("server", "server", port=8080, rcvbuf=16384, stall=3,
            stall_after=20000)
    r = lab.client(port=8080, sport=40001, put=400000)
    expect(r["error"] is None, "transfer complete")
    return [r]


@scenario("slow_server",
          "a 20 kB answer the server application sends after 2 s",
          [Stream(40001, 8080, "server_app_slow")],
          injected="server application: sleeps 2 s before answering",
          capture="server",
          capture_note="at the server: its TCP ACKs the request within the "
                       "delayed-ACK time, the answer leaves 2 s later")
def slow_server(lab, expect):
    lab.app("server", "server", port=8080, think=2)
    r = lab.client(port=8080, sport=40001, get=20000)
    expect(r["error"] is None and 2 < r["elapsed_s"] < 3, "answer after 2 s")
    return [r]


@scenario("capture_duplicates",
          "the clean download, every packet twice (mergecap of the file "
          "with itself)",
          [Stream(40001, 8080, "capture_duplicates")],
          injected="mergecap -w out clean clean", derive=("twice", None))
def capture_duplicates(lab, expect):
    return clean_get(lab, expect, 500000)


@scenario("capture_snaplen54",
          "the clean download cut to 54 bytes a packet (editcap -s 54): the "
          "TCP options (SACK, timestamps, window scale) are lost",
          [Stream(40001, 8080, "capture_truncated")],
          injected="editcap -s 54", derive=("snaplen", 54))
def capture_snaplen54(lab, expect):
    return clean_get(lab, expect, 500000)


@scenario("capture_snaplen66",
          "the clean download cut to 66 bytes a packet (editcap -s 66): "
          "whole headers with timestamps, no payload",
          [Stream(40001, 8080, "capture_truncated")],
          injected="editcap -s 66", derive=("snaplen", 66))
def capture_snaplen66(lab, expect):
    return clean_get(lab, expect, 500000)


@scenario("capture_two_points",
          "the clean download captured on both router interfaces (r0, r1) "
          "and merged: each packet twice, 20 ms apart, TTLs 2 apart",
          [Stream(40001, 8080, "capture_two_points")],
          injected="dumpcap on r0 and on r1, mergecap", capture="router-both",
          derive=("merge", None))
def capture_two_points(lab, expect):
    return clean_get(lab, expect, 500000)


SCAN_PORTS = (9001, 9030)


def scan_verify(d, expect):
    n = SCAN_PORTS[1] - SCAN_PORTS[0] + 1
    expect(d["client"].get("TcpAttemptFails", 0) == n,
           "the client's kernel counted %d failed connects" % n)
    expect(d["server"].get("TcpOutRsts", 0) == n,
           "the server's kernel sent %d RSTs" % n)


@scenario("port_scan",
          "a connect scan: 30 SYNs to 30 closed ports of the server within "
          "0.3 s, each refused with a RST by the server's kernel",
          [Stream(40101 + i, port, "scan_refused",
                  "one of 30 refusals within 0.3 s from consecutive source "
                  "ports: a scan, not a broken service")
           for i, port in enumerate(range(SCAN_PORTS[0], SCAN_PORTS[1] + 1))],
          injected="client application: a connect scan of ports 9001-9030 "
                   "(non-blocking connect, one SYN every 10 ms)",
          sender=("client", SCAN_PORTS[0]), verify=scan_verify)
def port_scan(lab, expect):
    p = lab.app("client", "scan", server=SERVER_IP, sport=40101, gap=0.01,
                ports="%d-%d" % SCAN_PORTS)
    r = lab.result(p)
    expect(r["refused"] == r["scan"] == 30, "30 connects refused")
    expect(r["sent_s"] < 1.0, "30 SYNs within 1 s")
    return [r]


def linger_verify(d, expect):
    expect(d["client"].get("TcpOutRsts", 0) == 1,
           "the client's kernel sent one RST")
    expect(d["server"].get("TcpRetransSegs", 0) == 0 and
           d["client"].get("TcpRetransSegs", 0) == 0,
           "nothing retransmitted")


@scenario("linger_reset",
          "a 200 kB download; once all is read and acknowledged the client "
          "closes with SO_LINGER 0: a RST instead of a FIN",
          [Stream(40001, 8080, "healthy",
                  "the RST closes a completed transfer (every byte and the "
                  "server's FIN acknowledged 0.3 s earlier): a benign "
                  "close, not an abort")],
          injected="client application: SO_LINGER {1, 0} and close 0.3 s "
                   "after the server's FIN", verify=linger_verify)
def linger_reset(lab, expect):
    lab.app("server", "server", port=8080)
    r = lab.client(port=8080, sport=40001, get=200000, linger0=0.3)
    expect(r["error"] is None and r["bytes"] == 200000, "transfer complete")
    return [r]


CHAT_PAUSES = (0.6, 1.2, 0.5, 1.5, 0.8)


@scenario("interactive",
          "an SSH-like session: 5 one-line commands after 0.5-1.5 s of the "
          "user's think time, each answered at once with 300 bytes",
          [Stream(40001, 8080, "healthy",
                  "the pauses (0.5-1.5 s) are the client's think time; "
                  "every answer leaves the server within a millisecond of "
                  "its command")],
          injected="applications: the client pauses %s s before its "
                   "commands; the server answers each at once"
                   % ", ".join("%.1f" % x for x in CHAT_PAUSES))
def interactive(lab, expect):
    lab.app("server", "server", port=8080, chat=300)
    r = lab.client(port=8080, sport=40001,
                   chat=",".join(str(x) for x in CHAT_PAUSES))
    expect(r["error"] is None and r["bytes"] == 300 * len(CHAT_PAUSES),
           "every command answered")
    expect(r["elapsed_s"] > sum(CHAT_PAUSES), "the pauses happened")
    return [r]


def spurious_verify(d, expect):
    srv = d["server"]
    expect(srv.get("TcpExtTCPTimeouts", 0) >= 1, "the server's RTO fired")
    expect(srv.get("TcpExtTCPSpuriousRTOs", 0) >= 1,
           "the server's kernel found the RTO spurious (TCPSpuriousRTOs)")
    expect(srv.get("TcpExtTCPDSACKRecv", 0) >= 1,
           "the client D-SACKed the unneeded retransmission")


STALL_S = 1.0


def received(lab, port):
    """Bytes the client's socket to ``port`` has received (ss), or 0."""
    out = lab.sh("client", "ss", "-tinH", "state", "established",
                 "( dport = :%d )" % port, check=False).stdout
    m = re.search(r"bytes_received:(\d+)", out)
    return int(m.group(1)) if m else 0


def paced_get_started(lab, expect, event):
    """A paced 400 kB download (the server writes 8 kB every 50 ms), started;
    returns once the client has 100 kB (``ss``), so that the event comes
    mid-transfer whatever the host's load did to start-up."""
    lab.app("server", "server", port=8080, pace=0.05, chunk=8192)
    p = lab.client(wait=False, port=8080, sport=40001, get=400000)
    deadline = time.monotonic() + 20
    while received(lab, 8080) < 100000 and time.monotonic() < deadline:
        time.sleep(0.02)
    expect(received(lab, 8080) >= 100000, "100 kB arrived before the " + event)
    return p


@scenario("spurious_rto",
          "a paced 400 kB download; mid-transfer the path holds every "
          "packet for 1 s (the delay line stopped), then delivers them all",
          [Stream(40001, 8080, "delay_spike",
                  "nothing lost: the RTO retransmissions arrive after their "
                  "originals and are D-SACKed")],
          injected="SIGSTOP of the router's delay line once the client "
                   "has received 100 kB, SIGCONT 1 s later (its TUN queues "
                   "hold the packets); server writes 8 kB every 50 ms",
          capture="server",
          capture_note="at the server: data, silence, RTO retransmissions "
                       "with backoff, then a burst of ACKs and D-SACKs",
          sysctls={"server": {"net.ipv4.tcp_timestamps": 0}},
          verify=spurious_verify)
def spurious_rto(lab, expect):
    p = paced_get_started(lab, expect, "stall")
    os.kill(lab.delay.pid, signal.SIGSTOP)
    time.sleep(STALL_S)
    os.kill(lab.delay.pid, signal.SIGCONT)
    r = lab.result(p)
    expect(r["error"] is None and r["bytes"] == 400000, "transfer complete")
    return [r]


def reorder_verify(d, expect):
    srv, cli = d["server"], d["client"]
    expect(cli.get("TcpExtTCPOFOQueue", 0) >= 10,
           "the client queued out-of-order segments (TCPOFOQueue)")
    expect(srv.get("TcpExtTCPSACKReorder", 0) + srv.get("TcpExtTCPTSReorder", 0)
           + srv.get("TcpExtTCPRenoReorder", 0) >= 1,
           "the server's TCP detected the reordering")


REORDER_EVERY, REORDER_MS = 20, 4


@scenario("path_reordering",
          "1 MB download; the path holds every %dth data segment %d ms "
          "longer than the others, so later ones overtake it; nothing is "
          "lost" % (REORDER_EVERY, REORDER_MS),
          [Stream(40001, 8080, "path_reordering",
                  "every %dth segment arrives ~%d ms late, behind the ones "
                  "sent after it" % (REORDER_EVERY, REORDER_MS))],
          injected="the router's delay line holds every %dth server->client "
                   "packet of 200 bytes or more %d ms longer "
                   "(delayline.py --reorder-every)" % (REORDER_EVERY, REORDER_MS),
          capture_note="after the delay line: segments captured in the order "
                       "the client receives them",
          delay_args=("--reorder-every", str(REORDER_EVERY),
                      "--reorder-ms", str(REORDER_MS)),
          verify=reorder_verify)
def path_reordering(lab, expect):
    return clean_get(lab, expect)


@scenario("path_reordering_at_server",
          "path_reordering captured at the server: every segment leaves in "
          "order; the client's duplicate ACKs and SACKs tell of the "
          "reordering downstream",
          [Stream(40001, 8080, "path_reordering",
                  "every %dth segment arrives ~%d ms late at the client; "
                  "any fast retransmission it triggers is D-SACKed"
                  % (REORDER_EVERY, REORDER_MS))],
          injected="the router's delay line holds every %dth server->client "
                   "packet of 200 bytes or more %d ms longer "
                   "(delayline.py --reorder-every)" % (REORDER_EVERY, REORDER_MS),
          capture="server",
          capture_note="upstream of the reordering: the sender's view",
          delay_args=("--reorder-every", str(REORDER_EVERY),
                      "--reorder-ms", str(REORDER_MS)),
          verify=reorder_verify)
def path_reordering_at_server(lab, expect):
    return clean_get(lab, expect)


def pmtu_verify(d, expect):
    expect(d["server"].get("TcpRetransSegs", 0) >= 3,
           "the server retransmitted again and again")


@scenario("pmtu_blackhole",
          "a 12 kB download over a path that drops packets over 1300 bytes "
          "toward the client and every ICMP: the full-size segments never "
          "arrive, the last small one does",
          [Stream(40001, 8080, "pmtu_blackhole",
                  "MSS 1460 (1500-byte packets) on a path that carries 1300: "
                  "the server (tcp_retries2=3) retransmits the full-size "
                  "segments until it gives up; the client times out")],
          injected="nftables on the router: packets toward the client over "
                   "1300 bytes dropped, ICMP dropped; server "
                   "tcp_retries2=3; client gives up after 4 s",
          capture="server",
          capture_note="at the server, upstream of the drops: every "
                       "full-size retransmission is captured",
          sysctls={"server": {"net.ipv4.tcp_retries2": 3}},
          verify=pmtu_verify)
def pmtu_blackhole(lab, expect):
    lab.nft('meta l4proto icmp counter drop',
            'oifname "r0" tcp sport 8080 ip length > 1300 counter drop',
            'oifname "r0" tcp sport 8080 ip length > 100 counter accept')
    srv = lab.app("server", "server", port=8080)
    r = lab.client(port=8080, sport=40001, get=12000, timeout=4)
    rules = [x["packets"] for x in lab.nft_counters()]
    expect(r["bytes"] < 12000, "the client did not get the answer")
    expect(len(rules) == 3 and rules[1] > 0,
           "the router dropped full-size segments")
    expect(len(rules) == 3 and rules[2] > 0,
           "small data segments got through")
    srv.kill()
    return [r]


PMTU_MTU = 1280   # the router's link toward the client


def pmtu_icmp_verify(d, expect):
    rtr, srv = d["router"], d["server"]
    expect(rtr.get("IcmpMsgOutType3", 0) >= 1,
           "the router sent ICMP destination unreachable (type 3)")
    expect(srv.get("IcmpInDestUnreachs", 0) == rtr.get("IcmpOutDestUnreachs"),
           "the server received every ICMP the router sent")
    expect(srv.get("TcpRetransSegs", 0) >= 1, "the server resent")
    expect(srv.get("TcpExtTCPTimeouts", 0) == 0,
           "no retransmission timer fired: the ICMP prompted the resends")


@scenario("pmtu_icmp",
          "a 200 kB download over a path whose last link carries 1280-byte "
          "packets: the router answers the full-size segments with ICMP "
          "fragmentation needed (MTU 1280), the server resends them in "
          "smaller segments and goes on",
          [Stream(40001, 8080, "pmtu_handled",
                  "MSS 1460 (1500-byte packets, DF set) on a path that "
                  "carries 1280: Path MTU discovery works: the server "
                  "learns MTU 1280 from the router's ICMP and resends the "
                  "first flight once, in 1228-byte segments; the transfer "
                  "completes without a timeout")],
          injected="router: ip link set r0 mtu %d (its link toward the "
                   "client); the server answers after 0.3 s (so ss sees "
                   "the MSS before the ICMP)" % PMTU_MTU,
          capture="server",
          capture_note="at the server, capture filter 'tcp or icmp': the "
                       "full-size segments, the router's ICMPs (from "
                       "%s), the resends in smaller segments" % ROUTER_S_IP,
          bpf="tcp or icmp",
          verify=pmtu_icmp_verify)
def pmtu_icmp(lab, expect):
    lab.sh("router", "ip", "link", "set", "r0", "mtu", str(PMTU_MTU))
    lab.app("server", "server", port=8080, think=0.3)
    r = lab.client(port=8080, sport=40001, get=200000)
    expect(r["error"] is None and r["bytes"] == 200000, "transfer complete")
    route = lab.sh("server", "ip", "route", "get", CLIENT_IP).stdout.strip()
    expect("mtu %d" % PMTU_MTU in route,
           "the server's route cache holds the learned path MTU")
    lab.facts["pmtu"] = {"link": "router r0, toward the client",
                         "mtu": PMTU_MTU, "icmp_from": ROUTER_S_IP,
                         "server_route_get": route}
    return [r]


@scenario("short_capture",
          "150 ms cut from the middle of a 300 kB download with a brief "
          "zero window (the client pauses reading for 0.1 s)",
          [Stream(40001, 8080, "capture_short",
                  "the capture starts mid-stream (no handshake) and holds "
                  "a zero window of 15-40 ms in its 150 ms")],
          injected="client application: SO_RCVBUF 16384, no read for 0.1 s "
                   "after 150 kB; editcap -r of the 150 ms from 50 ms before "
                   "the first zero window",
          derive=("slice", ("tcp.window_size == 0 && tcp.srcport == 40001 "
                            "&& tcp.flags.reset == 0", 0.05, 0.15)))
def short_capture(lab, expect):
    lab.app("server", "server", port=8080)
    r = lab.client(port=8080, sport=40001, get=300000, rcvbuf=16384,
                   stall=0.1, stall_after=150000)
    expect(r["error"] is None and r["bytes"] == 300000, "transfer complete")
    return [r]


def slow_rto_verify(d, expect):
    srv = d["server"]
    expect(srv.get("TcpExtTCPTimeouts", 0) >= 1, "the server's RTO fired")
    expect(srv.get("TcpExtTCPFastRetrans", 0) == 0, "no fast retransmission")


@scenario("slow_rto",
          "a 2.9 kB answer of 2 segments whose last is lost, from a server "
          "whose route sets rto_min 3 s: the resend waits 3 s on a 30 ms path",
          [Stream(40001, 8080, "rto_too_long",
                  "a tail loss without SACK (so without RACK) and with "
                  "tail-loss probes off: only the "
                  "retransmission timer, 3 s, resends the lost segment")],
          injected="server: ip route replace default ... rto_min 3s, "
                   "tcp_early_retrans=0; client: tcp_sack=0; nftables on the "
                   "router: the 2nd (last) data segment toward the client "
                   "dropped",
          capture="server",
          capture_note="at the server, upstream of the drop: the original, "
                       "3 s of silence, the resend",
          delay_ms=15,
          sysctls={"server": {"net.ipv4.tcp_early_retrans": 0},
                   "client": {"net.ipv4.tcp_sack": 0}},
          verify=slow_rto_verify)
def slow_rto(lab, expect):
    lab.sh("server", "ip", "route", "replace", "default", "via",
           ROUTER_S_IP, "rto_min", "3s")
    lab.nft('iifname "dlc" oifname "r0" tcp sport 8080 ip length > 100 '
            'numgen inc mod 1000 == 1 counter drop')
    lab.app("server", "server", port=8080)
    r = lab.client(port=8080, sport=40001, get=2855)  # 2 segments, with its header
    expect(r["error"] is None and r["bytes"] == 2855, "transfer complete")
    expect(sum(x["packets"] for x in lab.nft_counters()) == 1,
           "the router dropped one segment")
    return [r]


def bufferbloat_verify(d, expect):
    expect(d["server"].get("TcpRetransSegs", 0) == 0, "nothing was lost")


@scenario("bufferbloat",
          "2 MB download through a 4 Mbit/s bottleneck with a 1 MB queue; "
          "the client's 128 kB receive buffer caps what is in flight",
          [Stream(40001, 8080, "queue_delay",
                  "the queue holds about the receive window: the RTT rises "
                  "from 40 ms to several hundred ms, nothing is lost")],
          injected="tbf rate 4mbit burst 5000 limit 1000000 on the router's "
                   "interface toward the client (r0); client SO_RCVBUF "
                   "131072",
          capture="server",
          capture_note="at the server, before the queue: the ACK RTT of the "
                       "server's data is the whole round trip, queue "
                       "included",
          verify=bufferbloat_verify)
def bufferbloat(lab, expect):
    lab.qdisc("router", "r0", "tbf", "rate", "4mbit", "burst", "5000",
              "limit", "1000000")
    lab.app("server", "server", port=8080)
    r = lab.client(port=8080, sport=40001, get=2000000, rcvbuf=131072)
    expect(r["error"] is None and r["bytes"] == 2000000, "transfer complete")
    expect(lab.qdisc_drops("router", "r0") == 0, "the queue dropped nothing")
    return [r]


def nagle_verify(d, expect):
    expect(d["server"].get("TcpExtDelayedACKs", 0) >= 10,
           "the server delayed its ACKs (DelayedACKs)")


@scenario("nagle_delayed_ack",
          "20 request/answer exchanges, each request written in two small "
          "writes (write-write-read) with Nagle on",
          [Stream(40001, 8080, "nagle_delayed_ack",
                  "each second write waits for the server's delayed ACK of "
                  "the first (~40 ms on Linux), then the answer comes")],
          injected="client application: two writes of 100 bytes per request "
                   "(Nagle on); server: answers each line at once (200 bytes)",
          capture="client",
          capture_note="at the client: the second write leaves right after "
                       "the delayed ACK of the first",
          verify=nagle_verify)
def nagle_delayed_ack(lab, expect):
    lab.app("server", "server", port=8080, chat=200)
    r = lab.client(port=8080, sport=40001, nagle=20)
    expect(r["error"] is None and r["bytes"] == 20 * 200, "every answer read")
    return [r]


ACK_LOSS_RULE = ('iifname "r0" tcp dport 8080 ip length < 120 '
                 'tcp flags & (syn | fin | rst) == 0 '
                 'numgen inc mod 100 >= 70 counter drop')


@scenario("ack_loss",
          "1 MB download; the router drops the client's ACKs in runs of 30 "
          "out of every 100, and no data",
          [Stream(40001, 8080, "healthy",
                  "150 ACKs lost after the capture point, but each ACK "
                  "acknowledges all before it: the server never waited "
                  "long enough for its timer (kernel: no retransmission)")],
          injected="nftables on the router, client->server packets under "
                   "120 bytes without SYN/FIN/RST (the ACKs; the request "
                   "is among the first 70): numgen inc mod 100 >= 70 drop",
          capture_note="at the router's client side, upstream of the drops: "
                       "every ACK the client sent is captured")
def ack_loss(lab, expect):
    lab.nft(ACK_LOSS_RULE)
    r = clean_get(lab, expect)
    expect(sum(x["packets"] for x in lab.nft_counters()) > 0,
           "the router dropped ACKs")
    return r


ACK_BLACKOUT_S = 0.6


def ack_blackout_verify(d, expect):
    srv = d["server"]
    expect(srv.get("TcpExtTCPTimeouts", 0) >= 1,
           "the server's retransmission timer fired (TCPTimeouts)")
    expect(d["client"].get("TcpExtTCPDSACKOldSent", 0) >= 1,
           "the client D-SACKed data it already had (TCPDSACKOldSent)")


@scenario("ack_blackout",
          "400 kB paced download; for %.1f s the router drops every ACK the "
          "client sends, and no data" % ACK_BLACKOUT_S,
          [Stream(40001, 8080, "ack_loss",
                  "the client ACKs all it receives, but for %.1f s no ACK "
                  "reaches the server: its timer fires and it resends data "
                  "the client already had (D-SACKed)" % ACK_BLACKOUT_S)],
          injected="nftables on the router: client->server packets dropped "
                   "for %.1f s once 100 kB arrived (the client's address in "
                   "a set for that long)" % ACK_BLACKOUT_S,
          capture_note="at the router's client side, upstream of the drops: "
                       "every ACK the client sent is captured",
          verify=ack_blackout_verify)
def ack_blackout(lab, expect):
    lab.nft('iifname "r0" tcp dport 8080 ip saddr @dead counter drop')
    p = paced_get_started(lab, expect, "blackout")
    element = ("inet", "tcpx", "dead", "{ %s }" % CLIENT_IP)
    lab.sh("router", "nft", "add", "element", *element)
    time.sleep(ACK_BLACKOUT_S)
    lab.sh("router", "nft", "delete", "element", *element)
    r = lab.result(p)
    expect(r["error"] is None and r["bytes"] == 400000, "transfer complete")
    return [r]



@scenario("ack_blackout_at_server",
          "ack_blackout captured at the server: the lost ACKs are never "
          "seen, only the server's resends and, after the blackout, the "
          "client's D-SACKs",
          [Stream(40001, 8080, "ack_loss",
                  "for %.1f s no ACK reaches the server: its timer resends "
                  "data the client had (D-SACKed)" % ACK_BLACKOUT_S)],
          injected="nftables on the router: client->server packets dropped "
                   "for %.1f s once 100 kB arrived (the client's address in "
                   "a set for that long)" % ACK_BLACKOUT_S,
          capture="server",
          capture_note="at the server, downstream of the drops: the lost "
                       "ACKs are never captured",
          verify=ack_blackout_verify)
def ack_blackout_at_server(lab, expect):
    return ack_blackout(lab, expect)


import scenarios_raw  # noqa: E402,F401  (registers the rawtcp.py scenarios)
