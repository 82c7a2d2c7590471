"""Essentially identical transactions (Art 2(22), Art 16(5) of Regulation (EU) 2021/821).

A transaction is essentially identical to a denied one when it concerns items with
essentially identical parameters or technical characteristics AND involves the same end user
or consignee. Both halves are scored in [0, 1] and explained:

- Parties: each end user and consignee of the transaction is screened, with the screening
  matcher (`licentia.screening`), against the end users and consignees of the denials, as if
  they were a restricted-party list: names with typos, word order and transliteration,
  the same identifier (registration number...) and the country. An address that reads the
  same adds `ADDRESS_BONUS`. A party pair counts from `PARTY_THRESHOLD`.
- Items: listed items match when one entry is the other or a sub-entry of it
  (`controls.model.is_within`); the description and any recorded parameters (the answers of
  the product's classification) are then compared, and parameters that contradict each
  other rule the pair out. Non-listed items match only when both are, or both are not,
  cyber-surveillance items and their descriptions agree. An item pair counts from
  `ITEM_THRESHOLD`.

The score of a match is the best party score times the best item score. Pure Python: no
Django, no database; callers pass plain values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, utils

from licentia.controls.model import is_within
from licentia.errors import LicentiaError
from licentia.screening import (
    PROFILES,
    Address,
    EntitySchema,
    Identifier,
    ListedEntity,
    ListedName,
    ScreeningIndex,
    ScreeningQuery,
    screen,
)

PARTY_THRESHOLD = PROFILES["standard"].threshold
ITEM_THRESHOLD = 0.6
ADDRESS_BONUS = 0.05
SAME_ADDRESS = 0.85
# Weights of a listed item pair: the entry relation carries most, the parameters the rest.
SAME_ENTRY = 1.0
SUB_ENTRY = 0.9
ENTRY_SHARE = 0.7
# Recorded parameters agreeing on less than this share of their common keys rule a pair out.
PARAMETER_AGREEMENT = 0.5
SOURCE = "denial"


@dataclass(frozen=True, slots=True)
class PartyRecord:
    role: str
    name: str
    country: str = ""
    address: str = ""
    identifiers: tuple[str, ...] = ()

    @classmethod
    def of(cls, role: str, data: Mapping[str, Any]) -> PartyRecord:
        return cls(
            role=role,
            name=str(data.get("name", "")),
            country=str(data.get("country", "") or ""),
            address=str(data.get("address", "") or ""),
            identifiers=tuple(str(i) for i in data.get("identifiers", []) or []),
        )


@dataclass(frozen=True, slots=True)
class ItemRecord:
    entry: str
    description: str
    cyber_surveillance: bool = False
    parameters: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> ItemRecord:
        return cls(
            entry=str(data.get("entry", "") or ""),
            description=str(data.get("description", "") or ""),
            cyber_surveillance=bool(data.get("cyber_surveillance", False)),
            parameters=dict(data.get("parameters", {}) or {}),
        )


@dataclass(frozen=True, slots=True)
class Transaction:
    """The transaction to check, or a denied one (`key` names the denial)."""

    key: str
    parties: tuple[PartyRecord, ...]
    items: tuple[ItemRecord, ...]
    destinations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PartyEvidence:
    role: str
    name: str
    denied_role: str
    denied_name: str
    score: float
    explanation: str
    address_similarity: float | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "name": self.name,
            "denied_role": self.denied_role,
            "denied_name": self.denied_name,
            "score": self.score,
            "explanation": self.explanation,
            "address_similarity": self.address_similarity,
        }


@dataclass(frozen=True, slots=True)
class ItemEvidence:
    entry: str
    denied_entry: str
    relation: str
    description_similarity: float
    parameters_compared: int
    parameters_agreeing: int
    score: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "entry": self.entry or "not listed",
            "denied_entry": self.denied_entry or "not listed",
            "relation": self.relation,
            "description_similarity": self.description_similarity,
            "parameters_compared": self.parameters_compared,
            "parameters_agreeing": self.parameters_agreeing,
            "score": self.score,
        }


@dataclass(frozen=True, slots=True)
class Match:
    """A denied transaction essentially identical to the one checked, with the evidence."""

    key: str
    score: float
    parties: tuple[PartyEvidence, ...]
    items: tuple[ItemEvidence, ...]
    same_destination: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "parties": [p.as_dict() for p in self.parties],
            "items": [i.as_dict() for i in self.items],
            "same_destination": self.same_destination,
        }


def _similarity(left: str, right: str) -> float:
    if not left.strip() or not right.strip():
        return 0.0
    ratio = fuzz.token_set_ratio(left, right, processor=utils.default_process)
    return round(float(ratio) / 100, 4)


def compare_items(item: ItemRecord, denied: ItemRecord) -> ItemEvidence | None:
    """The item pair's evidence, or None when the items are not essentially identical."""
    described = _similarity(item.description, denied.description)
    if item.entry and denied.entry:
        if item.entry == denied.entry:
            relation, weight = "same entry", SAME_ENTRY
        elif is_within(item.entry, denied.entry) or is_within(denied.entry, item.entry):
            relation, weight = "sub-entry", SUB_ENTRY
        else:
            return None
    elif not item.entry and not denied.entry:
        if item.cyber_surveillance != denied.cyber_surveillance:
            return None
        relation, weight = "both not listed", 0.0
    else:
        return None
    common = sorted(set(item.parameters) & set(denied.parameters))
    agreeing = sum(1 for key in common if item.parameters[key] == denied.parameters[key])
    if common and agreeing / len(common) < PARAMETER_AGREEMENT:
        return None
    parameters = (described + agreeing / len(common)) / 2 if common else described
    # Without an entry, only the description and parameters say what the item is.
    score = weight * (ENTRY_SHARE + (1 - ENTRY_SHARE) * parameters) if weight else parameters
    score = round(score, 4)
    if score < ITEM_THRESHOLD:
        return None
    return ItemEvidence(item.entry, denied.entry, relation, described, len(common), agreeing, score)


