"""Extraction and attribution on text the extractor was not written against."""

from __future__ import annotations

from iraqtui.ingest.boilerplate import find_boilerplate
from iraqtui.ingest.gazetteer import EMPTY_GAZETTEER, Gazetteer, gazetteer_from_actors
from iraqtui.ingest.quote_marks import find_marked
from iraqtui.ingest.quotes import extract_quotes
from iraqtui.ingest.segment import build, split_paragraphs
from iraqtui.models import Actor, Document, Quote
from iraqtui.textsafe import sanitize

GAZ = gazetteer_from_actors(
    [
        Actor("Yulia Tymoshenko", "person", ("Tymoshenko",)),
        Actor("Viktor Orban", "person", ("Orbán", "Orban")),
        Actor("Reuters", "media", ()),
        Actor("Der Spiegel", "media", ("Spiegel",), None),
        Actor("Hanna Berg", "person", ("Berg",), "Der Spiegel"),
    ]
)


def doc_of(text: str) -> Document:
    spans, _ = find_boilerplate(text)
    paragraphs, sentences = build(text, spans)
    return Document("t.txt", text, sanitize(text), paragraphs, sentences, tuple(spans))


def quotes(text: str, gazetteer: Gazetteer = GAZ) -> list[Quote]:
    return extract_quotes(doc_of(text), [], gazetteer)


def one(found: list[Quote], starts: str) -> Quote:
    hits = [q for q in found if q.text.startswith(starts)]
    assert len(hits) == 1, [q.text for q in found]
    return hits[0]


def test_curly_straight_and_nested_marks() -> None:
    text = (
        'The minister arrived late. "We will not retreat," Tymoshenko said on Monday.\n\n'
        "“He told me ‘never again’ and walked out,” said a farmer from Lviv."
    )
    found = quotes(text)
    straight = one(found, "We will not retreat")
    assert straight.kind == "speech" and straight.speaker == "Yulia Tymoshenko"
    assert text[straight.start : straight.end] == "We will not retreat,"
    nested = one(found, "never again")
    assert nested.kind == "term" and nested.method.startswith("nested")
    farmer = one(found, "He told me")
    assert farmer.speaker in ("a farmer from Lviv", "a farmer")


def test_apostrophes_are_not_quotes() -> None:
    text = "The farmers' union met in ’08. Don't expect the mayors' plan to pass, it's 'dead'."
    found = quotes(text)
    assert [q.text for q in found] == ["dead"]


def test_unbalanced_open_mark_stops_at_its_paragraph() -> None:
    text = (
        "The mayor said “we are finished and walked away.\n\n"
        "Nobody else spoke. The council met again on Friday and approved the budget.\n\n"
        "“Good,” said the treasurer."
    )
    found = quotes(text)
    unclosed = one(found, "we are finished")
    assert unclosed.end <= text.index("\n\n")
    assert unclosed.confidence < 0.9 and "unclosed" in unclosed.method
    assert one(found, "Good").speaker == "the treasurer"


def test_two_opens_in_a_row_end_the_first_before_the_second() -> None:
    text = "He wrote “this is wrong and then “that is right” in the same note."
    found = quotes(text)
    first = one(found, "this is wrong")
    assert first.end <= text.index("“that")
    assert one(found, "that is right").text == "that is right"


def test_stray_closing_mark_is_ignored() -> None:
    text = "Prices rose” again. Then Orbán said, “We will act.”"
    found = quotes(text)
    assert [q.text for q in found] == ["We will act."]
    assert found[0].speaker == "Viktor Orban"


def test_multi_paragraph_quote_reopens_each_paragraph() -> None:
    text = (
        "“The first part of the statement goes on for a while,” Berg said. “Then a second "
        "sentence starts and does not close.\n\n"
        "“The third paragraph finally ends the quote.”\n\n"
        "The paper's editor declined to comment."
    )
    found = quotes(text)
    long = one(found, "Then a second")
    assert long.text.endswith("ends the quote.")
    assert long.speaker == "Hanna Berg" and long.cited_outlet == "Der Spiegel"
    assert "editor declined" not in long.text


def test_terms_and_their_users() -> None:
    text = (
        "The opposition calls the reform a “power grab” and the government speaks of "
        "“modernisation”. Analysts put the word “reform” in quotes too."
    )
    found = quotes(text)
    grab = one(found, "power grab")
    assert grab.kind == "term" and grab.speaker == "the opposition"
    modern = one(found, "modernisation")
    assert modern.kind == "term" and modern.speaker == "the government"
    assert one(found, "reform").speaker is None


