"""How a proposed event is labelled: its most telling names, and the phrase its sentences
share word for word or else its most telling shared words."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence

from iraqtui.ingest.catalogue import STOPWORDS, stems, word_spans

PHRASE_WORDS = 6


def phrase_shared(a: str, b: str, worth_of: Mapping[str, float]) -> tuple[str, float]:
    """The most telling run of at most PHRASE_WORDS words that the two texts share word for
    word, with two or more content words, as `a` spells it ("war until liberation", "fallen
    in Iranian eyes"), and its worth (the sum of `worth_of` its content words' stems); ("", 0)
    when they share none."""
    wa, wb = word_spans(a), word_spans(b)
    matcher = difflib.SequenceMatcher(None, [w for w, *_ in wa], [w for w, *_ in wb], False)
    stem_of = dict(zip([w for w, *_ in wa], stems([w for w, *_ in wa]), strict=True))
    best, best_worth = "", 0.0
    for block in matcher.get_matching_blocks():
        run = wa[block.a : block.a + block.size]
        for i in range(len(run)):
            for j in range(i + 2, min(len(run), i + PHRASE_WORDS) + 1):
                window = run[i:j]
                if window[0][0] in STOPWORDS or window[-1][0] in STOPWORDS:
                    continue
                content = [w for w, *_ in window if is_content(w)]
                worth = sum(worth_of.get(stem_of[w], 0.0) for w in content)
                if len(content) >= 2 and worth > best_worth:
                    best, best_worth = " ".join(a[window[0][1] : window[-1][2]].split()), worth
    return best, best_worth


def is_content(word: str) -> bool:
    return word not in STOPWORDS and len(word) > 1 and not word.isdigit()


def describe(
    shared: Counter[str], phrase: str, spellings: Mapping[str, Counter[str]]
) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
    """Label, key, terms and actors of a group from the information each shared feature
    carries over its links and the phrase its strongest link shares."""
    # An actor named all over the corpus ("Iraq") links little; keep the names that carry
    # at least a third of what the best one does.
    named = [(f[1:], v) for f, v in shared.most_common() if f.startswith("@")]
    names = [n for n, v in named if v >= named[0][1] / 3][:3]
    terms: list[str] = []
    for feature, _v in shared.most_common():
        if len(terms) == 4:
            break
        # A stem inside a chosen bigram, or a bigram around a chosen stem, adds nothing.
        if not feature.startswith("@") and not any(
            feature in t.split() or t in feature.split() for t in terms
        ):
            terms.append(feature)
    words = [_spell(f, spellings) for f in terms]
    if phrase.casefold() in {n.casefold() for n in names}:
        phrase = ""  # the name is in the label already
    label = "; ".join(p for p in (", ".join(names[:2]), phrase or ", ".join(words[:3])) if p)
    key_words = [w for w in phrase.split() if is_content(w.casefold())][:3] or words[:2]
    return label or ", ".join(words), _slug([*names[:1], *key_words]), tuple(words), tuple(names)


def _spell(feature: str, spellings: Mapping[str, Counter[str]]) -> str:
    """A feature as words: the commonest spelling of each stem, the name of an actor."""
    if feature.startswith("@"):
        return feature[1:]
    return " ".join(
        spellings[p].most_common(1)[0][0] if p in spellings else p for p in feature.split()
    )


def _slug(words: Sequence[str]) -> str:
    plain = unicodedata.normalize("NFKD", "_".join(words).casefold())  # "á" -> "a" + accent
    slug = re.sub(r"[^a-z0-9]+", "_", plain.encode("ascii", "ignore").decode()).strip("_")
    if len(slug) > 40:
        slug = slug[:41].rsplit("_", 1)[0]
    return slug or "event"
