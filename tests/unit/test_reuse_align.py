"""The reuse aligner finds exactly the blocks difflib finds, and puts each shared stretch at
the words it covers in the file."""

from __future__ import annotations

import difflib
import random

import pytest

from iraqtui.ingest import reuse_align


def difflib_blocks(a: list[int], b: list[int]) -> list[tuple[int, int, int]]:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return [(m.a, m.b, m.size) for m in matcher.get_matching_blocks() if m.size >= 2]


@pytest.mark.parametrize("alphabet", [2, 3, 5, 12])
def test_matching_blocks_are_difflibs_blocks_of_two_words_or_more(alphabet: int) -> None:
    rng = random.Random(alphabet)
    for _ in range(1_500):
        a = [rng.randrange(alphabet) for _ in range(rng.randrange(0, 45))]
        b = [rng.randrange(alphabet) for _ in range(rng.randrange(0, 45))]
        if a and rng.random() < 0.5:  # a copied stretch, as reuse has
            i = rng.randrange(len(a))
            cut = rng.randrange(len(b) + 1)
            b = b[:cut] + a[i : i + rng.randrange(1, 25)] + b[cut:]
        found = reuse_align.matching_blocks(
            reuse_align.positions(reuse_align.word_bigrams(a)),
            reuse_align.word_bigrams(b),
            len(a),
            len(b),
        )
        assert found == difflib_blocks(a, b), (a, b)


def test_aligned_pair_links_cover_the_shared_words_in_file_offsets() -> None:
    shared = (
        "the commander’s convoy was ambushed near the river crossing on Thursday evening "
        "and four soldiers were wounded"
    )
    copied = shared.replace("’", "'").upper()
    texts = {
        1: (1, 7, 100, f"Opening words here. {shared}... Then something else entirely."),
        2: (2, 9, 5_000, f"“{copied}!” said the report."),
    }
    aligner = reuse_align.Aligner(lambda ids: [texts[i] for i in ids])
    [[link]] = aligner.links([(1, 2)])
    a_source, a_start, a_end, b_source, b_start, b_end = link
    assert (a_source, b_source) == (7, 9)
    assert texts[1][3][a_start - 100 : a_end - 100] == shared
    assert texts[2][3][b_start - 5_000 : b_end - 5_000] == copied
