"""The curated dataset the project ships: its own summaries of the cyber-surveillance entries.

The repository does not carry the legal text. It carries, for every entry that matters for
cyber-surveillance, a summary in the project's words, the words exporters use, the questions
that separate candidates, key parameters and the decontrol notes as structured exclusions.
On its own it forms an excerpt of the list (what the demo runs on); laid over a full imported
list it annotates the matching entries.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from licentia.controls.cyber import is_cyber_surveillance
from licentia.controls.model import (
    ControlEntry,
    ControlList,
    Exclusion,
    Parameter,
    Regime,
    origin_regime,
)

DATASET = "eu-annex-i-cyber.json"


@dataclass(frozen=True, slots=True)
class NonListedCategory:
    """A kind of non-listed item that may be a cyber-surveillance item under Art 2(20)."""

    key: str
    summary: str
    triggers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CuratedData:
    version: str
    valid_from: date
    title: str
    based_on: str
    source_url: str
    checksum: str
    categories: dict[str, str]
    product_groups: dict[str, str]
    entries: tuple[ControlEntry, ...]
    release_notes: tuple[Exclusion, ...]
    non_listed: tuple[NonListedCategory, ...]

    def control_list(self) -> ControlList:
        """The curated excerpt as a list version of its own."""
        return ControlList(
            regime=Regime.EU_ANNEX_I,
            version=self.version,
            valid_from=self.valid_from,
            source=f"Licentia curated excerpt, based on {self.based_on}",
            source_url=self.source_url,
            checksum=self.checksum,
            entries=self.entries,
            title=self.title,
            excerpt=True,
        )

    def annotate(self, control_list: ControlList) -> ControlList:
        """A full list with the curated summaries, keywords, questions and exclusions laid over.

        Only EU lists are annotated; the curated paths are EU Annex I paths.
        """
        if control_list.regime is not Regime.EU_ANNEX_I or control_list.excerpt:
            return control_list
        by_path = {entry.path: entry for entry in self.entries}
        annotated = []
        for entry in control_list.entries:
            curated = by_path.get(entry.path)
            if curated is None:
                annotated.append(entry)
                continue
            annotated.append(
                replace(
                    entry,
                    summary=curated.summary,
                    keywords=curated.keywords,
                    questions=curated.questions,
                    parameters=curated.parameters or entry.parameters,
                    exclusions=curated.exclusions or entry.exclusions,
                )
            )
        return replace(control_list, entries=tuple(annotated))


@cache
def load_curated() -> CuratedData:
    raw = resources.files("licentia.controls.data").joinpath(DATASET).read_bytes()
    document = json.loads(raw)
    return CuratedData(
        version=document["version"],
        valid_from=date.fromisoformat(document["valid_from"]),
        title=document["title"],
        based_on=document["based_on"],
        source_url=document["source_url"],
        checksum=hashlib.sha256(raw).hexdigest(),
        categories=dict(document["categories"]),
        product_groups=dict(document["product_groups"]),
        entries=tuple(_entry(item) for item in document["entries"]),
        release_notes=tuple(_exclusion(item) for item in document["release_notes"]),
        non_listed=tuple(
            NonListedCategory(item["key"], item["summary"], tuple(item["triggers"]))
            for item in document["non_listed_cyber_surveillance"]
        ),
    )


def _entry(item: dict[str, Any]) -> ControlEntry:
    path = item["path"]
    return ControlEntry(
        path=path,
        text="",
        summary=item["summary"],
        keywords=tuple(item["keywords"]),
        questions=tuple(item["questions"]),
        parameters=tuple(Parameter(name=p["name"], text=p["text"]) for p in item["parameters"]),
        exclusions=tuple(_exclusion(e) for e in item["exclusions"]),
        cyber_surveillance=is_cyber_surveillance(path),
        origin=origin_regime(path),
    )


def _exclusion(item: dict[str, Any]) -> Exclusion:
    return Exclusion(
        key=item["key"],
        summary=item["summary"],
        releases=tuple(item["releases"]),
        triggers=tuple(item["triggers"]),
        source_note=item["source_note"],
    )
