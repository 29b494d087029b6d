"""The log-odds ratio with an informative Dirichlet prior, against an example worked by hand."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from iraqtui.analysis.keyness import (
    count_words,
    distinctive_terms,
    informative_prior,
    log_odds,
)

# Worked by hand (Monroe, Colaresi & Quinn 2008, eqs. 16-22), alpha_0 = 10:
#   background: puppet 1, cleric 7, B = 9 tokens
#   prior alpha_w = 10 * (b_w + 1) / (B + 1): puppet 10 * 2/10 = 2, cleric 10 * 8/10 = 8
#   outlet A: puppet 3, cleric 1 (n = 4); outlet B: puppet 1, cleric 5 (n = 6)
# "puppet", A against B:
#   omega_A = ln((3 + 2) / (4 + 10 - 3 - 2)) = ln(5/9)
#   omega_B = ln((1 + 2) / (6 + 10 - 1 - 2)) = ln(3/13)
#   delta = ln(5/9) - ln(3/13) = ln(65/27) = 0.878550
#   var = 1/(3 + 2) + 1/(1 + 2) = 0.533333, z = 0.878550 / 0.730297 = 1.203005
# "cleric", B against A:
#   omega_B = ln((5 + 8) / (6 + 10 - 5 - 8)) = ln(13/3)
#   omega_A = ln((1 + 8) / (4 + 10 - 1 - 8)) = ln(9/5)
#   delta = ln(13/3) - ln(9/5) = ln(65/27) = 0.878550
#   var = 1/13 + 1/9 = 0.188034, z = 0.878550 / 0.433629 = 2.026041
GROUPS = {"A": Counter(puppet=3, cleric=1), "B": Counter(puppet=1, cleric=5)}


def test_prior_from_background_counts() -> None:
    prior = informative_prior(["puppet", "cleric"], {"puppet": 1, "cleric": 7}, 9, alpha0=10)
    assert prior == pytest.approx({"puppet": 2.0, "cleric": 8.0})


def test_log_odds_of_one_word_matches_the_hand_computation() -> None:
    delta, z = log_odds(3, 4, 1, 6, alpha_w=2, alpha0=10)
    assert delta == pytest.approx(0.878550, abs=1e-5)
    assert z == pytest.approx(1.203005, abs=1e-5)
    delta, z = log_odds(5, 6, 1, 4, alpha_w=8, alpha0=10)
    assert delta == pytest.approx(math.log(65 / 27))
    assert z == pytest.approx(2.026041, abs=1e-5)


def test_distinctive_terms_keep_only_over_represented_words_with_their_numbers() -> None:
    prior = {"puppet": 2.0, "cleric": 8.0}
    result = distinctive_terms(GROUPS, prior, alpha0=10)
    (a,) = result["A"]
    assert (a.term, a.count, a.other_count) == ("puppet", 3, 1)
    assert a.delta == pytest.approx(0.878550, abs=1e-5)
    assert a.z == pytest.approx(1.203005, abs=1e-5)
    assert a.alpha == 2.0
    (b,) = result["B"]
    assert (b.term, b.count, b.other_count) == ("cleric", 5, 1)
    assert b.z == pytest.approx(2.026041, abs=1e-5)


def test_a_stronger_prior_shrinks_the_same_difference() -> None:
    weak = log_odds(3, 4, 1, 6, alpha_w=2, alpha0=10)[1]
    strong = log_odds(3, 4, 1, 6, alpha_w=20, alpha0=100)[1]
    assert 0 < strong < weak


def test_counting_uses_stems_and_shows_the_commonest_spelling() -> None:
    counts, spellings = count_words(["Puppets and the puppet.", "The cleric's puppet, and I."])
    assert counts["puppet"] == 3
    assert spellings["puppet"].most_common(1)[0][0] == "puppet"
    assert "the" not in counts and "i" not in counts


def test_two_uses_against_none_cannot_reach_significance_whatever_the_prior() -> None:
    """Why z stays low on a few posts (see the keyness module docstring): 29 words against
    102, a background rate of at most 0.5%, every prior mass from 10 to 10,000."""
    priors = [p / 10000 for p in range(1, 51)]
    masses = [10, 30, 100, 131, 300, 1000, 3471, 10000]

    def best(count: int) -> float:
        return max(log_odds(count, 29, 0, 102, p * a, a)[1] for p in priors for a in masses)

    assert best(2) < 1.4
    assert best(5) > 1.9


def test_the_default_prior_puts_a_rare_word_before_a_common_one_at_equal_counts() -> None:
    """Two words used twice by A and never by B: the one common in the background is the
    less telling, and the default prior ranks it second."""
    groups = {"A": Counter(hakim=2, year=2, other=25), "B": Counter(other=100)}
    prior = informative_prior(
        groups["A"].keys() | groups["B"].keys(), {"hakim": 2, "year": 40}, 3471
    )
    ranked = [t.stem for t in distinctive_terms(groups, prior)["A"]]
    assert ranked.index("hakim") < ranked.index("year")
