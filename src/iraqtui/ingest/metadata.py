"""Metadata of a file: the sidecar's values where given, otherwise inferred and marked so."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from iraqtui.ingest.boilerplate import is_title_like
from iraqtui.ingest.byline import dateline_date, is_date_line, parse_byline, parse_date, segments
from iraqtui.models import META_FIELDS, Document, Paragraph, SourceMeta
from iraqtui.textsafe import one_line

_DATE_IN_NAME = re.compile(
    r"(?<!\d)((?:19|20)\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)"
)
_FRONT_KEY = re.compile(r"^(title|author|date|published|outlet|source|url|link)\s*:\s*(.+?)\s*$")
_HEADING = re.compile(r"^#{1,2}\s+(.+?)\s*#*\s*$")
_GENERIC_DIRS = {"", ".", "seeds", "corpus", "texts", "text", "data", "articles", "posts", "docs"}
_FRONT_TO_FIELD = {"date": "published", "source": "outlet", "link": "url"}

_ROLE_TAIL = re.compile(
    r"(?i)\s+(?:staff\s+)?(?:writer|correspondent|reporter|editor|columnist|contributor|"
    r"bureau chief)s?$"
)
# Nouns that make a capitalised phrase the name of a publication, when no folder names one.
_PUBLICATION = re.compile(
    r"(?i)\b(?:times|post|news|review|journal|herald|tribune|gazette|press|wire|service|"
    r"courier|ledger|monitor|daily|chronicle|observer|dispatch|telegraph|guardian|agency|"
    r"magazine|blog|report|standard|register|star|sun|mail|express|independent|bulletin)\b"
)
_SMALL_WORDS = {"the", "of", "and", "for", "on", "in", "a", "&"}
_HEADER_PARAGRAPHS = 8  # a byline or a date this far down is part of the article


@dataclass(frozen=True)
class _Header:
    """What the lines above the article body say about it."""

    author: str | None = None
    published: str | None = None
    outlet: str | None = None
    title: str | None = None


def infer_meta(name: str, root_name: str, doc: Document, given: SourceMeta | None) -> SourceMeta:
    """Fill every field the sidecar left empty: from the file's own front matter (marked
    "front-matter"), else by inference (marked "inferred")."""
    meta = given or SourceMeta(file=name)
    stated = {_FRONT_TO_FIELD.get(k, k): v for k, v in _front_matter(doc).items()}
    if "published" in stated:
        stated["published"] = parse_date(stated["published"]) or ""
    guesses = _guesses(name, root_name, doc)
    values: dict[str, str | None] = {}
    provenance = dict(meta.provenance)
    for key in META_FIELDS:
        value = getattr(meta, key)
        if value is None and stated.get(key):
            value = stated[key]
            provenance[key] = "front-matter"
        elif value is None and guesses.get(key):
            value = guesses[key]
            provenance[key] = "inferred"
        values[key] = value
    return replace(meta, file=name, provenance=provenance, **values)


def _guesses(name: str, root_name: str, doc: Document) -> dict[str, str]:
    folder = _outlet(name, root_name)
    header = _read_header(doc, folder)
    guesses = {
        "author": header.author,
        "published": header.published,
        "title": header.title,
        "outlet": header.outlet or folder,
    }
    if not guesses["published"]:
        found = _DATE_IN_NAME.search(PurePosixPath(name).name)
        guesses["published"] = "-".join(found.groups()) if found else _dateline_date(doc)
    return {k: v for k, v in guesses.items() if v}


def _front_matter(doc: Document) -> dict[str, str]:
    if not doc.boilerplate or doc.boilerplate[0].reason != "front matter":
        return {}
    block = doc.text[doc.boilerplate[0].start : doc.boilerplate[0].end]
    out: dict[str, str] = {}
    for line in block.splitlines():
        found = _FRONT_KEY.match(line.strip())
        if found:
            out[found.group(1).lower()] = found.group(2).strip("\"'")
    return out


def _read_header(doc: Document, folder: str | None) -> _Header:
    """Byline, date, outlet and title from the lines above the body: a line is the title,
    a byline ("By X", "Posted by X, DATE", "by X | Outlet | DATE", "X | DATE"), a date
    alone, or an outlet's name; the first line that is none of these but the title ends it."""
    author = published = outlet = title = None
    after_byline = False
    for paragraph in _header_paragraphs(doc):
        line = _plain(doc.text[paragraph.start : paragraph.end])
        byline = parse_byline(line, below_title=title is not None)
        if byline is not None:
            name, when, extras = byline
            author = author or name
            published = published or when
            outlet = outlet or _stated_outlet(extras, folder)
            after_byline = True
            continue
        dateline = paragraph.boilerplate_reason == "dateline"
        if dateline or is_date_line(line, strict=title is None):
            published = published or parse_date(line)
            continue
        named = _stated_outlet(segments(line)[:1], folder, loose=after_byline)
        after_byline = False
        if named:
            outlet = outlet or named
            continue
        if paragraph.boilerplate:
            continue  # a share bar, a breadcrumb, a neighbouring post's title
        if title is not None:
            break  # the body has begun
        title = _title_of(doc, paragraph)
        if len(line) > 200:
            break  # a title fused into the body's first paragraph
    return _Header(author, published, outlet, title)


def _header_paragraphs(doc: Document) -> list[Paragraph]:
    out: list[Paragraph] = []
    for paragraph in doc.paragraphs:
        if paragraph.boilerplate_reason == "front matter":
            continue
        out.append(paragraph)
        if len(out) >= _HEADER_PARAGRAPHS:
            break
    return out


