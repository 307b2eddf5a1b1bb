#!/usr/bin/env python3
"""Captures derived from the real ones with Wireshark's editcap.

capture_drops.pcapng: clean_http.pcapng without two of the server's data
frames, as a capture point that drops packets would record it: Wireshark then
reports "previous segment not captured" with no retransmission after it, and
"ACKed unseen segment" on the client's ACK for the bytes it did receive.

Run from anywhere: python3 sample_pcaps/derive.py
"""
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))

DERIVED = [
    # (output, source, frames to delete)
    ("capture_drops.pcapng", "clean_http.pcapng", ["20", "21"]),
]


def main():
    for out, src, frames in DERIVED:
        dst = os.path.join(HERE, out)
        subprocess.run(["editcap", os.path.join(HERE, src), dst] + frames, check=True)
        os.chmod(dst, 0o644)
        print("wrote", out)


if __name__ == "__main__":
    main()
