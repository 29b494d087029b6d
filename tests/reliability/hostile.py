"""Hostile inputs shared by the reliability tests and the full-run scripts in scripts/reliability.

Everything here is deterministic for a given seed, so a failing run can be replayed.
"""

from __future__ import annotations

import json
import random
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

# Terminal attacks a scraped page can carry: clear screen, cursor moves, SGR, window title
# (OSC 0/2), hyperlinks (OSC 8), clipboard writes (OSC 52), BEL, backspaces, C1 CSI/OSC.
ESCAPES = (
    "\x1b[2J\x1b[H",
    "\x1b[31;1mRED\x1b[0m",
    "\x1b]0;PWNED-TITLE\x07",
    "\x1b]2;PWNED-TITLE2\x1b\\",
    "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    "\x1b]52;c;cHduZWQ=\x07",
    "\x07\x07",
    "abc\x08\x08\x08XYZ",
    "\x9b2J",
    "\x9d0;C1-TITLE\x9c",
    "\x1bP+q544e\x1b\\",
    "\x1b[6n",
    "\x1b[?1049h",
    "\x1bc",
)
# Rich/Textual markup that must show literally (or crash a markup widget if parsed).
MARKUP = (
    "[bold]BOLD[/bold]",
    "[/]",
    "[/bold]",
    "[link=https://evil.example]LINK[/link]",
    "[@click=app.quit]QUIT[/]",
    "[@click=app.bell]BELL[/]",
    "[ISCI]",
    "[$accent]",
    "[b]x[/b] [i]y[/i] [red on blue]z[/]",
)
# Genuine right-to-left text, which must still show once the bidi controls are neutralised.
ARABIC = "\u0645\u0642\u062a\u062f\u0649 \u0627\u0644\u0635\u062f\u0631"  # Muqtada al-Sadr
HEBREW = "\u05e9\u05dc\u05d5\u05dd"  # shalom
# Bidi controls, which reorder what follows them in a terminal or viewer that applies the
# bidi algorithm ("Trojan Source"): overrides, embeddings, isolates and marks, beside
# genuine right-to-left text.
BIDI = (
    "invoice\u202etxt.exe\u202c",  # RLO: "invoiceexe.txt" on a bidi terminal
    "\u202dpassword\u202c",  # LRO
    f"\u202b{ARABIC}\u202c",  # RLE ... PDF
    "\u202aleft-to-right inside\u202c",  # LRE ... PDF
    f"\u2067{HEBREW}\u2069 \u2066isolated\u2069 \u2068first strong\u2069",  # RLI LRI FSI PDI
    "total \u200f100 200\u200e 300",  # RLM and LRM move numbers around
    f"\u061c{ARABIC}",  # ALM
    "access \u202e\u2066// check later\u2069\u2066if admin\u2069",  # the Trojan Source shape
)
# What a terminal must never receive from corpus text (SGR colour of our own is allowed
# separately by the tests that use colour).
FORBIDDEN_OUTPUT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidi controls: not control sequences, but they must not reach a terminal either.
BIDI_CONTROL = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
UNSAFE_ON_SCREEN = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def hostile_line(rng: random.Random | None = None) -> str:
    """One line mixing every escape, markup and bidi sample with ordinary words."""
    parts = [*ESCAPES, *MARKUP, *BIDI]
    if rng is not None:
        rng.shuffle(parts)
    return " Sadr ".join(parts)


QUOTE_MARKS = "\"'“”‘’«»„‚‹›「」『』"


@dataclass(frozen=True)
class NastyFile:
    """A hostile file and what ingest must do with it."""

    name: str
    data: bytes
    expect: str  # ingested | refused | either


def _unicode_planes(rng: random.Random) -> str:
    """Characters from every plane 0-16, assigned or not, incl. noncharacters and PUA."""
    chars: list[str] = []
    for plane in range(17):
        base = plane << 16
        for _ in range(40):
            cp = base + rng.randrange(0x10000)
            if 0xD800 <= cp <= 0xDFFF:
                continue
            chars.append(chr(cp))
        chars += [chr(base + 0xFFFE), chr(base + 0xFFFF)]
    words = ["".join(chars[i : i + 7]) for i in range(0, len(chars), 7)]
    return "Text from every plane. " + " ".join(words) + ". The end.\n"


