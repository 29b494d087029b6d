"""Find runs of paragraphs a post pastes from elsewhere (web block quotes lose their markup).

A run starts at a `>` line, after a paragraph that introduces it (its own words, not a quotation
it ends with, end in a colon, or without punctuation after a reporting verb: "… wrote in The
New York Times"), at a news-style paragraph clipped with an ellipsis, or at a paragraph that is
one unattributed quotation. Where it ends depends on what marks it. A `>` run ends with the
last `>` paragraph, and a run that opens with a paragraph wholly in quotation marks ends with
the quotations that follow one another from there. Any other run goes on while the paragraphs
read like reporting and stops at the first one in the blogger's register (first or second
person, contractions, questions, asides) or at the next introduction; in a text whose author
never speaks in that register (straight news), nothing shows where such a run would end, so
it is its first paragraph only.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass

from iraqtui.ingest.quote_marks import MarkedSpan
from iraqtui.models import Paragraph

# Each pattern opens with a lookahead on what a match must start with (for contractions:
# a word running into an apostrophe), so the engine skips the other positions quickly; the
# matches are the same (tests/unit/test_passage_patterns.py checks the first characters).
_FIRST_SECOND = re.compile(
    r"(?=[Imouwy])\b(?:I|I’m|I'm|I’ve|I've|I’d|I'd|I’ll|I'll|me|my|mine|we|we’re|we're|we’ll|we'll|we’ve|"
    r"we've|our|us|you|you’re|you're|you’d|you'd|you’ll|you'll|your)\b"
)
_CONTRACTION = re.compile(
    r"\b(?=\w*+[’'])(?:(?:it|there|that|what|he|she|who|here|where|how|let|that)[’']s|\w+n[’']t|"
    r"\w+[’'](?:re|ve|ll|d|m))\b",
    re.IGNORECASE,
)
_ASIDE = re.compile(
    r"(?=[(acefhimnosw])"
    r"(?:\((?:see|via|h/t|hat tip|put|yes|no|sigh|really|emphasis|link)[^)]{0,60}\)|"
    r"\b(?:stay tuned|after all|of course|hardly|IIRC|I guess|my guess|frankly|anyway|"
    r"needless to say|in other words|cross (?:them|your) fingers|well,|hey,|er,))",
    re.IGNORECASE,
)
_NEWS = re.compile(
    r"(?=[ABCFGLMPSTWalmorst])"
    r"\b(?:said|says|told|according to|reported|officials?|spokes(?:man|woman)|"
    r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|Mr\.|Mrs\.|Ms\.|Gen\.|Col\.|Brig\.|Lt\.|"
    r"Maj\.|Prime Minister|Ambassador|residents|lawmakers|members of)\b"
)
_REPORTING = re.compile(
    r"\b(?:note[sd]?|writes?|wrote|reports?|reported|says?|said|according to|per|quotes?|"
    r"from|in (?:the|a|an) [A-Z]\w+)\b"
)
_ELLIPSIS_END = re.compile(r"(?:…|\.\.\.|\. \. \.)\s*[”\"]?\s*$")
# An unpunctuated paragraph end with fewer words than this is a heading ("Reaction from
# Washington"), a byline or a caption, not a sentence cut off where a paste begins.
_OPEN_INTRO_WORDS = 8
_UPDATE = re.compile(r"^\s*(?:Update|UPDATE|Via|Also|Here you go|Here’s|Here's)\b")


@dataclass(frozen=True)
class PassageRun:
    """Consecutive body paragraphs pasted from one source; `intro` is the paragraph before."""

    first: int  # index into the body paragraph list
    last: int
    start: int
    end: int
    intro: int | None
    method: str
    confidence: float


class _Blanker:
    """Paragraph text with quoted words blanked out (a speaker's "I" is not the blogger's);
    each paragraph looks only at the quotations that can reach into it."""

    def __init__(self, marked: list[MarkedSpan]) -> None:
        self.spans = sorted((q.open_at, (q.close_at or q.end) + 1) for q in marked)
        self.opens = [lo for lo, _hi in self.spans]
        # reach[i]: the furthest any of the first i + 1 quotations ends
        self.reach = list(itertools.accumulate((hi for _lo, hi in self.spans), max))

    def outside_quotes(self, text: str, start: int, end: int) -> str:
        first = bisect.bisect_right(self.reach, start)  # the first that may end past start
        last = bisect.bisect_left(self.opens, end)  # past the last opening before end
        chars: list[str] | None = None  # most paragraphs quote nobody: no copy needed
        for open_at, close_end in self.spans[first:last]:
            lo, hi = max(open_at, start), min(close_end, end)
            if hi > lo:
                if chars is None:
                    chars = list(text[start:end])
                chars[lo - start : hi - start] = " " * (hi - lo)
        return text[start:end] if chars is None else "".join(chars)


def own_score(plain: str) -> int:
    """How strongly a paragraph (quotes blanked) reads as the blogger's own voice."""
    score = len(_FIRST_SECOND.findall(plain)) * 2 + len(_ASIDE.findall(plain)) * 2
    if "'" in plain or "’" in plain:  # every contraction holds one
        score += len(_CONTRACTION.findall(plain))
    score += plain.count("?") * 2 + plain.count("!")
    if _UPDATE.match(plain):
        score += 3
    return score


