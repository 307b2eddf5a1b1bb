"""Checksums: with TCP validation on, tcpx flags exactly the frames Wireshark finds bad (or zero), and tells offload apart."""
import os
import tempfile
import unittest

import tsharkx
from pcapwriter import PcapWriter, tcp_frame, tcp_options

ROOT = os.environ.get("TCPX_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))


def rows(capture):
    return tsharkx.fields(capture, ["frame.number", "tcp.checksum", "tcp.checksum.status", "tcpx.anomaly",
                                    "tcpx.cause_code"], extra=["-o", "tcp.check_checksum:TRUE"])


class ChecksumTest(unittest.TestCase):
    def check_oracle(self, capture):
        for r in rows(capture):
            if not r["tcp.checksum"]:
                continue
            bad = r["tcp.checksum.status"] == "0" or int(r["tcp.checksum"], 16) == 0
            self.assertEqual("checksum" in r["tcpx.anomaly"].split("|"), bad, r)
        return rows(capture)

    def test_offload_on_the_capturing_client(self):
        got = self.check_oracle(os.path.join(ROOT, "sample_pcaps", "crafted_checksum_offload.pcap"))
        causes = {r["tcpx.cause_code"].split("|")[0] for r in got if "checksum" in r["tcpx.anomaly"]}
        self.assertEqual(causes, {"offload"})

    def test_loopback_capture_has_both_ends_local(self):
        got = self.check_oracle(os.path.join(ROOT, "sample_pcaps", "clean_http.pcapng"))
        causes = [r["tcpx.cause_code"].split("|")[0] for r in got if "checksum" in r["tcpx.anomaly"]]
        if tsharkx.wireshark_version() >= (4, 4):
            # Loopback segments carry the pseudo-header's sum only (offload); from 4.4 on
            # Wireshark calls that a good checksum, and tcpx, following it, flags nothing.
            self.assertEqual(causes, [])
        else:
            self.assertIn("offload_both_ends", causes)

    def test_zero_checksum_of_a_cut_frame_is_no_error(self):
        """0x0000 is a legal TCP checksum, and a frame cut by the snaplen cannot be checked:
        a cut frame's zero checksum is not flagged; a whole frame's wrong zero still is."""
        with tempfile.TemporaryDirectory() as tmp:
            def capture(name, snaplen):
                path = os.path.join(tmp, name)
                c, s = ("10.0.0.1", 40000), ("10.0.0.2", 80)
                with PcapWriter(path, snaplen=snaplen) as w:
                    w.write(1.0, tcp_frame(c[0], s[0], c[1], s[1], seq=0, flags="S", window=64240,
                                           options=tcp_options(mss=1460)))
                    w.write(1.02, tcp_frame(s[0], c[0], s[1], c[1], seq=0, ack=1, flags="SA", window=64240,
                                            options=tcp_options(mss=1460)))
                    w.write(1.04, tcp_frame(c[0], s[0], c[1], s[1], seq=1, ack=1, flags="A", window=64240))
                    w.write(1.05, tcp_frame(c[0], s[0], c[1], s[1], seq=1, ack=1, flags="PA", window=64240,
                                            payload=b"x" * 500, tcp_checksum=0))
                return rows(path)
            cut = capture("cut.pcap", 80)
            self.assertEqual([r["frame.number"] for r in cut if "checksum" in r["tcpx.anomaly"]], [])
            whole = capture("whole.pcap", 65535)
            self.assertEqual([r["frame.number"] for r in whole if "checksum" in r["tcpx.anomaly"]], ["4"])


if __name__ == "__main__":
    unittest.main()