def nasty_files(seed: int = 0) -> list[NastyFile]:
    """The fixed hostile folder (without the 20 MB line, made separately at test time)."""
    rng = random.Random(seed)
    random_bytes = bytes(rng.randrange(256) for _ in range(64 * 1024))
    no_nul = bytes(rng.randrange(1, 256) for _ in range(16 * 1024))
    rtl = (
        "قال مقتدى الصدر إن جيش المهدي لن يلقي السلاح في البصرة.\n\n"
        "אמר הדובר כי ההפסקה תימשך. \u202eevil override\u202c and \u2066isolate\u2069.\n\n"
        "Mixed: Sadr \u200fقال\u200e said \u202bembedded\u202c text.\n"
    )
    zalgo = "S" + "\u0301\u0316\u0337\u0489" * 400 + "adr said Basra" + "\u0300" * 2000 + ".\n"
    zero_width = (
        "Mu\u200bqtada al-\u200dSadr met \u2060Maliki\ufeff in Ba\u200csra.\n\n"
        + "\u200b" * 5000
        + "\n\nThe Mah\u00addi Army.\n"
    )
    with_nul = b"Muqtada al-Sadr spoke.\x00\x00 Then NUL bytes.\n"
    cr_only = b"First paragraph line one.\rLine two.\r\rSecond paragraph.\r\rThird.\r"
    mixed = (
        "Windows line.\r\nUnix line.\nMac line.\rNEL\x85line.\u2028LS line.\u2029PS line.\n"
        "\x0bvertical tab\x0cform feed\r\n\r\n\n\rEnd.\n"
    )
    only_quotes = (QUOTE_MARKS * 3000 + "\n") * 3
    nested = (
        "He said \"she said 'they said “no ‘never « jamais » ever’ now” later' then\" done.\n\n"
        + "“" * 2000
        + " open forever\n\n"
        + "”" * 2000
        + ' close\n\n"unbalanced start and no end\n\n'
        + "end without start”\n\n"
        + '"' * 999
        + "\n"
    )
    lookalikes = (
        "Muqtada al-Sadr al-Sadr al-Sadr al-Sadr. Mahdi Army Army Army. MAHDI ARMY mahdi army.\n\n"
        "Muqtada a1-Sadr, Muqtada al–Sadr, Muqtada al Sadr, Moqtada, Sadrists, Basraville, "
        "Jaish al-Mahdi al-Mahdi, Nouri al-Maliki-Maliki, Iran-Iraq, Quds Force Force.\n\n"
        + " ".join(["Sadr"] * 5000)
        + "\n\nMuqtada\nal-Sadr split across lines; Mahdi\r\nArmy too.\n"
    )
    html = (
        "<html><head><script>alert(1)</script><title>t</title></head><body>"
        "<p>Sadr said &quot;no&quot; &amp; left.</p><!-- comment --><br/></body></html>\n"
    )
    markup = "\n\n".join([*MARKUP, *ESCAPES, "Muqtada al-Sadr said “[bold]stop[/]” in Basra."])
    many_paragraphs = "\n\n".join(f"Word{i}." for i in range(20000)) + "\n"
    utf16_good = "Sadr said “hello” in Basra.\n".encode("utf-16")
    cp1252 = "Sadr said \u201chello\u201d \u2013 caf\u00e9.\n".encode("cp1252")
    front = "---\ntitle: [bold]x\n---\n\n---\n\n---\nOnly fences.\n"
    return [
        NastyFile("random_bytes.txt", random_bytes, "refused"),
        NastyFile("random_bytes_no_nul.txt", no_nul, "either"),
        NastyFile("every_plane.txt", _unicode_planes(rng).encode("utf-8"), "ingested"),
        NastyFile("rtl.txt", rtl.encode("utf-8"), "ingested"),
        NastyFile("combining.txt", zalgo.encode("utf-8"), "ingested"),
        NastyFile("zero_width.txt", zero_width.encode("utf-8"), "ingested"),
        NastyFile("nul_bytes.txt", with_nul, "refused"),
        NastyFile("cr_only.txt", cr_only, "ingested"),
        NastyFile("mixed_endings.txt", mixed.encode("utf-8"), "ingested"),
        NastyFile("empty.txt", b"", "refused"),
        NastyFile("whitespace_only.md", b" \n\t\r\n  \n", "refused"),
        NastyFile("only_quotes.txt", only_quotes.encode("utf-8"), "ingested"),
        NastyFile("nested_quotes.txt", nested.encode("utf-8"), "ingested"),
        NastyFile("gazetteer_lookalikes.txt", lookalikes.encode("utf-8"), "ingested"),
        NastyFile("pasted.html.txt", html.encode("utf-8"), "ingested"),
        NastyFile("markup_and_escapes.md", markup.encode("utf-8"), "ingested"),
        NastyFile("many_paragraphs.txt", many_paragraphs.encode("utf-8"), "ingested"),
        NastyFile("utf16.txt", utf16_good, "ingested"),
        NastyFile("utf16_broken.txt", b"\xff\xfeS\x00a\x00d", "either"),
        NastyFile("cp1252.txt", cp1252, "ingested"),
        NastyFile("bom.txt", b"\xef\xbb\xbfSadr with a BOM.\n", "ingested"),
        NastyFile("front_matter_only.md", front.encode("utf-8"), "either"),
        NastyFile(
            "name \x1b[31mred\x1b[0m\x07.txt", b"A file whose name is hostile.\n", "ingested"
        ),
        NastyFile(
            "[bold]markup [@click=app.quit]name.txt", b"A file whose name is markup.\n", "ingested"
        ),
        NastyFile("deep/er/and/deeper/nested.txt", b"Nested folder file.\n", "ingested"),
        NastyFile("single_char.txt", b"x", "ingested"),
        NastyFile("one_long_word.txt", b"A" * 200_000, "ingested"),
    ]


