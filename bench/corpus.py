"""Deterministic synthetic corpus for benchmarks, recombined from the bundled seeds.

Every article is labelled synthetic (title prefix, `notes` in sources.toml, a footer line).
Sentences of the five seed posts are recombined into new paragraphs; actor names are
swapped for other spellings of actors of the same type (now and then misspelt, to exercise
fuzzy resolution); quoted words are replaced by fresh windows of seed text, so quotes are
varied; some paragraphs are copied from a shared pool of "wire" paragraphs so the reuse stage
has something to find. The same `--paragraphs` and `--seed` always give the same bytes.

    python bench/corpus.py --paragraphs 100000 --out bench/out/corpus-100k
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DEFAULT_SEED = 2008
MARKER = ".complete"  # written last: a folder without it is regenerated

OUTLETS = (
    ("basra-courier", "The Basra Courier (synthetic)", "centre"),
    ("tigris-review", "Tigris Review (synthetic)", "liberal"),
    ("liberty-post", "Liberty Post Daily (synthetic)", "conservative"),
    ("green-zone-blog", "Green Zone Blog (synthetic)", "unknown"),
    ("euphrates-wire", "Euphrates Wire (synthetic)", "centre"),
    ("patriot-ledger", "Patriot Ledger Online (synthetic)", "conservative"),
    ("progress-journal", "The Progress Journal (synthetic)", "liberal"),
    ("desert-dispatch", "Desert Dispatch (synthetic)", "unknown"),
)
AUTHORS = ("A. Karim", "J. Miller", "R. Haddad", "S. Novak", "L. Chen", "M. Osei", "T. Brandt")
FOOTER = "This is a synthetic article generated for benchmarks. Support synthetic journalism!"
SAID = ("said", "told reporters", "declared", "insisted", "warned", "claimed", "added")
CITED = ("The New York Times", "The Associated Press", "CNN", "TIME", "McClatchy", "Reuters")

# Seed lines that are not article body (see seeds/sources.toml) stay out of the templates.
_SEED_BOILERPLATE = ("Donate", "save democracy", "World news", "Pox on", "Speculates on", "Video")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[”\"’]?\s+(?=[A-Z“\"])")
_QUOTED = re.compile(r"“([^”]{3,400})”|\"([^\"]{3,400})\"")
_WORD = re.compile(r"[A-Za-z’'-]+")


@dataclass(frozen=True)
class Pools:
    """What articles are built from."""

    templates: tuple[str, ...]  # seed sentences with {A0}.. for names and {Q} for quotes
    names_by_type: dict[str, tuple[tuple[str, ...], ...]]  # type -> actors -> spellings
    slot_types: dict[str, str]  # original name -> actor type
    words: tuple[str, ...]  # seed words in order, for quote windows
    persons: tuple[tuple[str, ...], ...]


def load_pools() -> Pools:
    """Cut the seed posts into sentence templates and the gazetteer into name pools."""
    gazetteer = tomllib.loads((SEEDS / "actors.toml").read_text(encoding="utf-8"))
    names_by_type: dict[str, list[tuple[str, ...]]] = {}
    slot_types: dict[str, str] = {}
    for actor in gazetteer.get("actor", []):
        spellings = tuple(dict.fromkeys([actor["name"], *actor.get("aliases", [])]))
        names_by_type.setdefault(actor["type"], []).append(spellings)
        for name in spellings:
            slot_types.setdefault(name, actor["type"])
    by_length = sorted(slot_types, key=len, reverse=True)
    name_re = re.compile(r"\b(" + "|".join(re.escape(n) for n in by_length) + r")\b")
    templates: list[str] = []
    words: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        words.extend(_WORD.findall(text))
        for line in text.splitlines():
            line = line.strip().lstrip(">").strip()
            if len(line) < 40:
                continue
            for sentence in _SENTENCE_END.split(line):
                if (
                    len(sentence) >= 25
                    and "{" not in sentence
                    and "}" not in sentence
                    and not any(b in sentence for b in _SEED_BOILERPLATE)
                ):
                    templates.append(_template(sentence, name_re))
    return Pools(
        templates=tuple(templates),
        names_by_type={k: tuple(v) for k, v in names_by_type.items()},
        slot_types=slot_types,
        words=tuple(words),
        persons=tuple(names_by_type.get("person", [])),
    )


def _template(sentence: str, name_re: re.Pattern[str]) -> str:
    sentence = _QUOTED.sub("“{Q}”", sentence)
    return name_re.sub(lambda m: "{A:" + m.group(1) + "}", sentence)


class Writer:
    """Builds articles from pools with one seeded random generator."""

    def __init__(self, pools: Pools, seed: int, paragraphs: int) -> None:
        self.pools = pools
        self.rng = random.Random(seed)
        self.quote_count = 0
        # Wire copies: a new story every ~250 paragraphs, each picked up by a handful of outlets.
        self.wire = [self._paragraph() for _ in range(max(20, paragraphs // 250))]

    def _name(self, original: str) -> str:
        rng = self.rng
        kind = self.pools.slot_types.get(original, "person")
        if rng.random() < 0.5:
            return original
        actors = self.pools.names_by_type.get(kind) or ((original,),)
        name = rng.choice(rng.choice(actors))
        if rng.random() < 0.03 and len(name) > 5:  # a misspelling now and then
            i = rng.randrange(1, len(name) - 1)
            name = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
        return name

    def _quote(self) -> str:
        rng, words = self.rng, self.pools.words
        size = rng.randint(5, 18)
        at = rng.randrange(0, len(words) - size)
        self.quote_count += 1
        text = " ".join(words[at : at + size])
        return text[0].upper() + text[1:]

    def _fill(self, template: str) -> str:
        out = re.sub(r"\{A:([^}]*)\}", lambda m: self._name(m.group(1)), template)
        while "{Q}" in out:
            out = out.replace("{Q}", self._quote(), 1)
        return out

    def _speech(self) -> str:
        rng = self.rng
        speaker = rng.choice(rng.choice(self.pools.persons)) if self.pools.persons else "A man"
        quote = self._quote()
        shape = rng.randrange(3)
        if shape == 0:
            return f"“{quote},” {speaker} {rng.choice(SAID)}."
        if shape == 1:
            return f"{speaker} told {rng.choice(CITED)}: “{quote}.”"
        return f"“{quote},” {rng.choice(SAID)} {speaker}, according to {rng.choice(CITED)}."

    def _paragraph(self) -> str:
        rng = self.rng
        target = rng.randint(120, 600)
        parts: list[str] = []
        size = 0
        while size < target:
            sentence = (
                self._speech()
                if rng.random() < 0.15
                else self._fill(rng.choice(self.pools.templates))
            )
            parts.append(sentence)
            size += len(sentence) + 1
        return " ".join(parts)

    def article(self, paragraphs: int) -> tuple[str, str]:
        """(title, text) with exactly `paragraphs` paragraphs, title and footer included."""
        rng = self.rng
        title = "Synthetic: " + self._fill(rng.choice(self.pools.templates))[:90].rstrip(" ,;")
        body = [title]
        for _ in range(max(0, paragraphs - 2)):
            body.append(rng.choice(self.wire) if rng.random() < 0.04 else self._paragraph())
        body.append(FOOTER)
        return title, "\n\n".join(body[:paragraphs]) + "\n"


def article_sizes(total: int, rng: random.Random) -> Iterator[int]:
    """Paragraph counts per article (4-40, about 20 on average) summing to `total`."""
    left = total
    while left > 0:
        size = min(left, rng.randint(4, 36))
        if left - size < 4 and left - size > 0:
            size = left
        left -= size
        yield size


def toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def generate(out: Path, paragraphs: int, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Write the corpus into `out` (reused when already complete with the same parameters)."""
    stamp = f"paragraphs={paragraphs} seed={seed}\n"
    marker = out / MARKER
    if marker.is_file() and marker.read_text() == stamp:
        return _stats(out)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.rglob("*.txt"):
        old.unlink()
    pools = load_pools()
    writer = Writer(pools, seed, paragraphs)
    sizes_rng = random.Random(seed + 1)
    files = 0
    written = 0
    with (out / "sources.toml").open("w", encoding="utf-8") as sidecar:
        sidecar.write(
            "# Synthetic benchmark corpus generated by bench/corpus.py from the seeds.\n"
            f"# {stamp}\n"
            f'[[boilerplate]]\ntext = {toml_str(FOOTER)}\nreason = "synthetic footer"\n\n'
        )
        for n, size in enumerate(article_sizes(paragraphs, sizes_rng)):
            slug, outlet, leaning = OUTLETS[n % len(OUTLETS)]
            folder = out / slug
            if n < len(OUTLETS):
                folder.mkdir(exist_ok=True)
            name = f"{slug}/{n:07d}.txt"
            title, text = writer.article(size)
            data = text.encode("utf-8")
            (out / name).write_bytes(data)
            day = 1 + n % 28
            month = 1 + (n // 28) % 12
            sidecar.write(
                f"[files.{toml_str(name)}]\noutlet = {toml_str(outlet)}\n"
                f"author = {toml_str(AUTHORS[n % len(AUTHORS)])}\n"
                f'published = "2008-{month:02d}-{day:02d}"\ntitle = {toml_str(title)}\n'
                f'leaning = "{leaning}"\nnotes = "synthetic (bench/corpus.py seed {seed})"\n\n'
            )
            files += 1
            written += len(data)
    marker.write_text(stamp)
    return {"files": files, "bytes": written, "paragraphs": paragraphs}


def _stats(out: Path) -> dict[str, int]:
    files = list(out.rglob("*.txt"))
    stamp = (out / MARKER).read_text()
    paragraphs = int(stamp.split()[0].split("=")[1])
    return {
        "files": len(files),
        "bytes": sum(f.stat().st_size for f in files),
        "paragraphs": paragraphs,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--paragraphs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    stats = generate(args.out, args.paragraphs, args.seed)
    took = time.perf_counter() - started
    print(
        f"{stats['files']} files, {stats['paragraphs']} paragraphs, "
        f"{stats['bytes'] / 1e6:.1f} MB in {args.out} ({took:.1f} s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
