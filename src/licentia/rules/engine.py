"""Licence determination: from a described transaction to an answer with every legal basis cited.

The engine follows the decision order of the Regulation: what the items are (Annex I entry,
released by a note, or non-listed), what the activity is (export, brokering, technical
assistance, transit, intra-EU transfer), which catch-all provisions the exporter's knowledge
engages, which sanctions regimes cover the destination on the day, and which Union general
export authorisations remain usable. Each step is recorded in the trace.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from licentia.controls.model import ControlEntry, ControlList, OriginRegime, Regime, is_within
from licentia.errors import InvalidInput
from licentia.reference.authorities import competent_authority
from licentia.reference.countries import all_countries, country
from licentia.reference.eu import is_member_state
from licentia.rules.law import (
    EU001_DESTINATIONS,
    GENERAL_AUTHORISATIONS,
    LAW_FROM,
    LAW_UNTIL,
    REVIEWED_ON,
    GeneralAuthorisationRule,
    NationalMeasure,
    SanctionsMeasure,
    SanctionsScope,
    arms_embargo,
    article,
    sanctions_on,
)
from licentia.rules.model import (
    Activity,
    AuthorisationOption,
    Authority,
    Certainty,
    Citation,
    Concern,
    Determination,
    Item,
    LegalBasis,
    Obligation,
    Outcome,
    PartyRole,
    PartyType,
    Purpose,
    Step,
    Transaction,
)

_TA_EXEMPT_PURPOSES = {
    Purpose.MINIMUM_FOR_LICENSED_ITEMS: "f",
    Purpose.OFFICIAL_TASKS: "c",
    Purpose.ARMED_FORCES_OF_MEMBER_STATE: "d",
}
_ART4_POINTS = {
    Concern.WMD: "a",
    Concern.MILITARY_END_USE: "b",
    Concern.ILLEGAL_MILITARY_PARTS: "c",
}
_CATEGORY_5_PART_2 = ("5A002", "5A003", "5A004", "5B002", "5D002", "5E002")
_RECORDS = Citation("Regulation (EU) 2021/821", "Art 27")
_GUIDELINES = "Commission Recommendation (EU) 2024/2659"
_EU001 = frozenset(listing.country for listing in EU001_DESTINATIONS)


@dataclass(frozen=True, slots=True)
class _ResolvedItem:
    """An item with its entry looked up: `controlled` is False once a note releases it."""

    item: Item
    label: str
    entry: ControlEntry | None = None
    list_version: ControlList | None = None
    controlled: bool = False
    cyber_surveillance: bool = False
    lineage: tuple[str, ...] = ()


@dataclass(slots=True)
class _Work:
    """What one determination accumulates as it goes."""

    tx: Transaction
    items: list[_ResolvedItem]
    bases: list[LegalBasis] = field(default_factory=list)
    trace: list[Step] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    obligations: list[Obligation] = field(default_factory=list)

    def step(self, question: str, answer: str, citation: Citation | None = None) -> None:
        self.trace.append(Step(question, answer, citation))

    def basis(self, basis: LegalBasis) -> None:
        self.bases.append(basis)
        if basis.certainty is not Certainty.VERIFIED:
            self.caveats.append(f"{basis.citation}: {basis.certainty.description}.")

    @property
    def controlled(self) -> list[_ResolvedItem]:
        return [r for r in self.items if r.controlled]

    @property
    def uncontrolled(self) -> list[_ResolvedItem]:
        return [r for r in self.items if not r.controlled]

    def knows(self, concern: Concern) -> str | None:
        """'informed' or 'aware' when the exporter knows of this concern, else None."""
        if concern in self.tx.informed:
            return "informed"
        if concern in self.tx.aware:
            return "aware"
        return None


class RuleEngine:
    """Determines transactions against EU control list versions and national measures.

    `control_lists` are the Annex I versions the engine may cite; an item names its version,
    or the engine takes the one in force on the transaction date (a full list before the
    curated excerpt).
    """

    def __init__(
        self,
        control_lists: Iterable[ControlList],
        national_measures: Iterable[NationalMeasure] = (),
    ) -> None:
        lists = [cl for cl in control_lists if cl.regime is Regime.EU_ANNEX_I]
        # A full list and the curated excerpt may share a version label: prefer the full one.
        lists.sort(key=lambda cl: (cl.valid_from, not cl.excerpt))
        self._lists = {cl.version: cl for cl in lists}
        self._by_date = sorted(self._lists.values(), key=lambda cl: (cl.valid_from, not cl.excerpt))
        self._national = tuple(national_measures)
        # Item verdicts depend only on the rule, the entry and the item's own answers.
        self._verdicts: dict[tuple[object, ...], _Verdict] = {}
        self._items: dict[tuple[Item, str | None], _ResolvedItem] = {}

    # -- the entry point -------------------------------------------------------------------

    def determine(self, tx: Transaction) -> Determination:
        tx = self._check(tx)
        work = _Work(tx, [self._resolved(i, item, tx.date) for i, item in enumerate(tx.items)])
        self._describe_items(work)
        if tx.activity.is_export:
            self._export(work)
        elif tx.activity is Activity.BROKERING:
            self._brokering(work)
        elif tx.activity is Activity.TECHNICAL_ASSISTANCE:
            self._technical_assistance(work)
        elif tx.activity is Activity.TRANSIT:
            self._transit(work)
        else:
            self._intra_eu_transfer(work)
        if tx.activity is not Activity.INTRA_EU_TRANSFER:
            self._sanctions(work)
        outcome = max(
            (b.effect for b in work.bases),
            key=lambda o: o.rank,
            default=Outcome.NO_LICENCE_REQUIRED,
        )
        options = self._general_authorisations(work, outcome)
        self._obligations(work, outcome)
        work.step(
            "What is the answer?",
            f"{outcome.value}: {outcome.description}."
            + ("" if work.bases else " No provision checked requires a licence or notification."),
        )
        versions = sorted({f"{r.list_version.version}" for r in work.items if r.list_version})
        return Determination(
            outcome=outcome,
            bases=tuple(work.bases),
            authority=self._authority(tx),
            general_authorisations=options,
            obligations=tuple(work.obligations),
            trace=tuple(work.trace),
            caveats=tuple(dict.fromkeys(work.caveats)),
            law_as_of=tx.date,
            list_versions=tuple(versions),
        )

    # -- input checks ----------------------------------------------------------------------

    def _check(self, tx: Transaction) -> Transaction:
        """The transaction with canonical country codes, or `InvalidInput` naming the field."""
        if not LAW_FROM <= tx.date <= LAW_UNTIL:
            raise InvalidInput(
                f"date {tx.date.isoformat()} is outside the law Licentia encodes: from "
                f"{LAW_FROM.isoformat()} (Regulation (EU) 2021/821 applies) to "
                f"{LAW_UNTIL.isoformat()} (a year after the rules were last reviewed on "
                f"{REVIEWED_ON.isoformat()})",
                details={"field": "date"},
            )
        exporter = tx.exporter
        if (exporter.established_in is None) == (exporter.goods_located_in is None):
            raise InvalidInput(
                "give either exporter.established_in (the Member State where the exporter is "
                "established) or, for an exporter established outside the Union, "
                "exporter.goods_located_in (the Member State where the items are), not both",
                details={"field": "exporter"},
            )
        for name, code in (
            ("exporter.established_in", exporter.established_in),
            ("exporter.goods_located_in", exporter.goods_located_in),
            ("transit_state", tx.transit_state),
        ):
            if code is not None and not is_member_state(_code(code, name), tx.date):
                raise InvalidInput(
                    f"{name} {code!r} is not a Member State on {tx.date.isoformat()}",
                    details={"field": name},
                )
        tx = _canonical(tx)
        exporter = tx.exporter
        destination_in_eu = is_member_state(tx.destination, tx.date)
        if tx.activity is Activity.INTRA_EU_TRANSFER:
            if not destination_in_eu or tx.destination == exporter.licensing_state:
                raise InvalidInput(
                    "an intra-EU transfer goes to another Member State; destination "
                    f"{tx.destination!r} is not one",
                    details={"field": "destination"},
                )
        elif destination_in_eu:
            raise InvalidInput(
                f"destination {tx.destination!r} is a Member State: use the activity "
                "'intra-eu-transfer' for a transfer within the Union",
                details={"field": "destination"},
            )
        if tx.activity is Activity.TRANSIT and tx.transit_state is None:
            raise InvalidInput(
                "a transit needs transit_state, the Member State the items pass through",
                details={"field": "transit_state"},
            )
        if not tx.items:
            raise InvalidInput("at least one item is required", details={"field": "items"})
        if tx.purpose in _TA_EXEMPT_PURPOSES and tx.activity is not Activity.TECHNICAL_ASSISTANCE:
            raise InvalidInput(
                f"purpose {tx.purpose.value!r} is an exemption for technical assistance, but "
                f"the activity is {tx.activity.value!r}",
                details={"field": "purpose"},
            )
        for index, denial in enumerate(tx.prior_denials):
            if not is_member_state(denial.member_state, denial.notified_on):
                raise InvalidInput(
                    f"prior_denials[{index}].member_state {denial.member_state!r} is not a "
                    "Member State",
                    details={"field": f"prior_denials[{index}].member_state"},
                )
        return tx

    def _resolved(self, index: int, item: Item, day: dt.date) -> _ResolvedItem:
        """The item looked up, remembered per item and list version (a pure look-up)."""
        version = (
            self._list_for(item.list_version, day, f"items[{index}]").version
            if item.entry is not None
            else None
        )
        key = (item, version)
        found = self._items.get(key)
        if found is None:
            found = self._resolve(index, item, day)
            if len(self._items) > _VERDICT_CACHE_SIZE:
                self._items.clear()
            self._items[key] = found
        return found

    def _resolve(self, index: int, item: Item, day: dt.date) -> _ResolvedItem:
        where = f"items[{index}]"
        if item.entry is None:
            if not item.description.strip():
                raise InvalidInput(
                    f"{where}: give the item's Annex I entry, or a description of a non-listed "
                    "item",
                    details={"field": f"{where}.description"},
                )
            if item.list_version is not None:
                raise InvalidInput(
                    f"{where}.list_version is given but {where}.entry is not",
                    details={"field": f"{where}.list_version"},
                )
            return _ResolvedItem(
                item,
                item.description or "non-listed item",
                cyber_surveillance=item.cyber_surveillance,
            )
        if item.cyber_surveillance:
            raise InvalidInput(
                f"{where}.cyber_surveillance is for non-listed items; for a listed entry the "
                "control list says whether it is a cyber-surveillance item",
                details={"field": f"{where}.cyber_surveillance"},
            )
        if item.national_entries:
            raise InvalidInput(
                f"{where}.national_entries are for items not listed in Annex I",
                details={"field": f"{where}.national_entries"},
            )
        control_list = self._list_for(item.list_version, day, where)
        path = _normalise_path(item.entry)
        entry = control_list.get(path)
        if entry is None:
            raise self._unknown_entry(control_list, path, where)
        crypto = entry.code in _CATEGORY_5_PART_2
        if item.cryptography_note and not crypto:
            raise InvalidInput(
                f"{where}.cryptography_note: the Cryptography Note releases only Category 5 "
                f"Part 2 items, and {path} is not one",
                details={"field": f"{where}.cryptography_note"},
            )
        if item.public_domain and entry.product_group.value not in "DE":
            raise InvalidInput(
                f"{where}.public_domain: the General Technology and Software Notes release "
                f"software and technology only, and {path} is in product group "
                f"{entry.product_group.value}",
                details={"field": f"{where}.public_domain"},
            )
        if item.mass_market and not crypto and entry.product_group.value != "D":
            raise InvalidInput(
                f"{where}.mass_market: only mass-market software (General Software Note) and "
                f"Category 5 Part 2 items (Cryptography Note) are released, not {path}",
                details={"field": f"{where}.mass_market"},
            )
        released = item.public_domain or item.cryptography_note or item.mass_market
        return _ResolvedItem(
            item,
            path,
            entry=entry,
            list_version=control_list,
            controlled=not released,
            cyber_surveillance=entry.cyber_surveillance and not released,
            lineage=_lineage(path),
        )

    def _list_for(self, version: str | None, day: dt.date, where: str) -> ControlList:
        if version is not None:
            found = self._lists.get(version)
            if found is None:
                known = ", ".join(self._lists) or "none"
                raise InvalidInput(
                    f"{where}.list_version {version!r} is not loaded; known versions: {known}",
                    details={"field": f"{where}.list_version", "known": list(self._lists)},
                )
            return found
        in_force = [
            cl
            for cl in self._by_date
            if cl.valid_from <= day and (cl.valid_to is None or day < cl.valid_to)
        ]
        if not in_force:
            raise InvalidInput(
                f"no Annex I version in force on {day.isoformat()} is loaded; give "
                f"{where}.list_version or import the list version of that day",
                details={"field": f"{where}.list_version", "known": list(self._lists)},
            )
        # Latest in force; a full list wins over the curated excerpt of the same day.
        return max(in_force, key=lambda cl: (cl.valid_from, not cl.excerpt))

    @staticmethod
    def _unknown_entry(control_list: ControlList, path: str, where: str) -> InvalidInput:
        below = [e.path for e in control_list if e.path.startswith(path)]
        if below:
            return InvalidInput(
                f"{where}.entry {path!r} is ambiguous in list version {control_list.version}: "
                f"give one of {', '.join(below[:8])}",
                details={"field": f"{where}.entry", "suggestions": below[:8]},
            )
        paths = [e.path for e in control_list]
        closest = difflib.get_close_matches(path, paths, n=5, cutoff=0.6)
        hint = f" Closest entries: {', '.join(closest)}." if closest else ""
        return InvalidInput(
            f"{where}.entry {path!r} is not an entry of list version {control_list.version}.{hint}",
            details={"field": f"{where}.entry", "suggestions": closest},
        )

    # -- items -----------------------------------------------------------------------------

    def _describe_items(self, work: _Work) -> None:
        for r in work.items:
            if r.entry is None:
                kind = "a cyber-surveillance item (Art 2(20))" if r.cyber_surveillance else ""
                work.step(
                    f"Is '{r.label}' listed in Annex I?",
                    "No: a non-listed item" + (f", declared {kind}" if kind else "") + ".",
                    article("3", "2"),
                )
                continue
            assert r.list_version is not None
            where = r.list_version.citation(r.entry.path)
            if not r.controlled:
                note = (
                    "the Cryptography Note (Category 5, Part 2, Note 3)"
                    if r.item.cryptography_note
                    or (r.item.mass_market and r.entry.code in _CATEGORY_5_PART_2)
                    else "the General Technology or Software Note (public domain, basic "
                    "research or mass market)"
                )
                work.step(
                    f"Is {r.label} controlled?",
                    f"Listed at {where}, but released by {note} as the exporter declares; "
                    "treated as a non-listed item.",
                )
                continue
            work.step(
                f"Is {r.label} controlled?",
                f"Yes: {where}"
                + ("; a cyber-surveillance item" if r.cyber_surveillance else "")
                + ".",
                article("3", "1"),
            )
            if r.list_version.excerpt and work.tx.activity.is_export:
                work.caveats.append(
                    f"{r.label} was looked up in Licentia's curated excerpt of Annex I "
                    f"({r.list_version.version}), which records no exclusion from general "
                    "authorisations; import the full list for a complete answer."
                )

    # -- activities ------------------------------------------------------------------------

    def _export(self, work: _Work) -> None:
        tx = work.tx
        controlled = work.controlled
        if controlled:
            work.basis(
                LegalBasis(
                    "art-3-1",
                    article("3", "1"),
                    Outcome.LICENCE_REQUIRED,
                    "The export of dual-use items listed in Annex I requires an authorisation.",
                    items=tuple(r.label for r in controlled),
                )
            )
        uncontrolled = work.uncontrolled
        if uncontrolled:
            labels = tuple(r.label for r in uncontrolled)
            self._catch_all_art4(work, labels, "4")
            self._catch_all_art5(work, [r for r in uncontrolled if r.cyber_surveillance])
            self._national_measures(work, uncontrolled)
        elif tx.informed or tx.aware:
            work.step(
                "Do the catch-all provisions (Art 4, Art 5) apply?",
                "They concern non-listed items; every item here is listed and needs an "
                "authorisation anyway. What the exporter knows still rules out general "
                "authorisations.",
            )

    def _catch_all_art4(self, work: _Work, labels: tuple[str, ...], art: str) -> None:
        """Art 4(1)/(2) for exports; Art 6 and Art 8 use the same concerns for their items."""
        for concern, point in _ART4_POINTS.items():
            knowledge = work.knows(concern)
            if knowledge is None:
                continue
            certainty = Certainty.VERIFIED
            if concern is Concern.MILITARY_END_USE:
                embargo = self._embargo(work)
                if embargo is None:
                    continue
                certainty = embargo
            informed = knowledge == "informed"
            if art == "4":
                citation = article("4", "1", point) if informed else article("4", "2")
            else:
                citation = article(art, "1") if informed else article(art, "2")
                certainty = max(certainty, Certainty.RECALLED, key=_certainty_rank)
            work.basis(
                LegalBasis(
                    f"art-{art}-{'1' if informed else '2'}-{point}",
                    citation,
                    Outcome.LICENCE_REQUIRED if informed else Outcome.NOTIFY_AUTHORITY,
                    (
                        "The competent authority has informed the exporter that the items are "
                        "or may be intended for: "
                        if informed
                        else "The exporter is aware that the items are intended for: "
                    )
                    + concern.description
                    + (
                        "."
                        if informed
                        else ". The exporter must notify the competent authority, which "
                        "decides whether to make the export subject to authorisation."
                    ),
                    items=labels,
                    certainty=certainty,
                )
            )

    def _embargo(self, work: _Work) -> Certainty | None:
        """The certainty of an arms embargo on the destination or purchasing country, if any."""
        tx = work.tx
        for code in dict.fromkeys(c for c in (tx.destination, tx.purchasing_country) if c):
            embargo = arms_embargo(code, tx.date)
            if embargo is not None:
                work.step(
                    f"Is {code} subject to an arms embargo (Art 2(19))?",
                    f"Yes: {embargo.source}." + (f" {embargo.note}" if embargo.note else ""),
                    article("2", "19"),
                )
                return embargo.certainty
        work.step(
            "Is the destination or purchasing country subject to an arms embargo (Art 2(19))?",
            "No arms embargo is recorded, so the military end-use catch-all (Art 4(1)(b)) "
            "does not apply.",
            article("2", "19"),
        )
        return None

    def _catch_all_art5(self, work: _Work, cyber: list[_ResolvedItem]) -> None:
        knowledge = work.knows(Concern.HUMAN_RIGHTS)
        if knowledge is None:
            if cyber:
                work.step(
                    "Does the cyber-surveillance catch-all (Art 5) apply?",
                    "Not on what the exporter declares: the authority has not informed it, and "
                    "it is not aware of a use for internal repression or serious violations of "
                    "human rights or humanitarian law. Its due diligence must continue.",
                    article("5", "2"),
                )
            return
        if not cyber:
            work.step(
                "Does the cyber-surveillance catch-all (Art 5) apply?",
                "No: the human-rights concern is declared, but no non-listed item is declared a "
                "cyber-surveillance item (Art 2(20)). Check national measures under Art 9 and "
                "talk to the authority.",
                article("5", "1"),
            )
            work.caveats.append(
                "A human-rights concern was declared for items that are not cyber-surveillance "
                "items: Art 5 does not apply to them, but a Member State may control them "
                "under Art 9 or refuse under Common Position 2008/944/CFSP criterion 2 when a "
                "licence is needed on another basis."
            )
            return
        informed = knowledge == "informed"
        work.basis(
            LegalBasis(
                f"art-5-{'1' if informed else '2'}",
                article("5", "1" if informed else "2"),
                Outcome.LICENCE_REQUIRED if informed else Outcome.NOTIFY_AUTHORITY,
                (
                    "The competent authority has informed the exporter that these non-listed "
                    "cyber-surveillance items are or may be intended for "
                    if informed
                    else "The exporter is aware, from its due diligence, that these non-listed "
                    "cyber-surveillance items are intended for "
                )
                + "use in connection with internal repression or serious violations of "
                "international human rights law or international humanitarian law"
                + (
                    "."
                    if informed
                    else "; it must notify the competent authority, which decides whether to "
                    "require an authorisation."
                ),
                items=tuple(r.label for r in cyber),
            )
        )

    def _national_measures(self, work: _Work, items: list[_ResolvedItem]) -> None:
        tx = work.tx
        state = tx.exporter.licensing_state
        in_force = [
            m for m in self._national if m.in_force(tx.date) and m.applies_to(tx.destination)
        ]
        declared = {code for r in items for code in r.item.national_entries}
        if not declared:
            if not any(m.member_state == state for m in in_force):
                work.caveats.append(
                    f"No national control measure of {state} (Art 9) is loaded; if {state} "
                    "controls non-listed items nationally, an operator must add them."
                )
            return
        for measure in in_force:
            matched = tuple(
                r.label for r in items if set(r.item.national_entries) & set(measure.entries)
            )
            if not matched:
                continue
            own = measure.member_state == state
            if not own and not tx.informed_of_other_state_list:
                work.step(
                    f"Does {measure.member_state}'s national measure {measure.reference} apply?",
                    "Not by itself: another Member State's list applies only once the "
                    "exporter's authority has informed it of a public-security or human-rights "
                    "concern (Art 10).",
                    article("10", "1"),
                )
                continue
            work.basis(
                LegalBasis(
                    f"art-{'9' if own else '10'}-{measure.member_state}-{measure.reference}",
                    article("9", "1") if own else article("10", "1"),
                    measure.effect,
                    (
                        f"{measure.member_state} controls these non-listed items nationally "
                        f"({measure.reference}"
                        + (f", published in {measure.publication}" if measure.publication else "")
                        + ")"
                        + (
                            "."
                            if own
                            else "; the exporter's authority has informed it of a concern, so "
                            "the measure applies to it too."
                        )
                    ),
                    items=matched,
                    certainty=Certainty.RECALLED,
                    valid_from=measure.valid_from,
                    valid_to=measure.valid_to,
                )
            )

    def _brokering(self, work: _Work) -> None:
        controlled = work.controlled
        if controlled:
            self._catch_all_art4(work, tuple(r.label for r in controlled), "6")
        if not any(b.key.startswith("art-6") for b in work.bases):
            work.step(
                "Do the brokering services need an authorisation (Art 6)?",
                "No: Art 6 applies to Annex I items when the broker has been informed, or is "
                "aware, of a use in Art 4(1); neither is declared"
                + ("" if controlled else ", and no item is listed")
                + ". A Member State may extend this to non-listed items (Art 6(3)).",
                article("6", "1"),
            )

    def _technical_assistance(self, work: _Work) -> None:
        exemption = self._ta_exemption(work)
        if exemption is not None:
            point, reason = exemption
            work.step(
                "Is the technical assistance exempt (Art 8)?",
                f"Yes: {reason}.",
                Citation("Regulation (EU) 2021/821", "Art 8", "7", point),
            )
            work.caveats.append(
                "Art 8 exemption cited from knowledge: " + Certainty.RECALLED.description + "."
            )
            return
        controlled = work.controlled
        if controlled:
            self._catch_all_art4(work, tuple(r.label for r in controlled), "8")
        if not any(b.key.startswith("art-8") for b in work.bases):
            work.step(
                "Does the technical assistance need an authorisation (Art 8)?",
                "No: Art 8 applies to technical assistance related to Annex I items when the "
                "provider has been informed, or is aware, of a use in Art 4(1); neither is "
                "declared. A Member State may extend this to non-listed items.",
                article("8", "1"),
            )

    def _ta_exemption(self, work: _Work) -> tuple[str, str] | None:
        tx = work.tx
        if tx.destination in _EU001:
            return "a", f"{tx.destination} is an EU001 destination (Annex II Section A Part 2)"
        if work.items and all(r.item.public_domain for r in work.items):
            return "b", "it transfers only public-domain information or basic scientific research"
        point = _TA_EXEMPT_PURPOSES.get(tx.purpose)
        if point is not None:
            return point, tx.purpose.description[0].lower() + tx.purpose.description[1:]
        return None

    def _transit(self, work: _Work) -> None:
        tx = work.tx
        controlled = work.controlled
        concerns = [c for c in _ART4_POINTS if work.knows(c)]
        if controlled and concerns:
            work.basis(
                LegalBasis(
                    "art-7-1",
                    article("7", "1"),
                    Outcome.NOTIFY_AUTHORITY,
                    f"The authority of {tx.transit_state} may prohibit the transit of listed "
                    "items that are or may be intended for a use in Art 4(1) ("
                    + "; ".join(c.description for c in concerns)
                    + "), or make it subject to authorisation (Art 7(2)); contact it before "
                    "the transit.",
                    items=tuple(r.label for r in controlled),
                    certainty=Certainty.RECALLED,
                )
            )
            return
        work.step(
            "May the transit be prohibited (Art 7)?",
            "No ground is declared: Art 7 concerns listed items intended for a use in Art 4(1). "
            "A Member State may still require an authorisation for transit under its national "
            "law (Art 7(3)).",
            article("7", "1"),
        )

    def _intra_eu_transfer(self, work: _Work) -> None:
        tx = work.tx
        annex_iv = []
        for index, r in enumerate(work.items):
            if not r.controlled or r.entry is None:
                continue
            listed = r.entry.annex_iv if r.entry.annex_iv is not None else r.item.annex_iv
            if listed is None:
                raise InvalidInput(
                    f"items[{index}].annex_iv: list version "
                    f"{r.list_version.version if r.list_version else '?'} does not record "
                    f"whether {r.label} is in Annex IV; say true or false after checking "
                    "Annex IV to Regulation (EU) 2021/821",
                    details={"field": f"items[{index}].annex_iv"},
                )
            if listed:
                annex_iv.append(r.label)
        if annex_iv:
            work.basis(
                LegalBasis(
                    "art-11-1",
                    article("11", "1"),
                    Outcome.LICENCE_REQUIRED,
                    f"Transfers within the Union of items listed in Annex IV need an "
                    f"authorisation from {tx.exporter.licensing_state}.",
                    items=tuple(annex_iv),
                )
            )
        else:
            work.step(
                "Does the transfer within the Union need an authorisation (Art 11)?",
                "No: none of the items is listed in Annex IV. A Member State may still require "
                "one where the items' final destination is outside the Union and no processing "
                "takes place in the receiving Member State (Art 11(2)).",
                article("11", "1"),
            )
        if work.controlled:
            work.obligations.append(
                Obligation(
                    "commercial-documents",
                    article("11", "4"),
                    "State in the commercial documents of the transfer that the items are "
                    "subject to controls if exported from the Union.",
                    certainty=Certainty.RECALLED,
                )
            )

    # -- sanctions -------------------------------------------------------------------------

    def _sanctions(self, work: _Work) -> None:
        tx = work.tx
        measures = sanctions_on(tx.destination, tx.date)
        if not measures:
            work.step(
                f"Do EU sanctions on {tx.destination} restrict these items on "
                f"{tx.date.isoformat()}?",
                "No sanctions regime on dual-use or monitoring items is recorded for the "
                "destination on that day.",
            )
            return
        for measure in measures:
            items = self._sanctioned_items(work, measure)
            if not items:
                work.step(
                    f"Does {measure.citation} apply?",
                    f"No: it covers {measure.scope.description.lower()}, and no item here is one.",
                    measure.citation,
                )
                continue
            if tx.activity not in measure.activities:
                continue
            if measure.end_users is not None:
                types = {p.type for p in tx.parties if p.role is not PartyRole.INTERMEDIARY}
                hit = types & measure.end_users
                if not hit and work.knows(Concern.MILITARY_END_USE) is None:
                    work.step(
                        f"Does {measure.citation} apply?",
                        "Not on the declared parties: it covers end users of the types "
                        + ", ".join(sorted(t.value for t in measure.end_users))
                        + ".",
                        measure.citation,
                    )
                    continue
            work.basis(
                LegalBasis(
                    f"sanctions-{measure.key}",
                    measure.citation,
                    measure.effect,
                    measure.note,
                    items=items,
                    certainty=measure.certainty,
                    valid_from=measure.valid_from,
                    valid_to=measure.valid_to,
                )
            )
            work.step(
                f"Does {measure.citation} apply?",
                f"Yes: {measure.effect.value} for {', '.join(items)}.",
                measure.citation,
            )

    @staticmethod
    def _sanctioned_items(work: _Work, measure: SanctionsMeasure) -> tuple[str, ...]:
        if measure.scope is SanctionsScope.MONITORING:
            return tuple(r.label for r in work.items if r.cyber_surveillance)
        if measure.scope is SanctionsScope.ANNEX_I_NSG_MTCR:
            return tuple(
                r.label
                for r in work.controlled
                if r.entry is not None and r.entry.origin in (OriginRegime.NSG, OriginRegime.MTCR)
            )
        return tuple(r.label for r in work.controlled)

    # -- general authorisations -------------------------------------------------------------

    def _general_authorisations(
        self, work: _Work, outcome: Outcome
    ) -> tuple[AuthorisationOption, ...]:
        tx = work.tx
        controlled = work.controlled
        if not tx.activity.is_export or not controlled:
            return ()
        facts = _Facts.of(work)
        options = tuple(
            _option(tx, rule, controlled, facts, self._verdicts) for rule in GENERAL_AUTHORISATIONS
        )
        usable = [o.code for o in options if o.available]
        work.step(
            "Can a Union general export authorisation (Annex II) be used instead of an "
            "individual licence?",
            (f"Yes: {', '.join(usable)}, on its conditions." if usable else "No.")
            + (
                " A general authorisation covers only the Art 3 requirement; the other "
                "requirements remain."
                if outcome is Outcome.LICENCE_REQUIRED and facts.other_requirements
                else ""
            ),
            article("12", "1", "d"),
        )
        return options

    # -- authority and obligations ----------------------------------------------------------

    def _authority(self, tx: Transaction) -> Authority:
        if tx.activity is Activity.TRANSIT:
            assert tx.transit_state is not None
            state, citation = tx.transit_state, article("7", "1")
        elif tx.activity in (Activity.BROKERING, Activity.TECHNICAL_ASSISTANCE):
            state, citation = tx.exporter.licensing_state, article("13")
        elif tx.activity is Activity.INTRA_EU_TRANSFER:
            state, citation = tx.exporter.licensing_state, article("11", "1")
        else:
            state, citation = tx.exporter.licensing_state, article("12", "2")
        authority = competent_authority(state)
        return Authority(
            member_state=authority.member_state,
            name=authority.name,
            name_en=authority.name_en,
            website=authority.website,
            citation=citation,
        )

    def _obligations(self, work: _Work, outcome: Outcome) -> None:
        tx = work.tx
        if outcome is Outcome.NOTIFY_AUTHORITY:
            notify = [b for b in work.bases if b.effect is Outcome.NOTIFY_AUTHORITY]
            work.obligations.append(
                Obligation(
                    "notify-authority",
                    notify[0].citation,
                    "Notify the competent authority before going ahead and wait for its "
                    "decision on whether the transaction needs an authorisation.",
                )
            )
        if outcome is Outcome.LICENCE_REQUIRED:
            work.obligations.append(
                Obligation(
                    "end-use-information",
                    article("12", "4"),
                    "Give the authority all relevant information on the end user, the country "
                    "of destination and the end use; an end-use statement may be required.",
                    certainty=Certainty.RECALLED,
                )
            )
        if any(r.cyber_surveillance for r in work.items):
            work.obligations.append(
                Obligation(
                    "cyber-surveillance-due-diligence",
                    Citation(_GUIDELINES, "Section 3"),
                    "Due diligence for cyber-surveillance items (Art 5(2)): check whether the "
                    "item is a cyber-surveillance item (3.1), review its capabilities for "
                    "misuse (3.2), review the end users, consignees and distributors (3.3), "
                    "and plan prevention and mitigation from the findings (3.4); screen every "
                    "party and keep the findings.",
                )
            )
        valid = [d for d in tx.prior_denials if not d.revoked]
        others = [d for d in valid if d.member_state != tx.exporter.licensing_state]
        if others and outcome in (Outcome.LICENCE_REQUIRED, Outcome.NOTIFY_AUTHORITY):
            states = ", ".join(f"{d.member_state} ({d.reference})" for d in others)
            work.obligations.append(
                Obligation(
                    "consult-denying-state",
                    article("16", "5"),
                    f"A valid denial for an essentially identical transaction exists: the "
                    f"authority must consult {states} before granting, and if it grants, "
                    "notify the Member States and the Commission with its reasons.",
                    certainty=Certainty.RECALLED,
                )
            )
            work.step(
                "Has another Member State denied an essentially identical transaction?",
                f"Yes: {states}; consultation is required before a grant (Art 16(5)).",
                article("16", "5"),
            )
        if tx.activity is Activity.INTRA_EU_TRANSFER:
            years, text = 3, "Keep the commercial documents of the transfer"
            citation = Citation(_RECORDS.act, _RECORDS.article, "3")
        elif tx.activity in (Activity.BROKERING, Activity.TECHNICAL_ASSISTANCE):
            years, text = (
                5,
                (
                    "Keep records of the service: item description, period, destination and the "
                    "countries concerned"
                ),
            )
            citation = Citation(_RECORDS.act, _RECORDS.article, "2")
        else:
            years, text = (
                5,
                (
                    "Keep detailed registers: item description and quantity, names and addresses "
                    "of exporter and consignee, and end use and end user where known"
                ),
            )
            citation = Citation(_RECORDS.act, _RECORDS.article, "1")
        keep_until = dt.date(tx.date.year + years, 12, 31)
        work.obligations.append(
            Obligation(
                "record-keeping",
                citation,
                f"{text}, for at least {years} years from the end of the calendar year of the "
                f"transaction: until {keep_until.isoformat()} at least.",
                due=keep_until,
                certainty=Certainty.RECALLED,
            )
        )


@dataclass(frozen=True, slots=True)
class _Facts:
    """What every general authorisation asks of the transaction, worked out once."""

    prohibited: str | None
    other_requirements: str | None
    catch_all: tuple[tuple[str, str], ...]  # (informed|aware, Art 4(1) point)
    human_rights: str | None
    security_parties: tuple[str, ...]
    government_party: bool
    intra_group: bool
    embargoed: bool

    @classmethod
    def of(cls, work: _Work) -> _Facts:
        tx = work.tx
        prohibited = [str(b.citation) for b in work.bases if b.effect is Outcome.PROHIBITED]
        others = [
            str(b.citation)
            for b in work.bases
            if b.effect is not Outcome.PROHIBITED and b.key != "art-3-1"
        ]
        return cls(
            prohibited="; ".join(prohibited) or None,
            other_requirements="; ".join(others) or None,
            catch_all=tuple(
                (knowledge, point)
                for concern, point in _ART4_POINTS.items()
                if (knowledge := work.knows(concern)) is not None
            ),
            human_rights=work.knows(Concern.HUMAN_RIGHTS),
            security_parties=tuple(
                sorted({p.type.value for p in tx.parties if p.type.is_security_service})
            ),
            government_party=any(p.type is PartyType.OTHER_GOVERNMENT for p in tx.parties),
            intra_group=any(
                p.intra_group for p in tx.parties if p.role is not PartyRole.INTERMEDIARY
            ),
            embargoed=bool(
                arms_embargo(tx.destination, tx.date) or sanctions_on(tx.destination, tx.date)
            ),
        )


def _option(
    tx: Transaction,
    rule: GeneralAuthorisationRule,
    controlled: list[_ResolvedItem],
    facts: _Facts,
    verdicts: dict[tuple[object, ...], _Verdict],
) -> AuthorisationOption:
    reasons: list[str] = []
    conditions: list[str] = []
    code = rule.code
    if facts.prohibited:
        reasons.append(
            "A sanctions prohibition applies, and no general authorisation can lift it "
            f"({facts.prohibited})."
        )
    if not rule.lists(tx.destination, tx.date):
        reasons.append(f"{tx.destination} is not a destination of {code} on {tx.date}.")
    elif rule.destinations_excluded and facts.embargoed:
        reasons.append(
            f"{tx.destination} is subject to an arms embargo or restrictive measures, which "
            f"{code} excludes (Part 2(c))."
        )
    for r in controlled:
        assert r.list_version is not None
        assert r.entry is not None
        key = (rule.code, r.list_version.version, r.entry.path, r.item.related_to, r.item.annex_iv)
        verdict = verdicts.get(key)
        if verdict is None:
            if len(verdicts) > _VERDICT_CACHE_SIZE:
                verdicts.clear()
            verdict = verdicts[key] = _item_verdict(rule, r)
        reasons.extend(verdict[0])
        conditions.extend(verdict[1])
    for knowledge, point in facts.catch_all:
        reasons.append(
            f"The exporter is {knowledge} of a use in Art 4(1)({point}), which excludes "
            f"{code} (Part 3)."
        )
    if rule.human_rights_condition and facts.human_rights:
        reasons.append(
            f"The exporter is {facts.human_rights} of a use in connection with violations of "
            f"human rights, which excludes {code}."
        )
    if rule.security_end_users_excluded:
        if facts.security_parties:
            reasons.append(
                f"{code} excludes military, paramilitary, police and intelligence end users "
                f"and consignees; declared: {', '.join(facts.security_parties)}."
            )
        elif facts.government_party:
            conditions.append(
                "A government party is declared: confirm it is not a governmental service for "
                "security."
            )
    if rule.purpose is not None and tx.purpose is not rule.purpose:
        reasons.append(f"{code} requires the purpose: {rule.purpose.description}.")
    if rule.requires_intra_group and not facts.intra_group:
        reasons.append(
            f"{code} requires the recipient to be a subsidiary or sister company of the exporter."
        )
    if rule.requires_icp and not tx.internal_compliance_programme:
        reasons.append(f"{code} requires an internal compliance programme.")
    if rule.requires_intra_group and tx.exporter.established_in is None:
        reasons.append(f"{code} is for exporters established in a Member State.")
    if reasons:
        return AuthorisationOption(code, rule.title, rule.citation, False, tuple(reasons))
    if tx.exporter.established_in is None:
        conditions.append(
            "The exporter is established outside the Union: confirm with the authority of "
            f"{tx.exporter.goods_located_in}, where the items are, that it may use {code}."
        )
    if facts.other_requirements:
        conditions.append(
            "It would cover the Art 3 requirement only; the requirements under "
            f"{facts.other_requirements} remain."
        )
    return AuthorisationOption(
        code,
        rule.title,
        rule.citation,
        True,
        conditions=(*conditions, *rule.conditions),
        obligations=rule.obligations,
    )


_VERDICT_CACHE_SIZE = 100_000
# Why a general authorisation does not cover an item, and what to confirm where it does.
_Verdict = tuple[tuple[str, ...], tuple[str, ...]]


def _item_verdict(rule: GeneralAuthorisationRule, r: _ResolvedItem) -> _Verdict:
    conditions: list[str] = []
    reasons = _item_reasons(rule, r, conditions)
    return tuple(reasons), tuple(conditions)


def _item_reasons(
    rule: GeneralAuthorisationRule, r: _ResolvedItem, conditions: list[str]
) -> list[str]:
    """Why `rule` does not cover this item, if it does not; conditions to confirm otherwise."""
    assert r.entry is not None
    path, group = r.entry.path, r.entry.product_group.value
    lineage = r.lineage
    if not rule.covers_entry(lineage):
        partly = [p for p in rule.named_within(path) if p in (rule.covers or ())]
        if partly:
            return [
                f"{rule.code} covers only {', '.join(partly)} within {path}: give the exact "
                "sub-entry."
            ]
        return [f"{rule.code} does not cover {path} (Part 1)."]
    if rule.groups is not None and group not in rule.groups:
        return [f"{rule.code} covers software and technology only; {path} is in group {group}."]
    if group in rule.excluded_groups:
        return [f"{rule.code} excludes Annex I product group {group} ({path})."]
    excluded = rule.excluding(lineage)
    if excluded is not None:
        return [f"{rule.code} excludes {excluded} (Part 1), which covers {path}."]
    partly = [p for p in rule.named_within(path) if p in rule.excludes]
    if partly:
        return [
            f"{rule.code} excludes {', '.join(partly)}, within {path}: give the exact sub-entry."
        ]
    for related in rule.related_excluded:
        if is_within(path, related):
            return [f"{rule.code} excludes {related} and software and technology for it."]
    if rule.related_excluded:
        relates = r.item.related_to
        hit = [rel for rel in relates for ex in rule.related_excluded if is_within(rel, ex)]
        if hit:
            return [f"{rule.code} excludes software and technology related to {', '.join(hit)}."]
        if not relates and r.entry.code in ("4E001", "5D001", "5E001"):
            conditions.append(f"{path} must not relate to {', '.join(rule.related_excluded)}.")
    if rule.section_i:
        if r.entry.excluded_from_general_authorisations:
            return [f"{path} is in Annex II Section I, which {rule.code} excludes."]
        annex_iv = r.entry.annex_iv if r.entry.annex_iv is not None else r.item.annex_iv
        if annex_iv:
            return [f"{path} is in Annex IV, and Annex II Section I excludes Annex IV items."]
        if annex_iv is None:
            conditions.append(
                f"{path} must not be in Annex IV (Annex II Section I excludes Annex IV items; "
                "the list version does not record it)."
            )
    return []


def _lineage(path: str) -> tuple[str, ...]:
    """The path and its ancestors: 5A001.j.1, 5A001.j, 5A001."""
    parts = path.split(".")
    return tuple(".".join(parts[:n]) for n in range(len(parts), 0, -1))


_CERTAINTY_ORDER = (Certainty.VERIFIED, Certainty.RECALLED, Certainty.CONTESTED)


def _certainty_rank(certainty: Certainty) -> int:
    return _CERTAINTY_ORDER.index(certainty)


_ALPHA2 = frozenset(c.alpha2 for c in all_countries())


def _canonical(tx: Transaction) -> Transaction:
    """The same transaction with ISO alpha-2 codes (`EL` becomes GR, `uk` GB)."""

    plain = (
        tx.destination,
        tx.exporter.established_in,
        tx.exporter.goods_located_in,
        tx.purchasing_country,
        tx.transit_state,
        *(p.country for p in tx.parties),
        *(d.member_state for d in tx.prior_denials),
    )
    if all(code is None or code in _ALPHA2 for code in plain):
        return tx
    codes = [
        ("destination", tx.destination),
        ("exporter.established_in", tx.exporter.established_in),
        ("exporter.goods_located_in", tx.exporter.goods_located_in),
        ("purchasing_country", tx.purchasing_country),
        ("transit_state", tx.transit_state),
        *((f"parties[{i}].country", p.country) for i, p in enumerate(tx.parties)),
        *(
            (f"prior_denials[{i}].member_state", d.member_state)
            for i, d in enumerate(tx.prior_denials)
        ),
    ]
    if all(code is None or _code(code, name) == code for name, code in codes):
        return tx

    def canon(code: str | None, name: str) -> str | None:
        return None if code is None else _code(code, name)

    exporter = replace(
        tx.exporter,
        established_in=canon(tx.exporter.established_in, "exporter.established_in"),
        goods_located_in=canon(tx.exporter.goods_located_in, "exporter.goods_located_in"),
    )
    parties = tuple(
        replace(p, country=canon(p.country, f"parties[{i}].country"))
        for i, p in enumerate(tx.parties)
    )
    denials = tuple(
        replace(d, member_state=_code(d.member_state, f"prior_denials[{i}].member_state"))
        for i, d in enumerate(tx.prior_denials)
    )
    canonical = replace(
        tx,
        exporter=exporter,
        destination=_code(tx.destination, "destination"),
        purchasing_country=canon(tx.purchasing_country, "purchasing_country"),
        transit_state=canon(tx.transit_state, "transit_state"),
        parties=parties,
        prior_denials=denials,
    )
    return canonical


def _code(code: str, name: str) -> str:
    try:
        return country(code).alpha2
    except InvalidInput as error:
        raise InvalidInput(
            f"{name}: {error.message}", details={"field": name, **error.details}
        ) from None


def _normalise_path(entry: str) -> str:
    """`5a001.J.` and ` 5A001.j ` both mean 5A001.j."""
    head, _, rest = entry.strip().rstrip(".").partition(".")
    return head.upper() + ("." + rest.lower() if rest else "")
