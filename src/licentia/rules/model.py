"""The transaction an exporter describes and the determination Licentia gives back.

Plain frozen values: the engine reads a `Transaction` and returns a `Determination`; the
JSON documents of the API and the CLI (`licentia.rules.schema`) convert to and from these.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Activity(StrEnum):
    """What the exporter does with the items (Art 2 of Regulation (EU) 2021/821)."""

    EXPORT = "export"
    RE_EXPORT = "re-export"
    INTANGIBLE_TRANSFER = "intangible-transfer"
    BROKERING = "brokering"
    TECHNICAL_ASSISTANCE = "technical-assistance"
    TRANSIT = "transit"
    INTRA_EU_TRANSFER = "intra-eu-transfer"

    @property
    def description(self) -> str:
        return _ACTIVITY_DESCRIPTIONS[self]

    @property
    def is_export(self) -> bool:
        """Exports in the sense of Art 2(2): the activities Art 3 and Annex II speak of."""
        return self in (Activity.EXPORT, Activity.RE_EXPORT, Activity.INTANGIBLE_TRANSFER)


_ACTIVITY_DESCRIPTIONS = {
    Activity.EXPORT: "Export of items out of the customs territory of the Union (Art 2(2)(a))",
    Activity.RE_EXPORT: "Re-export of non-Union items (Art 2(2)(b))",
    Activity.INTANGIBLE_TRANSFER: (
        "Transmission of software or technology by electronic means, or making it available, "
        "to a destination outside the Union (Art 2(2)(d))"
    ),
    Activity.BROKERING: "Brokering services between third countries (Art 2(7), Art 6)",
    Activity.TECHNICAL_ASSISTANCE: "Technical assistance (Art 2(9), Art 8)",
    Activity.TRANSIT: "Transit of non-Union items through the Union (Art 2(11), Art 7)",
    Activity.INTRA_EU_TRANSFER: "Transfer within the Union (Art 11)",
}


class PartyRole(StrEnum):
    END_USER = "end-user"
    CONSIGNEE = "consignee"
    INTERMEDIARY = "intermediary"

    @property
    def description(self) -> str:
        return {
            PartyRole.END_USER: "The party that will use the items",
            PartyRole.CONSIGNEE: "The party that receives the items",
            PartyRole.INTERMEDIARY: "An intermediate consignee, agent or distributor",
        }[self]


class PartyType(StrEnum):
    POLICE = "police"
    INTELLIGENCE = "intelligence"
    MILITARY = "military"
    OTHER_GOVERNMENT = "other-government"
    TELECOM_OPERATOR = "telecom-operator"
    PRIVATE = "private"
    ACADEMIC = "academic"

    @property
    def description(self) -> str:
        return {
            PartyType.POLICE: "Police or other law-enforcement body",
            PartyType.INTELLIGENCE: "Intelligence or state security service",
            PartyType.MILITARY: "Armed forces or paramilitary body",
            PartyType.OTHER_GOVERNMENT: "Other public authority or state-owned body",
            PartyType.TELECOM_OPERATOR: "Telecommunications or internet service provider",
            PartyType.PRIVATE: "Private company or person",
            PartyType.ACADEMIC: "University or research institute",
        }[self]

    @property
    def is_security_service(self) -> bool:
        """The end users EU007 and EU008 exclude (military, paramilitary, police, intelligence)."""
        return self in (PartyType.POLICE, PartyType.INTELLIGENCE, PartyType.MILITARY)


class Purpose(StrEnum):
    """Why the items go, where the law treats a purpose differently."""

    STANDARD = "standard"
    TEMPORARY_EXHIBITION = "temporary-exhibition"
    RETURN_AFTER_REPAIR = "return-after-repair"
    INTRA_GROUP_DEVELOPMENT = "intra-group-development"
    MINIMUM_FOR_LICENSED_ITEMS = "minimum-for-licensed-items"
    OFFICIAL_TASKS = "official-tasks"
    ARMED_FORCES_OF_MEMBER_STATE = "armed-forces-of-member-state"

    @property
    def description(self) -> str:
        return _PURPOSE_DESCRIPTIONS[self]


_PURPOSE_DESCRIPTIONS = {
    Purpose.STANDARD: "Sale, supply or service with no special purpose",
    Purpose.TEMPORARY_EXHIBITION: (
        "Temporary export for an exhibition or fair, re-imported within 120 days (EU004)"
    ),
    Purpose.RETURN_AFTER_REPAIR: (
        "Return to the original end user after maintenance, repair or replacement (EU003)"
    ),
    Purpose.INTRA_GROUP_DEVELOPMENT: (
        "Software or technology to a subsidiary or sister company for commercial product "
        "development (EU007)"
    ),
    Purpose.MINIMUM_FOR_LICENSED_ITEMS: (
        "The minimum technical assistance needed to install, operate, maintain or repair "
        "items whose export is authorised (Art 8 exemption)"
    ),
    Purpose.OFFICIAL_TASKS: (
        "Technical assistance by a Member State authority in its official tasks (Art 8 exemption)"
    ),
    Purpose.ARMED_FORCES_OF_MEMBER_STATE: (
        "Technical assistance for the armed forces of a Member State (Art 8 exemption)"
    ),
}


class Concern(StrEnum):
    """An end use the catch-all provisions speak of (Art 4(1)(a)-(c), Art 5(1))."""

    WMD = "wmd"
    MILITARY_END_USE = "military-end-use"
    ILLEGAL_MILITARY_PARTS = "illegal-military-parts"
    HUMAN_RIGHTS = "human-rights"

    @property
    def description(self) -> str:
        return {
            Concern.WMD: (
                "Use in connection with chemical, biological or nuclear weapons or missiles "
                "capable of delivering them (Art 4(1)(a))"
            ),
            Concern.MILITARY_END_USE: (
                "A military end use where the purchasing country or country of destination is "
                "subject to an arms embargo (Art 4(1)(b))"
            ),
            Concern.ILLEGAL_MILITARY_PARTS: (
                "Use as parts or components of military items exported illegally from a "
                "Member State (Art 4(1)(c))"
            ),
            Concern.HUMAN_RIGHTS: (
                "Use in connection with internal repression or serious violations of "
                "international human rights law or humanitarian law (Art 5(1))"
            ),
        }[self]


@dataclass(frozen=True, slots=True)
class Exporter:
    """Who exports: established in a Member State, or a non-EU exporter with goods located in one."""

    established_in: str | None = None  # ISO alpha-2 of a Member State
    goods_located_in: str | None = None  # for a non-EU exporter: ISO alpha-2 of a Member State
    name: str = ""

    @property
    def licensing_state(self) -> str:
        state = self.established_in or self.goods_located_in
        assert state is not None  # the schema requires one of them
        return state


@dataclass(frozen=True, slots=True)
class Item:
    """One item of the transaction: a control entry of a list version, or a non-listed item.

    `entry` is a dotted path of the control list (`5A001.j`); None means not listed in
    Annex I. The flags are what the exporter asserts about the item.
    """

    entry: str | None = None
    list_version: str | None = None
    description: str = ""
    cyber_surveillance: bool = False  # Art 2(20), for a non-listed item
    cryptography_note: bool = False  # released by Note 3 to Category 5, Part 2
    public_domain: bool = False  # or basic scientific research
    mass_market: bool = False
    annex_iv: bool | None = None  # the exporter's answer where the list version is silent
    national_entries: tuple[str, ...] = ()  # entries of national control lists (Art 9, 10)
    related_to: tuple[str, ...] = ()  # the entries software or technology relates to
    quantity: float | None = None
    value_eur: float | None = None

    @property
    def listed(self) -> bool:
        return self.entry is not None


@dataclass(frozen=True, slots=True)
class Party:
    role: PartyRole
    type: PartyType
    name: str = ""
    country: str | None = None  # ISO alpha-2
    intra_group: bool = False  # subsidiary or sister company of the exporter (EU007)


@dataclass(frozen=True, slots=True)
class PriorDenial:
    """A denial by another Member State of an essentially identical transaction (Art 2(22))."""

    member_state: str
    reference: str
    notified_on: dt.date
    revoked: bool = False


@dataclass(frozen=True, slots=True)
class Transaction:
    exporter: Exporter
    activity: Activity
    date: dt.date
    items: tuple[Item, ...]
    destination: str  # ISO alpha-2
    parties: tuple[Party, ...] = ()
    purpose: Purpose = Purpose.STANDARD
    informed: frozenset[Concern] = frozenset()
    aware: frozenset[Concern] = frozenset()
    informed_of_other_state_list: bool = False  # Art 10: informed of a concern for an Art 9 list
    purchasing_country: str | None = None  # Art 4(1)(b) looks at it beside the destination
    transit_state: str | None = None  # where a transit takes place
    internal_compliance_programme: bool = False
    prior_denials: tuple[PriorDenial, ...] = ()


class Outcome(StrEnum):
    """The answer, strongest first."""

    PROHIBITED = "PROHIBITED"
    LICENCE_REQUIRED = "LICENCE_REQUIRED"
    NOTIFY_AUTHORITY = "NOTIFY_AUTHORITY"
    NO_LICENCE_REQUIRED = "NO_LICENCE_REQUIRED"

    @property
    def description(self) -> str:
        return {
            Outcome.PROHIBITED: "The transaction is prohibited; no licence can be granted for it",
            Outcome.LICENCE_REQUIRED: (
                "A licence is required (a Union general export authorisation may serve, "
                "where one is available)"
            ),
            Outcome.NOTIFY_AUTHORITY: (
                "Notify the competent authority and wait for its decision on whether a "
                "licence is required"
            ),
            Outcome.NO_LICENCE_REQUIRED: "No licence is required under the rules checked",
        }[self]

    @property
    def rank(self) -> int:
        return _OUTCOME_RANK[self]


_OUTCOME_RANK = {
    Outcome.NO_LICENCE_REQUIRED: 0,
    Outcome.NOTIFY_AUTHORITY: 1,
    Outcome.LICENCE_REQUIRED: 2,
    Outcome.PROHIBITED: 3,
}


class Certainty(StrEnum):
    """How sure the rule's encoding is of the law it cites."""

    VERIFIED = "verified"
    RECALLED = "recalled"
    CONTESTED = "contested"

    @property
    def description(self) -> str:
        return {
            Certainty.VERIFIED: "Encoded from the text of the act",
            Certainty.RECALLED: (
                "Encoded from knowledge of the act; check article and paragraph numbers "
                "against the consolidated text on EUR-Lex"
            ),
            Certainty.CONTESTED: "The legal position is unclear or contested; take advice",
        }[self]


