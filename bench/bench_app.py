"""Benchmark the app: first paint against a minimal Textual app, and keystroke-to-screen times.

Run: python bench/bench_app.py [--runs 7] [--quotes 100000] [--rows 100000]
     python bench/bench_app.py --rss DB   # the app's peak memory on a large database

- First frame: each app runs in a child process started the same way (runs interleaved)
  (`python bench_app.py --child KIND DB`), headless; the parent stamps the time just before
  starting the child, the child prints the time of its first refresh (FIELD-NOTES A8) and
  exits. The minimal anchor is `App` with one `Static`; iraqtui is `IraqApp` on the seeds
  database, stamped when its main screen first paints (one line of text; the panes are
  composed right after, and that second paint is reported too).
- Quote finder: in-process (`run_test`), on the seeds and on a copy padded with `--quotes`
  synthetic quotes (50 per synthetic source); from the input's change handler to the refresh
  after the results are shown (the index is warmed first, as the app does).
- Compare screen: from the `]` (next event) action to the refresh after the new columns are
  shown (the analysis runs in a worker in between), and from `j` (next sentence) to the
  refresh after the cursor moves, on the seeds; and a synthetic event of 1,000 sentences over
  8 outlets handed straight to the screen: built on a fresh screen, and rebuilt in place.
- Lists: from the `4` action to the refresh showing the first window of the padded Quotes
  list (its rows are fetched from the database a window at a time).
- `--rss DB`: peak RSS of the app on DB once its lists are loaded and the Quotes list has
  drawn rows, against a minimal Textual app's, each in a child process.
The pilot's own cost per key press (~40 ms here) is not in these figures.
A benchmark, not a test: it asserts nothing. Medians of `--runs` runs; CPU speed here swings,
so read each figure beside its anchor.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEED = 20080331


def child(kind: str, db: str) -> None:
    """Runs in the child process: start the app, print the time of the first frame, exit."""
    if kind == "minimal":
        from textual.app import App, ComposeResult
        from textual.widgets import Static

        class Minimal(App[None]):
            def compose(self) -> ComposeResult:
                yield Static("hello")

            def on_mount(self) -> None:
                self.call_after_refresh(stamp, self)

        Minimal().run(headless=True)
        return
    from iraqtui.config import bundled_seeds_dir
    from iraqtui.tui.app import IraqApp
    from iraqtui.tui.screens.main import MainScreen

    original = MainScreen.on_mount
    build = MainScreen._build

    def on_mount(self: MainScreen) -> None:
        # Registered first: it runs as soon as the first frame is out, before the callback
        # that composes the panes (both wait for the same refresh).
        self.call_after_refresh(stamp, self.app, False)
        original(self)

    async def built(self: MainScreen) -> None:
        await build(self)
        self.call_after_refresh(stamp, self.app, True, "PANES")

    MainScreen.on_mount = on_mount  # type: ignore[method-assign]
    MainScreen._build = built  # type: ignore[method-assign]
    IraqApp(Path(db), bundled_seeds_dir()).run(headless=True)


def rss_child(db: str) -> None:
    """In the child: the app on DB until its lists are loaded and the Quotes list (section 4)
    has drawn its first window, then quit; prints how long the lists took."""
    from iraqtui.config import bundled_seeds_dir
    from iraqtui.tui.app import IraqApp
    from iraqtui.tui.screens.main import MainScreen

    started = time.perf_counter()
    loaded = MainScreen._lists_loaded
    fetched = MainScreen._window_fetched

    def on_loaded(self: MainScreen, *args: object) -> None:
        loaded(self, *args)  # type: ignore[arg-type]
        print(f"LISTS {time.perf_counter() - started:.3f}", flush=True)
        self.action_section("quotes")
        self.sidebar.rows.action_jump(-1)  # the last rows: a window fetched on demand

    def on_window(self: MainScreen, *args: object) -> None:
        fetched(self, *args)  # type: ignore[arg-type]
        print(f"QUOTES {time.perf_counter() - started:.3f}", flush=True)
        self.app.exit()

    MainScreen._lists_loaded = on_loaded  # type: ignore[method-assign]
    MainScreen._window_fetched = on_window  # type: ignore[method-assign]
    IraqApp(Path(db), bundled_seeds_dir()).run(headless=True)


def rss(db: Path) -> None:
    """Peak RSS (VmHWM) of the app on DB, lists loaded and quotes shown, beside a minimal
    Textual app's (the anchor), both children started the same way."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from measure import run_child

    anchor = run_child([sys.executable, __file__, "--child", "minimal", str(db)], timeout=120)
    ours = run_child([sys.executable, __file__, "--child", "rss", str(db)], timeout=900)
    times = dict(
        line.split()[:2]
        for line in ours.stdout.splitlines()
        if line.split()[:1] in (["LISTS"], ["QUOTES"])
    )
    print(f"{'peak RSS, minimal Textual app (anchor)':<58} {anchor.peak_process_mb:8.0f} MB")
    ratio = ours.peak_process_mb / anchor.peak_process_mb
    print(
        f"{'peak RSS, iraqtui lists loaded, quotes shown':<58} {ours.peak_process_mb:8.0f} MB"
        f"  {ratio:.1f}x anchor (goal 250 MB)"
    )
    print(
        f"  lists loaded after {times.get('LISTS', '?')} s, quotes drawn after "
        f"{times.get('QUOTES', '?')} s; {db}"
    )
    if ours.stderr.strip():
        print(ours.stderr[-500:])


