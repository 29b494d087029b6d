"""Context passes of event assignment: which neighbouring sentences share an event."""

from __future__ import annotations

from pathlib import Path

from iraqtui.ingest.catalogue import load_catalogue
from iraqtui.ingest.events import assign_events
from iraqtui.ingest.segment import build
from iraqtui.models import Document


def _assigned(tmp_path: Path, text: str) -> dict[str, tuple[str, ...]]:
    catalogue_file = tmp_path / "events.toml"
    catalogue_file.write_text(
        '[[event]]\nkey = "open_war"\nlabel = "Open war"\ndate = "2008-04-19"\n'
        'terms = ["until liberation"]\n',
        encoding="utf-8",
    )
    paragraphs, sentences = build(text, [])
    doc = Document("t.txt", text, text, paragraphs, sentences)
    passages = assign_events(doc, [], [], load_catalogue(catalogue_file))
    by_seq = {s.seq: doc.sentence_text(s) for s in doc.sentences}
    return {by_seq[p.sentence_seq]: p.evidence for p in passages}


def test_a_pronoun_about_its_own_subject_lends_nothing_to_the_sentence_before(
    tmp_path: Path,
) -> None:
    found = _assigned(
        tmp_path,
        "The council's leaders denied any role in the port deal. Meanwhile the Mahdi Army "
        "says it will fight until liberation.\n",
    )
    assert list(found) == ["Meanwhile the Mahdi Army says it will fight until liberation."]


def test_a_sentence_opening_with_they_still_shares_its_event_backwards(tmp_path: Path) -> None:
    found = _assigned(
        tmp_path,
        "The council's leaders met the cleric's envoys in Najaf. They vowed to fight until "
        "liberation.\n",
    )
    assert found["The council's leaders met the cleric's envoys in Najaf."] == (
        "context:next sentence points back",
    )


def _assigned_with(
    tmp_path: Path, catalogue_text: str, text: str
) -> dict[str, dict[str, tuple[str, ...]]]:
    catalogue_file = tmp_path / "events.toml"
    catalogue_file.write_text(catalogue_text, encoding="utf-8")
    paragraphs, sentences = build(text, [])
    doc = Document("t.txt", text, text, paragraphs, sentences)
    by_seq = {s.seq: doc.sentence_text(s) for s in doc.sentences}
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for p in assign_events(doc, [], [], load_catalogue(catalogue_file)):
        found.setdefault(by_seq[p.sentence_seq], {})[p.event_key] = p.evidence
    return found


TWO_EVENTS = (
    '[[event]]\nkey = "wall"\nlabel = "The wall"\ndate = "2008-04-15"\n'
    'terms = ["wall", "barrier"]\n\n'
    '[[event]]\nkey = "ceasefire"\nlabel = "The ceasefire"\ndate = "2008-03-30"\n'
    'terms = ["ceasefire Sadr declared", "March 30"]\n'
)


def test_a_sentence_naming_another_event_borrows_nothing_from_the_next(
    tmp_path: Path,
) -> None:
    found = _assigned_with(
        tmp_path,
        TWO_EVENTS,
        "A spokesman told reporters that the barrier was an act of siege. He said the "
        "movement remained committed to the ceasefire Sadr declared on March 30.\n",
    )
    assert list(found) == [
        "He said the movement remained committed to the ceasefire Sadr declared on March 30."
    ]


def test_there_will_be_points_back_at_nothing(tmp_path: Path) -> None:
    found = _assigned_with(
        tmp_path,
        '[[event]]\nkey = "talks"\nlabel = "No talks"\ndate = "2008-03-28"\n'
        'terms = ["no negotiation"]\n',
        "The spokesman said the operations would continue until the weapons were handed in. "
        "There will be no negotiation with outlaws, he told reporters.\n",
    )
    assert list(found) == ["There will be no negotiation with outlaws, he told reporters."]