def test_reporting_outlets() -> None:
    text = (
        "“Supplies are short,” a nurse told Reuters. Officials denied it, according to "
        "Der Spiegel. “There is no crisis,” a spokesman said, according to the Associated "
        "Press.\n\n"
        "A diplomat tells the New York Times, “The talks are over.”"
    )
    found = quotes(text)
    assert (one(found, "Supplies").speaker, one(found, "Supplies").cited_outlet) == (
        "a nurse",
        "Reuters",
    )
    crisis = one(found, "There is no crisis")
    assert crisis.speaker == "a spokesman" and crisis.cited_outlet == "The Associated Press"
    talks = one(found, "The talks are over")
    assert talks.speaker == "a diplomat" and talks.cited_outlet == "The New York Times"


def test_pronoun_and_definite_description_resolve_backwards() -> None:
    text = (
        "Gen. Tomas Varga, who commands the northern brigade, visited the front. “We hold the "
        "line,” he said.\n\n"
        "A local shopkeeper who lost his store was less sure. “Nothing is held,” the "
        "shopkeeper said."
    )
    found = quotes(text, EMPTY_GAZETTEER)
    assert one(found, "We hold").speaker == "Tomas Varga"
    assert one(found, "Nothing is held").speaker == "a local shopkeeper"


def test_surname_resolves_to_the_full_name_used_earlier() -> None:
    text = (
        "“Prices will fall,” said finance minister Karel Novak. Markets shrugged.\n\n"
        "“They always shrug,” Novak said."
    )
    found = quotes(text, EMPTY_GAZETTEER)
    assert one(found, "They always shrug").speaker == "Karel Novak"


def test_pasted_passages_after_an_introduction() -> None:
    text = (
        "Here is what the wire said this morning, and I think it matters:\n\n"
        "Rebel units withdrew from the northern districts on Tuesday, officials said, after "
        "two days of heavy shelling that left the old market in ruins.\n\n"
        "The governor told reporters that the curfew would stay in place until further notice…\n\n"
        "I don't buy it. Withdrawals like this never last, and you know it.\n\n"
        "> The ministry has not confirmed the figures.\n\n"
        "Per Reuters, the situation is worse:\n\n"
        "Hospitals in the city reported dozens of casualties on Wednesday, according to doctors."
    )
    found = [q for q in quotes(text) if q.kind == "passage"]
    assert [q.text.split()[0] for q in found] == ["Rebel", "The", "Hospitals"]
    assert found[0].text.endswith("further notice…")
    assert "I don't buy it" not in found[0].text
    assert found[2].cited_outlet == "Reuters"
    assert found[0].speaker is None


def test_passage_named_writer_and_outlet() -> None:
    text = (
        "So says Der Spiegel's Hanna Berg:\n\n"
        "The coalition talks collapsed late on Sunday, two negotiators said, after a dispute "
        "over the budget.\n\n"
        "What a mess. I saw it coming."
    )
    passage = one([q for q in quotes(text) if q.kind == "passage"], "The coalition")
    assert passage.speaker == "Hanna Berg" and passage.cited_outlet == "Der Spiegel"


def test_own_voice_is_not_a_passage() -> None:
    text = (
        "I have been thinking about the election all week.\n\n"
        "What strikes me is how little anyone talks about turnout. We'll see on Sunday!"
    )
    assert quotes(text) == []


def test_marks_found_in_any_paragraph_order() -> None:
    text = "“One,” he said.\n\n“Two,” she said."
    spans = find_marked(text, split_paragraphs(text))
    assert [text[s.start : s.end] for s in spans] == ["One,", "Two,"]


SIEGE = (
    "General Tomas Reyes, who commands the operation, told reporters the rebels would be "
    "beaten within days.\n\n"
    '"We have no water and no power," said Leila Haddad, a teacher who fled the old town.\n\n'
    "The Front's spokesman, Omar Saleh, called the assault \"a crime against the people of "
    'the coast".\n\n'
    "Omar Saleh, who speaks for the Free Coast Front, told us the truce still holds. "
    '"We did not fire first," he said.\n\n'
    'He told Reyes "you will answer for this" before leaving.'
)


def test_unknown_names_speak_through_their_own_sentences_and_pronouns() -> None:
    """Names no gazetteer knows: a quote with no speech verb is the person its sentence
    opens with, not the previous quote's speaker; "he said" finds a name in apposition
    ("Omar Saleh, who speaks for ...")."""
    found = quotes(SIEGE, EMPTY_GAZETTEER)
    assert one(found, "We have no water").speaker == "Leila Haddad"
    crime = one(found, "a crime against the people")
    assert crime.speaker == "Omar Saleh", crime.method
    fire = one(found, "We did not fire first")
    assert fire.speaker == "Omar Saleh", fire.method
    answer = one(found, "you will answer for this")
    assert answer.speaker != "Tomas Reyes"  # "He told Reyes": Reyes is spoken to