def write_nasty_folder(folder: Path, seed: int = 0) -> list[NastyFile]:
    """Write the hostile folder (plus a seed-like good file) and return what was written."""
    files = nasty_files(seed)
    for item in files:
        target = folder / item.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(item.data)
    return files


def huge_line_file(path: Path, megabytes: int = 20, seed: int = 0, *, dense: bool = False) -> None:
    """One line of `megabytes` MB of prose-like words: a name now and then, or (`dense`)
    a gazetteer name every few words, the worst case for the actor and quote stages."""
    rng = random.Random(seed)
    if dense:
        words = (
            "the Mahdi Army fought in Basra while Muqtada al-Sadr and Maliki talked of a truce "
            "near Qom after days of shelling across the southern city"
        ).split()
    else:
        words = (
            "the fighting went on for days while officials talked of a truce and residents "
            "waited for water power and news from the southern city Basra"
        ).split() + ["said"] * 5
    chunk = " ".join(rng.choice(words) for _ in range(20000))
    block = (chunk + " ").encode("utf-8")
    target = megabytes * 1024 * 1024
    with path.open("wb") as handle:
        written = 0
        while written < target:
            piece = block[: target - written]
            handle.write(piece)
            written += len(piece)


# Hostile sidecars: (file name, content, what must happen). A refused sidecar stops the
# ingest of its folder with one line naming the file; "accepted" ones must ingest.
HOSTILE_SIDECARS: tuple[tuple[str, str, str], ...] = (
    ("sources.toml", '[files."a.txt"]\ntitle = 5\n', "refused"),
    ("sources.toml", '[files."a.txt"]\noutlet = ["x", 1]\n', "refused"),
    ("sources.toml", "files = 3\n", "refused"),
    ("sources.toml", "defaults = []\n", "refused"),
    ("sources.toml", '[files."a.txt"]\nboilerplate = "x"\n', "refused"),
    ("sources.toml", '[files."a.txt"]\ntitle = "a"\ntitle = "b"\n', "refused"),
    ("sources.toml", "[files]\n[files]\n", "refused"),
    ("sources.toml", "x = 99999999999999999999999999999999999\n", "refused"),
    ("sources.toml", "a = " + "[" * 5000 + "]" * 5000 + "\n", "refused"),
    ("sources.toml", "a = " + "{b = " * 3000 + "1" + "}" * 3000 + "\n", "refused"),
    ("sources.toml", "\xff\xfe not utf-8", "refused"),
    ("sources.toml", '[files."a.txt"\ntitle = \'unterminated\n', "refused"),
    ("sources.toml", '[files."a.txt"]\npublished = 1979-05-27T07:32:00Z\n', "either"),
    ("sources.toml", '[files."a.txt"]\ntitle = "' + "T" * 2_000_000 + '"\n', "accepted"),
    (
        "sources.toml",
        '[files."a.txt"]\ntitle = "\\u001b]0;PWNED\\u0007[bold]x[/]"\n'
        'outlet = "\\u001b[2J[@click=app.quit]Q[/]"\n',
        "accepted",
    ),
    ("sources.toml", '[[boilerplate]]\npattern = "("\nreason = "bad"\n', "refused"),
    ("sources.toml", "[[boilerplate]]\ntext = 5\n", "refused"),
    ("actors.toml", "[[actor]]\nname = 5\n", "refused"),
    ("actors.toml", "actor = 5\n", "refused"),
    ("actors.toml", '[[actor]]\nname = "X"\ntype = "person"\naliases = "notalist"\n', "refused"),
    ("actors.toml", '[[actor]]\nname = "X"\nname = "Y"\n', "refused"),
    ("actors.toml", '[[actor]]\nname = ""\ntype = "person"\n', "either"),
    ("actors.toml", '[[actor]]\nname = "a"\ntype = "person"\naliases = ["", " ", "."]\n', "either"),
    ("actors.toml", "garbage = [[[\n", "refused"),
    ("events.toml", "[[event]]\nkey = 5\n", "refused"),
    ("events.toml", 'event = "x"\n', "refused"),
    ("events.toml", '[[event]]\nkey = "k"\nlabel = "L"\ndate = "not a date"\n', "either"),
    ("events.toml", "x = " + "[" * 100000 + "\n", "refused"),
)


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def ingested_files(db: Path) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        return {str(r[0]) for r in conn.execute("SELECT file FROM sources")}
    finally:
        conn.close()


