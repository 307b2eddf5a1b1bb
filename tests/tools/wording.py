#!/usr/bin/env python3
"""wording: find wording defects in the texts tcpx emits.

    python3 tests/tools/wording.py FILE ...    # check text files, one text a line

Each rule is a regular expression on one text (RULES); one more rule needs
every text at once: a sentence cut mid-word where a text was split at a fixed
width (pieces of one text), found with the vocabulary of all the texts.

Library use:
    checker = wording.Checker()
    checker.add("where", "a text")                  # a whole text
    checker.add("where", ["a text split at a", "fixed width"])   # its pieces
    checker.add_frame("where", "the column's summary", [{"cause_code": "...", "next_step": "..."}])
    for d in checker.defects(): print(d.rule, d.where, d.excerpt)
    wording.defects_in("1 segments")                # the regex rules on one text
"""

import collections
import re
import sys

# Plural nouns tcpx counts: "1 <one of these>" disagrees in number.
PLURALS = frozenset("""
    segments ACKs bytes frames packets retransmissions losses times streams events probes
    duplicates copies seconds milliseconds RTTs holes gaps resets SYNs FINs windows keep-alives
    connections ports blocks errors timeouts updates messages requests responses answers drops
    bursts samples hops
""".split())
# Words that may not stand between "1" and its noun ("1 of 692 data segments" is right).
NOT_QUALIFIERS = frozenset("of in out from to and or per than at on with by for is was has".split())

# excerpt: the match with some context; key: the rule and the match with a few words either side,
# numbers and addresses left out, so one sentence of a template is one key.
Defect = collections.namedtuple("Defect", "rule where excerpt key")


def _one_plural(m):
    words = m.group(1).split()
    noun, between = words[-1], words[:-1]
    return noun in PLURALS and not any(w.lower() in NOT_QUALIFIERS for w in between)


