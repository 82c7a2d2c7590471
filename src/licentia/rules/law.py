"""The law the engine applies, as dated data: general authorisations, sanctions, embargoes.

Sources: the text of Annex II to Regulation (EU) 2021/821 as consolidated on 2025-11-15
(destinations, items, conditions: `Certainty.VERIFIED`), Delegated Regulation (EU) 2022/699
(Russia removed from EU003, EU004 and EU005 from 5 May 2022), and the sanctions regulations
named below. Sanctions and embargo entries whose article numbers or dates come from knowledge
rather than a text read here say so (`Certainty.RECALLED` or `CONTESTED`), and the answer
carries that through to the user.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache

from licentia.rules.model import Activity, Certainty, Citation, Outcome, PartyType, Purpose

REGULATION = "Regulation (EU) 2021/821"
# The Regulation applies from 9 September 2021; earlier dates fall under Regulation 428/2009,
# which this engine does not encode.
LAW_FROM = dt.date(2021, 9, 9)
# The dated data below was last reviewed on this day; answers further than a year ahead
# would rest on law nobody has checked.
REVIEWED_ON = dt.date(2026, 11, 26)
LAW_UNTIL = REVIEWED_ON + dt.timedelta(days=366)
RUSSIA_REMOVED = dt.date(2022, 5, 5)  # Delegated Regulation (EU) 2022/699, OJ L 130I, 4.5.2022


@cache
def article(article: str, paragraph: str | None = None, point: str | None = None) -> Citation:
    return Citation(REGULATION, f"Art {article}", paragraph, point)


def annex_ii(section: str, part: str | None = None) -> Citation:
    return Citation(REGULATION, f"Annex II Section {section}", part)


@dataclass(frozen=True, slots=True)
class Listing:
    """A destination on a general authorisation's list, from a day and possibly until one."""

    country: str
    valid_from: dt.date = LAW_FROM
    valid_to: dt.date | None = None  # last day on the list

    def on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


def _listed(*codes: str) -> tuple[Listing, ...]:
    return tuple(Listing(code) for code in codes)


_UNTIL_RUSSIA_REMOVED = RUSSIA_REMOVED - dt.timedelta(days=1)
# Annex II lists "French overseas territories"; these are the French overseas countries and
# territories with ISO codes of their own.
FRENCH_OVERSEAS_TERRITORIES = ("BL", "NC", "PF", "PM", "TF", "WF")
_REPAIR_AND_FAIR_DESTINATIONS = (
    *_listed(
        "AL", "AR", "BA", "BR", "CL", "CN", "HK", "MO", *FRENCH_OVERSEAS_TERRITORIES,
        "IN", "KZ", "MX", "ME", "MA", "MK", "RS", "SG", "ZA", "KR", "TN", "TR", "UA", "AE",
    ),
    Listing("RU", valid_to=_UNTIL_RUSSIA_REMOVED),
)  # fmt: skip

EU001_DESTINATIONS = _listed("AU", "CA", "IS", "JP", "NZ", "NO", "CH", "LI", "GB", "US")

# EU008 Part 2(b): destinations excluded by name (Part 2(a) excludes EU001's, 2(c) embargoes).
EU008_EXCLUDED = frozenset(
    [
        "AF",
        "AM",
        "AZ",
        "BY",
        "KH",
        "CF",
        "CN",
        "HK",
        "MO",
        "CG",
        "CD",
        "EG",
        "ER",
        "GE",
        "IR",
        "IQ",
        "IL",
        "KZ",
        "KG",
        "LB",
        "LY",
        "MY",
        "ML",
        "MU",
        "MN",
        "MM",
        "KP",
        "OM",
        "PK",
        "QA",
        "RU",
        "SA",
        "SO",
        "SS",
        "SD",
        "SY",
        "TJ",
        "TM",
        "AE",
        "UZ",
        "VE",
        "YE",
        "ZW",
    ]
)