def has_own_voice(plain: str) -> bool:
    """Whether `own_score(plain)` is above 0: the cheapest cues first, each only until it
    first matches (most paragraphs in the blogger's voice say "I" or "we" early on)."""
    return (
        "?" in plain
        or "!" in plain
        or _UPDATE.match(plain) is not None
        or _FIRST_SECOND.search(plain) is not None
        or (("'" in plain or "’" in plain) and _CONTRACTION.search(plain) is not None)
        or _ASIDE.search(plain) is not None
    )


def news_score(plain: str) -> int:
    return len(_NEWS.findall(plain))


class _Scores:
    """Voice cues of each body paragraph, each worked out only when a test needs it: most
    tests only ask whether a paragraph has any cue of the blogger's own voice."""

    def __init__(self, plains: list[str]) -> None:
        self.plains = plains
        self._voiced: list[bool | None] = [None] * len(plains)
        self._own: dict[int, int] = {}
        self._news: dict[int, int] = {}

    def quiet(self, i: int) -> bool:
        """No cue of the blogger's own voice (`own_score` is 0)."""
        voiced = self._voiced[i]
        if voiced is None:
            voiced = self._voiced[i] = has_own_voice(self.plains[i])
        return not voiced

    def voiced(self, i: int) -> bool:
        return not self.quiet(i)

    def own(self, i: int) -> int:
        if i not in self._own:
            self._own[i] = own_score(self.plains[i]) if not self.quiet(i) else 0
        return self._own[i]

    def news(self, i: int) -> int:
        if i not in self._news:
            self._news[i] = news_score(self.plains[i])
        return self._news[i]


def _is_intro(raw: str, plain: str, index: int) -> tuple[str, float] | None:
    """Whether a paragraph introduces a pasted passage, judged by its own words: one that ends
    in a quotation (`told reporters: "…"`, `said the wall was "…"`) introduces nothing."""
    stripped = plain.rstrip()
    if len(stripped) != len(raw.rstrip()):
        return None  # the last characters were blanked: they are a quotation's
    if stripped.endswith(":"):
        return "after-colon", 0.8
    last = stripped[-1:] if stripped else ""
    if (
        index > 0
        and last.isalnum()
        # a sentence cut off where a paste begins, not a heading, byline or caption
        and not stripped.lstrip().startswith("#")
        and len(stripped.split()) >= _OPEN_INTRO_WORDS
        and _REPORTING.search(stripped[-200:])
    ):
        return "after-open-intro", 0.65
    return None


def find_passages(text: str, body: list[Paragraph], marked: list[MarkedSpan]) -> list[PassageRun]:
    """Runs of pasted paragraphs among the body paragraphs (boilerplate already removed)."""
    blanker = _Blanker(marked)
    plains = [blanker.outside_quotes(text, p.start, p.end) for p in body]
    scores = _Scores(plains)
    intros = [
        _is_intro(text[p.start : p.end], plain, i)
        for i, (p, plain) in enumerate(zip(body, plains, strict=True))
    ]
    heads = _Heads(text, body, marked)
    runs: list[PassageRun] = []
    i = 0
    while i < len(body):
        start = _start(text, body, i, scores, intros, heads)
        if start is None:
            i += 1
            continue
        method, confidence = start
        j = _run_end(text, body, i, method, scores, intros, heads)
        first = body[i]
        begin = first.start
        while begin < first.end and (text[begin] == ">" or text[begin].isspace()):
            begin += 1
        intro = i - 1 if method.startswith("after") else None
        runs.append(PassageRun(i, j, begin, body[j].end, intro, method, confidence))
        i = j + 1
    return runs