# name -> (what is wrong, pattern, optional test of a match)
RULES = collections.OrderedDict([
    ("one_plural", ("number-plural disagreement: 1 followed by a plural noun",
                    re.compile(r"(?<![\w.,/#+-])1 ((?:[A-Za-z][\w/-]* ){0,2}[A-Za-z][\w-]*s)\b"), _one_plural)),
    ("in_frames_single", ("'in frames' before a single frame number",
                          re.compile(r"\bin frames #?\d+\b(?!\s*(?:[,\u2013-]|and\b|to\b|or\b))"), None)),
    ("lone_question_mark", ("a lone '?' where a value was unknown",
                            re.compile(r"(?:^|(?<=[\s(\[=:,/]))\?(?=$|[\s)\],.;:/])"), None)),
    ("template_brace", ("a '{' or '}' left from a template", re.compile(r"[{}]"), None)),
    ("about_zero", ("'(about 0 ...)': an estimate of nothing",
                    re.compile(r"\(about 0 [A-Za-z]+\)"), None)),
    ("long_ms", ("milliseconds >= 10,000: say seconds",
                 re.compile(r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d{5,})(?:\.\d+)? ?ms\b"), None)),
    ("doubled_word", ("a word written twice",
                      re.compile(r"\b([A-Za-z][A-Za-z'-]*)\s+\1\b", re.IGNORECASE), None)),
    ("possessive_after_parenthesis", ("a possessive after a parenthesis: \"the client (ADDR)'s\"",
                                      re.compile(r"\)['\u2019]s\b"), None)),
    ("ack_up_to_byte", ("an ACK number read as the last byte acknowledged: it is the next byte expected",
                        re.compile(r"\b(?:acknowledg\w*|ACKs?)\b[^.;:]{0,60}?\bup to byte \d|\bACKs up to \d"), None)),
    ("likely_repeated", ("'likely' more than once in one text: hedge once",
                         re.compile(r"\blikely\b(?=.*\blikely\b)", re.IGNORECASE | re.DOTALL), None)),
    ("not_captured_zero", ("a line about nothing: 'Not captured: 0 bytes'",
                           re.compile(r"\bNot captured: 0\b|(?<![\d.,])0 bytes \(about"), None)),
])
CUT_RULE = "cut_mid_word"
SENTENCE_RULE = "cut_mid_sentence"
COPY_RULE = "copy_summary"
STEP_RULE = "misfit_next_step"
DESCRIPTIONS = dict((name, r[0]) for name, r in RULES.items())
DESCRIPTIONS[CUT_RULE] = "a sentence cut mid-word where the text was split or shortened to a width"
DESCRIPTIONS[SENTENCE_RULE] = "a text split into lines mid-sentence where a sentence or clause end was near"
DESCRIPTIONS[COPY_RULE] = "a capture copy whose summary (the column) does not say 'capture copy'"
DESCRIPTIONS[STEP_RULE] = "a next step that does not fit the chosen cause"

# A frame's findings (cause code -> what its next step must not say): a capture copy
# is no network event, a D-SACK proves nothing was lost.
MISFIT_STEPS = {
    "capture_duplicate": re.compile(r"congest|queue|overflow|\blos[st]\b|\bretransmissions\b", re.I),
    "dsack": re.compile(r"congest|waits? for", re.I),
}
# A split text's line may end mid-sentence only when no sentence or clause end lies past this column.
MIN_LINE = 40
# Lines up to this long are a paragraph wrapped to a terminal (the health report), where
# any space is a fine place to break; longer ones are tree items cut to a label's width.
WRAP_WIDTH = 120
# A line of a split text may end here without cutting a sentence: after a sentence or clause end.
_CLAUSE_END = re.compile(r"[.;:,!?)\]]$")

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]|[A-Za-z]")
# the last and first word of a piece, when it is made of letters only
_TAIL = re.compile(r"(?:^|(?<=[\s(\[\"']))([A-Za-z]+)$")
_HEAD = re.compile(r"^([A-Za-z]+)(?=$|[\s.,;:!?)\]])")


def excerpt(text, start, end, words=6):
    """The match with `words` words either side, on one line."""
    before, after = text[:start].split(), text[end:].split()
    inner = text[start:end]
    # a word the match starts or ends inside belongs to the match
    if before and not text[start - 1].isspace():
        inner = before.pop() + inner
    if after and not text[end].isspace():
        inner = inner + after.pop(0)
    return " ".join(before[max(0, len(before) - words):] + inner.split() + after[:words])


def defect(rule, where, text, start, end):
    return Defect(rule, where, excerpt(text, start, end), rule + ": " + normalized(excerpt(text, start, end, 3)))


def defects_in(text, where=""):
    """The regex rules' defects in one text."""
    found = []
    for name, (_, pattern, accept) in RULES.items():
        for m in pattern.finditer(text):
            if accept is None or accept(m):
                found.append(defect(name, where, text, m.start(), m.end()))
    return found


def normalized(s):
    """An excerpt without what a template fills in: addresses, numbers, roles."""
    s = re.sub(r"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b", "<addr>", s.lower())
    s = re.sub(r"\[[0-9a-f:]+\](?::\d+)?", "<addr>", s)
    s = re.sub(r"\d[\d,.]*", "<n>", s)
    return re.sub(r"\b(?:client|server)\b", "<role>", s)


def frame_defects(where, summary, findings):
    """A frame's column summary and its findings ([{"cause_code": ..., "next_step": ...}]): a
    capture copy says so in the column, and no next step contradicts its cause."""
    found = []
    for f in findings:
        code, step = f.get("cause_code", ""), f.get("next_step", "")
        if code == "capture_duplicate" and not re.match(r"capture copy\b", summary or "", re.I):
            found.append(defect(COPY_RULE, where, summary or "", 0, min(len(summary or ""), 40)))
        bad = MISFIT_STEPS.get(code)
        m = bad.search(step) if bad and step else None
        if m:
            d = defect(STEP_RULE, where, step, m.start(), m.end())
            found.append(d._replace(key="%s: %s: %s" % (STEP_RULE, code, normalized(d.excerpt))))
    return found


def sentence_cuts(where, pieces):
    """A text split into lines: each line but the last should end a sentence or clause."""
    found = []
    for left, right in zip(pieces, pieces[1:]):
        if len(left) > WRAP_WIDTH and not _CLAUSE_END.search(left) and re.search(r"[.;:,] ", left[MIN_LINE:]):
            found.append(defect(SENTENCE_RULE, where, left + " " + right, len(left), len(left) + 1))
    return found


class Checker(object):
    """Texts to check together (the cut-word rule needs a vocabulary)."""

    def __init__(self):
        self.texts = []   # (where, [pieces])
        self.frames = []  # (where, summary, findings)

    def add_frame(self, where, summary, findings):
        """A frame's summary and findings, for frame_defects()."""
        self.frames.append((where, summary, findings))

    def add(self, where, text):
        pieces = [text] if isinstance(text, str) else [p for p in text]
        pieces = [p.strip() for p in pieces if p.strip()]
        if pieces:
            self.texts.append((where, pieces))

    def vocabulary(self):
        """Every word seen inside a piece (not at a piece's edge: an edge may be a fragment)."""
        vocab = set()
        for _, pieces in self.texts:
            for p in pieces:
                words = _WORD.findall(p)
                vocab.update(w.lower() for w in words[1:-1])
        return vocab

    def defects(self, vocabulary=None):
        """Every defect; vocabulary: the words to tell a cut word by (default: these texts')."""
        found = []
        vocab = self.vocabulary() if vocabulary is None else vocabulary
        for where, pieces in self.texts:
            whole = " ".join(pieces)
            found += defects_in(whole, where)
            found += self._cuts(where, pieces, whole, vocab)
            found += sentence_cuts(where, pieces)
        for where, summary, findings in self.frames:
            found += frame_defects(where, summary, findings)
        return found

    @staticmethod
    def _cuts(where, pieces, whole, vocab):
        found = []
        for left, right in zip(pieces, pieces[1:]):
            tail, head = _TAIL.search(left), _HEAD.search(right)
            if not tail or not head:
                continue
            t, h = tail.group(1).lower(), head.group(1).lower()
            if t + h in vocab and not (t in vocab and h in vocab):
                found.append(defect(CUT_RULE, where, left + " " + right, len(left) - len(t), len(left) + 1 + len(h)))
        tail = _TAIL.search(pieces[-1])
        if tail:
            t = tail.group(1).lower()
            if len(t) >= 2 and t not in vocab and any(w.startswith(t) and len(w) > len(t) for w in vocab):
                end = len(pieces[-1])
                found.append(defect(CUT_RULE, where, pieces[-1], end - len(t), end))
        return found


def summary(defects):
    """{key: [defects]}: one entry a kind of sentence."""
    groups = collections.OrderedDict()
    for d in defects:
        groups.setdefault(d.key, []).append(d)
    return groups


def main(argv):
    if not argv:
        print(__doc__.strip())
        return 2
    checker = Checker()
    for path in argv:
        with open(path, encoding="utf-8", errors="replace") as f:
            for n, line in enumerate(f, 1):
                checker.add("%s:%d" % (path, n), line)
    groups = summary(checker.defects())
    for key, ds in groups.items():
        print("%s (%d times, first at %s: %s)" % (key, len(ds), ds[0].where, ds[0].excerpt))
    return 1 if groups else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