_CATCH_ALL_CONDITION = (
    "Not usable if the competent authority has informed the exporter, or the exporter is "
    "aware, that the items are or may be intended for a use in Art 4(1)(a)-(c) "
    "(weapons of mass destruction, military end use under an arms embargo, parts of illegally "
    "exported military items)"
)
_FREE_ZONE_CONDITION = (
    "Not usable for exports to a customs-free zone or free warehouse in a listed destination"
)
_DECLARE = "Declare the authorisation number in the customs declaration (X002 with the number)"
_FIRST_USE_30_DAYS = (
    "Notify the competent authority of the first use within 30 days after the first export, "
    "or before the first use where that authority requires it; the Member State may require "
    "registration before first use and sets the reporting duties"
)
_NOT_RE_EXPORT_OUTSIDE = (
    "Not usable if the exporter is aware that the items will be re-exported to a destination "
    "not listed in this authorisation, in EU001 or the Member States"
)
_HUMAN_RIGHTS_CONDITION = (
    "Not usable if informed or aware that the items are intended for use in connection with a "
    "violation of human rights, democratic principles or freedom of expression"
)
_SECURITY_END_USER_CONDITION = (
    "Not usable if the consignee or end user is a military, paramilitary, police or "
    "intelligence service or another governmental security service, or acts for one"
)


# Entries Sections C and D of Annex II both exclude (each adds a few of its own).
_SENSITIVE_EXCLUSIONS = (
    "1A002.a",
    "1C012.a",
    "1C227",
    "1C228",
    "1C229",
    "1C230",
    "1C231",
    "1C236",
    "1C237",
    "1C240",
    "1C350",
    "1C450",
    "5A001.b.5",
    "5A002.c",
    "5A002.d",
    "5A002.e",
    "5A003.a",
    "5A003.b",
    "8A001.b",
    "8A001.c.1",
    "9A011",
)


