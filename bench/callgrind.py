#!/usr/bin/env python3
"""Instructions per packet of tcpx builds, exact (callgrind): the gate for small changes.

    python3 bench/callgrind.py [--packets N] [--capture FILE] PLUGIN.so [PLUGIN2.so ...]

For each plugin and each mode, tshark runs under callgrind on the first N packets
(default 10,000) of the benchmark capture and on its first packet; the difference
divided by N-1 is the plugin's cost per packet with Wireshark's start-up removed.
Modes: (b) `-q -z tcpx,health` and (c1) `-T fields -e tcpx.summary`.  With two or
more plugins, each line also gives the ratio to the first (the baseline).
The capture: --capture, else bench-1m.pcapng in $TCPX_BENCH_DIR or /var/tmp/tcpx-bench
(`python3 bench/bench.py --capture-only` makes it).  Runs as root (tshark as nobody).
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "tools"))
import tsharkx  # noqa: E402

MODES = {"b": ["-n", "-q", "-z", "tcpx,health"],
         "c1": ["-n", "-T", "fields", "-e", "tcpx.summary"]}


def slice_of(cap, n, workdir):
    out = os.path.join(workdir, "first%d.pcapng" % n)
    subprocess.run(["editcap", "-r", cap, out, "1-%d" % n], check=True, stdout=subprocess.DEVNULL)
    return out


def instructions(plugin, mode, cap, workdir):
    out = os.path.join(workdir, "cg.out")
    if os.path.exists(out):
        os.unlink(out)
    os.chmod(workdir, 0o777)
    rc, _, err = tsharkx.run_tshark(MODES[mode], capture=cap, plugin=plugin, timeout=3600,
                                    wrapper=["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out])
    if rc != 0:
        sys.exit("callgrind run failed (%s, %s): %s" % (plugin, mode, err[-2000:]))
    with open(out) as f:
        for line in f:
            m = re.match(r"(?:summary|totals):\s+(\d+)", line)
            if m:
                return int(m.group(1))
    sys.exit("no totals in callgrind output")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--packets", type=int, default=10000)
    ap.add_argument("--capture")
    ap.add_argument("plugins", nargs="+")
    a = ap.parse_args()
    cap = a.capture or os.path.join(os.environ.get("TCPX_BENCH_DIR", "/var/tmp/tcpx-bench"), "bench-1m.pcapng")
    work = tempfile.mkdtemp(prefix="tcpx-callgrind-")
    big, one = slice_of(cap, a.packets, work), slice_of(cap, 1, work)
    base = {}
    for plugin in a.plugins:
        for mode in MODES:
            per = (instructions(plugin, mode, big, work) - instructions(plugin, mode, one, work)) / (a.packets - 1)
            base.setdefault(mode, per)
            print("%-6s %-50s %10.1f instructions/packet  x%.4f" % (mode, plugin, per, per / base[mode]),
                  flush=True)


if __name__ == "__main__":
    main()