def _entity(key: str, number: int, party: PartyRecord) -> ListedEntity:
    country = party.country.upper() or None
    return ListedEntity(
        source=SOURCE,
        source_id=f"{key}#{number}",
        schema=EntitySchema.LEGAL_ENTITY,
        names=(ListedName(party.name),),
        countries=(country,) if country else (),
        addresses=(Address(party.address, country),) if party.address else (),
        identifiers=tuple(Identifier("registration", i, country) for i in party.identifiers),
    )


def _query(party: PartyRecord) -> ScreeningQuery | None:
    try:
        # A legal entity, as the denials' parties are indexed: the name is read once, as a
        # body's, instead of as a person's and a body's.
        return ScreeningQuery.create(
            party.name,
            country=party.country or None,
            identifiers=party.identifiers,
            schema=EntitySchema.LEGAL_ENTITY,
        )
    except LicentiaError:
        # A name the matcher cannot read (no letters, too long) matches nothing.
        return None


class DenialIndex:
    """The end users and consignees of many denied transactions, indexed once for the
    screening matcher; `matches` checks one transaction against all of them."""

    def __init__(self, denials: Sequence[Transaction]) -> None:
        entities: list[ListedEntity] = []
        self._owners: dict[str, tuple[Transaction, PartyRecord]] = {}
        for denied in denials:
            for number, party in enumerate(denied.parties):
                entity = _entity(denied.key, number, party)
                entities.append(entity)
                self._owners[entity.source_id] = (denied, party)
        self._size = len(entities)
        self._index = (
            ScreeningIndex.build(entities, {SOURCE: "valid denials"}) if entities else None
        )

    def _parties(
        self, transaction: Transaction
    ) -> dict[str, tuple[Transaction, list[PartyEvidence]]]:
        """The denied transactions with a party matching one of the transaction's, and the
        evidence."""
        found: dict[str, tuple[Transaction, list[PartyEvidence]]] = {}
        if self._index is None:
            return found
        for party in transaction.parties:
            query = _query(party)
            if query is None:
                continue
            result = screen(
                self._index,
                query,
                PROFILES["broad"],
                threshold=PARTY_THRESHOLD - ADDRESS_BONUS,
                limit=self._size,
            )
            for hit in result.hits:
                denied, denied_party = self._owners[hit.source_id]
                evidence = _party_evidence(party, denied_party, hit.score, hit.explanation)
                if evidence is not None:
                    found.setdefault(denied.key, (denied, []))[1].append(evidence)
        return found

    def matches(self, transaction: Transaction) -> list[Match]:
        """The denied transactions essentially identical to `transaction`, best first."""
        matches = []
        for denied, party_evidence in self._parties(transaction).values():
            item_evidence = [
                found
                for item in transaction.items
                for denied_item in denied.items
                if (found := compare_items(item, denied_item)) is not None
            ]
            if not item_evidence:
                continue
            party_evidence.sort(key=lambda p: -p.score)
            item_evidence.sort(key=lambda i: -i.score)
            matches.append(
                Match(
                    key=denied.key,
                    score=round(party_evidence[0].score * item_evidence[0].score, 4),
                    parties=tuple(party_evidence),
                    items=tuple(item_evidence),
                    same_destination=bool(set(transaction.destinations) & set(denied.destinations)),
                )
            )
        matches.sort(key=lambda m: (-m.score, m.key))
        return matches


def _party_evidence(
    party: PartyRecord, denied: PartyRecord, name_score: float, explanation: str
) -> PartyEvidence | None:
    """The screening score with the address qualifier; None below `PARTY_THRESHOLD`."""
    address = (
        _similarity(party.address, denied.address) if party.address and denied.address else None
    )
    same_address = address is not None and address >= SAME_ADDRESS
    score = round(min(1.0, name_score + (ADDRESS_BONUS if same_address else 0.0)), 4)
    if score < PARTY_THRESHOLD:
        return None
    if address is not None:
        explanation += f"; address: {address:.2f} similar" + (
            f" (+{ADDRESS_BONUS:.2f})" if same_address else ""
        )
    return PartyEvidence(
        party.role, party.name, denied.role, denied.name, score, explanation, address
    )


def find_matches(transaction: Transaction, denials: Sequence[Transaction]) -> list[Match]:
    """The denied transactions essentially identical to `transaction`, best first."""
    return DenialIndex(denials).matches(transaction)