def stamp(app: object, done: bool = True, what: str = "FRAME") -> None:
    print(f"{what} {time.time():.6f}", flush=True)
    if done:
        app.exit()  # type: ignore[attr-defined]


def first_frame(kind: str, db: Path, what: str = "FRAME") -> float:
    started = time.time()
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(db)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    for line in done.stdout.splitlines():
        if f"{what} " in line:
            return float(line.split(f"{what} ", 1)[1].split()[0]) - started
    raise RuntimeError(f"{kind}: no frame stamp; stderr: {done.stderr[-500:]}")


def build_seeds_db(folder: Path) -> Path:
    from iraqtui.config import bundled_seeds_dir
    from iraqtui.ingest.pipeline import ingest
    from iraqtui.store.db import open_db

    path = folder / "seeds.db"
    db = open_db(path)
    ingest(db.conn, [bundled_seeds_dir()], bundled_seeds_dir())
    db.conn.close()
    return path


def pad_quotes(path: Path, count: int, per_source: int = 50) -> None:
    """Add `count` synthetic quotes, `per_source` to each of as many synthetic sources (copies
    of the first seed's row, marked synthetic in their path)."""
    rng = random.Random(SEED)
    words = (
        "militia truce offensive basra sadr maliki iran army ceasefire talks city police "
        "weapons fighting government forces leaders support political movement statement "
        "spokesman negotiations security operation control province south clashes week"
    ).split()
    conn = sqlite3.connect(path)
    columns = [r[1] for r in conn.execute("PRAGMA table_info(sources)") if r[1] != "id"]
    (first,) = conn.execute("SELECT min(id) FROM sources").fetchone()
    listed = ", ".join(columns)
    picked = ", ".join("? || path" if c == "path" else c for c in columns)
    with conn:
        for n in range(0, count, per_source):
            cursor = conn.execute(
                f"INSERT INTO sources ({listed}) SELECT {picked} FROM sources WHERE id = ?",
                (f"synthetic-{n}-", first),
            )
            source = cursor.lastrowid
            rows = []
            for _ in range(min(per_source, count - n)):
                text = " ".join(rng.choice(words) for _ in range(rng.randint(6, 30)))
                rows.append((source, 0, len(text), text, "speech", "Synthetic Speaker", 0.5))
            conn.executemany(
                "INSERT INTO quotes (source, start, end, text, kind, speaker, confidence, method) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 'synthetic')",
                rows,
            )
    conn.close()


class Stopwatch:
    """Keystroke-to-screen inside the app: started where the key is handled, stopped after the
    refresh that follows the update (the pilot's own ~40 ms per press is not counted)."""

    def __init__(self) -> None:
        self.started = 0.0
        self.times: list[float] = []

    def start(self) -> None:
        self.started = time.perf_counter()

    def stop_after_refresh(self, node: object) -> None:
        started = self.started
        node.call_after_refresh(lambda: self.times.append(time.perf_counter() - started))  # type: ignore[attr-defined]


def hook(cls: type, name: str, before: object = None, after: object = None) -> None:
    original = getattr(cls, name)

    if asyncio.iscoroutinefunction(original):

        async def wrapped_async(self: object, *a: object, **k: object) -> object:
            if before:
                before()  # type: ignore[operator]
            result = await original(self, *a, **k)
            if after:
                after(self)  # type: ignore[operator]
            return result

        setattr(cls, name, wrapped_async)
        return

    def wrapped(self: object, *a: object, **k: object) -> object:
        if before:
            before()  # type: ignore[operator]
        result = original(self, *a, **k)
        if after:
            after(self)  # type: ignore[operator]
        return result

    setattr(cls, name, wrapped)


async def finder_keystrokes(db: Path, query: str) -> list[float]:
    from iraqtui.config import bundled_seeds_dir
    from iraqtui.tui.app import IraqApp
    from iraqtui.tui.screens.finder import QuoteFinder

    watch = Stopwatch()
    hook(QuoteFinder, "_run", before=watch.start)
    hook(QuoteFinder, "_show", after=watch.stop_after_refresh)
    app = IraqApp(db, bundled_seeds_dir())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)  # the index is built (warm) before the first keystroke
        for ch in query:
            await pilot.press("space" if ch == " " else ch)
            await settle(pilot, rounds=1)
    return list(watch.times)


