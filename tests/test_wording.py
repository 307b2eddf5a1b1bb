"""The wording checker (tests/tools/wording.py): each rule on texts it must flag and texts it must leave alone."""
import unittest

import wording

# rule -> (texts it flags, texts it accepts)
EXAMPLES = {
    "one_plural": (
        ["network loss: 1 segments retransmitted",
         "and 1 ACKs",
         "1 SYN/FIN segments retransmitted",
         "100.0% of the 1 data segments it has sent so far",
         "the window was full 1 times"],
        ["1 segment retransmitted", "1 of 692 data segments", "frame 1 has 60 bytes", "11 segments",
         "0.1 segments", "1.5 segments", "retransmission #1 from the client", "+1 segments more",
         "1 ms later", "1 ACK and 2 segments"]),
    "in_frames_single": (
        ["duplicate ACKs (in frames 12), so", "seen in frames 7."],
        ["in frames 12-14", "in frames 12, 14 and 20", "in frames 12 and 14", "in frame 12", "frames 3 to 9"]),
    "lone_question_mark": (
        ["with a reset (RST), having sent ?; the client", "the server had sent ?.", "after sending ?",
         "RTT ? ms", "(? bytes)"],
        ["client? = roles guessed from the ports", "why did it stop?", "the server (10.0.0.1:80) answered"]),
    "template_brace": (
        ["the {role} sent", "bytes {seq}-{end}", "left { open"],
        ["the client sent bytes 1-1448"]),
    "about_zero": (
        ["0 bytes (about 0 segments) lost", "(about 0 RTTs)"],
        ["1448 bytes (about 1 segment)", "(about 0.5 RTTs)", "about 0 ms"]),
    "long_ms": (
        ["the transfer stalled for 107999.900 ms", "after 10000 ms", "after 12,500 ms", "after 10000ms"],
        ["after 9999.9 ms", "after 1.84 s", "108.0 s", "frame 10000, 3 ms later", "after 999 ms"]),
    "doubled_word": (
        ["the the client", "it was was lost", "Reset reset by the server"],
        ["the client then the server", "80,896 bytes, 80,896 bytes in flight", "refused: refused"]),
    "possessive_after_parenthesis": (
        ["the client (10.0.0.1:80)'s window", "the server (10.2.0.2:8080)\u2019s FIN"],
        ["the client's window (10.0.0.1:80)", "the server (10.2.0.2:8080) window", "(see below) so"]),
    "ack_up_to_byte": (
        ["ACK: server acknowledges up to byte 1496", "Data: client sends bytes 1-100, ACKs up to 57",
         "The client (10.0.0.1:80) acknowledges the server's data up to byte 1449;",
         "acknowledged data up to byte 1449, but"],
        ["ACK: server expects byte 1496 next", "acknowledges what the server sent before byte 1449",
         "acknowledges bytes through 1495", "the window cannot grow up to 64 KB", "retried up to byte 5 times. ACK"]),
    "likely_repeated": (
        ["Likely cause: The likely server (10.0.0.2:80) aborted",
         "The likely client (10.0.0.1:1) repeated it; the likely server (10.0.0.2:80) resent"],
        ["Cause: The likely server (10.0.0.2:80) aborted; the client (10.0.0.1:1) had sent 5 bytes.",
         "The segment was likely lost."]),
    "not_captured_zero": (
        ["Not captured: 0 bytes (about 0 segments at the MSS)", "lost 0 bytes (about 0 segments)"],
        ["Not captured: 1,448 bytes (about 1 segment at the MSS)", "Not captured: 3 ACKs of segments",
         "10 bytes (about 1 segment)"]),
}


class WordingRules(unittest.TestCase):
    def test_every_rule_has_examples(self):
        self.assertEqual(sorted(EXAMPLES), sorted(wording.RULES))

    def test_rules(self):
        for rule, (bad, good) in EXAMPLES.items():
            for text in bad:
                with self.subTest(rule=rule, flags=text):
                    self.assertIn(rule, [d.rule for d in wording.defects_in(text)])
            for text in good:
                with self.subTest(rule=rule, accepts=text):
                    self.assertNotIn(rule, [d.rule for d in wording.defects_in(text)])

    def test_key_leaves_out_values(self):
        a = wording.defects_in("after the client (10.0.0.1:80)'s FIN (frame 12), having sent 5 bytes")
        b = wording.defects_in("after the server (10.2.0.2:8080)'s FIN (frame 999), having sent 7 bytes")
        self.assertEqual([d.key for d in a], [d.key for d in b])
        self.assertIn("10.0.0.1:80", a[0].excerpt)


