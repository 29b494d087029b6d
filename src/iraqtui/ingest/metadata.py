"""Metadata of a file: the sidecar's values where given, otherwise inferred and marked so."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from pathlib import PurePosixPath

from iraqtui.ingest.boilerplate import DATE_IN_TEXT, is_title_like
from iraqtui.models import META_FIELDS, Document, SourceMeta
from iraqtui.textsafe import one_line

_DATE_IN_NAME = re.compile(
    r"(?<!\d)((?:19|20)\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)"
)
_FRONT_KEY = re.compile(r"^(title|author|date|published|outlet|source|url|link)\s*:\s*(.+?)\s*$")
_HEADING = re.compile(r"^#{1,2}\s+(.+?)\s*#*\s*$")
_GENERIC_DIRS = {"", ".", "seeds", "corpus", "texts", "text", "data", "articles", "posts", "docs"}
_FRONT_TO_FIELD = {"date": "published", "source": "outlet", "link": "url"}


def infer_meta(name: str, root_name: str, doc: Document, given: SourceMeta | None) -> SourceMeta:
    """Fill every field the sidecar left empty: from the file's own front matter (marked
    "front-matter"), else by inference (marked "inferred")."""
    meta = given or SourceMeta(file=name)
    stated = {_FRONT_TO_FIELD.get(k, k): v for k, v in _front_matter(doc).items()}
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
    guesses: dict[str, str] = {}
    author, published = _byline_and_date(doc)
    if author:
        guesses["author"] = author
    if published:
        guesses["published"] = published
    title = _title(doc)
    if title:
        guesses["title"] = title
    outlet = _outlet(name, root_name)
    if outlet and "outlet" not in guesses:
        guesses["outlet"] = outlet
    date = _DATE_IN_NAME.search(PurePosixPath(name).name)
    if date and "published" not in guesses:
        guesses["published"] = "-".join(date.groups())
    return {k: v for k, v in guesses.items() if v}


def _byline_and_date(doc: Document) -> tuple[str | None, str | None]:
    """Author and date from lines flagged as byline or dateline near the top of the text."""
    author = published = None
    for span in doc.boilerplate:
        line = doc.text[span.start : span.end].strip().strip("*_ ").strip()
        if span.reason == "byline" and author is None:
            found = re.match(r"(?:By|BY|Written by|Reporting by|Posted by)\s+(.+)$", line)
            if found:
                author = one_line(found.group(1).split(",")[0], 100)
        elif span.reason == "dateline" and published is None:
            published = parse_date(line)
    return author, published


def parse_date(text: str) -> str | None:
    """The first date in `text` as YYYY-MM-DD, if it is a real date."""
    found = DATE_IN_TEXT.search(text)
    if not found:
        return None
    raw = found.group(0).replace(",", " ").replace(".", " ")
    for fmt in ("%Y-%m-%d", "%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y"):
        try:
            return datetime.strptime(" ".join(raw.split()), fmt).date().isoformat()
        except ValueError:
            continue
    return None


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


def _title(doc: Document) -> str | None:
    """The first meaningful line: a Markdown heading, a title-like line, else the first
    sentence when it is short (a title fused into the text, "IRAQ UPDATE….The ...")."""
    for paragraph in doc.paragraphs:
        if paragraph.boilerplate:
            continue
        body = doc.text[paragraph.start : paragraph.end]
        heading = _HEADING.match(body)
        if heading:
            return one_line(heading.group(1), 200)
        if is_title_like(body):
            return one_line(body, 200)
        first = next((s for s in doc.sentences if s.paragraph_seq == paragraph.seq), None)
        if first is not None:
            sentence = doc.text[first.start : first.end].rstrip(".…")
            if is_title_like(sentence):
                return one_line(sentence, 200)
        return one_line(body, 80)
    return None


def _outlet(name: str, root_name: str) -> str | None:
    """The folder a file sits in, else a leading word of its name, else the corpus folder."""
    parts = PurePosixPath(name).parts
    if len(parts) > 1 and parts[-2].lower() not in _GENERIC_DIRS:
        return _readable(parts[-2])
    stem = PurePosixPath(name).stem
    lead = re.match(r"([A-Za-z][A-Za-z&.]{1,40}?)(?:[-_ ]|\d|$)", stem)
    if lead and len(lead.group(1)) >= 2 and lead.group(1) != stem:
        return lead.group(1)
    if root_name.lower() not in _GENERIC_DIRS:
        return _readable(root_name)
    return None


def _readable(folder: str) -> str:
    """ "gulf-tribune" reads as "Gulf Tribune"; "NYT" and "nyt" stay as they are."""
    if folder.islower() and re.search(r"[-_]", folder):
        return " ".join(word.capitalize() for word in re.split(r"[-_]+", folder) if word)
    return folder
