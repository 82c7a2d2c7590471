"""The published tables: stable ids, titles, sections of Recommendation (EU) 2024/214."""

from __future__ import annotations

from dataclasses import dataclass

from licentia.reports.model import Column, Decision, TableInfo

DIMENSION_TITLES = {
    "item_category": "Item type",
    "destination": "Destination",
    "licence_type": "Licence type",
    "end_user_type": "End-user type",
    "member_state": "Issuing Member State",
    "decision": "Decision",
}


@dataclass(frozen=True, slots=True)
class TableSpec:
    """How a table is cut from the cube of decisions.

    `row` is the row dimension (None for none), `by_state` adds the issuing Member State,
    `decision` fixes the decision (None: one row per decision) and `cyber` fixes the
    cyber-surveillance flag of the item (None: both).
    """

    info: TableInfo
    row: str | None
    by_state: bool
    decision: Decision | None
    cyber: bool | None


def _slug(dimension: str) -> str:
    return dimension.replace("_", "-")


def _specs() -> tuple[TableSpec, ...]:
    specs: list[TableSpec] = []
    sections = (
        (
            "s4",
            "4. Authorisations for items other than cyber-surveillance items",
            Decision.GRANTED,
            False,
            "Authorisations granted (number and value in EUR)",
        ),
        (
            "s6",
            "6. Denials",
            Decision.REFUSED,
            False,
            "Denials (number and value in EUR applied for)",
        ),
    )
    for prefix, section, decision, cyber, what in sections:
        for row in ("item_category", "destination", "licence_type", "end_user_type"):
            title = f"{what} by {DIMENSION_TITLES[row].lower()} and issuing Member State"
            fixed = (("decision", decision.value), ("cyber_surveillance", "no"))
            specs.append(
                TableSpec(
                    TableInfo(
                        id=f"{prefix}-{_slug(row)}",
                        title=title,
                        section=section,
                        description=f"{title}, items other than cyber-surveillance items; "
                        "totals with member_state 'total' are at Union level.",
                        dimensions=(row, "member_state"),
                        fixed=fixed,
                    ),
                    row=row,
                    by_state=True,
                    decision=decision,
                    cyber=cyber,
                )
            )
    for row in ("item_category", "destination", "licence_type", "end_user_type"):
        title = (
            f"Cyber-surveillance items: applications by {DIMENSION_TITLES[row].lower()}, "
            "issuing Member State and decision"
        )
        specs.append(
            TableSpec(
                TableInfo(
                    id=f"s7-{_slug(row)}",
                    title=title,
                    section="7. Cyber-surveillance items (Art 2(20))",
                    description=f"{title} (granted, refused, no licence required).",
                    dimensions=(row, "member_state", "decision"),
                    fixed=(("cyber_surveillance", "yes"),),
                ),
                row=row,
                by_state=True,
                decision=None,
                cyber=True,
            )
        )
    overview = "Overview: all items and decisions"
    specs.append(
        TableSpec(
            TableInfo(
                id="decisions",
                title="Decisions by decision",
                section=overview,
                description="All decisions (granted, refused, no licence required), all items.",
                dimensions=("decision",),
            ),
            row=None,
            by_state=False,
            decision=None,
            cyber=None,
        )
    )
    specs.append(
        TableSpec(
            TableInfo(
                id="by-member-state",
                title="Decisions by issuing Member State and decision",
                section=overview,
                description="All items; one row per Member State and decision.",
                dimensions=("member_state", "decision"),
            ),
            row=None,
            by_state=True,
            decision=None,
            cyber=None,
        )
    )
    for row in ("item_category", "destination", "licence_type", "end_user_type"):
        specs.append(
            TableSpec(
                TableInfo(
                    id=f"by-{_slug(row)}",
                    title=f"Decisions by {DIMENSION_TITLES[row].lower()} and decision",
                    section=overview,
                    description="All items and Member States (Union level).",
                    dimensions=(row, "decision"),
                ),
                row=row,
                by_state=False,
                decision=None,
                cyber=None,
            )
        )
    specs.append(
        TableSpec(
            TableInfo(
                id="by-destination-and-member-state",
                title="Decisions by destination, issuing Member State and decision",
                section=overview,
                description="All items; the CAAT/COARM-style grid of state and destination.",
                dimensions=("destination", "member_state", "decision"),
            ),
            row="destination",
            by_state=True,
            decision=None,
            cyber=None,
        )
    )
    return tuple(specs)


