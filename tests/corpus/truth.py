#!/usr/bin/env python3
"""Read the corpus's truth files (schema: tests/corpus/README.md).

    python3 tests/corpus/truth.py FILE.truth.json ...   # streams, counters
    python3 tests/corpus/truth.py --table [DIR]         # one row a scenario

As a module: ``load(path)`` returns the truth as a dict with ``capture_path``
added (absolute); ``corpus(dir)`` loads every truth of a directory;
``stream(truth, client, server)`` finds one stream's truth.
"""

import json
import os
import sys

DEFAULT_DIR = "/var/tmp/tcpx-corpus"
# the columns of --table: (heading, namespace, counter)
TABLE = (("Timeouts", "sender", "TcpExtTCPTimeouts"),
         ("TLP", "sender", "TcpExtTCPLossProbes"),
         ("FastRetr", "sender", "TcpExtTCPFastRetrans"),
         ("SackRec", "sender", "TcpExtTCPSackRecovery"),
         ("SpurRTO", "sender", "TcpExtTCPSpuriousRTOs"),
         ("DSACKrx", "sender", "TcpExtTCPDSACKRecv"),
         ("Retrans", "sender", "TcpRetransSegs"),
         ("SynRetr", "client", "TcpExtTCPSynRetrans"),
         ("WinProbe", "sender", "TcpExtTCPWinProbe"),
         ("ZeroWin", "receiver", "TcpExtTCPToZeroWindowAdv"),
         ("DelAck", "receiver", "TcpExtDelayedACKs"))


def load(path):
    with open(path) as f:
        t = json.load(f)
    t["capture_path"] = os.path.join(os.path.dirname(os.path.abspath(path)),
                                     t["capture"]["file"])
    return t


def corpus(directory=DEFAULT_DIR):
    return [load(os.path.join(directory, fn))
            for fn in sorted(os.listdir(directory))
            if fn.endswith(".truth.json")]


def stream(truth, client, server):
    for s in truth["streams"]:
        if {s["client"], s["server"]} == {client, server}:
            return s
    return None


def roles(truth):
    """(sender, receiver) namespaces: the side ``ss`` sampled sends."""
    sender = truth["ss"]["namespace"]
    return sender, "client" if sender == "server" else "server"


def counter(truth, role, name):
    sender, receiver = roles(truth)
    role = {"sender": sender, "receiver": receiver}.get(role, role)
    return truth["counters"][role].get(name, 0)


def describe(t):
    c = t["capture"]
    print("%s: %s" % (t["scenario"], t["summary"]))
    print("  injected: %s" % t["injected"])
    print("  capture:  %s at %s (%s)%s" % (
        c["file"], c["point"], ",".join(c["interfaces"]),
        "; " + c["note"] if c["note"] else ""))
    for s in t["streams"]:
        rtt = s["measured"].get("handshake_rtt_ms")
        print("  stream %s -> %s: %s, fault %s%s" % (
            s["client"], s["server"], s["verdict"], s["fault"],
            ", handshake %.1f ms" % rtt if rtt else ""))
    for role in ("client", "server"):
        moved = {k: v for k, v in t["counters"][role].items()
                 if v and k.startswith("Tcp")}
        print("  %s: %s" % (role, " ".join("%s=%d" % kv for kv in
                                            sorted(moved.items()))))
    bad = [x["check"] for x in t["checks"] if not x["ok"]]
    if bad:
        print("  FAILED checks: " + "; ".join(bad))


def table(truths):
    heads = [h for h, _, _ in TABLE]
    print("| scenario | verdict (fault) | " + " | ".join(heads) + " |")
    print("|---|---|" + "---|" * len(heads))
    for t in truths:
        verdicts = ", ".join(sorted({"%s (%s)" % (s["verdict"], s["fault"])
                                     for s in t["streams"]}))
        cells = [str(counter(t, role, name)) for _, role, name in TABLE]
        print("| %s | %s | %s |" % (t["scenario"], verdicts,
                                     " | ".join(cells)))


def main(argv):
    if argv[:1] == ["--table"]:
        table(corpus(argv[1] if len(argv) > 1 else DEFAULT_DIR))
        return 0
    if not argv:
        print(__doc__)
        return 2
    for path in argv:
        describe(load(path))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
