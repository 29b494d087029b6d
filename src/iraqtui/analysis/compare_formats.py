"""The compare issue's file formats (tidy JSON and CSV, Markdown for a paper's appendix):
one implementation for `iraqtui compare --format` and the app's export."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from iraqtui.analysis.compare import ComparedSentence, Comparison
from iraqtui.export import neutralise_cell
from iraqtui.models import HIT_CLOSE, HIT_OPEN
from iraqtui.textsafe import escape_json_controls, sanitize

CSV_COLUMNS = (
    "target",
    "target_kind",
    "row",
    "outlet",
    "file",
    "sentence",
    "start",
    "end",
    "voice",
    "speaker",
    "cited_outlet",
    "text",
    "evaluative",
    "tone",
    "term",
    "count",
    "other_count",
    "delta",
    "z",
    "prior_alpha",
    "valence",
    "own_sentences",
    "quoted_sentences",
    "term_words",
)


def clean(text: str | None) -> str:
    return " ".join(sanitize(text or "").split())


def _target(result: Comparison) -> dict[str, str]:
    t = result.target
    return {"kind": t.kind, "key": clean(t.key), "label": clean(t.label)}


def method_notes(result: Comparison) -> dict[str, Any]:
    notes: dict[str, Any] = {
        "tone": result.tone_method,
        "terms": clean(result.terms_method),
        "prior": {
            "alpha0": result.prior.alpha0,
            "background_tokens": result.prior.background_tokens,
            "source": result.prior.source,
        },
        "seconds": round(result.seconds, 4),
    }
    if result.sampled:  # the screen's sample; the CLI and exports analyse every sentence
        notes["sample_per_outlet"] = result.sample
    return notes


# --- tidy rows (JSON and CSV) ---------------------------------------------------------------


def rows(result: Comparison) -> list[dict[str, Any]]:
    """One row per sentence, distinctive term, evaluative word or actor, with an outlet column."""
    base = {"target": clean(result.target.key), "target_kind": result.target.kind}
    out: list[dict[str, Any]] = []
    for col in result.columns:
        where = {**base, "outlet": clean(col.outlet)}
        out.append(
            {
                **where,
                "row": "summary",
                "tone": col.tone.score,
                "own_sentences": col.own_count,
                "quoted_sentences": col.quoted_count,
                "term_words": col.term_words,
            }
        )
        for item in (*col.own, *col.quoted):
            s = item.sentence
            out.append(
                {
                    **where,
                    "row": "sentence",
                    "file": clean(s.file),
                    "sentence": s.id,
                    "start": s.start,
                    "end": s.end,
                    "voice": s.voice,
                    "speaker": "; ".join(clean(x) for x in item.speakers) or None,
                    "cited_outlet": "; ".join(clean(x) for x in item.cited_outlets) or None,
                    "text": clean(s.text),
                    "evaluative": "; ".join(f"{e.word}:{e.valence:+.1f}" for e in item.evaluative)
                    or None,
                }
            )
        for t in col.terms:
            out.append(
                {
                    **where,
                    "row": "term",
                    "term": clean(t.term),
                    "count": t.count,
                    "other_count": t.other_count,
                    "delta": round(t.delta, 4),
                    "z": round(t.z, 3),
                    "prior_alpha": round(t.alpha, 5),
                }
            )
        for word, valence, n in col.evaluative:
            out.append(
                {**where, "row": "evaluative", "term": clean(word), "count": n, "valence": valence}
            )
        for name, n, own in col.actors:
            out.append(
                {**where, "row": "actor", "term": clean(name), "count": n, "other_count": own}
            )
    return out


def to_json(result: Comparison) -> str:
    """The tidy rows as one JSON document, terminal-safe (C1 controls escaped)."""
    data = {"target": _target(result), "method": method_notes(result), "rows": rows(result)}
    return escape_json_controls(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


def to_csv(result: Comparison) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for row in rows(result):
        writer.writerow(
            {k: ("" if row.get(k) is None else neutralise_cell(row.get(k))) for k in CSV_COLUMNS}
        )
    return buffer.getvalue()


# --- Markdown ---------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def md(text: str | None) -> str:
    """Corpus text made inert in Markdown: control characters out, specials escaped."""
    return _MD_SPECIAL.sub(r"\\\1", clean(text))


def _md_sentence(item: ComparedSentence) -> str:
    """The sentence escaped for Markdown, its evaluative words in bold."""
    return md(marked(item, (HIT_OPEN, HIT_CLOSE))).replace(HIT_OPEN, "**").replace(HIT_CLOSE, "**")


def to_markdown(result: Comparison) -> str:
    t = result.target
    lines = [f"## How outlets characterise {md(t.label)} ({t.kind})", ""]
    lines += [
        "| Outlet | Own-voice sentences | Quoted sentences | Tone (own voice) "
        "| Distinctive terms (z) | Actors named |",
        "|---|---|---|---|---|---|",
    ]
    for col in result.columns:
        tone = (
            "n/a" if col.tone.score is None else f"{col.tone.score:+.2f} (n={col.tone.sentences})"
        )
        terms = ", ".join(f"{md(k.term)} ({k.z:.2f})" for k in col.terms[:5]) or "—"
        actors = ", ".join(f"{md(a)} ({n})" for a, n, _o in col.actors[:5]) or "—"
        cells = [md(col.outlet), str(col.own_count), str(col.quoted_count), tone, terms, actors]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        f"Tone: {md(result.tone_method)}. Distinctive terms: {md(result.terms_method)}; "
        f"log-odds ratio with informative Dirichlet prior (Monroe, Colaresi & Quinn 2008), "
        f"alpha0 = {result.prior.alpha0:g} from {md(result.prior.source)} "
        f"({result.prior.background_tokens} tokens). Evaluative words in bold.",
        "",
    ]
    for col in result.columns:
        lines += [f"### {md(col.outlet)}", "", f"Files: {', '.join(md(f) for f in col.files)}", ""]
        lines += ["**Own voice**", ""]
        lines += [f"- {_md_sentence(i)}" for i in col.own] or ["- none"]
        lines += ["", "**Quoted material**", ""]
        lines += [f"- *{md(i.label)}*: {_md_sentence(i)}" for i in col.quoted] or ["- none"]
        lines.append("")
    return "\n".join(lines) + "\n"


# --- terminal text ----------------------------------------------------------------------------


def marked(item: ComparedSentence, marks: tuple[str, str]) -> str:
    text, last, parts = item.sentence.text, 0, []
    for e in item.evaluative:
        parts += [text[last : e.start], marks[0] + text[e.start : e.end] + marks[1]]
        last = e.end
    parts.append(text[last:])
    return clean("".join(parts))
