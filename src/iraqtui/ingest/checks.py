"""Consistency checks across a folder's sidecars, reported as warnings, never as failures."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from iraqtui.ingest.catalogue import Catalogue
from iraqtui.ingest.gazetteer import Gazetteer
from iraqtui.ingest.sidecar import SourcesSidecar, unknown_files


class _HasSidecars(Protocol):
    @property
    def sources(self) -> SourcesSidecar: ...
    @property
    def gazetteer(self) -> Gazetteer: ...
    @property
    def catalogue(self) -> Catalogue: ...


def sidecar_warnings(
    names_by_root: Mapping[str, Iterable[str]], sidecars_by_root: Mapping[str, _HasSidecars]
) -> list[tuple[str, str]]:
    """(sidecar, warning) for entries that can never take effect: a sources.toml table for a
    file that is not there, an event naming an actor the gazetteer does not know."""
    out: list[tuple[str, str]] = []
    for root, sidecars in sidecars_by_root.items():
        sources = sidecars.sources
        if sources.path is not None:
            for name in unknown_files(sources, set(names_by_root.get(root, ()))):
                out.append((sources.path.name, f"describes {name!r}, which is not in {root}"))
        known = {a.name.casefold() for a in sidecars.gazetteer.actors}
        if not known:
            continue
        for event in sidecars.catalogue.events:
            for actor in event.actors:
                if actor.casefold() not in known:
                    out.append(
                        (
                            "events.toml",
                            f"event {event.key!r} names actor {actor!r}, which the gazetteer "
                            "does not know (use the canonical name from actors.toml)",
                        )
                    )
    return out