def toml_str(value: str) -> str:
    """A TOML basic string holding `value` exactly (control characters escaped)."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


HOSTILE_ACTOR = "Evil\x1b]0;PWNED-ACTOR\x07 [bold]Actor[/] \x9b2J \u202erotcA\u202c"
HOSTILE_EVENT_LABEL = (
    f"Siege \x1b[2J[@click=app.quit]of[/] Basra\x1b]52;c;cHduZWQ=\x07 \u2067{ARABIC}\u2069"
)


def hostile_body(seed: int = 0) -> str:
    """Article text whose sentences, quotes and names all carry escapes and markup."""
    rng = random.Random(seed)
    paragraphs = []
    for n in range(6):
        line = hostile_line(rng)
        paragraphs.append(
            f"Muqtada al-Sadr said “{line}” in Basra on day {n}. "
            f"Evilactor met the Mahdi Army near the Qom truce talks. {line}. "
            f'The AP reported: "{rng.choice(MARKUP)} {rng.choice(ESCAPES)} stop the siege."'
        )
    return "\n\n".join(paragraphs) + "\n"


def write_display_corpus(folder: Path, seeds: Path) -> None:
    """A corpus whose every printable field (text, metadata, actors, events) is hostile."""
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(2):
        (folder / f"hostile{index}.txt").write_text(hostile_body(index), encoding="utf-8")
    (folder / "markup [bold]name[@click=app.bell] \x1b[31mred.txt").write_text(
        hostile_body(9), encoding="utf-8"
    )
    line = hostile_line()
    (folder / "sources.toml").write_text(
        "\n".join(
            [
                '[files."hostile0.txt"]',
                f"title = {toml_str('Title ' + BIDI[2] + ' ' + BIDI[0] + ' ' + line)}",
                f"outlet = {toml_str('Outlet ' + ESCAPES[2] + MARKUP[4])}",
                f"author = {toml_str('Author ' + ESCAPES[5] + MARKUP[1])}",
                '[files."hostile1.txt"]',
                f"outlet = {toml_str('Other ' + ESCAPES[0] + '[link=x]o[/link]' + BIDI[1])}",
                f"title = {toml_str(ESCAPES[3])}",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    actors = (seeds / "actors.toml").read_text(encoding="utf-8")
    actors += (
        f'\n[[actor]]\nname = {toml_str(HOSTILE_ACTOR)}\ntype = "person"\n'
        f'aliases = ["Evilactor"]\ndescription = {toml_str(line)}\n'
    )
    (folder / "actors.toml").write_text(actors, encoding="utf-8")
    events = (seeds / "events.toml").read_text(encoding="utf-8")
    events += (
        f'\n[[event]]\nkey = "hostile_siege"\nlabel = {toml_str(HOSTILE_EVENT_LABEL)}\n'
        f'date = "2008-03-25"\ndescription = {toml_str(line)}\n'
        'terms = ["siege of basra", "stop the siege"]\nactors = ["Muqtada al-Sadr"]\n'
    )
    (folder / "events.toml").write_text(events, encoding="utf-8")


def random_file(rng: random.Random) -> bytes:
    """One generated file: random bytes, or text mixing every plane with the nasty pieces."""
    kind = rng.random()
    if kind < 0.2:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(0, 4000)))
    pieces = [*ESCAPES, *MARKUP, *QUOTE_MARKS, "\r", "\r\n", "\n\n", "\u2028", "\u200b"]
    pieces += ["\u202e", "Muqtada al-Sadr", "Mahdi Army", "Basra", "Maliki", ". ", " "]
    if rng.random() < 0.1:
        pieces.append("\x00")
    parts = []
    for _ in range(rng.randrange(0, 300)):
        if rng.random() < 0.5:
            parts.append(rng.choice(pieces))
        else:
            cp = rng.randrange(0x110000)
            parts.append(chr(cp) if not 0xD800 <= cp <= 0xDFFF else " ")
    text = "".join(parts)
    encoding = rng.choice(["utf-8", "utf-8", "utf-8", "utf-16", "utf-8-sig"])
    return text.encode(encoding)


def put_back_bidi_controls(db: Path) -> int:
    """Give the stored display text (sources, paragraphs, sentences) back the bidi controls
    of the text as decoded, at the same offsets: what a database ingested before they were
    neutralised holds, so the display paths must neutralise them when they print.
    Returns how many were put back."""
    conn = sqlite3.connect(db)
    restored = 0
    try:
        with conn:
            sources = conn.execute("SELECT id, text, display FROM sources").fetchall()
            for source, text, display in sources:
                shown = list(display)
                for match in BIDI_CONTROL.finditer(text):
                    shown[match.start()] = match.group()
                    restored += 1
                new = "".join(shown)
                if new == display:
                    continue
                conn.execute("UPDATE sources SET display = ? WHERE id = ?", (new, source))
                for table in ("paragraphs", "sentences"):
                    rows = conn.execute(
                        f"SELECT id, start, end FROM {table} WHERE source = ?", (source,)
                    ).fetchall()
                    conn.executemany(
                        f"UPDATE {table} SET text = ? WHERE id = ?",
                        [(new[start:end], row) for row, start, end in rows],
                    )
    finally:
        conn.close()
    return restored