async def compare_keystrokes(db: Path, steps: int) -> tuple[list[float], list[float]]:
    from iraqtui.config import bundled_seeds_dir
    from iraqtui.tui.app import IraqApp
    from iraqtui.tui.screens.compare import CompareScreen
    from iraqtui.tui.widgets.compare_column import CompareColumn

    step_watch, move_watch = Stopwatch(), Stopwatch()
    hook(CompareScreen, "action_step", before=step_watch.start)
    hook(CompareScreen, "_loaded", after=step_watch.stop_after_refresh)
    hook(CompareColumn, "action_move", before=move_watch.start, after=move_watch.stop_after_refresh)
    app = IraqApp(db, bundled_seeds_dir())
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        app.compare("event", "qom_truce")
        await settle(pilot)
        step_watch.times.clear()  # the first load is not a keystroke
        for _ in range(steps):
            await pilot.press("right_square_bracket")
            await settle(pilot)
            await pilot.press("j")
            await settle(pilot, rounds=1)
    return list(step_watch.times), list(move_watch.times)  # copies: the hooks stay installed


def synthetic_comparison(sentences: int, outlets: int, seed: int) -> object:
    """CompareData for an event with `sentences` sentences spread over `outlets` outlets
    (synthetic text; half own voice, half quoted; a few evaluative words each)."""
    from iraqtui.analysis.compare import ComparedSentence, Comparison, OutletColumn, Target
    from iraqtui.analysis.keyness import KeyTerm, PriorInfo
    from iraqtui.analysis.tone import Evaluative, Tone
    from iraqtui.models import CorpusSentence
    from iraqtui.tui.data import CompareData

    rng = random.Random(seed)
    words = (
        "militia truce offensive basra sadr maliki iran army ceasefire talks city police "
        "weapons fighting government forces leaders support political movement statement "
        "spokesman negotiations security operation control province south clashes week"
    ).split()
    columns = []
    per = sentences // outlets
    for o in range(outlets):
        outlet = f"Synthetic Outlet {o + 1}"
        own, quoted = [], []
        for n in range(per):
            text = " ".join(rng.choice(words) for _ in range(rng.randint(12, 45))) + "."
            voice = "own" if n % 2 == 0 else "quoted"
            s = CorpusSentence(
                o * per + n,
                o,
                f"synthetic-{o}.txt",
                outlet,
                n,
                0,
                0,
                text,
                voice,
                None if voice == "own" else "AP",
            )
            first = text.index(" ")
            item = ComparedSentence(
                s,
                (),
                () if voice == "own" else ("AP",),
                (Evaluative(0, first, text[:first], -1.0),),
            )
            (own if voice == "own" else quoted).append(item)
        terms = tuple(KeyTerm(w, w, 3, 1, 1.0, 1.5, 0.1) for w in words[:8])
        columns.append(
            OutletColumn(
                outlet,
                (f"synthetic-{o}.txt",),
                tuple(own),
                tuple(quoted),
                Tone(-0.2, len(own), 1, 2),
                (("fighting", -1.0, 4),),
                terms,
                100,
                (("Muqtada al-Sadr", 5, 3),),
            )
        )
    comparison = Comparison(
        Target("event", "qom_truce", "Synthetic event"),
        tuple(columns),
        PriorInfo(0.01, 1000, "synthetic"),
        "synthetic tone",
        "synthetic terms",
        0.0,
    )
    return CompareData(comparison, (), ("qom_truce",))


async def compare_build(db: Path, runs: int) -> tuple[list[float], list[float]]:
    """The compare screen for 1,000 sentences over 8 outlets: built on a fresh screen (every
    column mounted), and rebuilt in place (as `]` does when the column count is unchanged)."""
    from iraqtui.config import bundled_seeds_dir
    from iraqtui.tui.app import IraqApp
    from iraqtui.tui.screens.compare import CompareScreen

    class Quiet(CompareScreen):
        def load(self) -> None:  # the data comes from the benchmark
            pass

    fresh: list[float] = []
    again: list[float] = []
    data = [synthetic_comparison(1000, 8, SEED + n) for n in range(runs * 2)]
    app = IraqApp(db, bundled_seeds_dir())
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        for n in range(runs):
            screen = Quiet("event", "qom_truce")
            await app.push_screen(screen)
            await settle(pilot, rounds=1)
            for times, payload in ((fresh, data[2 * n]), (again, data[2 * n + 1])):
                watch = Stopwatch()
                watch.times = times
                watch.start()
                await screen._loaded(payload)  # type: ignore[arg-type]
                await columns_laid_out(screen)
                watch.stop_after_refresh(screen)
                await settle(pilot, rounds=1)
            app.pop_screen()
            await settle(pilot, rounds=1)
    return fresh, again


