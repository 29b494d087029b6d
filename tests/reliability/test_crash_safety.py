"""SIGKILL an ingest mid-write: the database stays sound, sources whole, annotations kept."""

from __future__ import annotations

from pathlib import Path

from tests.reliability.crash import prepare, trial

SEED = 7
# Mid-run (sources split between before and after) and late (after the last source, where a
# re-run must finish the corpus-level stages). scripts/reliability/crash_ingest.py runs 25
# trials at random moments on a larger corpus, kills before any write among them.
FRACTIONS = (0.45, 0.8)


def test_ingest_killed_at_two_moments_leaves_a_sound_database(tmp_path: Path) -> None:
    prepared = prepare(tmp_path, files=8, seed=SEED)
    assert prepared.before != prepared.after  # the interrupted run has something to change
    for index, fraction in enumerate(FRACTIONS):
        delay = prepared.full_seconds * fraction
        result = trial(prepared, index, delay)
        assert not result.problems, f"seed {SEED}, kill after {delay:.2f} s: {result.problems}"
        assert result.acknowledged > 0  # the annotator really wrote during the ingest