def _plain(body: str) -> str:
    """A line without Markdown emphasis or surrounding space."""
    return " ".join(body.strip().strip("*_ ").strip().split())


def _title_of(doc: Document, paragraph: Paragraph) -> str | None:
    """A Markdown heading, a line of up to 150 characters whole (a question mark inside a
    title does not end it), else the first sentence when it is title-like (a title fused
    into the text, "IRAQ UPDATE….The ..."), else the line's start."""
    body = doc.text[paragraph.start : paragraph.end]
    heading = _HEADING.match(body)
    if heading:
        return one_line(heading.group(1), 200)
    if len(body.strip()) <= 150 or is_title_like(body):
        return one_line(body, 200)
    first = next((s for s in doc.sentences if s.paragraph_seq == paragraph.seq), None)
    if first is not None:
        sentence = doc.text[first.start : first.end].rstrip(".…")
        if is_title_like(sentence):
            return one_line(sentence, 200)
    return one_line(body, 80)


def _stated_outlet(parts: list[str], folder: str | None, loose: bool = True) -> str | None:
    """The first part naming the same outlet as the folder does (its own spelling), or,
    with no folder and `loose`, the first that reads as a publication's name."""
    for part in parts:
        candidate = _ROLE_TAIL.sub("", part).strip()
        if not _name_like(candidate):
            continue
        if folder is not None and same_outlet(folder, candidate):
            return candidate
        if folder is None and loose and _PUBLICATION.search(candidate):
            return candidate
    return None


def _name_like(text: str) -> bool:
    words = text.split()
    if not words or len(words) > 6 or len(text) > 60:
        return False
    return all(w[0].isupper() or w.lower() in _SMALL_WORDS for w in words)


def outlet_words(name: str) -> list[str]:
    """An outlet's name as words to compare: case, punctuation and a leading "The" ignored."""
    words = re.findall(r"[^\W_]+", name.casefold().replace("'", "").replace("’", ""))
    return words[1:] if words[:1] == ["the"] and len(words) > 1 else words


def same_outlet(a: str, b: str) -> bool:
    """Whether two spellings name one outlet: "harbor_review" and "The Harbor Review",
    "Al Tariq" and "Al-Tariq", "gw" and "Gulf Wire", "Gulf Wire" and "Gulf Wire Service"."""
    short, long = sorted((outlet_words(a), outlet_words(b)), key=len)
    if not short or "".join(short) == "".join(long):
        return bool(short)
    # Initials ("gw" for "Gulf Wire (Service)"), or the same words and one more at most:
    # "Times" is not "Times Are Changing In Baghdad".
    initials = "".join(w[0] for w in long)
    abbreviation = len(short) == 1 and len(short[0]) >= 2 and len(long) <= len(short[0]) + 1
    if abbreviation and initials.startswith(short[0]):
        return True
    return len(long) - len(short) <= 1 and long[: len(short)] == short


def settled_outlets(sources: Iterable[tuple[int, str, str, str | None, str]]) -> dict[int, str]:
    """New outlets for sources (id, root folder, file, outlet, how the outlet was found)
    whose outlet is only their folder's name when another file of that folder states the
    same outlet in its own spelling: the corpus then has one "The Harbor Review", not a
    "Harbor Review" beside it. The commonest spelling wins (then the first in order)."""
    by_folder: dict[tuple[str, str], list[tuple[int, str, str | None, str]]] = {}
    for source_id, root, file, outlet, found in sources:
        parent = str(PurePosixPath(file).parent)
        by_folder.setdefault((root, parent), []).append((source_id, file, outlet, found))
    renamed: dict[int, str] = {}
    for (root, _parent), rows in by_folder.items():
        root_name = PurePosixPath(root).name
        plain = {
            i
            for i, file, outlet, found in rows
            if found == "inferred" and outlet and outlet == _outlet(file, root_name)
        }
        stated = Counter(outlet for i, _f, outlet, _p in rows if outlet and i not in plain)
        for source_id, _file, outlet, _found in rows:
            if source_id not in plain or outlet is None:
                continue
            same = [o for o, _n in stated.most_common() if same_outlet(outlet, o)]
            if same:
                renamed[source_id] = same[0]
    return renamed


def _dateline_date(doc: Document) -> str | None:
    """The date of a dateline opening the body, if it gives a year."""
    body = next(
        (p for p in _header_paragraphs(doc) if p.end - p.start > 200 and not p.boilerplate), None
    )
    return dateline_date(doc.text[body.start : body.end]) if body is not None else None


def _outlet(name: str, root_name: str) -> str | None:
    """The folder a file sits in (the folder given, for a file at its top), unless it is a
    generic one ("corpus", "texts"); a leading word of the file's name followed by a number
    ("nyt-2008-04-01", "gw_0428") when the folder is generic or names another outlet."""
    parts = PurePosixPath(name).parts
    if len(parts) > 1 and parts[-2].lower() not in _GENERIC_DIRS:
        return _readable(parts[-2])
    folder = _readable(root_name) if root_name.lower() not in _GENERIC_DIRS else None
    lead = re.match(r"([A-Za-z][A-Za-z&.]{1,40}?)[-_ ]?\d", PurePosixPath(name).stem)
    if lead and (folder is None or not same_outlet(lead.group(1), folder)):
        return lead.group(1)
    return folder


def _readable(folder: str) -> str:
    """ "gulf-tribune" reads as "Gulf Tribune"; "NYT" and "nyt" stay as they are."""
    if folder.islower() and re.search(r"[-_]", folder):
        return " ".join(word.capitalize() for word in re.split(r"[-_]+", folder) if word)
    return folder
