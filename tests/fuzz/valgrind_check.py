#!/usr/bin/env python3
"""valgrind memcheck of tshark with the normal tcpx build, as nobody via the
harness (tsharkx.run_tshark(wrapper=[valgrind ...])), on small captures.

Fails on: any invalid read/write/free anywhere; uninitialised values used in
tcpx code; "definitely lost" blocks whose allocation stack includes tcpx
(tcpx.so, or a tcpx function / source file).  Leaks elsewhere in tshark are
by design (it leaks at exit) and only counted.

    python3 tests/fuzz/valgrind_check.py [capture ...]

Exit 77 (ctest: skipped) when valgrind is not installed.
"""

import os
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "tools"))
import tsharkx  # noqa: E402

SAMPLES = os.path.join(REPO, "sample_pcaps")
# (capture, extra tshark args): tree building (-V), two passes, the tap, a tunnel, and the tap without a
# tree (frames analysed in batches: plugin/wireshark/tcpx_defer.c).
RUNS = [
    ("crafted_tfo.pcap", ["-V", "-o", "tcpx.phase_notes:TRUE"]),
    ("refused.pcapng", ["-2", "-T", "fields", "-e", "tcpx.summary", "-e", "tcpx.anomaly"]),
    ("hostile_tunnel_gtp.pcap", ["-V", "-z", "tcpx,health"]),
    ("lossy_download.pcapng", ["-q", "-z", "tcpx,health"]),
]
VALGRIND = ["valgrind", "--tool=memcheck", "--leak-check=full", "--show-leak-kinds=definite",
            "--errors-for-leak-kinds=definite", "--num-callers=40", "--track-origins=no"]
TCPX_FRAME = re.compile(r"tcpx\.so|packet-tcpx\.c|tcpx_\w+\.c|tap-tcpx|\b(dissect_tcpx\w*|tcpx_\w+)\b")
INVALID = re.compile(r"Invalid (read|write|free)|Mismatched free|Source and destination overlap|"
                     r"Invalid address|Jump to the invalid address")
UNINIT = re.compile(r"Conditional jump or move depends on uninitialised|Use of uninitialised value|"
                    r"Syscall param .* uninitialised")


def blocks(err):
    """valgrind's messages: lists of '==pid== ' lines separated by blank ones."""
    out, cur = [], []
    for line in err.splitlines():
        m = re.match(r"==\d+== ?(.*)$", line)
        if not m:
            continue
        text = m.group(1)
        if text.strip() == "":
            if cur:
                out.append(cur)
            cur = []
        else:
            cur.append(text)
    if cur:
        out.append(cur)
    return out


def check(err):
    problems, leaks_other = [], 0
    for b in blocks(err):
        head, body = b[0], "\n".join(b)
        if INVALID.search(head):
            problems.append("invalid access%s:\n%s" % (" (tcpx in stack)" if TCPX_FRAME.search(body) else "",
                                                       body))
        elif UNINIT.search(head) and TCPX_FRAME.search(body):
            problems.append("uninitialised value in tcpx:\n" + body)
        elif "definitely lost" in head:
            if TCPX_FRAME.search(body):
                problems.append("tcpx leak:\n" + body)
            else:
                leaks_other += 1
    return problems, leaks_other


def main(argv):
    if not shutil.which("valgrind"):
        print("valgrind_check: valgrind not installed (apt-get install valgrind): skipped")
        return 77
    runs = [(a, ["-V"]) for a in argv] if argv else [(os.path.join(SAMPLES, c), x) for c, x in RUNS]
    rc_all = 0
    for cap, extra in runs:
        if "tcpx,health" in extra:
            rc, out, err = tsharkx.run_tshark(["-z", "help"], timeout=120)
            if "tcpx,health" not in out + err:
                extra = [x for x in extra if x not in ("-z", "tcpx,health")]
        rc, out, err = tsharkx.run_tshark(["-r", cap, "-n"] + extra, capture=cap, wrapper=VALGRIND,
                                          timeout=900)
        problems, other = check(err)
        summary = re.findall(r"ERROR SUMMARY: .*", err)
        print("valgrind_check: %s %s: tshark rc %d, %d problem(s), %d definitely-lost record(s) "
              "outside tcpx; %s" % (os.path.basename(cap), " ".join(extra), rc, len(problems), other,
                                    summary[-1] if summary else "no valgrind summary"))
        if not summary:
            problems.append("valgrind did not run? stderr:\n" + err[-2000:])
        if rc != 0:
            problems.append("tshark exited %d:\n%s" % (rc, err[-2000:]))
        if "TCP anomaly explanations (tcpx)" not in out and "-V" in extra:
            problems.append("no tcpx tree in the output: did the plugin load?")
        for p in problems:
            print("\n" + p)
            rc_all = 1
    return rc_all


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
