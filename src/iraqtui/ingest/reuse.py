"""Passages shared across sources. PLACEHOLDER: helper for issue 4 replaces this body."""

from __future__ import annotations

from collections.abc import Iterable

from iraqtui.models import ReuseInput, ReuseSpan


def find_reuse(inputs: Iterable[ReuseInput]) -> list[ReuseSpan]:
    return []
