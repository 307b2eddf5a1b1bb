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


if __name__ == "__main__":
    unittest.main()
