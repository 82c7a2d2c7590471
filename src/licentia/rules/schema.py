"""The JSON documents of a determination: what a user sends and what Licentia answers.

The API, the CLI and the public page all read a `TransactionDocument` and write a
`DeterminationDocument`; their JSON Schemas are published in `docs/schemas/`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from licentia.errors import InvalidInput
from licentia.rules.law import NationalMeasure
from licentia.rules.model import (
    Activity,
    Certainty,
    Citation,
    Concern,
    Determination,
    Exporter,
    Item,
    Outcome,
    Party,
    PartyRole,
    PartyType,
    PriorDenial,
    Purpose,
    Transaction,
)

_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)
_COUNTRY = Field(min_length=2, max_length=3, description="ISO 3166-1 code (EL and UK accepted)")


class ExporterDocument(BaseModel):
    model_config = _STRICT

    established_in: str | None = Field(
        None,
        min_length=2,
        max_length=3,
        description="Member State where the exporter is established",
    )
    goods_located_in: str | None = Field(
        None,
        min_length=2,
        max_length=3,
        description="For an exporter established outside the Union: the Member State where the "
        "items are located",
    )
    name: str = Field("", max_length=300)


class ItemDocument(BaseModel):
    model_config = _STRICT

    entry: str | None = Field(
        None,
        max_length=40,
        description="Annex I entry (dotted path such as 5A001.j); omit for a non-listed item",
    )
    list_version: str | None = Field(
        None, max_length=40, description="Control list version; default: in force on the date"
    )
    description: str = Field("", max_length=2000)
    cyber_surveillance: bool = Field(
        False, description="Non-listed item specially designed for covert surveillance (Art 2(20))"
    )
    cryptography_note: bool = Field(
        False, description="Released by the Cryptography Note (Category 5 Part 2, Note 3)"
    )
    public_domain: bool = Field(
        False, description="Software or technology in the public domain or basic research"
    )
    mass_market: bool = False
    annex_iv: bool | None = Field(
        None, description="Whether the entry is in Annex IV, where the list version is silent"
    )
    national_entries: list[str] = Field(
        default_factory=list, max_length=20, description="Entries of national control lists"
    )
    related_to: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="For software or technology: the entries it relates to",
    )
    quantity: float | None = Field(None, ge=0)
    value_eur: float | None = Field(None, ge=0)


class PartyDocument(BaseModel):
    model_config = _STRICT

    role: PartyRole
    type: PartyType
    name: str = Field("", max_length=300)
    country: str | None = Field(None, min_length=2, max_length=3)
    intra_group: bool = Field(False, description="Subsidiary or sister company of the exporter")


class PriorDenialDocument(BaseModel):
    model_config = _STRICT

    member_state: str = _COUNTRY
    reference: str = Field(min_length=1, max_length=100)
    notified_on: dt.date
    revoked: bool = False


class TransactionDocument(BaseModel):
    """A transaction to determine, as an exporter or officer describes it."""

    model_config = _STRICT

    exporter: ExporterDocument
    activity: Activity
    date: dt.date = Field(description="The day of the transaction: the law in force that day")
    items: list[ItemDocument] = Field(min_length=1, max_length=200)
    destination: str = _COUNTRY
    parties: list[PartyDocument] = Field(default_factory=list, max_length=50)
    purpose: Purpose = Purpose.STANDARD
    informed: list[Concern] = Field(
        default_factory=list, description="Uses the competent authority has informed of"
    )
    aware: list[Concern] = Field(default_factory=list, description="Uses the exporter is aware of")
    informed_of_other_state_list: bool = Field(
        False, description="Informed under Art 10 of a concern for another state's Art 9 list"
    )
    purchasing_country: str | None = Field(None, min_length=2, max_length=3)
    transit_state: str | None = Field(None, min_length=2, max_length=3)
    internal_compliance_programme: bool = False
    prior_denials: list[PriorDenialDocument] = Field(default_factory=list, max_length=50)

    def transaction(self) -> Transaction:
        return Transaction(
            exporter=Exporter(**self.exporter.model_dump()),
            activity=self.activity,
            date=self.date,
            items=tuple(
                Item(
                    **{
                        **item.model_dump(),
                        "national_entries": tuple(item.national_entries),
                        "related_to": tuple(item.related_to),
                    }
                )
                for item in self.items
            ),
            destination=self.destination,
            parties=tuple(Party(**p.model_dump()) for p in self.parties),
            purpose=self.purpose,
            informed=frozenset(self.informed),
            aware=frozenset(self.aware),
            informed_of_other_state_list=self.informed_of_other_state_list,
            purchasing_country=self.purchasing_country,
            transit_state=self.transit_state,
            internal_compliance_programme=self.internal_compliance_programme,
            prior_denials=tuple(PriorDenial(**d.model_dump()) for d in self.prior_denials),
        )


class CitationDocument(BaseModel):
    act: str
    article: str
    paragraph: str | None
    point: str | None
    text: str = Field(description="The citation as one line")


class LegalBasisDocument(BaseModel):
    key: str
    citation: CitationDocument
    effect: Outcome
    reason: str
    items: list[str]
    certainty: Certainty
    valid_from: dt.date | None
    valid_to: dt.date | None


class AuthorisationOptionDocument(BaseModel):
    code: str
    title: str
    citation: CitationDocument
    available: bool
    reasons: list[str] = Field(description="Why it cannot be used (empty when available)")
    conditions: list[str]
    obligations: list[str]


class ObligationDocument(BaseModel):
    key: str
    citation: CitationDocument
    text: str
    due: dt.date | None
    certainty: Certainty


class AuthorityDocument(BaseModel):
    member_state: str
    name: str
    name_en: str
    website: str
    citation: CitationDocument


class StepDocument(BaseModel):
    question: str
    answer: str
    citation: CitationDocument | None


class DeterminationDocument(BaseModel):
    """Licentia's answer: the outcome and every provision it rests on."""

    outcome: Outcome
    outcome_description: str
    bases: list[LegalBasisDocument]
    authority: AuthorityDocument
    general_authorisations: list[AuthorisationOptionDocument]
    obligations: list[ObligationDocument]
    trace: list[StepDocument]
    caveats: list[str]
    law_as_of: dt.date
    list_versions: list[str]


