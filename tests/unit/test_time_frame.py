"""`analysis.time_frame.looks_back`: the cues that a sentence refers to an earlier time or a
standing state than its post's own story."""

from __future__ import annotations

from datetime import date

import pytest

from iraqtui.analysis.time_frame import looking_back, looks_back, published_date

APRIL = date(2008, 4, 19)


@pytest.mark.parametrize(
    "text",
    [
        "the trust he tried to sow in August by declaring a unilateral truce",
        "a freeze declared in August 2007",
        "fighting has not stopped since October",
        "the truce of last September",
        "the ceasefire agreed in 2007",
        "the curfew imposed in February",  # two months before an April post
        "the clashes of mid-August",
        "the truce of Feb. 2007",
    ],
)
def test_months_and_years_before_the_post_look_back(text: str) -> None:
    assert looks_back(text, APRIL)
    assert not looks_back(text, None)  # no date to read them against


@pytest.mark.parametrize(
    "text",
    [
        "the ceasefire hasn't been rescinded",
        "The ceasefire has not yet been lifted.",
        "the curfew is still in place",
        "the embargo remains in force",
        "a truce two years ago",
        "as he said last year",
    ],
)
def test_standing_states_and_ago_look_back_without_a_date(text: str) -> None:
    assert looks_back(text, APRIL)
    assert looks_back(text, None)


@pytest.mark.parametrize(
    "text",
    [
        "The army launched the offensive in April.",  # the post's own month
        "Talks began in March.",  # one month back: still this story
        "The deadline is by April 30 and talks may march on.",  # a day date; "may", "march"
        "the ceasefire was rescinded on Sunday",  # an event of the week, not a standing state
        "Sadr called a truce with the government.",
        "In 2008 the government lost control of Basra.",
        # a month later in the calendar, with a future or modal word: next month, not last year
        "Gen. Petraeus will testify before Congress in September about the ceasefire.",
        "The Mahdi Army said the truce would last until June.",
        "Maliki gave the militias until May to hand in their weapons.",
        "In May the government may announce a new truce.",
        "A report by Jan Egeland and the office of Jan Kubis.",  # a name, not January
        "Over the last year the truce held.",  # up to now
    ],
)
def test_the_posts_own_time_does_not(text: str) -> None:
    assert not looks_back(text, APRIL)


def test_published_dates_are_read_leniently() -> None:
    assert published_date("2008-04-19") == APRIL
    assert published_date("2008-04-19T10:00:00Z") == APRIL
    assert published_date("April 2008") is None
    assert published_date(None) is None
    assert published_date("") is None


def test_only_the_clause_with_the_cue_looks_back() -> None:
    text = (
        "So they did the prudent thing — a truce, a la Hezbollah and Israel two years ago, "
        "which makes it tough for Maliki to ignore."
    )
    assert [text[a:b].strip() for a, b in looking_back(text, APRIL)] == [
        "a la Hezbollah and Israel two years ago"
    ]  # the truce is this week's; Hezbollah and Israel's is the earlier one
    text = "Mr. Sadr, who is in Iran, said he tried to sow trust in August by declaring a truce."
    (clause,) = looking_back(text, APRIL)
    assert "in August by declaring a truce" in text[clause[0] : clause[1]]
