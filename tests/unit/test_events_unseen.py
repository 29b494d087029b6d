"""The bundled catalogue on a text written for the test in wordings the seeds do not use:
other coverage of the same events must be assigned too."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from iraqtui.config import bundled_seeds_dir
from iraqtui.ingest.pipeline import ingest
from iraqtui.store.db import open_db

TEXT = """\
Prime Minister Nouri al-Maliki on Tuesday sent thousands of Iraqi troops into Basrah to \
confront the Jaysh al-Mahdi, the militia loyal to Moqtada al-Sadr.

Several hundred policemen reportedly refused to fight, and some handed their weapons to the \
militia.

Hassan Kazemi-Qomi said on Monday that the Basrah operation had been a mistake.

Two days after the cleric's statement, the Mehdi Army fighters simply vanished from the \
streets of Basra.
"""


def test_other_wordings_of_catalogued_events_are_assigned(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ledger.txt").write_text(TEXT, encoding="utf-8")
    db = open_db(tmp_path / "t.db")
    ingest(db.conn, [corpus], bundled_seeds_dir())
    db.conn.close()
    conn = sqlite3.connect(tmp_path / "t.db")
    found = {
        (text.split()[0], key)
        for text, key in conn.execute(
            "SELECT t.text, e.key FROM event_passages p JOIN events e ON e.id = p.event "
            "JOIN sentences t ON t.id = p.sentence"
        )
    }
    conn.close()
    assert ("Prime", "basra_offensive") in found
    assert ("Several", "offensive_stalls") in found
    assert ("Hassan", "basra_offensive") in found
    assert ("Two", "mahdi_army_melts_away") in found
