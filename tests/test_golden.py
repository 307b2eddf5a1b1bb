"""Golden tests: the full tcpx text of chosen frames, so wording changes are deliberate.

Regenerate after an intended change with: TCPX_UPDATE_GOLDEN=1 python3 -m unittest tests/test_golden.py
"""
import os
import re
import unittest

import tsharkx

ROOT = os.environ.get("TCPX_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))
GOLDEN = os.path.join(ROOT, "tests", "golden")

# (capture, frame): one frame per kind of story worth pinning down.
FRAMES = [
    ("lossy_download.pcapng", "tcpx.anomaly == \"fast_retransmission\""),
    ("lossy_download.pcapng", "tcpx.anomaly == \"lost_segment\""),
    ("crafted_spurious.pcap", "tcpx.anomaly == \"spurious_retransmission\""),
    ("crafted_network_duplicate.pcap", "tcpx.cause_code == \"capture_duplicate\""),
    ("crafted_out_of_order.pcap", "tcpx.anomaly == \"out_of_order\""),
    ("zero_window.pcapng", "tcpx.anomaly == \"zero_window\""),
    ("reset_midtransfer.pcapng", "tcpx.anomaly == \"reset\""),
    ("refused.pcapng", "tcpx.anomaly == \"reset\""),
    ("near_client.pcapng", "tcpx.step == \"handshake_ack\""),
    ("crafted_checksum_offload.pcap", "tcpx.anomaly == \"checksum\""),
    ("capture_drops.pcapng", "tcpx.anomaly == \"acked_unseen\""),
    ("pmtu_icmp.pcapng", "tcpx.cause_code == \"too_big\""),
]


def tcpx_text(capture, display_filter):
    """The tcpx part of -V output for the first frame matching the filter, with its frame number."""
    rc, out, err = tsharkx.run_tshark(["-r", capture, "-n", "-V", "-O", "tcpx", "-Y", display_filter, "-c", "1000000"],
                                      capture=capture)
    if rc != 0:
        raise AssertionError("tshark failed: %s" % err)
    lines, frame, inside = [], None, False
    for line in out.splitlines():
        if line.startswith("Frame ") and frame is not None:
            break
        if line.startswith("Frame "):
            frame = line.split()[1].rstrip(":")
            continue
        if line.startswith("TCP anomaly explanations"):
            inside = True
        elif line and not line[0].isspace():
            inside = False
        if inside:
            lines.append(line)
    return "frame %s\n%s\n" % (frame, "\n".join(normalize(l) for l in lines))


# Lines whose value Wireshark renders (FT_RELATIVE_TIME): 4.0 prints "0.020000000 seconds",
# 4.6 "20.000 milliseconds".  The golden pins tcpx's words; the value is checked as a number.
RENDERED_BY_WIRESHARK = re.compile(r"^(\s*\[Time since related frame: )([^\]]*)(\])$")
SECONDS = re.compile(r"^-?\d+(\.\d+)? (seconds|milliseconds|microseconds|nanoseconds)$")


def normalize(line):
    m = RENDERED_BY_WIRESHARK.match(line)
    if not m:
        return line
    if not SECONDS.match(m.group(2)):
        raise AssertionError("not a time: %r" % line)
    return m.group(1) + "<time>" + m.group(3)


class GoldenTest(unittest.TestCase):
    def test_golden(self):
        update = os.environ.get("TCPX_UPDATE_GOLDEN")
        for capture, flt in FRAMES:
            path = os.path.join(ROOT, "sample_pcaps", capture)
            if not os.path.exists(path):
                continue
            name = "%s__%s.txt" % (capture.split(".")[0], flt.split("==")[1].strip().strip('"'))
            with self.subTest(golden=name):
                got = tcpx_text(path, flt)
                self.assertIn("tcpx", got)
                gold = os.path.join(GOLDEN, name)
                if update or not os.path.exists(gold):
                    if not update:
                        self.fail("missing golden file %s (run with TCPX_UPDATE_GOLDEN=1)" % gold)
                    with open(gold, "w") as f:
                        f.write(got)
                    continue
                with open(gold) as f:
                    self.assertEqual(f.read(), got)


if __name__ == "__main__":
    unittest.main()
