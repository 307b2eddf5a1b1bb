#!/usr/bin/env python3
"""plugin_loads: tshark (through the harness) lists tcpx.so and its fields."""

import sys

import tsharkx


def main():
    ok = True
    rc, out, err = tsharkx.run_tshark(["-G", "plugins"])
    lines = [l for l in out.splitlines() if l.split("\t")[0].strip() == "tcpx.so"]
    if rc != 0 or not lines:
        print("FAIL: `tshark -G plugins` does not list tcpx.so (rc=%d, plugin %s)"
              % (rc, tsharkx.PLUGIN))
        print(err[-3000:])
        ok = False
    else:
        print("ok: " + " ".join(lines[0].split()))
    rc, out, err = tsharkx.run_tshark(["-G", "fields"])
    names = {l.split("\t")[2] for l in out.splitlines() if l.startswith("F\t") and l.count("\t") >= 2}
    if rc != 0 or "tcpx.summary" not in names:
        print("FAIL: `tshark -G fields` does not list tcpx.summary (rc=%d)" % rc)
        print(err[-3000:])
        ok = False
    else:
        print("ok: tcpx fields: " + " ".join(sorted(n for n in names if n.startswith("tcpx."))))
    if err.strip():
        print("tshark stderr:\n" + err[-3000:])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