SPECS: tuple[TableSpec, ...] = _specs()

COUNT_TABLES: tuple[TableInfo, ...] = (
    TableInfo(
        id="s5-general-authorisation-registrations",
        title="Registered users of Union general export authorisations by Member State",
        section="5. Licence types, registered users and use of general authorisations",
        description="Exporters registered for EU001-EU008, counted per authorisation and "
        "Member State at the end of the year.",
        dimensions=("general_authorisation", "member_state"),
        measures=("registered_users",),
    ),
    TableInfo(
        id="s6-refusal-criteria",
        title="Denials by criterion cited and issuing Member State",
        section="6. Denials",
        description="A denial citing several criteria counts under each, so the rows do not "
        "add up to the number of denials; no totals are published.",
        dimensions=("criterion", "member_state"),
        measures=("denials",),
    ),
    TableInfo(
        id="s6-restrictive-decisions",
        title="Annulments, suspensions, limitations and revocations by Member State",
        section="6. Denials",
        description="Decisions notified under Art 16(2) other than refusals.",
        dimensions=("kind", "member_state"),
        measures=("decisions",),
    ),
)

DATA_DICTIONARY: tuple[Column, ...] = (
    Column("table", "Table", "string", "Stable id of the table (see the list of tables)."),
    Column(
        "item_category",
        "Item type",
        "string",
        "Item-type code of the grouping in docs/transparency.md (e.g. 5-telecommunications, "
        "cs-intrusion); 'total' on a total row.",
    ),
    Column(
        "destination", "Destination", "string", "ISO 3166-1 alpha-2 code; 'total' on a total row."
    ),
    Column(
        "licence_type",
        "Licence type",
        "string",
        "individual, global, large-project, brokering or technical-assistance.",
    ),
    Column(
        "end_user_type",
        "End-user type",
        "string",
        "police, intelligence, military, other-government, telecom-operator, private, "
        "academic or unknown (no end user in the destination).",
    ),
    Column(
        "member_state",
        "Issuing Member State",
        "string",
        "ISO 3166-1 alpha-2 code of the deciding authority's state; 'total' = Union level.",
    ),
    Column("decision", "Decision", "string", "granted, refused or no-licence-required."),
    Column(
        "decisions",
        "Number of decisions",
        "integer",
        "Decisions counted once per destination and item type they cover; empty when suppressed.",
    ),
    Column(
        "value_eur",
        "Value (EUR)",
        "number",
        "Value in euro: as granted for a grant, as applied for otherwise; a decision for "
        "several destinations is shared equally between them; empty when suppressed.",
    ),
    Column(
        "suppressed",
        "Suppressed",
        "boolean",
        "True when the figures of the row are withheld for confidentiality.",
    ),
    Column(
        "reason",
        "Reason for suppression",
        "string",
        "min-count, dominance or complementary (see the suppression rules in the provenance).",
    ),
    Column("total", "Total row", "boolean", "True for a marginal total (row, column or grand)."),
    Column("general_authorisation", "General authorisation", "string", "EU001 to EU008."),
    Column("registered_users", "Registered users", "integer", "Exporters registered."),
    Column("exports", "Exports", "integer", "Export lines reported under the authorisation."),
    Column(
        "criterion",
        "Criterion",
        "string",
        "Code of the refusal criterion cited (Art 15, CP 2008/944).",
    ),
    Column("denials", "Denials", "integer", "Denials citing the criterion."),
    Column(
        "kind", "Kind", "string", "annulment, suspension, substantial-limitation or revocation."
    ),
)

FULL_PUBLICATION = TableInfo(
    id="published-in-full",
    title="Decisions their authority published in full",
    section="Decisions published in full",
    description="Decisions an authority chose to publish in full, with the exporter's name; "
    "all other decisions are published only in the aggregated tables.",
    dimensions=(
        "reference",
        "exporter",
        "member_state",
        "destination",
        "item_category",
        "control_entry",
        "licence_type",
        "end_user_type",
        "decision",
        "decided_on",
    ),
)
