"""Who said a quote, on short news texts the rules were not written against: a speaker is a
name or a described person, never a function word or a clause fragment; "he said" finds the
person the paragraph is about; a short quote after an attributed one continues it."""

from __future__ import annotations

from iraqtui.ingest.actors import find_mentions
from iraqtui.ingest.boilerplate import find_boilerplate
from iraqtui.ingest.gazetteer import EMPTY_GAZETTEER, Gazetteer, gazetteer_from_actors
from iraqtui.ingest.quotes import extract_quotes
from iraqtui.ingest.segment import build
from iraqtui.models import Actor, Document, Quote
from iraqtui.textsafe import sanitize

GAZ = gazetteer_from_actors(
    [
        Actor("Karim al-Zubaidi", "person", ("al-Zubaidi", "Zubaidi")),
        Actor("Laila Mansour", "person", ("Mansour",)),
        Actor("Tomas Varga", "person", ("Varga",)),
        Actor("Dana Reyes", "person", ("Reyes",)),
        Actor("Zubaidi Bridge", "place", ()),
        Actor("Harbour Post", "media", ()),
    ]
)


def quotes(text: str, gazetteer: Gazetteer = GAZ) -> list[Quote]:
    """Quotes as the pipeline finds them: with the actor stage's mentions."""
    spans, _ = find_boilerplate(text)
    paragraphs, sentences = build(text, spans)
    doc = Document("t.txt", text, sanitize(text), paragraphs, sentences, tuple(spans))
    mentions, _ = find_mentions(doc, gazetteer)
    return extract_quotes(doc, mentions, gazetteer)


def one(found: list[Quote], starts: str) -> Quote:
    hits = [q for q in found if q.text.startswith(starts)]
    assert len(hits) == 1, [q.text for q in found]
    return hits[0]


def test_a_conjunction_after_the_quote_is_not_a_speaker() -> None:
    text = (
        "Karim al-Zubaidi, an adviser to the council, described the plan as 'a gift to the "
        "whole city' and said the mayor backed it."
    )
    gift = one(quotes(text), "a gift to the whole city")
    assert gift.speaker == "Karim al-Zubaidi"
    assert gift.speaker_actor == "Karim al-Zubaidi"


def test_which_is_to_say_is_not_a_speaker() -> None:
    text = (
        'The council promises not to close shops "without a notice" -- which is to say, the '
        "council promises to obey the law."
    )
    notice = one(quotes(text), "without a notice")
    assert notice.speaker is None


def test_she_said_is_the_woman_named_in_the_paragraph_not_a_man_before_it() -> None:
    text = (
        'Tomas Varga said the police would "keep order" on the bridge.\n\n'
        "Nadia Karam, a nurse at the clinic, said she had not slept in two days. "
        '"Tonight I will sleep," she said. "Tomorrow, maybe not."'
    )
    found = quotes(text)
    tonight = one(found, "Tonight I will sleep")
    assert tonight.speaker == "Nadia Karam"
    tomorrow = one(found, "Tomorrow, maybe not")
    assert tomorrow.kind == "speech"
    assert tomorrow.speaker == "Nadia Karam"


def test_he_said_skips_a_name_inside_the_quote_and_a_place_named_after_a_person() -> None:
    text = (
        "Laila Mansour spoke at the town hall on Friday.\n\n"
        "Gen. Tomas Varga, the commander of the northern brigade, said on Monday that the army "
        "would hold its lines. “We will not cross the Zubaidi Bridge,” he said. “That is for "
        "the police.”"
    )
    found = quotes(text)
    bridge = one(found, "We will not cross")
    assert bridge.speaker == "Tomas Varga"
    police = one(found, "That is for the police")
    assert police.speaker == "Tomas Varga"


def test_an_alias_written_with_a_lowercase_particle_links_to_its_actor() -> None:
    text = '"We did not start this," al-Zubaidi said.'
    start = one(quotes(text), "We did not start this")
    assert start.speaker == "Karim al-Zubaidi"
    assert start.speaker_actor == "Karim al-Zubaidi"


def test_a_spokesman_for_someone_is_the_spokesman_not_the_principal() -> None:
    text = (
        'Varga\'s spokesman Karim al-Zubaidi calls the plan "a betrayal of the north".\n\n'
        'A spokesman for Mr. Varga said the wall was "a prison with a view."'
    )
    found = quotes(text)
    betrayal = one(found, "a betrayal of the north")
    assert betrayal.speaker == "Karim al-Zubaidi"
    prison = one(found, "a prison with a view")
    assert prison.speaker != "Tomas Varga"


