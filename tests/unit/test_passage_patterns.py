"""The voice cues of `passages` open with a lookahead on a match's first character (a speed-up):
a cue word added later that starts with another character would silently never match."""

from __future__ import annotations

import re
import re._constants as sre_constants  # the parsed form of a pattern: its alternatives
import re._parser as sre_parser
from typing import Any

import pytest

from iraqtui.ingest import passages


def _first_literals(pattern: str, flags: int) -> set[str]:
    out: set[str] = set()

    def walk(items: Any) -> None:
        for op, av in items:
            if op is sre_constants.AT:
                continue
            if op is sre_constants.LITERAL:
                out.add(chr(av))
            elif op is sre_constants.SUBPATTERN:
                walk(av[3])
            elif op is sre_constants.BRANCH:
                for alternative in av[1]:
                    walk(alternative)
            elif op is sre_constants.ASSERT:
                continue  # the lookahead itself
            else:
                raise AssertionError(f"an alternative opens with {op}")
            return

    walk(sre_parser.parse(pattern, flags))
    return out


@pytest.mark.parametrize("name", ["_FIRST_SECOND", "_ASIDE", "_NEWS"])
def test_the_lookahead_admits_every_first_character(name: str) -> None:
    cue = getattr(passages, name)
    opening = re.match(r"\(\?=(\[[^\]]+\])\)", cue.pattern)
    assert opening, f"{name} no longer opens with its lookahead"
    klass = re.compile(opening.group(1), cue.flags)
    body = cue.pattern[opening.end() :]
    firsts = _first_literals(body, cue.flags)
    assert firsts
    assert [ch for ch in sorted(firsts) if not klass.fullmatch(ch)] == []


@pytest.mark.parametrize(
    ("text", "own", "news"),
    [
        # I, we, you (2 each); we're, aren't; (see above), Well, anyway (2 each); "?" (2)
        ("I think we're doomed, aren't you? (see above) Well, anyway.", 16, 0),
        # cues are case-sensitive, and a title needs a word character after its full stop
        ("Officials said on Tuesday that Gen. Petraeus told Ambassador Crocker.", 0, 4),
        ("THEY'RE here, it’s late; Mr. Smith says so.", 2, 1),
    ],
)
def test_scores_count_every_cue(text: str, own: int, news: int) -> None:
    assert passages.own_score(text) == own
    assert passages.news_score(text) == news


@pytest.mark.parametrize(
    "text",
    [
        "I think we're doomed, aren't you? (see above) Well, anyway.",
        "Officials said on Tuesday that Gen. Petraeus told Ambassador Crocker.",
        "THEY'RE here, it’s late; Mr. Smith says so.",
        "The offensive, it’s clear, began on Tuesday.",  # only a contraction
        "The army, of course, denied it.",  # only an aside
        "Who ordered the assault?",  # only a question
        "Update: the bridge reopened.",  # only an update line
        "Sadr's aides met in Najaf.",  # an apostrophe that is no cue
        "",
    ],
)
def test_the_quick_voice_test_agrees_with_the_score(text: str) -> None:
    assert passages.has_own_voice(text) == (passages.own_score(text) > 0)