def parse_transaction(data: object) -> Transaction:
    """A `Transaction` from decoded JSON or YAML, or `InvalidInput` naming every bad field."""
    try:
        document = TransactionDocument.model_validate(data)
    except ValidationError as error:
        raise _invalid(error) from None
    return document.transaction()


def document(determination: Determination) -> dict[str, Any]:
    """The JSON-ready answer."""
    return DeterminationDocument.model_validate(
        _plain(determination) | {"outcome_description": determination.outcome.description}
    ).model_dump(mode="json")


def load_national_measures(path: Path) -> tuple[NationalMeasure, ...]:
    """National measures under Art 9 from an operator's JSON file (see docs/determination.md)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        measures = _NationalMeasures.model_validate(raw)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidInput(f"{path}: cannot read national measures: {error}") from None
    except ValidationError as error:
        raise InvalidInput(f"{path}: {_invalid(error, 'national measures').message}") from None
    return tuple(
        NationalMeasure(
            **{**m.model_dump(), "entries": tuple(m.entries), "destinations": tuple(m.destinations)}
        )
        for m in measures.measures
    )


class _NationalMeasureDocument(BaseModel):
    model_config = _STRICT

    member_state: str = _COUNTRY
    reference: str = Field(min_length=1)
    entries: list[str] = Field(min_length=1)
    valid_from: dt.date
    valid_to: dt.date | None = None
    destinations: list[str] = Field(default_factory=list)
    effect: Outcome = Outcome.LICENCE_REQUIRED
    publication: str = ""


class _NationalMeasures(BaseModel):
    model_config = _STRICT

    measures: list[_NationalMeasureDocument]


def _invalid(error: ValidationError, what: str = "transaction") -> InvalidInput:
    problems = []
    for e in error.errors():
        problems.append({"field": field_name(e["loc"]), "message": e["msg"]})
    summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems[:10])
    return InvalidInput(
        f"invalid {what}: {summary}",
        details={"field": problems[0]["field"], "errors": problems},
    )


def field_name(location: Sequence[int | str]) -> str:
    """A document field as the engine names it: `items[0].entry`."""
    name = ""
    for part in location:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "document"


def _plain(value: object) -> Any:
    """Dataclasses to dicts, tuples to lists, citations with their one-line text."""
    if isinstance(value, Citation):
        return {f.name: getattr(value, f.name) for f in fields(value)} | {"text": str(value)}
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple | list | frozenset):
        return [_plain(v) for v in value]
    return value