def test_a_name_and_its_description_between_commas_before_the_verb() -> None:
    text = (
        "Dana Reyes, a spokeswoman for the port authority, said the harbour was "
        '"closed until further notice."\n\n'
        'The governor\'s man in the capital, Omar Haddad, calls the plan "a folly".\n\n'
        "A senior police officer, speaking on condition of anonymity because he was not "
        'allowed to brief reporters, said the police had arrested "several dozen" men.'
    )
    found = quotes(text)
    assert one(found, "closed until further notice").speaker == "Dana Reyes"
    assert one(found, "a folly").speaker == "Omar Haddad"
    assert one(found, "several dozen").speaker == "a senior police officer"


def test_an_infinitive_or_a_relative_clause_is_not_the_reporting_verb() -> None:
    text = (
        'Varga has threatened to declare "total war" if the talks fail.\n\n'
        "Reyes, who is still abroad as far as anyone can tell, has promised "
        '"a swift return."'
    )
    found = quotes(text)
    assert one(found, "total war").speaker == "Tomas Varga"
    assert one(found, "a swift return").speaker == "Dana Reyes"


def test_an_adverb_before_the_subject_is_not_part_of_the_speaker() -> None:
    text = 'First the army announces that it has "cleared the area" and then it leaves.'
    cleared = one(quotes(text), "cleared the area")
    assert cleared.speaker == "the army"


def test_it_is_not_a_speaker_the_clause_subject_is() -> None:
    text = (
        "Mr. al-Zubaidi said that the council had never wanted a fight and that it had agreed "
        'to the plan "to stop the bleeding."'
    )
    bleeding = one(quotes(text), "to stop the bleeding")
    assert bleeding.speaker == "Karim al-Zubaidi"


def test_a_description_ending_in_a_name_is_that_name() -> None:
    text = (
        "A reader notes that the city council spokesman Karim al-Zubaidi has said there will "
        'be "no deals."'
    )
    deals = one(quotes(text), "no deals")
    assert deals.speaker == "Karim al-Zubaidi"
    assert deals.speaker_actor == "Karim al-Zubaidi"


def test_a_quote_after_an_introduction_ending_in_a_colon_is_the_introduced_speaker() -> None:
    text = (
        "Omar Haddad, the port workers' spokesman, put it this way to a reporter from the "
        "Harbour Post:\n\n"
        '"They say they are fighting smugglers. Then why close the whole port?\n\n'
        '"If they want the goods, let them come and talk to us."\n\n'
        "Laila Mansour, a council member close to Mr. Varga, spoke to us. Her account of the "
        "talks was long and candid:\n\n"
        "“The mayor told us he did not want a fight.”"
    )
    found = quotes(text, EMPTY_GAZETTEER)
    assert one(found, "They say they are fighting").speaker == "Omar Haddad"
    assert one(found, "The mayor told us").speaker == "Laila Mansour"


def test_a_coordinated_verb_keeps_the_sentence_subject() -> None:
    text = (
        "Government spokesman Karim al-Zubaidi welcomed the deal but said operations against "
        '"outlaw groups" would continue.'
    )
    outlaws = one(quotes(text), "outlaw groups")
    assert outlaws.speaker == "Karim al-Zubaidi"


def test_the_next_sentence_can_name_who_said_it() -> None:
    text = (
        'For weeks the line from the ministry was that there would be "no talks with rebels." '
        "Karim al-Zubaidi said it to the Harbour Post. He said it to anyone who asked."
    )
    talks = one(quotes(text), "no talks with rebels")
    assert talks.speaker == "Karim al-Zubaidi"


def test_a_document_is_no_speaker() -> None:
    text = (
        'Police will search for "heavy weapons," according to a copy of the plan seen by the '
        "Harbour Post."
    )
    weapons = one(quotes(text), "heavy weapons")
    assert weapons.speaker is None
    assert weapons.cited_outlet == "Harbour Post"


def test_a_name_between_commas_after_the_quote_or_heading_the_sentence() -> None:
    text = (
        "“We need help now,” the mayor, Jan Kowalski, said. “Nobody is coming.”\n\n"
        "His neighbour, Piotr Lis, disagreed. “It will get better,” he said."
    )
    found = quotes(text, EMPTY_GAZETTEER)
    assert one(found, "We need help now").speaker == "Jan Kowalski"
    assert one(found, "Nobody is coming").speaker == "Jan Kowalski"
    assert one(found, "It will get better").speaker == "Piotr Lis"
