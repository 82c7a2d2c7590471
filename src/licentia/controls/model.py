"""The control list as plain, immutable values.

A `ControlList` is one version of one regime's list (the EU's Annex I to Regulation (EU)
2021/821, or the US Commerce Control List). It holds a flat tuple of `ControlEntry`
provisions; the tree is given by each entry's dotted `path` and `parent`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Regime(StrEnum):
    """Which list a control list version belongs to."""

    EU_ANNEX_I = "eu-annex-i"
    US_CCL = "us-ccl"

    @property
    def description(self) -> str:
        return {
            Regime.EU_ANNEX_I: "Annex I to Regulation (EU) 2021/821 (EU dual-use list)",
            Regime.US_CCL: "US Commerce Control List, 15 CFR Part 774 Supplement No. 1",
        }[self]


class OriginRegime(StrEnum):
    """The multilateral regime an entry implements, read from its three-digit block."""

    WASSENAAR = "wassenaar"
    MTCR = "mtcr"
    NSG = "nsg"
    AUSTRALIA_GROUP = "australia-group"
    CWC = "cwc"
    EU_ONLY = "eu-only"
    NATIONAL = "national"

    @property
    def description(self) -> str:
        return _ORIGIN_DESCRIPTIONS[self]


_ORIGIN_DESCRIPTIONS = {
    OriginRegime.WASSENAAR: "Wassenaar Arrangement (entries x0xx)",
    OriginRegime.MTCR: "Missile Technology Control Regime (entries x1xx)",
    OriginRegime.NSG: "Nuclear Suppliers Group (entries x2xx)",
    OriginRegime.AUSTRALIA_GROUP: "Australia Group (entries x3xx)",
    OriginRegime.CWC: "Chemical Weapons Convention (entries x4xx)",
    OriginRegime.EU_ONLY: "EU-level control without a multilateral regime (entries x9xx)",
    OriginRegime.NATIONAL: "National or unilateral control (e.g. US x5xx/x6xx/x9xx ECCNs)",
}


class ProductGroup(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"

    @property
    def description(self) -> str:
        return {
            "A": "Systems, equipment and components",
            "B": "Test, inspection and production equipment",
            "C": "Materials",
            "D": "Software",
            "E": "Technology",
        }[self.value]


CATEGORIES: dict[str, str] = {
    "0": "Nuclear materials, facilities and equipment",
    "1": "Special materials and related equipment",
    "2": "Materials processing",
    "3": "Electronics",
    "4": "Computers",
    "5": "Telecommunications and information security",
    "6": "Sensors and lasers",
    "7": "Navigation and avionics",
    "8": "Marine",
    "9": "Aerospace and propulsion",
}


class NoteKind(StrEnum):
    NOTE = "note"
    TECHNICAL_NOTE = "technical-note"
    NOTA_BENE = "nota-bene"
    DECONTROL = "decontrol"


# A head code: category digit, product group letter, three digits (5A001, 1A907, 0A501).
HEAD_CODE = re.compile(r"^(?P<category>[0-9])(?P<group>[A-E])(?P<number>[0-9]{3})$")
# A dotted path below a head code: 5A001.j.1.a, 5D002.c.3.b, 3A001.a.1.a
PATH = re.compile(r"^[0-9][A-E][0-9]{3}(?:\.[a-z0-9]{1,3})*$")


def head_code(path: str) -> str:
    return path.split(".", 1)[0]


def parent_path(path: str) -> str | None:
    return path.rsplit(".", 1)[0] if "." in path else None


def is_within(path: str, ancestor: str) -> bool:
    """True when `path` is `ancestor` itself or one of its sub-entries."""
    return path == ancestor or path.startswith(ancestor + ".")


def origin_regime(code: str, regime: Regime = Regime.EU_ANNEX_I) -> OriginRegime:
    """The origin regime encoded in the hundreds digit of the three-digit block."""
    match = HEAD_CODE.match(head_code(code))
    if match is None:
        raise ValueError(f"not a control entry code: {code!r}")
    hundreds = match["number"][0]
    if match["category"] == "0" and hundreds == "0" and regime is Regime.EU_ANNEX_I:
        # Category 0 carries the NSG trigger list (nuclear items) under 0xx numbers.
        return OriginRegime.NSG
    if hundreds in "56789" and regime is Regime.US_CCL:
        return OriginRegime.NATIONAL
    return {
        "0": OriginRegime.WASSENAAR,
        "1": OriginRegime.MTCR,
        "2": OriginRegime.NSG,
        "3": OriginRegime.AUSTRALIA_GROUP,
        "4": OriginRegime.CWC,
        "9": OriginRegime.EU_ONLY,
    }.get(hundreds, OriginRegime.NATIONAL)


@dataclass(frozen=True, slots=True)
class Note:
    """A note, technical note or N.B. attached to an entry, in the list's own words or ours."""

    kind: NoteKind
    text: str


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A decontrol note as structured data: what it releases and how to recognise it.

    `triggers` are phrases an exporter uses for the released item ("quality of service",
    "billing"); `releases` names the paths the note takes out of control.
    """

    key: str
    summary: str
    releases: tuple[str, ...]
    triggers: tuple[str, ...]
    source_note: str


@dataclass(frozen=True, slots=True)
class Parameter:
    """A curated technical parameter of an entry (a threshold or a required function)."""

    name: str
    text: str
    operator: str | None = None
    value: float | None = None
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class ControlEntry:
    """One provision of a control list, at any depth of the tree."""

    path: str
    text: str
    summary: str = ""
    notes: tuple[Note, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    defined_terms: tuple[str, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    keywords: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    cyber_surveillance: bool = False
    # None: the source does not say (the EU JSON edition does not carry Annex IV).
    annex_iv: bool | None = None
    excluded_from_general_authorisations: bool = False
    origin: OriginRegime = OriginRegime.WASSENAAR
    related_codes: tuple[str, ...] = ()
    reasons_for_control: tuple[str, ...] = ()

    @property
    def code(self) -> str:
        return head_code(self.path)

    @property
    def parent(self) -> str | None:
        return parent_path(self.path)

    @property
    def category(self) -> str:
        return self.path[0]

    @property
    def product_group(self) -> ProductGroup:
        return ProductGroup(self.path[1])

    @property
    def depth(self) -> int:
        return self.path.count(".")

    def fingerprint(self) -> tuple[object, ...]:
        """What counts as the entry's content when two versions are compared."""
        return (
            self.text,
            self.summary,
            self.notes,
            self.exclusions,
            self.defined_terms,
            self.parameters,
            self.cyber_surveillance,
            self.annex_iv,
            self.excluded_from_general_authorisations,
            self.related_codes,
            self.reasons_for_control,
        )


