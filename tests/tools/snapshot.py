#!/usr/bin/env python3
"""Every text tcpx prints, for a refactoring's "no behaviour change" check.

    python3 tests/tools/snapshot.py --plugin PLUGIN.so --out DIR [CAPTURE ...]

Writes, for each capture (default: sample_pcaps/* and ../shared/real-captures/*),
one file per output: the health table and paragraphs, the health JSON, the
anomalies and tree statistics, the tcpx tree of every frame (-V -O tcpx), the
summary column, and the HTML report.  Compare two builds with
`diff -r OLD NEW` (both made with this script on the same Wireshark).
"""
import argparse
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tsharkx  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODES = {
    "health.txt": ["-n", "-q", "-z", "tcpx,health"],
    "health.json": ["-n", "-q", "-z", "tcpx,health,json"],
    "anomalies.txt": ["-n", "-q", "-z", "tcpx,anomalies"],
    "stats_tree.txt": ["-n", "-q", "-z", "tcpx,tree"],
    "table.txt": ["-n", "-q", "-z", "tcpx,table"],
    "tree.txt": ["-n", "-V", "-O", "tcpx"],
    "fields.tsv": ["-n", "-T", "fields", "-e", "frame.number", "-e", "tcpx.summary", "-e", "tcpx.anomaly",
                   "-e", "tcpx.cause_code", "-e", "tcpx.severity"],
    "expert.txt": ["-n", "-q", "-z", "expert"],
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("captures", nargs="*")
    a = ap.parse_args()
    caps = a.captures or sorted(
        [p for p in glob.glob(os.path.join(REPO, "sample_pcaps", "*.pcap*"))] +
        glob.glob(os.path.join(REPO, "..", "shared", "real-captures", "*.pcap*")))
    os.makedirs(a.out, exist_ok=True)
    for cap in caps:
        name = os.path.basename(cap)
        for mode, args in MODES.items():
            rc, out, err = tsharkx.run_tshark(args, capture=cap, plugin=a.plugin, timeout=600)
            with open(os.path.join(a.out, "%s.%s" % (name, mode)), "w") as f:
                f.write(out)
                f.write("\n--- rc %d, stderr:\n%s" % (rc, err))
        rc, out, err = tsharkx.run_tshark(["-n", "-q", "-z", "tcpx,report,report.html"], capture=cap,
                                          plugin=a.plugin, timeout=600, wrapper=["sh", "-c", '"$@" && cat report.html', "sh"])
        with open(os.path.join(a.out, "%s.report.html" % name), "w") as f:
            f.write(out)
        print(name, flush=True)


if __name__ == "__main__":
    main()