class CutMidWord(unittest.TestCase):
    VOCABULARY = ["the client must wait for an ACK before sending more data now",
                  "a window update before the transfer goes on", "the router dropped it here"]

    def check(self, *texts):
        checker = wording.Checker()
        for text in self.VOCABULARY:
            checker.add("vocabulary", text)
        for text in texts:
            checker.add("checked", text)
        return [d for d in checker.defects() if d.rule == wording.CUT_RULE and d.where == "checked"]

    def test_split_inside_a_word(self):
        self.assertTrue(self.check(["it must wait for an ACK or a window update befo", "re sending more."]))

    def test_shortened_inside_a_word(self):
        self.assertTrue(self.check("the client must wait for an ACK or a window upd"))

    def test_split_between_words(self):
        self.assertFalse(self.check(["it must wait for an ACK or a window update before", "sending more."]))

    def test_whole_texts(self):
        self.assertFalse(self.check("it must wait for an ACK", "a window update", "the transfer goes on"))
        self.assertFalse(self.check(["bytes 1-1448 and", "1449-2896 (SACK)."]))
        self.assertFalse(self.check("Cause code: loss_or_capture_drop"))   # a code, not a cut word


class CutMidSentence(unittest.TestCase):
    LONG = ("The client (10.0.0.1:40000) sent bytes 1-1448 again. They first left in frame 5, 23 ms earlier. "
            "It is retransmission #3 from the client in this stream: 100.0% of the 3 data segments it has sent so")

    def cuts(self, pieces):
        return [d.rule for d in wording.sentence_cuts("here", pieces)]

    def test_tree_line_cut_mid_sentence(self):
        self.assertEqual(self.cuts([self.LONG, "far."]), [wording.SENTENCE_RULE])

    def test_tree_line_cut_at_a_clause_end(self):
        head, _, tail = self.LONG.rpartition(": ")
        self.assertEqual(self.cuts([head + ":", tail + " far."]), [])

    def test_a_clause_longer_than_a_line_may_break_between_words(self):
        self.assertEqual(self.cuts(["x" * 30 + ", " + "word " * 40, "more."]), [])

    def test_terminal_paragraph_wraps_anywhere(self):
        self.assertEqual(self.cuts(["Stream 3: the server. 2 retransmissions (0 bytes of data; loss", "ones."]), [])


class FrameRules(unittest.TestCase):
    COPY = {"cause_code": "capture_duplicate",
            "next_step": "Nothing to fix on the network: leave the copies out, then read the stream again."}

    def rules(self, summary, *findings):
        return [d.rule for d in wording.frame_defects("here", summary, list(findings))]

    def test_copy_summarised_as_a_retransmission(self):
        self.assertEqual(self.rules("Retransmission of bytes 1-1448 (frame 5, +0.004 ms)", self.COPY),
                         [wording.COPY_RULE])
        self.assertEqual(self.rules("Fast retransmission of bytes 1-1448 (frame 5, +0.004 ms) after 3 dup ACKs",
                                    self.COPY), [wording.COPY_RULE])

    def test_copy_summarised_as_a_copy(self):
        self.assertEqual(self.rules("Capture copy of frame 5 (same IP ID, 0.004 ms later): not a retransmission",
                                    self.COPY), [])

    def test_next_step_that_does_not_fit_the_cause(self):
        step = dict(self.COPY, next_step="Count retransmissions for this stream; bursts of them point to a "
                                         "congested queue on the path.")
        self.assertEqual(self.rules("Capture copy of frame 5", step), [wording.STEP_RULE])
        dsack = {"cause_code": "dsack", "next_step": "Find the segment it waits for: tcp.seq == 5"}
        self.assertEqual(self.rules("Dup ACK #1 of frame 4", dsack), [wording.STEP_RULE])

    def test_next_step_that_fits(self):
        loss = {"cause_code": "loss_dupacks", "next_step": "bursts of them point to a congested queue on the path."}
        self.assertEqual(self.rules("Fast retransmission of bytes 1-1448", loss), [])

    def test_checker_reports_frames(self):
        checker = wording.Checker()
        checker.add_frame("here", "Retransmission of bytes 1-10", [self.COPY])
        self.assertEqual([d.rule for d in checker.defects()], [wording.COPY_RULE])


if __name__ == "__main__":
    unittest.main()
