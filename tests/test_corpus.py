"""The labelled corpus's declarations (tests/corpus): no root, no capture made.

Every truth class has its tcpx codes and a fault domain its faults_ok allows;
every listed miss names a scenario that exists; refusals to a scanner never
allow the server's fault; the short-capture slice picks the frames it says.
"""
import json
import os
import subprocess
import sys
import unittest

ROOT = os.environ.get("TCPX_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))
CORPUS = os.path.join(ROOT, "tests", "corpus")
sys.path.insert(0, CORPUS)

import make_corpus  # noqa: E402
import scenarios  # noqa: E402

DOMAINS = {"client", "network", "server", "capture", "none"}


def load(name):
    with open(os.path.join(CORPUS, name)) as f:
        return json.load(f)


class CorpusDeclarations(unittest.TestCase):
    def test_every_class_has_tcpx_codes(self):
        codes = load("tcpx_codes.json")["codes"]
        self.assertEqual(set(codes), set(scenarios.VERDICTS))

    def test_streams_use_known_classes(self):
        for name, sc in scenarios.SCENARIOS.items():
            for st in sc["streams"]:
                t = st.truth()
                self.assertIn(t["verdict"], scenarios.VERDICTS, name)
                self.assertIn(t["fault"], DOMAINS, name)
                self.assertIn(t["fault"], t["faults_ok"], name)
                self.assertLessEqual(set(t["faults_ok"]), DOMAINS, name)

    def test_scan_refusals_are_not_the_servers_fault(self):
        streams = scenarios.SCENARIOS["port_scan"]["streams"]
        self.assertEqual(len(streams), 30)
        self.assertEqual(len({s.client for s in streams}), 30)
        for st in streams:
            t = st.truth()
            self.assertEqual(t["verdict"], "scan_refused")
            self.assertNotIn("server", t["faults_ok"])

    def test_benign_scenarios_are_healthy(self):
        for name in ("linger_reset", "interactive"):
            verdicts = {s.verdict for s in scenarios.SCENARIOS[name]["streams"]}
            self.assertEqual(verdicts, {"healthy"}, name)
        short = scenarios.SCENARIOS["short_capture"]["streams"][0].truth()
        self.assertEqual(short["fault"], "none")
        self.assertNotIn("client", short["faults_ok"])

    def test_injections_are_checked_against_the_kernel(self):
        for name in ("port_scan", "linger_reset", "spurious_rto", "pmtu_blackhole"):
            self.assertTrue(callable(scenarios.SCENARIOS[name]["verify"]), name)

    def test_spurious_rto_check_needs_the_kernels_counts(self):
        checks = []
        expect = lambda ok, what: checks.append(ok)
        verify = scenarios.SCENARIOS["spurious_rto"]["verify"]
        verify({"server": {"TcpExtTCPTimeouts": 2, "TcpExtTCPSpuriousRTOs": 1,
                           "TcpExtTCPDSACKRecv": 2}}, expect)
        self.assertTrue(all(checks))
        checks.clear()
        verify({"server": {"TcpExtTCPTimeouts": 2}}, expect)   # a real loss
        self.assertFalse(all(checks))

    def test_known_misses_name_scenarios(self):
        for m in load("known_misses.json")["misses"]:
            self.assertTrue(m["scenario"] == "any" or m["scenario"] in scenarios.SCENARIOS, m)
            self.assertTrue(m["fix"], m)


class Slice(unittest.TestCase):
    CAP = os.path.join(ROOT, "sample_pcaps", "clean_http.pcapng")

    def times(self):
        out = subprocess.run(["tshark", "-n", "-r", self.CAP, "-T", "fields", "-e", "frame.time_epoch"],
                             capture_output=True, text=True, check=True).stdout
        return [float(t) for t in out.split()]

    def test_slice_keeps_the_window_around_the_anchor(self):
        times = self.times()
        first, last = make_corpus.slice_frames(self.CAP, "tcp.flags.fin == 1", 0.001, 0.002)
        out = subprocess.run(["tshark", "-n", "-r", self.CAP, "-Y", "tcp.flags.fin == 1", "-T", "fields",
                              "-e", "frame.number"], capture_output=True, text=True, check=True).stdout
        anchor = int(out.split()[0])
        self.assertLessEqual(first, anchor)
        self.assertGreaterEqual(last, anchor)
        start = times[anchor - 1] - 0.001
        inside = [n for n in range(1, len(times) + 1) if start <= times[n - 1] <= start + 0.002]
        self.assertEqual((first, last), (inside[0], inside[-1]))

    def test_no_anchor_no_slice(self):
        self.assertIsNone(make_corpus.slice_frames(self.CAP, "tcp.port == 1", 0.01, 0.1))


if __name__ == "__main__":
    unittest.main()
