"""Distinctive terms: the log-odds ratio with an informative Dirichlet prior.

Monroe, Colaresi & Quinn (2008), "Fightin' Words", Political Analysis 16(4), eqs. 16-22. For
a word w, group i (one outlet) against j (all the other outlets together), with counts y,
group sizes n and a prior alpha_w (alpha_0 = the prior's total mass):

    omega_i = log((y_iw + alpha_w) / (n_i + alpha_0 - y_iw - alpha_w))
    delta   = omega_i - omega_j
    var     ~ 1 / (y_iw + alpha_w) + 1 / (y_jw + alpha_w)
    z       = delta / sqrt(var)

The prior is informative: alpha_w = alpha_0 * (b_w + 1) / (B + 1), where b_w is how often the
word's stem occurs in the whole database (its full-text index) and B the index's total of
content-word tokens (stopwords left out, as in the groups' counts),
so rare words are shrunk towards the corpus rate instead of topping the list on one use.
Words are compared by Porter stem (the stemmer the full-text index uses) and shown in their
most frequent spelling.

The prior's mass, alpha_0 = DEFAULT_ALPHA0 = 1000, is a fixed constant, shown with the terms: a
prior is what is believed before the texts compared are read, so its strength depends
neither on them nor on the rest of the database. It reads as "each outlet writes like the
corpus, with the weight of about two news articles (1000 words)": an outlet's rates move
away from the corpus rates as its own text grows past that. The alternatives were measured
on the seeds (`iraqtui compare qom_truce`): alpha_0 = the database's token total (raw
background counts as pseudo-counts) shrinks every z towards 0 as the database grows (at
most 0.67 on the seeds' 3,471 tokens, counting stopwords; 1,724 content words);
alpha_0 = the words compared
(empirical Bayes, as R's tidylo) puts the corpus's frequent words first ("use",
"operation", "city") where 1000 puts the telling ones ("Hakim", "delegation", "truce").
On a handful of posts z stays low whatever the prior: with 29 words against 102 and a
background rate under 0.5%, a word used twice by one outlet and never by the others
reaches at most z = 1.34 for any alpha_0 (five times: 1.96). z ranks; the counts beside it
are the evidence.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from iraqtui.ingest.catalogue import STOPWORDS, stems, word_spans

DEFAULT_ALPHA0 = 1000.0


@dataclass(frozen=True)
class KeyTerm:
    """One word that sets a group apart, with the numbers behind the claim."""

    term: str  # the spelling shown (most frequent surface form)
    stem: str
    count: int  # occurrences in this group
    other_count: int  # occurrences in all the other groups together
    delta: float  # log-odds ratio, this group against the rest
    z: float
    alpha: float  # the prior pseudo-count for this word


@dataclass(frozen=True)
class PriorInfo:
    """What the prior was built from, for the record shown beside the terms."""

    alpha0: float
    background_tokens: int
    source: str


def content_words(text: str) -> list[tuple[str, int, int]]:
    """Words worth counting (no stopwords, numbers or single letters), with their offsets."""
    return [
        (w, s, e)
        for w, s, e in word_spans(text)
        if len(w) > 1 and not w.isdigit() and w not in STOPWORDS
    ]


def count_words(texts: Iterable[str]) -> tuple[Counter[str], dict[str, Counter[str]]]:
    """Stem counts over `texts`, and the spellings seen for each stem."""
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for text in texts:
        words = [w for w, _s, _e in content_words(text)]
        for word, stem in zip(words, stems(words), strict=True):
            counts[stem] += 1
            spellings.setdefault(stem, Counter())[word] += 1
    return counts, spellings


def log_odds(
    y_i: int, n_i: int, y_j: int, n_j: int, alpha_w: float, alpha0: float
) -> tuple[float, float]:
    """(delta, z) for one word: group i against group j (Monroe et al. 2008, eqs. 16-22)."""
    omega_i = math.log((y_i + alpha_w) / (n_i + alpha0 - y_i - alpha_w))
    omega_j = math.log((y_j + alpha_w) / (n_j + alpha0 - y_j - alpha_w))
    delta = omega_i - omega_j
    variance = 1.0 / (y_i + alpha_w) + 1.0 / (y_j + alpha_w)
    return delta, delta / math.sqrt(variance)


def informative_prior(
    vocabulary: Iterable[str],
    background: Mapping[str, int],
    background_total: int,
    alpha0: float = DEFAULT_ALPHA0,
) -> dict[str, float]:
    """alpha_w = alpha_0 * (b_w + 1) / (B + 1) for each word of the vocabulary. For the prior
    to carry exactly alpha_0 over the words the groups count, B should count the same kind of
    tokens (content words, not stopwords)."""
    return {w: alpha0 * (background.get(w, 0) + 1) / (background_total + 1) for w in vocabulary}


def distinctive_terms(
    groups: Mapping[str, Counter[str]],
    prior: Mapping[str, float],
    alpha0: float = DEFAULT_ALPHA0,
    *,
    spellings: Mapping[str, Counter[str]] | None = None,
    top: int = 10,
    min_count: int = 1,
) -> dict[str, list[KeyTerm]]:
    """For each group, the words most over-represented against all the other groups together,
    highest z first (only words with a positive log-odds ratio)."""
    totals = {g: sum(c.values()) for g, c in groups.items()}
    pooled: Counter[str] = Counter()
    for counts in groups.values():
        pooled.update(counts)
    grand = sum(totals.values())
    out: dict[str, list[KeyTerm]] = {}
    for group, counts in groups.items():
        n_i = totals[group]
        n_j = grand - n_i
        terms: list[KeyTerm] = []
        for word, y_i in counts.items():
            if y_i < min_count or word not in prior:
                continue
            y_j = pooled[word] - y_i
            delta, z = log_odds(y_i, n_i, y_j, n_j, prior[word], alpha0)
            if delta <= 0:
                continue
            shown = (
                spellings[word].most_common(1)[0][0] if spellings and word in spellings else word
            )
            terms.append(KeyTerm(shown, word, y_i, y_j, delta, z, prior[word]))
        terms.sort(key=lambda t: (-t.z, t.term))
        out[group] = terms[:top]
    return out
