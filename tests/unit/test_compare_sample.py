"""`characterise(..., sample=n)`, what the app's compare screen uses for large events: an
outlet with more than n sentences is represented by n of them, evenly spread, and says so;
its sentence counts stay those of every sentence. Without `sample`, nothing changes."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from iraqtui.analysis.compare import characterise
from iraqtui.analysis.compare_formats import rows, to_json
from iraqtui.ingest.pipeline import ingest
from iraqtui.store.db import open_db

EVENT = (
    '[[event]]\nkey = "port_strike"\nlabel = "The port strike"\ndate = "2008-03-27"\n'
    'terms = ["port strike"]\n'
)
WORDS = "ceasefire militia cleric army police ports governor offensive truce city".split()


def _db(tmp_path: Path) -> sqlite3.Connection:
    """Outlet 0 writes 60 sentences about the strike (every other one quoting the dockers),
    outlets 1 and 2 write 8 each."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    sidecar = []
    for n, count in enumerate((60, 8, 8)):
        lines = []
        for i in range(count):
            said = f' the dockers said: "we fear the {WORDS[i % 10]} will win"' if i % 2 else ""
            lines.append(
                f"The port strike in district {i} was {WORDS[(i + n) % 10]} and a "
                f"{['good', 'bad', 'terrible', 'hopeful'][i % 4]} sign{said}."
            )
        (folder / f"o{n}.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
        sidecar.append(f'[files."o{n}.txt"]\noutlet = "Outlet {n}"\n')
    (folder / "sources.toml").write_text("\n".join(sidecar), encoding="utf-8")
    (folder / "events.toml").write_text(EVENT, encoding="utf-8")
    db = open_db(tmp_path / "corpus.db")
    ingest(db.conn, [folder], folder)
    return db.conn


def test_a_large_outlet_is_sampled_evenly_and_says_so(tmp_path: Path) -> None:
    conn = _db(tmp_path)
    full = {c.outlet: c for c in characterise(conn, "port_strike").columns}
    result = characterise(conn, "port_strike", sample=20)
    sampled = {c.outlet: c for c in result.columns}
    assert set(sampled) == set(full) == {"Outlet 0", "Outlet 1", "Outlet 2"}

    big, whole = sampled["Outlet 0"], full["Outlet 0"]
    assert len(whole.own) + len(whole.quoted) > 20
    assert big.sampled_from == (len(whole.own), len(whole.quoted))
    assert (big.own_count, big.quoted_count) == (len(whole.own), len(whole.quoted))
    listed = [i.sentence for i in (*big.own, *big.quoted)]
    assert len(listed) == 20
    every = sorted((i.sentence for i in (*whole.own, *whole.quoted)), key=lambda s: s.seq)
    assert {s.id for s in listed} <= {s.id for s in every}
    seqs = sorted(s.seq for s in listed)
    # spread over the whole outlet, not its first twenty sentences
    assert seqs[0] == every[0].seq and seqs[-1] >= every[-4].seq
    assert big.tone.sentences == len(big.own) < len(whole.own)
    assert sum(n for _a, n, _o in big.actors) <= sum(n for _a, n, _o in whole.actors)

    for outlet in ("Outlet 1", "Outlet 2"):  # fewer than 20 sentences: every one, as before
        assert sampled[outlet].sampled_from is None
        assert sampled[outlet].own == full[outlet].own
        assert sampled[outlet].quoted == full[outlet].quoted
        assert sampled[outlet].tone == full[outlet].tone

    assert result.sampled and "sample of 20" in result.tone_method
    assert "sample of 20" in result.terms_method
    data = json.loads(to_json(result))
    assert data["method"]["sample_per_outlet"] == 20
    summary = next(r for r in rows(result) if r["row"] == "summary" and r["outlet"] == "Outlet 0")
    assert summary["own_sentences"] == len(whole.own)
    conn.close()


def test_without_a_sample_every_sentence_is_analysed_and_nothing_says_sample(
    tmp_path: Path,
) -> None:
    conn = _db(tmp_path)
    result = characterise(conn, "port_strike")
    assert not result.sampled and result.sample is None
    assert all(c.sampled_from is None for c in result.columns)
    assert "sample" not in result.tone_method and "sample" not in result.terms_method
    assert "sample_per_outlet" not in json.loads(to_json(result))["method"]
    sentences = [r for r in rows(result) if r["row"] == "sentence"]
    assert len(sentences) == 76
    # a sample larger than every outlet changes nothing
    same = characterise(conn, "port_strike", sample=1000)
    assert [c.own for c in same.columns] == [c.own for c in result.columns]
    assert [c.terms for c in same.columns] == [c.terms for c in result.columns]
    assert not same.sampled
    conn.close()


def test_an_actor_is_sampled_the_same_way(seeds_db: sqlite3.Connection) -> None:
    full = {c.outlet: c for c in characterise(seeds_db, "Muqtada al-Sadr").columns}
    sampled = {c.outlet: c for c in characterise(seeds_db, "Muqtada al-Sadr", sample=2).columns}
    assert set(sampled) == set(full)
    big = [o for o, c in full.items() if len(c.own) + len(c.quoted) > 2]
    assert big
    for outlet in big:
        column = sampled[outlet]
        assert len(column.own) + len(column.quoted) == 2
        assert (column.own_count, column.quoted_count) == (
            len(full[outlet].own),
            len(full[outlet].quoted),
        )


def test_background_counts_are_kept_until_the_index_changes(tmp_path: Path) -> None:
    from iraqtui.store import event_queries as eq

    conn = _db(tmp_path)
    first, total = eq.background_counts(conn, ["strike", "district", "zzyzx"])
    (strikes,) = conn.execute(
        "SELECT count(*) FROM paragraphs_fts WHERE paragraphs_fts MATCH 'strike'"
    ).fetchone()
    assert first["strike"] == strikes and "zzyzx" not in first
    assert eq.background_counts(conn, ["strike", "district"]) == (
        {"strike": first["strike"], "district": first["district"]},
        total,
    )
    conn.execute(
        "INSERT INTO paragraphs (source, seq, start, end, text) "
        "VALUES (1, 9999, 0, 13, 'strike strike')"
    )
    conn.commit()
    again, grown = eq.background_counts(conn, ["strike"])
    assert again == {"strike": first["strike"] + 2} and grown == total + 2
    conn.close()
