#!/usr/bin/env python3
"""ws_flag_counts: how many frames Wireshark itself flags, per tcp.analysis condition.

    python3 tests/tools/ws_flag_counts.py [OUT.tsv]

Plain tshark (no plugin) over sample_pcaps/ and, when present, ../shared/real-captures/;
prints (or writes) capture, field, count, plus the number of TCP streams.  Run it in each
version's environment (scripts/matrix.sh X.Y --run ...) to see how Wireshark's own TCP
analysis differs between versions on the same captures.
"""
import glob
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONDITIONS = ["retransmission", "fast_retransmission", "spurious_retransmission", "out_of_order",
              "lost_segment", "ack_lost_segment", "duplicate_ack", "zero_window", "zero_window_probe",
              "zero_window_probe_ack", "window_full", "window_update", "keep_alive", "keep_alive_ack",
              "reused_ports", "partial_ack", "ambiguous_ack"]


def known_fields():
    out = subprocess.run(["tshark", "-G", "fields"], capture_output=True, text=True).stdout
    return {l.split("\t")[2] for l in out.splitlines() if l.startswith("F\t")}


def main():
    known = known_fields()
    fields = ["tcp.analysis." + c for c in CONDITIONS if "tcp.analysis." + c in known]
    caps = sorted(glob.glob(os.path.join(REPO, "sample_pcaps", "*.pcap*")))
    caps += sorted(glob.glob(os.path.join(REPO, "..", "shared", "real-captures", "*.pcap*")))
    rows = []
    for cap in caps:
        args = ["tshark", "-n", "-r", cap, "-T", "fields", "-E", "occurrence=f", "-e", "tcp.stream"]
        for f in fields:
            args += ["-e", f]
        out = subprocess.run(args, capture_output=True, text=True).stdout
        counts = [0] * len(fields)
        streams = set()
        for line in out.splitlines():
            cols = line.split("\t")
            if cols[0]:
                streams.add(cols[0])
            for i, v in enumerate(cols[1:len(fields) + 1]):
                counts[i] += v != ""
        name = os.path.basename(cap)
        rows.append((name, "tcp.stream", len(streams)))
        rows += [(name, f, n) for f, n in zip(fields, counts) if n]
    text = "".join("%s\t%s\t%d\n" % r for r in rows)
    if len(sys.argv) > 1:
        with open(sys.argv[1], "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