@dataclass(frozen=True, slots=True)
class Citation:
    """A provision of an act: `Regulation (EU) 2021/821, Art 4(1)(a)`."""

    act: str
    article: str
    paragraph: str | None = None
    point: str | None = None

    def __str__(self) -> str:
        where = self.article
        if self.paragraph:
            where += f"({self.paragraph})"
        if self.point:
            where += f"({self.point})"
        return f"{self.act}, {where}"


@dataclass(frozen=True, slots=True)
class LegalBasis:
    """One provision engaged by the transaction, with what it does and why it applies."""

    key: str
    citation: Citation
    effect: Outcome
    reason: str
    items: tuple[str, ...] = ()
    certainty: Certainty = Certainty.VERIFIED
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


@dataclass(frozen=True, slots=True)
class AuthorisationOption:
    """A Union general export authorisation, usable or not, and why."""

    code: str
    title: str
    citation: Citation
    available: bool
    reasons: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    obligations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Obligation:
    key: str
    citation: Citation
    text: str
    due: dt.date | None = None
    certainty: Certainty = Certainty.VERIFIED


@dataclass(frozen=True, slots=True)
class Authority:
    member_state: str
    name: str
    name_en: str
    website: str
    citation: Citation


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the explanation trace, in the order the engine took it."""

    question: str
    answer: str
    citation: Citation | None = None


@dataclass(frozen=True, slots=True)
class Determination:
    outcome: Outcome
    bases: tuple[LegalBasis, ...]
    authority: Authority
    general_authorisations: tuple[AuthorisationOption, ...]
    obligations: tuple[Obligation, ...]
    trace: tuple[Step, ...]
    caveats: tuple[str, ...]
    law_as_of: dt.date
    list_versions: tuple[str, ...]