@dataclass(frozen=True, slots=True)
class Definition:
    term: str
    text: str
    categories: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GeneralAuthorisation:
    """A Union general export authorisation of Annex II (EU001 to EU008)."""

    key: str
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class ControlList:
    """One immutable version of a regime's control list."""

    regime: Regime
    version: str
    valid_from: date
    source: str
    source_url: str
    checksum: str
    entries: tuple[ControlEntry, ...]
    valid_to: date | None = None
    title: str = ""
    excerpt: bool = False
    definitions: tuple[Definition, ...] = ()
    general_authorisations: tuple[GeneralAuthorisation, ...] = ()
    _by_path: dict[str, ControlEntry] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self._by_path.update((entry.path, entry) for entry in self.entries)

    def get(self, path: str) -> ControlEntry | None:
        return self._by_path.get(path)

    def __contains__(self, path: object) -> bool:
        return path in self._by_path

    def __iter__(self) -> Iterator[ControlEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def heads(self) -> list[ControlEntry]:
        return [entry for entry in self.entries if entry.depth == 0]

    def children(self, path: str) -> list[ControlEntry]:
        return [entry for entry in self.entries if entry.parent == path]

    def subtree(self, path: str) -> list[ControlEntry]:
        return [entry for entry in self.entries if is_within(entry.path, path)]

    def ancestors(self, path: str) -> list[ControlEntry]:
        found = []
        current = parent_path(path)
        while current is not None:
            entry = self._by_path.get(current)
            if entry is not None:
                found.append(entry)
            current = parent_path(current)
        return list(reversed(found))

    def definition(self, term: str) -> Definition | None:
        """The definition of a "quoted term"; the list capitalises terms, entries may not."""
        wanted = term.casefold()
        return next((d for d in self.definitions if d.term.casefold() == wanted), None)

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)

    def citation(self, path: str) -> str:
        """How a decision cites an entry: the entry path, the list and its version."""
        return f"{path}, {self.regime.description}, version {self.version}"
