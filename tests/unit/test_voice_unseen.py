"""Sentence voice on straight news and blog posts written for the test: the outlet's own
reporting after a quotation, a block quote or a heading stays the outlet's own, while a
paste that a post introduces and then comments on is still labelled quoted."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from iraqtui.ingest.pipeline import ingest
from iraqtui.store.db import open_db
from tests.conftest import SEEDS


def voices(tmp_path: Path, files: dict[str, str]) -> dict[str, dict[str, str]]:
    """Ingest the files (no actors, no events) and return, per file, each sentence's voice."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "actors.toml").write_text("", encoding="utf-8")
    (corpus / "events.toml").write_text("", encoding="utf-8")
    for name, text in files.items():
        (corpus / name).write_text(text, encoding="utf-8")
    db = open_db(tmp_path / "t.db")
    ingest(db.conn, [corpus], SEEDS)
    db.conn.close()
    conn = sqlite3.connect(tmp_path / "t.db")
    out: dict[str, dict[str, str]] = {}
    for file, text, voice in conn.execute(
        "SELECT s.file, t.text, t.voice FROM sentences t JOIN sources s ON s.id = t.source "
        "ORDER BY s.file, t.start"
    ):
        out.setdefault(file, {})[text] = voice
    conn.close()
    return out


def passages(tmp_path: Path) -> list[str]:
    conn = sqlite3.connect(tmp_path / "t.db")
    found = [
        t
        for (t,) in conn.execute(
            "SELECT text FROM quotes WHERE kind = 'passage' ORDER BY source, start"
        )
    ]
    conn.close()
    return found


def test_reporting_after_an_inline_quotation_is_the_outlets_own(tmp_path: Path) -> None:
    got = voices(
        tmp_path,
        {
            "colon.txt": "Mini post\n\n"
            'The spokesman told reporters: "We never wanted this war."\n\n'
            "The army built a wall around the market. Residents were angry.\n",
            "verb.txt": "Mini post three\n\n"
            'The spokesman said the wall was "an act of siege."\n\n'
            "Traders said business had fallen by half. Some blamed the army.\n",
        },
    )
    assert got["colon.txt"]["The army built a wall around the market."] == "own"
    assert got["colon.txt"]["Residents were angry."] == "own"
    assert got["verb.txt"]["Traders said business had fallen by half."] == "own"
    assert got["verb.txt"]["Some blamed the army."] == "own"
    assert passages(tmp_path) == []


def test_a_block_quote_ends_with_its_last_marked_paragraph(tmp_path: Path) -> None:
    got = voices(
        tmp_path,
        {
            "b.md": "Mini post two\n\n"
            "Here is what the wire said:\n\n"
            "> Ten people were killed on Monday.\n\n"
            "> Police blamed the militia.\n\n"
            "Notice the passive voice. That is spin.\n"
        },
    )["b.md"]
    assert got["Ten people were killed on Monday."] == "quoted"
    assert got["Police blamed the militia."] == "quoted"
    assert got["Notice the passive voice."] == "own"
    assert got["That is spin."] == "own"
    assert passages(tmp_path) == [
        "Ten people were killed on Monday.\n\n> Police blamed the militia."
    ]


NEWS = """\
Will the deal end the fighting?

BAGHDAD, May 11 - Negotiators signed an agreement on Saturday to end seven weeks of fighting.

A legislator who took part in the talks gave a long account of them:

“The prime minister told us he did not want the army to fight its way in.

“So we sat with them for four days. At the end they accepted almost everything.”

American officials, who were not party to the talks, reacted cautiously.

The statement issued by the ministry said:

The army will enter the district on Sunday and search for heavy weapons.

Residents said the streets were quiet on Sunday. Shops reopened in parts of the district.

The agreement is due to take effect on Sunday.
"""


def test_straight_news_is_quoted_only_as_far_as_its_marks_show(tmp_path: Path) -> None:
    """In a report with no first person, questions or asides (a headline's question is none),
    a run introduced by a colon cannot end at a change of voice: a quotation ends with its
    marks, and unmarked text is taken for one paragraph only."""
    got = voices(tmp_path, {"news.txt": NEWS})["news.txt"]
    assert got["“So we sat with them for four days."] == "speech"
    assert got["American officials, who were not party to the talks, reacted cautiously."] == "own"
    assert got["The army will enter the district on Sunday and search for heavy weapons."] == (
        "quoted"
    )
    assert got["Residents said the streets were quiet on Sunday."] == "own"
    assert got["The agreement is due to take effect on Sunday."] == "own"
    assert [p.split()[:3] for p in passages(tmp_path)] == [
        ["“The", "prime", "minister"],
        ["The", "army", "will"],
    ]
    assert passages(tmp_path)[0].endswith("accepted almost everything.”")


@pytest.mark.parametrize(
    ("name", "heading"),
    [("heading.md", "## Reaction from Washington"), ("subhead.txt", "Reaction from Washington")],
)
def test_a_heading_introduces_nothing(tmp_path: Path, name: str, heading: str) -> None:
    text = (
        "Sadr City deal\n\n"
        "Negotiators signed an agreement on Saturday to end the fighting in the district.\n\n"
        f"{heading}\n\n"
        "American officials reacted cautiously to the agreement on Sunday.\n\n"
        "A military spokesman said the strikes on rocket teams would continue.\n"
    )
    got = voices(tmp_path, {name: text})[name]
    assert got["American officials reacted cautiously to the agreement on Sunday."] == "own"
    assert got["A military spokesman said the strikes on rocket teams would continue."] == "own"


BLOG = """\
Basra is not going well

Juan Cole has more from the Arabic press:

Al-Zaman says that an attempt to negotiate a settlement by the governor has failed.

It also says that a humanitarian crisis is developing in the neighborhoods the army has cut off.

The Mahdi Army still controls Sadr City and the US is unable to dislodge it.

I wonder how long Maliki can keep this up. Stay tuned.
"""


def test_a_blog_paste_without_marks_runs_until_the_blogger_speaks_again(tmp_path: Path) -> None:
    got = voices(tmp_path, {"blog.txt": BLOG})["blog.txt"]
    assert got["Juan Cole has more from the Arabic press:"] == "own"
    assert (
        got["Al-Zaman says that an attempt to negotiate a settlement by the governor has failed."]
        == "quoted"
    )
    assert got["The Mahdi Army still controls Sadr City and the US is unable to dislodge it."] == (
        "quoted"
    )
    assert got["I wonder how long Maliki can keep this up."] == "own"