def _start(
    text: str,
    body: list[Paragraph],
    i: int,
    scores: _Scores,
    intros: list[tuple[str, float] | None],
    heads: _Heads,
) -> tuple[str, float] | None:
    if _is_marked(text, body[i]):
        return "block-marker", 0.95
    para = text[body[i].start : body[i].end]
    here, before = intros[i], intros[i - 1] if i > 0 else None
    if here is not None and here[0] == "after-colon" and i + 1 < len(body):
        return None  # an introduction is the blogger speaking, not the passage
    quiet = scores.quiet(i)
    if before is not None:
        method, confidence = before
        if quiet or (method == "after-colon" and scores.news(i) > scores.own(i)):
            return method, confidence
    if quiet and len(para) >= 120 and _ELLIPSIS_END.search(para) and scores.news(i) >= 1:
        return "clipped", 0.6
    if quiet and (q := heads.whole(i)) is not None and q.paragraphs == 1:
        return "bare-quotation", 0.55
    return None


class _Heads:
    """The quotation (if any) each body paragraph opens with, after any `>` markers."""

    def __init__(self, text: str, body: list[Paragraph], marked: list[MarkedSpan]) -> None:
        self.text = text
        self.body = body
        self.by_open = {q.open_at: q for q in marked if not q.nested}

    def at(self, i: int) -> MarkedSpan | None:
        p = self.body[i]
        pos = p.start
        while pos < p.end and (self.text[pos] == ">" or self.text[pos].isspace()):
            pos += 1
        return self.by_open.get(pos)

    def whole(self, i: int) -> MarkedSpan | None:
        """The quotation paragraph `i` opens with, when nothing of the paragraph lies outside
        the marks but punctuation (it may run on over the next paragraphs)."""
        q = self.at(i)
        if q is None:
            return None
        if q.paragraphs > 1:
            return q
        p = self.body[i]
        close = q.close_at if q.close_at is not None else q.end
        rest = self.text[close + 1 : p.end]
        return None if any(ch.isalnum() for ch in rest) else q


def _run_end(
    text: str,
    body: list[Paragraph],
    i: int,
    method: str,
    scores: _Scores,
    intros: list[tuple[str, float] | None],
    heads: _Heads,
) -> int:
    """The last paragraph of the run that starts at paragraph `i`."""
    if method == "block-marker":
        j = i
        while j + 1 < len(body) and _is_marked(text, body[j + 1]):
            j += 1
        return j
    if method.startswith("after") and (q := heads.whole(i)) is not None:
        # the quotation marks show where the paste ends: quoted paragraphs, one after another
        j = i + q.paragraphs - 1
        while j + 1 < len(body) and (q := heads.at(j + 1)) is not None:
            j += q.paragraphs
        return min(j, len(body) - 1)
    j = i
    while j + 1 < len(body) and _continues(text, body, j + 1, scores, intros):
        j += 1
    # Straight news never speaks in the blogger's register, so nothing there shows where an
    # unmarked paste would end: take its first paragraph only. The first paragraph of the text
    # does not count (a headline's question is no aside of the author's).
    if j > i and not any(
        scores.voiced(k) for k in itertools.chain(range(1, i), range(j + 1, len(body)))
    ):
        return i
    return j


def _is_marked(text: str, p: Paragraph) -> bool:
    return text[p.start : p.end].lstrip().startswith(">")


def _continues(
    text: str,
    body: list[Paragraph],
    j: int,
    scores: _Scores,
    intros: list[tuple[str, float] | None],
) -> bool:
    if _is_marked(text, body[j]):
        return True
    # Neutral paragraphs (no cue either way) carry the run on: pasted news often has none.
    return intros[j] is None and scores.quiet(j)
