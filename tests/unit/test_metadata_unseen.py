"""Metadata of texts that come with no sidecar: bylines, dates, titles and outlets as a user
reads them at the top of an article, and the folder a file sits in."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from iraqtui.ingest import metadata
from iraqtui.ingest.boilerplate import find_boilerplate
from iraqtui.ingest.metadata import infer_meta
from iraqtui.ingest.pipeline import ingest
from iraqtui.ingest.segment import build
from iraqtui.models import Document, SourceMeta
from iraqtui.store.db import open_db
from iraqtui.textsafe import sanitize
from tests.conftest import SEEDS

BODY = (
    "The army entered the district on Saturday after weeks of fighting, and residents said "
    "the streets were quiet for the first time in a month. Officials said more troops would "
    "follow in the coming days, while the militia said it had not agreed to disarm.\n\n"
    "Traders said business had fallen by half. Some blamed the army, others the militia.\n"
)


def meta_of(text: str, name: str = "gulf_wire/a.txt", root: str = "corpus") -> SourceMeta:
    """The metadata the ingest stages infer for `text` found at `root`/`name`."""
    spans, _ = find_boilerplate(text)
    paragraphs, sentences = build(text, spans)
    doc = Document(name, text, sanitize(text), paragraphs, sentences, tuple(spans))
    return infer_meta(name, root, doc, None)


@pytest.mark.parametrize(
    ("header", "author", "published"),
    [
        ("Posted by Dex Malloy, May 11, 2008", "Dex Malloy", "2008-05-11"),
        ("Posted by Dex Malloy at 9:14 PM", "Dex Malloy", None),
        ("Posted on May 12, 2008 by Dex Malloy", "Dex Malloy", "2008-05-12"),
        ("by M. Okonkwo-Reyes | The Harbor Review | May 1, 2008", "M. Okonkwo-Reyes", "2008-05-01"),
        ("Kevin Drum | April 19, 2008", "Kevin Drum", "2008-04-19"),
        ("Kevin Drum — April 19, 2008 at 9:14 PM", "Kevin Drum", "2008-04-19"),
        (
            "By Eleanor Voss and Karim Jassim\nMay 12, 2008",
            "Eleanor Voss and Karim Jassim",
            "2008-05-12",
        ),
        ("BY KARIM HASSAN, Associated Press Writer", "Karim Hassan", None),
        ("By John Smith in Baghdad", "John Smith", None),
        ("By our correspondent in Baghdad\n12 May 2008", None, "2008-05-12"),
        ("12 May 2008", None, "2008-05-12"),
        ("May 12, 2008", None, "2008-05-12"),
        ("2008-05-12", None, "2008-05-12"),
        ("Monday, May 12, 2008", None, "2008-05-12"),
        ("Updated: Monday, 12th May 2008, 14:03 GMT", None, "2008-05-12"),
        ("Middle East | May 12, 2008", None, "2008-05-12"),
        ("BY M. OKONKWO-REYES | MAY 1, 2008", "M. Okonkwo-Reyes", "2008-05-01"),
        ("By Theresa May", "Theresa May", None),
        ("Share this post: Facebook | Twitter | Email\n\nBy John Smith", "John Smith", None),
    ],
)
def test_bylines_and_date_lines_under_the_title(
    header: str, author: str | None, published: str | None
) -> None:
    meta = meta_of(f"A headline about Sadr City\n\n{header}\n\n{BODY}")
    assert (meta.author, meta.published) == (author, published)
    assert meta.title == "A headline about Sadr City"
    for key, value in (("author", author), ("published", published)):
        assert meta.provenance.get(key) == ("inferred" if value else None)


@pytest.mark.parametrize(
    "header",
    [
        "By then, the fighting had stopped.",
        "By Saturday the army had withdrawn",
        "Sadr City, May 12 (Reuters) - a dateline with no year",
        "February 30, 2008",
    ],
)
def test_body_sentences_and_impossible_dates_are_no_byline(header: str) -> None:
    meta = meta_of(f"A headline about Sadr City\n\n{header}\n\n{BODY}")
    assert (meta.author, meta.published) == (None, None)


def test_a_title_that_opens_with_by_is_still_the_title() -> None:
    meta = meta_of(f"By the Numbers\n\nBy John Smith\n\n{BODY}")
    assert (meta.title, meta.author) == ("By the Numbers", "John Smith")


def test_pasted_seed_posts_get_no_author_or_date_from_their_bodies(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for post in SEEDS.glob("*.txt"):
        (folder / post.name).write_bytes(post.read_bytes())
    for name in ("actors.toml", "events.toml"):
        (folder / name).write_text("")
    db = open_db(tmp_path / "seeds.db")
    ingest(db.conn, [folder], SEEDS)
    db.conn.close()
    rows = _sources(tmp_path / "seeds.db")
    assert len(rows) == 5
    assert {(outlet, author, published) for outlet, author, published, _t, _p in rows.values()} == {
        (None, None, None)
    }
    assert rows["001_69d56c995b3b1544.txt"][3] == (
        "Iranian Quds Force leader helped broker truce with Sadr"
    )


def test_a_byline_further_down_the_body_is_not_the_authors() -> None:
    meta = meta_of(f"A headline about Sadr City\n\n{BODY}\nBy John Smith\n\nMay 1, 2008\n")
    assert (meta.author, meta.published) == (None, None)


def test_a_dateline_gives_its_date_only_with_a_year() -> None:
    with_year = meta_of(f"A headline\n\nBAGHDAD, May 12, 2008 (Reuters) - {BODY}")
    assert with_year.published == "2008-05-12"
    no_year = meta_of(f"A headline\n\nBAGHDAD, May 12 (Reuters) - {BODY}", name="gw/gw_0512.txt")
    assert no_year.published is None


def test_the_title_is_the_whole_first_line_question_marks_and_all() -> None:
    title = "Truce? What truce? [b]Sadr blinks[/b], and the usual suspects call it a draw"
    meta = meta_of(f"{title}\n\nPosted by Dex Malloy, May 11, 2008\n\n{BODY}")
    assert meta.title == title
    assert (meta.author, meta.published) == ("Dex Malloy", "2008-05-11")


def test_a_masthead_above_the_title_names_the_outlet_and_is_not_the_title() -> None:
    text = (
        "Al-Tariq (English edition) — translated from the Arabic\n\n"
        "The people of al-Thawra have paid the price of a war that was not theirs\n\n"
        f"By our correspondent in Baghdad\n12 May 2008\n\n{BODY}"
    )
    meta = meta_of(text, name="al_tariq/agreement.txt")
    assert meta.title == "The people of al-Thawra have paid the price of a war that was not theirs"
    assert (meta.outlet, meta.author, meta.published) == ("Al-Tariq", None, "2008-05-12")


@pytest.mark.parametrize(
    ("header", "outlet"),
    [
        ("by M. Okonkwo-Reyes | The Harbor Review | May 1, 2008", "The Harbor Review"),
        ("By Karim Hassan\nHarbor Review Service", "Harbor Review Service"),
        ("By Karim Hassan, Baghdad", "Harbor Review"),  # a place is not an outlet
        ("By Karim Hassan\nThe Basra Courier", "Harbor Review"),  # nor another outlet
    ],
)
def test_the_outlet_the_text_states_is_shown_when_it_is_the_folders(
    header: str, outlet: str
) -> None:
    meta = meta_of(f"A headline\n\n{header}\n\n{BODY}", name="harbor_review/a.txt")
    assert meta.outlet == outlet
    assert meta.provenance["outlet"] == "inferred"


def test_outlet_spellings_compared_without_the_case_or_punctuation() -> None:
    assert metadata.same_outlet("Harbor Review", "The Harbor Review")
    assert metadata.same_outlet("harbor_review", "THE HARBOR-REVIEW")
    assert metadata.same_outlet("Al Tariq", "Al-Tariq")
    assert metadata.same_outlet("gw", "Gulf Wire Service")
    assert not metadata.same_outlet("Times", "Times Are Changing In Baghdad")
    assert not metadata.same_outlet("New York Times", "New York Post")


@pytest.mark.parametrize(
    ("name", "root", "outlet"),
    [
        ("truce-what-truce.txt", "frontline_watch", "Frontline Watch"),  # a single file
        ("frontline_watch/truce-what-truce.txt", "corpus2", "Frontline Watch"),
        ("truce-what-truce.txt", "corpus", None),  # a headline slug is no outlet
        ("gw_0428.txt", "gulf_wire", "Gulf Wire"),  # "gw" is the folder's initials
        ("nyt-2008-04-01.txt", "corpus", "nyt"),
        ("nyt-2008-04-01.txt", "clippings", "nyt"),  # a folder of several outlets
    ],
)
def test_outlet_from_the_folder_or_a_leading_word_of_the_name(
    name: str, root: str, outlet: str | None
) -> None:
    assert meta_of(f"A headline\n\n{BODY}", name=name, root=root).outlet == outlet


def test_front_matter_dates_are_stored_iso_and_a_bad_one_is_not_kept() -> None:
    meta = meta_of(f"---\ntitle: T\ndate: May 12, 2008\n---\n\n{BODY}")
    assert (meta.published, meta.provenance["published"]) == ("2008-05-12", "front-matter")
    stamp = meta_of(f"---\ndate: 2008-05-12T10:30:00Z\n---\n\nA headline\n\n{BODY}")
    assert stamp.published == "2008-05-12"
    bad = meta_of(f"---\ntitle: T\ndate: sometime\n---\n\nA headline\n\n12 May 2008\n\n{BODY}")
    assert (bad.published, bad.provenance["published"]) == ("2008-05-12", "inferred")


def test_sidecar_and_front_matter_values_win_over_what_is_inferred() -> None:
    text = f"---\nauthor: Eleanor Voss\n---\n\nA headline\n\nBy John Smith | May 1, 2008\n\n{BODY}"
    spans, _ = find_boilerplate(text)
    paragraphs, sentences = build(text, spans)
    doc = Document("a.txt", text, sanitize(text), paragraphs, sentences, tuple(spans))
    given = SourceMeta(file="a.txt", published="2008-04-30", provenance={"published": "sidecar"})
    meta = infer_meta("a.txt", "corpus", doc, given)
    assert (meta.author, meta.published, meta.title) == ("Eleanor Voss", "2008-04-30", "A headline")
    assert meta.provenance == {
        "author": "front-matter",
        "published": "sidecar",
        "title": "inferred",
    }


def _sources(db: Path) -> dict[str, tuple[str, str, str, str, dict[str, str]]]:
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT file, outlet, author, published, title, provenance FROM sources")
    out = {r[0]: (r[1], r[2], r[3], r[4], json.loads(r[5])) for r in rows}
    conn.close()
    return out


def test_a_single_file_ingested_takes_its_folders_outlet(tmp_path: Path) -> None:
    folder = tmp_path / "frontline_watch"
    folder.mkdir()
    post = folder / "truce-what-truce.txt"
    post.write_text(
        "Truce? What truce? Sadr blinks\n\nPosted by Dex Malloy, May 11, 2008\n\n" + BODY,
        encoding="utf-8",
    )
    (folder / "actors.toml").write_text("")
    (folder / "events.toml").write_text("")
    db = open_db(tmp_path / "one.db")
    ingest(db.conn, [post], SEEDS)
    db.conn.close()
    outlet, author, published, title, provenance = _sources(tmp_path / "one.db")[post.name]
    assert (outlet, author, published) == ("Frontline Watch", "Dex Malloy", "2008-05-11")
    assert title == "Truce? What truce? Sadr blinks"
    assert provenance["outlet"] == provenance["published"] == "inferred"


def test_one_outlet_whether_stated_in_front_matter_or_a_byline(tmp_path: Path) -> None:
    folder = tmp_path / "corpus" / "harbor_review"
    folder.mkdir(parents=True)
    (folder / "wall.txt").write_text(
        "The wall goes up\n\nby M. Okonkwo-Reyes | The Harbor Review | May 1, 2008\n\n" + BODY,
        encoding="utf-8",
    )
    (folder / "deal.md").write_text(
        "---\ntitle: The deal\noutlet: The Harbor Review\n---\n\n" + BODY, encoding="utf-8"
    )
    for name in ("actors.toml", "events.toml"):
        (tmp_path / "corpus" / name).write_text("")
    db = open_db(tmp_path / "two.db")
    ingest(db.conn, [tmp_path / "corpus"], SEEDS)
    db.conn.close()
    rows = _sources(tmp_path / "two.db")
    assert {row[0] for row in rows.values()} == {"The Harbor Review"}
    assert rows["harbor_review/wall.txt"][1:3] == ("M. Okonkwo-Reyes", "2008-05-01")


def test_a_file_that_states_no_outlet_takes_its_folders_stated_spelling(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    for folder in ("harbor_review", "gulf_wire"):
        (corpus / folder).mkdir(parents=True)
    (corpus / "harbor_review" / "deal.md").write_text(
        "---\ntitle: The deal\noutlet: The Harbor Review\n---\n\n" + BODY, encoding="utf-8"
    )
    (corpus / "harbor_review" / "plain.txt").write_text(
        "Another headline\n\n" + BODY, encoding="utf-8"
    )
    (corpus / "gulf_wire" / "gw_1.txt").write_text("A headline\n\n" + BODY, encoding="utf-8")
    for name in ("actors.toml", "events.toml"):
        (corpus / name).write_text("")
    db = open_db(tmp_path / "three.db")
    ingest(db.conn, [corpus], SEEDS)
    rows = db.conn.execute("SELECT id, root, file, outlet, provenance FROM sources").fetchall()
    db.conn.close()
    found = [(i, r, f, o, json.loads(p).get("outlet", "")) for i, r, f, o, p in rows]
    renamed = metadata.settled_outlets(found)
    # Ingest has settled it already: the database shows one spelling, and settling again
    # changes nothing.
    assert {file: outlet for _i, _r, file, outlet, _p in found} == {
        "harbor_review/deal.md": "The Harbor Review",
        "harbor_review/plain.txt": "The Harbor Review",
        "gulf_wire/gw_1.txt": "Gulf Wire",  # no file states another spelling
    }
    outlets = {source_id: outlet for source_id, _r, _f, outlet, _p in found}
    assert all(outlets[i] == outlet for i, outlet in renamed.items())