@dataclass(frozen=True, slots=True)
class GeneralAuthorisationRule:
    """One Union general export authorisation of Annex II, as data.

    `covers` lists the entries covered (None: every Annex I entry); `groups` narrows to product
    groups; `excludes` and `excluded_groups` take entries out; `section_i` applies the common
    exclusion list of Annex II Section I (which includes every Annex IV item).
    """

    code: str
    title: str
    citation: Citation
    destinations: tuple[Listing, ...] = ()
    destinations_excluded: frozenset[str] = frozenset()  # all destinations except these
    covers: tuple[str, ...] | None = None
    groups: frozenset[str] | None = None
    excludes: tuple[str, ...] = ()
    excluded_groups: frozenset[str] = frozenset()
    related_excluded: tuple[str, ...] = ()
    section_i: bool = True
    purpose: Purpose | None = None
    human_rights_condition: bool = False
    security_end_users_excluded: bool = False
    requires_icp: bool = False
    requires_intra_group: bool = False
    conditions: tuple[str, ...] = ()
    obligations: tuple[str, ...] = ()

    # Look-ups built once: the engine asks these for every item of every determination.
    _covered: frozenset[str] = field(default=frozenset(), init=False, repr=False, compare=False)
    _excluded: frozenset[str] = field(default=frozenset(), init=False, repr=False, compare=False)
    _by_head: dict[str, tuple[str, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _listings: dict[str, tuple[Listing, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_covered", frozenset(self.covers or ()))
        object.__setattr__(self, "_excluded", frozenset(self.excludes))
        for path in (*(self.covers or ()), *self.excludes):
            head = path.split(".", 1)[0]
            self._by_head[head] = (*self._by_head.get(head, ()), path)
        for listing in self.destinations:
            self._listings[listing.country] = (
                *self._listings.get(listing.country, ()),
                listing,
            )

    def lists(self, destination: str, day: dt.date) -> bool:
        if self.destinations_excluded:
            return destination not in self.destinations_excluded
        return any(listing.on(day) for listing in self._listings.get(destination, ()))

    def covers_entry(self, lineage: tuple[str, ...]) -> bool:
        """Whether Part 1 covers the entry whose path and ancestors are `lineage`."""
        return self.covers is None or not self._covered.isdisjoint(lineage)

    def excluding(self, lineage: tuple[str, ...]) -> str | None:
        """The excluded entry that contains this one, if any."""
        return next((path for path in lineage if path in self._excluded), None)

    def named_within(self, path: str) -> list[str]:
        """Covered or excluded entries strictly below `path` (the entry given is too coarse)."""
        return [
            named
            for named in self._by_head.get(path.split(".", 1)[0], ())
            if named.startswith(path + ".")
        ]


GENERAL_AUTHORISATIONS: tuple[GeneralAuthorisationRule, ...] = (
    GeneralAuthorisationRule(
        code="EU001",
        title="Exports to Australia, Canada, Iceland, Japan, New Zealand, Norway, Switzerland "
        "including Liechtenstein, the United Kingdom and the United States",
        citation=annex_ii("A"),
        destinations=EU001_DESTINATIONS,
        conditions=(_CATCH_ALL_CONDITION, _FREE_ZONE_CONDITION),
        obligations=(_DECLARE, _FIRST_USE_30_DAYS),
    ),
    GeneralAuthorisationRule(
        code="EU002",
        title="Exports of certain dual-use items to certain destinations",
        citation=annex_ii("B"),
        destinations=_listed("AR", "ZA", "KR", "TR"),
        covers=(
            "1A001",
            "1A003",
            "1A004",
            "1C003.b",
            "1C003.c",
            "1C004",
            "1C005",
            "1C006",
            "1C008",
            "1C009",
            "2B008",
            "3A001.a.3",
            "3A001.a.6",
            "3A001.a.7",
            "3A001.a.9",
            "3A001.a.10",
            "3A001.a.11",
            "3A001.a.12",
            "3A002.c",
            "3A002.d",
            "3A002.e",
            "3A002.f",
            "3C001",
            "3C002",
            "3C003",
            "3C004",
            "3C005",
            "3C006",
        ),
        section_i=False,
        conditions=(_CATCH_ALL_CONDITION, _FREE_ZONE_CONDITION),
        obligations=(_DECLARE, _FIRST_USE_30_DAYS),
    ),
    GeneralAuthorisationRule(
        code="EU003",
        title="Export after repair or replacement",
        citation=annex_ii("C"),
        destinations=_REPAIR_AND_FAIR_DESTINATIONS,
        excluded_groups=frozenset("DE"),
        excludes=(
            *_SENSITIVE_EXCLUSIONS,
            "6A001.a.2.a.1",
            "6A001.a.2.a.5",
            "6A002.a.1.c",
        ),
        purpose=Purpose.RETURN_AFTER_REPAIR,
        conditions=(
            "Only to the original end user in the country of consignment, within 5 years of "
            "the original export authorisation, without changes to the original "
            "characteristics",
            "The initial export was made under a general authorisation or an individual "
            "authorisation that has not been annulled, suspended, modified or revoked",
            "Not usable if the exporter is aware that the end use differs from the one in "
            "the original authorisation",
            _CATCH_ALL_CONDITION,
            _FREE_ZONE_CONDITION,
        ),
        obligations=(
            "Give the reference number of the initial authorisation and the Member State that "
            "granted it in the export declaration",
            _DECLARE,
            "Keep evidence of the date of re-import, the repair or replacement, and the return "
            "to the same end user and country, for customs on request",
            _FIRST_USE_30_DAYS,
        ),
    ),
    GeneralAuthorisationRule(
        code="EU004",
        title="Temporary export for exhibition or fair",
        citation=annex_ii("D"),
        destinations=_REPAIR_AND_FAIR_DESTINATIONS,
        excluded_groups=frozenset("DE"),
        excludes=(
            *_SENSITIVE_EXCLUSIONS,
            "1C002.b.4",
            "1C010",
            "6A001",
            "6A002.a",
        ),
        purpose=Purpose.TEMPORARY_EXHIBITION,
        conditions=(
            "Re-import within 120 days, complete and unmodified, unless the authority waives it",
            "Not for a private presentation, a sale, rental or lease, storage for sale only, "
            "use beyond a demonstration, or merger into production; the exporter keeps "
            "control throughout",
            "Not usable for items with a national security classification of EU CONFIDENTIAL "
            "or above",
            "Software is covered only where needed for the equipment's demonstration",
            _CATCH_ALL_CONDITION,
            _FREE_ZONE_CONDITION,
        ),
        obligations=(_DECLARE, _FIRST_USE_30_DAYS),
    ),
    GeneralAuthorisationRule(
        code="EU005",
        title="Telecommunications",
        citation=annex_ii("E"),
        destinations=(
            *_listed("AR", "CN", "HK", "MO", "IN", "ZA", "KR", "TR", "UA"),
            Listing("RU", valid_to=_UNTIL_RUSSIA_REMOVED),
        ),
        covers=("5A001.b.2", "5A001.c", "5A001.d", "5B001", "5D001", "5E001.a"),
        section_i=False,
        human_rights_condition=True,
        conditions=(
            "5B001 and 5D001 only for test, inspection and production equipment and software "
            "for 5A001.b.2, 5A001.c or 5A001.d items; 5E001.a only for installing, operating, "
            "maintaining or repairing those items for the same end user",
            _CATCH_ALL_CONDITION,
            _HUMAN_RIGHTS_CONDITION
            + " by interception technologies, monitoring of mobile phones and text messages or "
            "targeted surveillance of internet use (monitoring centres, lawful interception "
            "gateways)",
            _NOT_RE_EXPORT_OUTSIDE,
            _FREE_ZONE_CONDITION,
        ),
        obligations=(_DECLARE, _FIRST_USE_30_DAYS),
    ),
    GeneralAuthorisationRule(
        code="EU006",
        title="Chemicals",
        citation=annex_ii("F"),
        destinations=_listed("AR", "KR", "TR", "UA"),
        covers=(
            *(f"1C350.{n}" for n in range(1, 66) if n not in (4, 23, 29)),
            "1C450.a.4",
            "1C450.a.5",
            "1C450.a.6",
            "1C450.a.7",
            *(f"1C450.b.{n}" for n in (1, 2, 3, 4, 5, 6, 8)),
        ),
        section_i=False,
        conditions=(_CATCH_ALL_CONDITION, _NOT_RE_EXPORT_OUTSIDE, _FREE_ZONE_CONDITION),
        obligations=(_DECLARE, _FIRST_USE_30_DAYS),
    ),
    GeneralAuthorisationRule(
        code="EU007",
        title="Intra-group export of software and technology",
        citation=annex_ii("G"),
        destinations=_listed(
            "AR",
            "BR",
            "CL",
            "IN",
            "ID",
            "IL",
            "JO",
            "MY",
            "MX",
            "MA",
            "PH",
            "SG",
            "ZA",
            "KR",
            "TH",
            "TN",
        ),
        groups=frozenset("DE"),
        related_excluded=("4A005", "4D004", "4E001.c", "5A001.f", "5A001.j"),
        purpose=Purpose.INTRA_GROUP_DEVELOPMENT,
        human_rights_condition=True,
        security_end_users_excluded=True,
        requires_icp=True,
        requires_intra_group=True,
        conditions=(
            "Only to a wholly owned subsidiary or a sister company wholly owned by the same "
            "parent; the parent and the ultimate controller are in a Member State or an EU001 "
            "country, and the parent guarantees the sister company's compliance",
            "Only for the group's commercial product development; software, technology and "
            "results stay under the exporter's (or parent's) control and are returned and "
            "deleted when development ends",
            "Not usable for a military, paramilitary, police, intelligence, surveillance or "
            "other government security end use",
            _CATCH_ALL_CONDITION,
            _HUMAN_RIGHTS_CONDITION,
            "Not usable if the exporter is aware of a re-export outside EU001 countries and "
            "the Member States",
        ),
        obligations=(
            "Implement an internal compliance programme",
            "Register with the competent authority before the first use (acknowledged within "
            "10 working days)",
            "Notify the first use at least 30 days before the first export",
            "Report on the use at least once a year: description, quantity and value where "
            "available, the group companies involved",
            "Declare EU007 in the customs declaration for a tangible export",
        ),
    ),
    GeneralAuthorisationRule(
        code="EU008",
        title="Encryption",
        citation=annex_ii("H"),
        destinations_excluded=EU008_EXCLUDED | {listing.country for listing in EU001_DESTINATIONS},
        covers=(
            "5A002.a.2",
            "5A002.a.3",
            "5A002.b",
            "5D002.a.1",
            "5D002.b",
            "5D002.c.1",
            "5E002.b",
        ),
        section_i=False,
        human_rights_condition=True,
        security_end_users_excluded=True,
        conditions=(
            "The items use only published or commercial cryptographic standards approved by "
            "recognised standards bodies, no standards designed for government use (TETRA, "
            "TETRAPOL, P25), and their cryptographic functionality cannot easily be changed by "
            "the user",
            "Not usable for items accredited or classified RESTREINT UE/EU RESTRICTED or above",
            "5A002.b, 5D002.a.1, 5D002.c.1 and 5E002.b only as Part 1 of EU008 describes "
            "(cryptographic activation tokens, software for 5A002.a equipment)",
            "Not usable if the export is also controlled by an Annex I entry EU008 does not list",
            _CATCH_ALL_CONDITION,
            _HUMAN_RIGHTS_CONDITION,
            _SECURITY_END_USER_CONDITION,
            _FREE_ZONE_CONDITION,
        ),
        obligations=(
            "Register with the competent authority before the first use (acknowledged within "
            "10 working days)",
            "Notify the first use at least 10 days before the first export",
            "Submit technical data of the items on request, and report on the use on request "
            "(at least yearly)",
            "Declare EU008 in the customs declaration where one is required",
        ),
    ),
)


class SanctionsScope(StrEnum):
    """Which items a sanctions measure covers."""

    ANNEX_I = "annex-i"
    ANNEX_I_NSG_MTCR = "annex-i-nsg-mtcr"
    MONITORING = "monitoring"

    @property
    def description(self) -> str:
        return {
            SanctionsScope.ANNEX_I: "Every dual-use item listed in Annex I",
            SanctionsScope.ANNEX_I_NSG_MTCR: (
                "Annex I items of Nuclear Suppliers Group and Missile Technology Control "
                "Regime origin"
            ),
            SanctionsScope.MONITORING: (
                "Equipment, technology or software for monitoring or interception of "
                "internet or telephone communications (cyber-surveillance items)"
            ),
        }[self]


_SANCTIONED_ACTIVITIES = frozenset(Activity) - {Activity.INTRA_EU_TRANSFER}
_GOVERNMENT = frozenset(
    {PartyType.POLICE, PartyType.INTELLIGENCE, PartyType.MILITARY, PartyType.OTHER_GOVERNMENT}
)


@dataclass(frozen=True, slots=True)
class SanctionsMeasure:
    """One restrictive measure on exports of dual-use items to a country, with its dates.

    `end_users` limits the measure to parties of these types (None: anyone in the country).
    """

    key: str
    country: str
    regime: str
    citation: Citation
    scope: SanctionsScope
    effect: Outcome
    valid_from: dt.date
    valid_to: dt.date | None = None
    end_users: frozenset[PartyType] | None = None
    certainty: Certainty = Certainty.RECALLED
    note: str = ""
    activities: frozenset[Activity] = _SANCTIONED_ACTIVITIES

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


_RUSSIA = "Regulation (EU) No 833/2014 (Russia)"
_BELARUS = "Regulation (EC) No 765/2006 (Belarus)"
_IRAN_NUCLEAR = "Regulation (EU) No 267/2012 (Iran, non-proliferation)"
_IRAN_RIGHTS = "Regulation (EU) No 359/2011 (Iran, human rights)"
_DPRK = "Regulation (EU) 2017/1509 (North Korea)"
_SYRIA = "Regulation (EU) No 36/2012 (Syria)"
_MYANMAR = "Regulation (EU) No 401/2013 (Myanmar/Burma)"
_VENEZUELA = "Regulation (EU) 2017/2063 (Venezuela)"
_MONITORING_AUTHORISATION = (
    "A prior authorisation is required; it is refused where there are reasonable grounds to "
    "believe the items would be used for internal repression or monitoring by the regime"
)

SANCTIONS: tuple[SanctionsMeasure, ...] = (
    SanctionsMeasure(
        "RU-833-2",
        "RU",
        _RUSSIA,
        Citation(_RUSSIA, "Art 2", "1"),
        SanctionsScope.ANNEX_I,
        Outcome.PROHIBITED,
        dt.date(2022, 2, 25),
        note="Since Regulation (EU) 2022/328: no sale, supply, transfer or export of any Annex I "
        "item to any person in Russia or for use in Russia, nor technical assistance, brokering "
        "or financing for them; Art 2(3)-(4) let authorities authorise narrow civil purposes "
        "(e.g. humanitarian, health, civil telecommunications) — ask the authority",
    ),
    SanctionsMeasure(
        "RU-833-2-MIL",
        "RU",
        _RUSSIA,
        Citation(_RUSSIA, "Art 2", "1"),
        SanctionsScope.ANNEX_I,
        Outcome.PROHIBITED,
        LAW_FROM,
        valid_to=dt.date(2022, 2, 24),
        end_users=frozenset({PartyType.MILITARY}),
        note="Before Regulation (EU) 2022/328: Annex I items for military use or a military end "
        "user in Russia",
    ),
    SanctionsMeasure(
        "BY-765-1E",
        "BY",
        _BELARUS,
        Citation(_BELARUS, "Art 1e", "1"),
        SanctionsScope.ANNEX_I,
        Outcome.PROHIBITED,
        dt.date(2022, 3, 3),
        note="Since Regulation (EU) 2022/355: no Annex I item to any person in Belarus or for "
        "use in Belarus",
    ),
    SanctionsMeasure(
        "BY-765-MIL",
        "BY",
        _BELARUS,
        Citation(_BELARUS, "Art 1e", "1"),
        SanctionsScope.ANNEX_I,
        Outcome.PROHIBITED,
        LAW_FROM,
        valid_to=dt.date(2022, 3, 2),
        end_users=frozenset({PartyType.MILITARY}),
        note="From Regulation (EU) 2021/1030: Annex I items for military use or military end "
        "users in Belarus",
    ),
    SanctionsMeasure(
        "BY-765-MONITORING",
        "BY",
        _BELARUS,
        Citation(_BELARUS, "Art 1b"),
        SanctionsScope.MONITORING,
        Outcome.LICENCE_REQUIRED,
        LAW_FROM,
        note=_MONITORING_AUTHORISATION + " (list of monitoring equipment in its annex)",
    ),
    SanctionsMeasure(
        "IR-267-2",
        "IR",
        _IRAN_NUCLEAR,
        Citation(_IRAN_NUCLEAR, "Art 2", "1"),
        SanctionsScope.ANNEX_I_NSG_MTCR,
        Outcome.PROHIBITED,
        LAW_FROM,
        note="Items listed in Annex I to Regulation 267/2012 (Nuclear Suppliers Group and "
        "missile technology items) may not be supplied to Iran",
    ),
    SanctionsMeasure(
        "IR-267-3A",
        "IR",
        _IRAN_NUCLEAR,
        Citation(_IRAN_NUCLEAR, "Art 3a", "1"),
        SanctionsScope.ANNEX_I,
        Outcome.LICENCE_REQUIRED,
        LAW_FROM,
        note="Other dual-use items listed in Annex II to Regulation 267/2012 need a prior "
        "authorisation",
    ),
    SanctionsMeasure(
        "IR-267-SNAPBACK",
        "IR",
        _IRAN_NUCLEAR,
        Citation(_IRAN_NUCLEAR, "Art 2", "1"),
        SanctionsScope.ANNEX_I,
        Outcome.PROHIBITED,
        dt.date(2025, 9, 29),
        certainty=Certainty.CONTESTED,
        note="After the reimposition of UN measures in September 2025 the EU restored its "
        "earlier prohibitions (amendments including Regulation (EU) 2025/1975); this engine "
        "treats every Annex I item as prohibited from that date — confirm against the "
        "consolidated text",
    ),
    SanctionsMeasure(
        "IR-359-MONITORING",
        "IR",
        _IRAN_RIGHTS,
        Citation(_IRAN_RIGHTS, "Art 1a"),
        SanctionsScope.MONITORING,
        Outcome.LICENCE_REQUIRED,
        LAW_FROM,
        note=_MONITORING_AUTHORISATION + " (Annex IV to Regulation 359/2011)",
    ),
    SanctionsMeasure(
        "KP-2017-1509-3",
        "KP",
        _DPRK,
        Citation(_DPRK, "Art 3", "1"),
        SanctionsScope.ANNEX_I,
        Outcome.PROHIBITED,
        LAW_FROM,
        note="No Annex I item to North Korea, nor technical assistance, brokering or financing",
    ),
    SanctionsMeasure(
        "SY-36-2A",
        "SY",
        _SYRIA,
        Citation(_SYRIA, "Art 2a", "1"),
        SanctionsScope.ANNEX_I,
        Outcome.PROHIBITED,
        LAW_FROM,
        note="Dual-use items may not be supplied to any person in Syria or for use in Syria; "
        "kept among the security-based measures when most economic sanctions were lifted by "
        "Regulation (EU) 2025/1098",
    ),
    SanctionsMeasure(
        "SY-36-4-MONITORING",
        "SY",
        _SYRIA,
        Citation(_SYRIA, "Art 4"),
        SanctionsScope.MONITORING,
        Outcome.LICENCE_REQUIRED,
        LAW_FROM,
        valid_to=dt.date(2025, 5, 27),
        note=_MONITORING_AUTHORISATION + " (Annex V to Regulation 36/2012)",
    ),
    SanctionsMeasure(
        "SY-36-4-MONITORING-2025",
        "SY",
        _SYRIA,
        Citation(_SYRIA, "Art 4"),
        SanctionsScope.MONITORING,
        Outcome.LICENCE_REQUIRED,
        dt.date(2025, 5, 28),
        certainty=Certainty.CONTESTED,
        note=_MONITORING_AUTHORISATION + "; after Regulation (EU) 2025/1098 the monitoring "
        "equipment rules are reported as kept, but confirm the current text of Annex V",
    ),
    SanctionsMeasure(
        "MM-401-3A",
        "MM",
        _MYANMAR,
        Citation(_MYANMAR, "Art 3a"),
        SanctionsScope.ANNEX_I,
        Outcome.PROHIBITED,
        LAW_FROM,
        end_users=frozenset({PartyType.MILITARY, PartyType.POLICE}),
        note="Annex I items for military use or for the military, border guard police or "
        "other security end users in Myanmar (Regulation (EU) 2018/647)",
    ),
    SanctionsMeasure(
        "MM-401-MONITORING",
        "MM",
        _MYANMAR,
        Citation(_MYANMAR, "Art 3b"),
        SanctionsScope.MONITORING,
        Outcome.LICENCE_REQUIRED,
        LAW_FROM,
        note=_MONITORING_AUTHORISATION + " (Annex III to Regulation 401/2013)",
    ),
    SanctionsMeasure(
        "VE-2063-6",
        "VE",
        _VENEZUELA,
        Citation(_VENEZUELA, "Art 6", "1"),
        SanctionsScope.MONITORING,
        Outcome.LICENCE_REQUIRED,
        LAW_FROM,
        end_users=_GOVERNMENT,
        note=_MONITORING_AUTHORISATION + ", for use by or on behalf of the Government of "
        "Venezuela (Annex II to Regulation 2017/2063)",
    ),
)


@dataclass(frozen=True, slots=True)
class ArmsEmbargo:
    """An arms embargo in the sense of Art 2(19): Council act, OSCE decision or UNSC resolution."""

    country: str
    source: str
    certainty: Certainty = Certainty.RECALLED
    note: str = ""
    valid_from: dt.date = LAW_FROM
    valid_to: dt.date | None = None

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


_PARTIAL = "The embargo covers certain non-state forces or persons only; "
ARMS_EMBARGOES: tuple[ArmsEmbargo, ...] = (
    ArmsEmbargo("BY", "Council Decision 2012/642/CFSP"),
    ArmsEmbargo("CF", "Council Decision 2013/798/CFSP; UNSC resolution 2127 (2013)"),
    ArmsEmbargo("CD", "Council Decision 2010/788/CFSP; UNSC resolution 1807 (2008)"),
    ArmsEmbargo("IR", "Council Decision 2010/413/CFSP"),
    ArmsEmbargo("KP", "Council Decision (CFSP) 2016/849; UNSC resolution 1718 (2006)"),
    ArmsEmbargo("LY", "Council Decision (CFSP) 2015/1333; UNSC resolution 1970 (2011)"),
    ArmsEmbargo("MM", "Council Decision 2013/184/CFSP"),
    ArmsEmbargo("RU", "Council Decision 2014/512/CFSP"),
    ArmsEmbargo("SO", "Council Decision 2010/231/CFSP; UNSC resolution 733 (1992)"),
    ArmsEmbargo("SS", "Council Decision (CFSP) 2015/740; UNSC resolution 2428 (2018)"),
    ArmsEmbargo("SD", "Council Decision 2014/450/CFSP; UNSC resolution 1556 (2004)"),
    ArmsEmbargo("SY", "Council Decision 2013/255/CFSP"),
    ArmsEmbargo("VE", "Council Decision (CFSP) 2017/2074"),
    ArmsEmbargo("ZW", "Council Decision 2011/101/CFSP"),
    ArmsEmbargo(
        "IQ",
        "Council Common Position 2003/495/CFSP; UNSC resolution 1483 (2003)",
        Certainty.CONTESTED,
        _PARTIAL + "the government of Iraq is exempt.",
    ),
    ArmsEmbargo(
        "LB",
        "Council Common Position 2006/625/CFSP; UNSC resolution 1701 (2006)",
        Certainty.CONTESTED,
        _PARTIAL + "supplies authorised by the government of Lebanon are exempt.",
    ),
    ArmsEmbargo(
        "AF",
        "Council Decision 2011/486/CFSP; UNSC resolution 1988 (2011)",
        Certainty.CONTESTED,
        _PARTIAL + "it targets persons associated with the Taliban.",
    ),
    ArmsEmbargo(
        "YE",
        "Council Decision 2014/932/CFSP; UNSC resolution 2216 (2015)",
        Certainty.CONTESTED,
        _PARTIAL + "it targets listed persons and the Houthis.",
    ),
    ArmsEmbargo(
        "HT",
        "Council Decision (CFSP) 2022/2319; UNSC resolution 2653 (2022)",
        Certainty.CONTESTED,
        _PARTIAL + "it targets listed persons.",
    ),
    ArmsEmbargo(
        "AM",
        "OSCE (CSCE) Committee of Senior Officials decision of 28 February 1992",
        Certainty.CONTESTED,
        "A political OSCE request on forces engaged in the Nagorno-Karabakh area; whether it "
        "is an arms embargo in the sense of Art 2(19) is disputed.",
    ),
    ArmsEmbargo(
        "AZ",
        "OSCE (CSCE) Committee of Senior Officials decision of 28 February 1992",
        Certainty.CONTESTED,
        "A political OSCE request on forces engaged in the Nagorno-Karabakh area; whether it "
        "is an arms embargo in the sense of Art 2(19) is disputed.",
    ),
    ArmsEmbargo(
        "CN",
        "European Council declaration of 27 June 1989 (Madrid)",
        Certainty.CONTESTED,
        "A political embargo with no legal act: whether it counts under Art 2(19) is "
        "contested and national practice differs.",
    ),
)


_EMBARGOES_BY_COUNTRY: dict[str, tuple[ArmsEmbargo, ...]] = {}
for _embargo in ARMS_EMBARGOES:
    _EMBARGOES_BY_COUNTRY[_embargo.country] = (
        *_EMBARGOES_BY_COUNTRY.get(_embargo.country, ()),
        _embargo,
    )
_SANCTIONS_BY_COUNTRY: dict[str, tuple[SanctionsMeasure, ...]] = {}
for _measure in SANCTIONS:
    _SANCTIONS_BY_COUNTRY[_measure.country] = (
        *_SANCTIONS_BY_COUNTRY.get(_measure.country, ()),
        _measure,
    )


def arms_embargo(country: str, day: dt.date) -> ArmsEmbargo | None:
    return next((e for e in _EMBARGOES_BY_COUNTRY.get(country, ()) if e.in_force(day)), None)


def sanctions_on(country: str, day: dt.date) -> list[SanctionsMeasure]:
    return [m for m in _SANCTIONS_BY_COUNTRY.get(country, ()) if m.in_force(day)]


@dataclass(frozen=True, slots=True)
class NationalMeasure:
    """A Member State's control of non-listed items under Art 9, published by the Commission.

    `entries` are the national list's entry codes; `destinations` limit the measure (empty:
    every destination outside the Union). Operators load these from a JSON file; the engine
    applies the exporter's own state's measures (Art 9) and, where the exporter was informed,
    other states' (Art 10).
    """

    member_state: str
    reference: str
    entries: tuple[str, ...]
    valid_from: dt.date
    valid_to: dt.date | None = None
    destinations: tuple[str, ...] = ()
    effect: Outcome = Outcome.LICENCE_REQUIRED
    publication: str = ""

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def applies_to(self, destination: str) -> bool:
        return not self.destinations or destination in self.destinations
