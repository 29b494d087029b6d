"""The stage profile of bench/bench_ingest.py wraps functions by name: each must exist."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import bench_ingest  # noqa: E402


def test_every_profiled_stage_names_a_function_that_exists() -> None:
    for module, name, _label in bench_ingest.STAGES:
        assert callable(getattr(importlib.import_module(module), name, None)), (module, name)
