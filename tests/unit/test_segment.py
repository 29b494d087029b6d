"""Sentence and paragraph splitting on the cases news text throws at it."""

from __future__ import annotations

import pytest

from iraqtui.ingest.segment import split_paragraphs, split_sentences


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text, 0, len(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Sadr issued a statement. He was in Iran.",
            ["Mr. Sadr issued a statement.", "He was in Iran."],
        ),
        (
            "They met Brig. Gen. Qassem Suleimani in Qom. Talks followed.",
            ["They met Brig. Gen. Qassem Suleimani in Qom.", "Talks followed."],
        ),
        (
            "Lt. Col. Smith and Maj. Gen. Donald Sheppard spoke. Nobody listened.",
            ["Lt. Col. Smith and Maj. Gen. Donald Sheppard spoke.", "Nobody listened."],
        ),
        (
            "Attacks on U.S. forces rose. The U.S. Army said so.",
            ["Attacks on U.S. forces rose.", "The U.S. Army said so."],
        ),
        (
            "It was a fight against the U.S. The next day it stopped.",
            ["It was a fight against the U.S.", "The next day it stopped."],
        ),
        ("This is Sunni vs. Shia. It is not.", ["This is Sunni vs. Shia.", "It is not."]),
    ],
)
def test_titles_and_initials_do_not_end_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_ellipses_of_every_shape() -> None:
    text = "Members of parliament said… Then this. He waited... And waited…. Done."
    assert sentences(text) == [
        "Members of parliament said…",
        "Then this.",
        "He waited...",
        "And waited….",
        "Done.",
    ]


def test_ellipsis_before_lowercase_continues_the_sentence() -> None:
    assert sentences("He said… well, maybe not. Fine.") == [
        "He said… well, maybe not.",
        "Fine.",
    ]


def test_title_fused_to_first_sentence() -> None:
    text = "IRAQ UPDATE….The New York Times reports that the army melted away. Nobody knows why."
    assert sentences(text) == [
        "IRAQ UPDATE….",
        "The New York Times reports that the army melted away.",
        "Nobody knows why.",
    ]


def test_quotes_that_close_after_the_full_stop() -> None:
    text = "“The result is negative.” The editor left. He said, “Go.” Then silence."
    assert sentences(text) == [
        "“The result is negative.”",
        "The editor left.",
        "He said, “Go.”",
        "Then silence.",
    ]


def test_quote_followed_by_attribution_stays_one_sentence() -> None:
    text = "“The Mahdi Army is still controlling most of these places,” the editor said. Next."
    assert sentences(text)[0] == (
        "“The Mahdi Army is still controlling most of these places,” the editor said."
    )


def test_block_quote_marker_is_not_part_of_the_sentence() -> None:
    text = '>>"Many innocent people will be killed," Mr. Qumi said. "Many will leave."'
    assert sentences(text) == [
        '"Many innocent people will be killed," Mr. Qumi said.',
        '"Many will leave."',
    ]


def test_leading_ellipsis_paragraph() -> None:
    text = "…. Mr. Maliki’s abrupt assault was criticized. But it was encouraged."
    assert sentences(text) == [
        "Mr. Maliki’s abrupt assault was criticized.",
        "But it was encouraged.",
    ]


def test_question_and_exclamation() -> None:
    assert sentences("How close was it? It’s unclear! Stay tuned.") == [
        "How close was it?",
        "It’s unclear!",
        "Stay tuned.",
    ]


def test_offsets_point_into_the_text() -> None:
    text = "  One sentence here.  Two sentences there.  "
    spans = split_sentences(text, 0, len(text))
    assert [text[s:e] for s, e in spans] == ["One sentence here.", "Two sentences there."]


def test_paragraphs_split_on_blank_lines_and_single_lines() -> None:
    text = "Title one\nTitle two\n\nA paragraph.\r\n\r\nAnother.\rLast line"
    spans = split_paragraphs(text)
    assert [text[s:e] for s, e in spans] == [
        "Title one",
        "Title two",
        "A paragraph.",
        "Another.",
        "Last line",
    ]


def test_hard_wrapped_prose_is_one_paragraph() -> None:
    lines = [
        "The Iraqi army launched its offensive in Basra on Tuesday, and by",
        "Thursday the operation had stalled in the face of fierce resistance",
        "from militiamen loyal to the Shiite cleric Muqtada al-Sadr, who had",
        "declared a ceasefire months earlier.",
    ]
    text = "\n".join(lines) + "\n\nNext paragraph."
    spans = split_paragraphs(text)
    assert len(spans) == 2
    assert text[spans[0][0] : spans[0][1]] == "\n".join(lines)


def test_enormous_line_is_cut_into_bounded_paragraphs() -> None:
    text = ("word " * 30_000).strip()
    spans = split_paragraphs(text)
    assert len(spans) > 1
    assert all(e - s <= 20_000 for s, e in spans)
    assert "".join(text[s:e] + " " for s, e in spans).strip() == text