async def columns_laid_out(screen: object) -> None:
    """Wait until every column has wrapped its text at its real width (new columns do that
    when their first Resize arrives), so the stopwatch stops after a frame with text in it."""
    for _ in range(10_000):
        columns = screen.columns  # type: ignore[attr-defined]
        if all(c._width > 0 for c in columns):
            return
        await asyncio.sleep(0)


async def list_ready(db: Path) -> float:
    """From `4` to the refresh that shows quote rows (the list holds ids; its rows come from
    the database a window at a time, the first one with the lists)."""
    from iraqtui.config import bundled_seeds_dir
    from iraqtui.tui.app import IraqApp
    from iraqtui.tui.screens.main import MainScreen
    from iraqtui.tui.widgets.row_list import RowList

    watch = Stopwatch()
    # Stopped after the refresh that follows the key, and again after a window of rows
    # arrives if one had to be fetched (the first window is fetched with the lists).
    hook(MainScreen, "action_section", before=watch.start, after=watch.stop_after_refresh)
    hook(MainScreen, "_window_fetched", after=watch.stop_after_refresh)
    app = IraqApp(db, bundled_seeds_dir())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, rounds=5)
        await pilot.press("4")
        await settle(pilot, rounds=1)
        rows = app.screen.query_one("#sidebar-list", RowList)
        print(f"  (quotes list shows {rows.row_count:,} rows)")
    return watch.times[-1]


async def settle(pilot: object, rounds: int = 3) -> None:
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()  # type: ignore[attr-defined]
        await pilot.pause()  # type: ignore[attr-defined]


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:8.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--child", nargs=2, metavar=("KIND", "DB"), help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--quotes", type=int, default=100_000, help="synthetic quotes added")
    parser.add_argument("--rss", type=Path, metavar="DB", help="only the app's memory on DB")
    args = parser.parse_args()
    if args.child:
        kind, db = args.child
        if kind == "rss":
            rss_child(db)
        else:
            child(kind, db)
        return
    if args.rss:
        rss(args.rss)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        seeds = build_seeds_db(folder)
        minimal: list[float] = []
        ours: list[float] = []
        panes: list[float] = []
        for _ in range(args.runs):  # interleaved, so a change in machine load hits all three
            minimal.append(first_frame("minimal", seeds))
            ours.append(first_frame("iraqtui", seeds))
            panes.append(first_frame("iraqtui", seeds, "PANES"))
        padded = folder / "padded.db"
        shutil.copy(seeds, padded)
        pad_quotes(padded, args.quotes)
        finder_seeds = asyncio.run(finder_keystrokes(seeds, "too big for his boots"))
        finder_big = asyncio.run(finder_keystrokes(padded, "militia truce basra"))
        steps, moves = asyncio.run(compare_keystrokes(seeds, args.runs))
        built, rebuilt = asyncio.run(compare_build(seeds, args.runs))
        ready = [asyncio.run(list_ready(padded)) for _ in range(3)]
    n = args.quotes
    print()
    print(f"{'figure':<58} {'median':>11}  anchor / goal")
    print(f"{'first frame, minimal Textual app (anchor)':<58} {ms(minimal)}")
    ratio = statistics.median(ours) / statistics.median(minimal)
    print(f"{'first frame, iraqtui main screen':<58} {ms(ours)}  {ratio:.2f}x anchor (goal 1.2x)")
    ratio = statistics.median(panes) / statistics.median(minimal)
    label = "  then its panes composed and painted (lists load after)"
    print(f"{label:<58} {ms(panes)}  {ratio:.2f}x anchor")
    print(f"{'quote finder, keystroke to screen, seeds':<58} {ms(finder_seeds)}")
    label = f"quote finder, keystroke to screen, +{n:,} quotes"
    print(f"{label:<58} {ms(finder_big)}  goal < 50 ms")
    print(f"{'  p90 of the same':<58} {statistics.quantiles(finder_big, n=10)[-1] * 1000:8.1f} ms")
    print(f"{'compare screen, ] (next event) to new columns, seeds':<58} {ms(steps)}  goal < 50 ms")
    print(f"{'compare screen, j (next sentence) to screen':<58} {ms(moves)}  goal < 50 ms")
    label = "compare screen, 1,000 sentences / 8 outlets, built"
    print(f"{label:<58} {ms(built)}  goal < 200 ms")
    label = "compare screen, 1,000 sentences / 8 outlets, rebuilt (])"
    print(f"{label:<58} {ms(rebuilt)}  goal < 50 ms")
    print(f"{f'quotes list of {n:,}+ rows, 4 to screen':<58} {ms(ready)}  goal < 200 ms")


if __name__ == "__main__":
    main()
