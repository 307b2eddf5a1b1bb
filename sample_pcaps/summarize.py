#!/usr/bin/env python3
"""Count tcp.analysis.* flags in every sample capture with tshark.

Writes sample_pcaps/expected_flags.tsv (file, field, count: number of
frames carrying the field, nonzero counts only) and replaces the table
between the markers in sample_pcaps/README.md.

Usage: python3 sample_pcaps/summarize.py
"""

import glob
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

FIELDS = ["retransmission", "fast_retransmission", "spurious_retransmission",
          "out_of_order", "lost_segment", "ack_lost_segment",
          "duplicate_ack", "zero_window", "zero_window_probe",
          "zero_window_probe_ack", "window_full", "window_update",
          "keep_alive", "keep_alive_ack", "reused_ports", "tfo_syn",
          "tfo_ack", "tfo_ignored"]

BEGIN = "<!-- flags-table-begin -->"
END = "<!-- flags-table-end -->"


def count_flags(path):
    cmd = ["tshark", "-n", "-r", path, "-T", "fields", "-E", "separator=\t"]
    for f in FIELDS:
        cmd += ["-e", "tcp.analysis." + f]
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True).stdout
    counts = dict.fromkeys(FIELDS, 0)
    frames = 0
    for line in out.splitlines():
        frames += 1
        cols = line.split("\t")
        for f, v in zip(FIELDS, cols):
            if v:
                counts[f] += 1
    return frames, counts


def main():
    files = sorted(glob.glob(os.path.join(HERE, "*.pcapng")) +
                   glob.glob(os.path.join(HERE, "*.pcap")))
    rows = []
    table = ["| file | frames | bytes | tcp.analysis.* flags (frames) |",
             "|---|---:|---:|---|"]
    for p in files:
        name = os.path.basename(p)
        frames, counts = count_flags(p)
        nz = [(f, c) for f, c in counts.items() if c]
        rows += [(name, "tcp.analysis." + f, c) for f, c in nz]
        table.append("| %s | %d | %d | %s |" % (
            name, frames, os.path.getsize(p),
            ", ".join("%s %d" % (f, c) for f, c in nz) or "(none)"))
    tsv = os.path.join(HERE, "expected_flags.tsv")
    with open(tsv, "w") as fh:
        fh.write("file\tfield\tcount\n")
        for r in rows:
            fh.write("%s\t%s\t%d\n" % r)
    os.chmod(tsv, 0o644)
    print("\n".join(table))
    readme = os.path.join(HERE, "README.md")
    if os.path.exists(readme):
        text = open(readme).read()
        if BEGIN in text and END in text:
            new = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END),
                         lambda m: BEGIN + "\n" + "\n".join(table) + "\n" +
                         END, text, flags=re.S)
            open(readme, "w").write(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
