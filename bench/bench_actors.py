"""Benchmark actor recognition: ingest with a 10,000-alias gazetteer against no recognition.

Run: python bench/bench_actors.py [--paragraphs 100000]

Everything is synthetic and deterministic (a fixed seed): paragraphs of ordinary words with
names, misspelt names and unknown names; gazetteers of 100 and 10,000 aliases whose first
100 aliases are the same, so the texts name the same actors under both. Reported: the full
ingest (every stage, SQLite, FTS) without actor recognition, with 100 aliases and with
10,000; the actor stage alone for both sizes; and, for scale, a naive loop of one regex per
alias over a sample, whose cost grows with the number of aliases where the automaton's does
not. A benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from iraqtui.config import bundled_seeds_dir
from iraqtui.ingest import actors as actor_stage
from iraqtui.ingest.gazetteer import Gazetteer, fold, load_gazetteer
from iraqtui.ingest.pipeline import IngestOptions, ingest
from iraqtui.ingest.segment import build
from iraqtui.models import Candidate, Document, Mention
from iraqtui.store.db import open_db

SEED = 20080325
ALIASES_PER_ACTOR = 4
WORDS = (
    "the of and to in a that said was for on with as by government forces militia city "
    "officials fighting week offensive ceasefire truce talks reported according people "
    "police army leaders support weapons after before during south north province clashes "
    "statement spokesman negotiations political party movement security operation control"
).split()
SYLLABLES = "ka ri mo sa dul har zan bel qa ni fa lim tu ro has jab ur wa zi den".split()


def syllable_name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def make_actors(count: int) -> list[tuple[str, list[str]]]:
    """`count` actors with ALIASES_PER_ACTOR distinct aliases each (canonical included)."""
    rng = random.Random(SEED)
    used: set[str] = set()
    actors: list[tuple[str, list[str]]] = []
    while len(actors) < count:
        first, last = syllable_name(rng, 2), syllable_name(rng, 3)
        names = [f"{first} {last}", f"{first} al-{last}", f"{last} Brigade", f"{first}{last[:2]}"]
        keys = {fold(n) for n in names} | {fold(n.replace("al-", "al ")) for n in names}
        if keys & used or len(keys) < len(names):
            continue
        used |= keys
        actors.append((names[0], names[1:]))
    return actors


def write_gazetteer(path: Path, actors: list[tuple[str, list[str]]]) -> None:
    lines = ["# synthetic gazetteer for bench_actors.py"]
    for name, aliases in actors:
        quoted = ", ".join(f'"{a}"' for a in aliases)
        lines += ["[[actor]]", f'name = "{name}"', 'type = "person"', f"aliases = [{quoted}]", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def misspell(rng: random.Random, name: str) -> str:
    """One letter dropped from the longest word: what fuzzy matching is for."""
    words = name.split()
    i = max(range(len(words)), key=lambda k: len(words[k]))
    word = words[i]
    cut = rng.randrange(2, len(word) - 1) if len(word) > 4 else 1
    words[i] = word[:cut] + word[cut + 1 :]
    return " ".join(words)


def make_paragraphs(count: int, known: list[tuple[str, list[str]]]) -> list[str]:
    rng = random.Random(SEED + 1)
    names = [n for name, aliases in known for n in (name, *aliases)]
    strangers = [f"{syllable_name(rng, 2)} {syllable_name(rng, 2)}" for _ in range(500)]
    paragraphs: list[str] = []
    for _ in range(count):
        words: list[str] = []
        for _sentence in range(rng.randint(2, 4)):
            sentence = [rng.choice(WORDS) for _ in range(rng.randint(8, 16))]
            roll = rng.random()
            if roll < 0.6:
                sentence.insert(rng.randrange(1, len(sentence)), rng.choice(names))
            if roll < 0.05:
                sentence.insert(1, misspell(rng, rng.choice(names)))
            elif roll < 0.25:
                sentence.insert(rng.randrange(1, len(sentence)), rng.choice(strangers))
            sentence[0] = sentence[0].capitalize()
            words.append(" ".join(sentence) + ".")
        paragraphs.append(" ".join(words))
    return paragraphs


def write_corpus(folder: Path, paragraphs: list[str], per_file: int = 1000) -> None:
    for n in range(0, len(paragraphs), per_file):
        text = "\n\n".join(paragraphs[n : n + per_file]) + "\n"
        (folder / f"doc_{n // per_file:05d}.txt").write_text(text, encoding="utf-8")


@contextmanager
def actors_disabled() -> Iterator[None]:
    original = actor_stage.find_mentions

    def nothing(doc: Document, gazetteer: Gazetteer) -> tuple[list[Mention], list[Candidate]]:
        return [], []

    actor_stage.find_mentions = nothing
    try:
        yield
    finally:
        actor_stage.find_mentions = original


def timed_ingest(corpus: Path, db_path: Path, gazetteer: Path) -> tuple[float, int]:
    db = open_db(db_path)
    try:
        started = time.perf_counter()
        ingest(db.conn, [corpus], bundled_seeds_dir(), IngestOptions(actors_file=gazetteer))
        seconds = time.perf_counter() - started
        (mentions,) = db.conn.execute("SELECT count(*) FROM mentions").fetchone()
    finally:
        db.conn.close()
    return seconds, int(mentions)


def time_stage(docs: list[Document], gazetteer: Gazetteer) -> tuple[float, int, int]:
    gazetteer.index()  # built once per gazetteer, as in ingest; timed separately below
    started = time.perf_counter()
    mentions = candidates = 0
    for doc in docs:
        found, unknown = actor_stage.find_mentions(doc, gazetteer)
        mentions += len(found)
        candidates += len(unknown)
    return time.perf_counter() - started, mentions, candidates


def naive_loop(texts: list[str], aliases: list[str]) -> float:
    """The approach the automaton replaces: one compiled regex per alias, over every text."""
    patterns = [re.compile(rf"\b{re.escape(a)}\b", re.IGNORECASE) for a in aliases]
    started = time.perf_counter()
    for text in texts:
        for pattern in patterns:
            pattern.findall(text)
    return time.perf_counter() - started


def measure(label: str, fn: Callable[[], float]) -> float:
    seconds = fn()
    print(f"  {label:<58} {seconds:8.2f} s")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=100_000)
    parser.add_argument("--aliases", type=int, default=10_000)
    args = parser.parse_args()
    big = make_actors(args.aliases // ALIASES_PER_ACTOR)
    small = big[: 100 // ALIASES_PER_ACTOR]
    paragraphs = make_paragraphs(args.paragraphs, small)
    words = sum(len(p.split()) for p in paragraphs)
    print(
        f"{len(paragraphs):,} synthetic paragraphs ({words:,} words); gazetteers of "
        f"{len(small) * ALIASES_PER_ACTOR:,} and {len(big) * ALIASES_PER_ACTOR:,} aliases"
    )
    with tempfile.TemporaryDirectory(prefix="bench_actors_") as tmp:
        root = Path(tmp)
        corpus = root / "corpus"
        corpus.mkdir()
        write_corpus(corpus, paragraphs)
        small_toml, big_toml = root / "small.toml", root / "big.toml"
        write_gazetteer(small_toml, small)
        write_gazetteer(big_toml, big)

        print("full ingest (every stage, SQLite and FTS):")
        with actors_disabled():
            base, _ = timed_ingest(corpus, root / "none.db", big_toml)
        print(f"  {'without actor recognition':<58} {base:8.2f} s")
        with_small, n_small = timed_ingest(corpus, root / "small.db", small_toml)
        print(f"  {'with 100 aliases':<58} {with_small:8.2f} s  ({n_small:,} mentions)")
        with_big, n_big = timed_ingest(corpus, root / "big.db", big_toml)
        print(
            f"  {f'with {len(big) * ALIASES_PER_ACTOR:,} aliases':<58} {with_big:8.2f} s  "
            f"({n_big:,} mentions)"
        )
        print(
            f"  ratio with {len(big) * ALIASES_PER_ACTOR:,} aliases / without: "
            f"{with_big / base:.2f}×; 10,000 vs 100 aliases: {with_big / with_small:.2f}×"
        )

        print("actor stage alone (find_mentions over every document):")
        docs = []
        for path in sorted(corpus.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            paras, sentences = build(text, [])
            docs.append(Document(path.name, text, text, paras, sentences))
        started = time.perf_counter()
        big_gazetteer = load_gazetteer(big_toml)
        big_gazetteer.index()
        print(
            f"  {'load and index the 10,000-alias gazetteer (once)':<58} "
            f"{time.perf_counter() - started:8.2f} s"
        )
        small_gazetteer = load_gazetteer(small_toml)
        stage_small, m_small, c_small = time_stage(docs, small_gazetteer)
        print(
            f"  {'100 aliases':<58} {stage_small:8.2f} s  ({m_small:,} mentions, "
            f"{c_small:,} candidates)"
        )
        stage_big, m_big, c_big = time_stage(docs, big_gazetteer)
        print(
            f"  {'10,000 aliases':<58} {stage_big:8.2f} s  ({m_big:,} mentions, "
            f"{c_big:,} candidates)"
        )
        print(f"  stage ratio 10,000 / 100 aliases: {stage_big / stage_small:.2f}×")

        sample = paragraphs[:300]
        print(f"for scale: one regex per alias over {len(sample):,} paragraphs:")
        small_aliases = [a for name, more in small for a in (name, *more)]
        big_aliases = [a for name, more in big for a in (name, *more)]
        naive_small = measure("100 aliases", lambda: naive_loop(sample, small_aliases))
        naive_big = measure("10,000 aliases", lambda: naive_loop(sample, big_aliases))
        share = len(sample) / len(paragraphs)
        print(
            f"  naive ratio 10,000 / 100 aliases: {naive_big / naive_small:.1f}×; "
            f"extrapolated to all paragraphs: {naive_big / share:,.0f} s "
            f"(the automaton: {stage_big:.1f} s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
