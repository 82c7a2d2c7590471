"""The item-type grouping of the public report (after Recommendation (EU) 2024/214).

The Recommendation asks for authorisations "by types of items": the Commission's staff working
documents group Annex I by category (0-9) and keep the cyber-surveillance items of Art 2(20)
in a section of their own (section 7). Licentia's grouping refines that:

- one item type per Annex I category for the ordinary dual-use items (category 5 is split into
  part 1, telecommunications, and part 2, information security, as Annex I itself is);
- the listed cyber-surveillance entries of Recommendation (EU) 2024/2659 in five types
  (intrusion, interception, IP network surveillance, monitoring centres, cryptanalysis and
  forensics);
- non-listed items: cyber-surveillance items caught by Art 5, and other non-listed items
  (Art 4, 9 or 10).

Every item type names its Annex I category (`annex_category`, "-" for non-listed items), so a
filter by category selects all item types within it. The grouping looks only at the control
entry and the non-listed cyber-surveillance flag of a goods line, never at the destination.
"""

from __future__ import annotations

from dataclasses import dataclass

from licentia.controls.cyber import is_cyber_surveillance
from licentia.controls.model import is_within

NON_LISTED = "-"


@dataclass(frozen=True, slots=True)
class ItemType:
    code: str
    title: str
    annex_category: str  # "0".."9", or "-" for a non-listed item
    cyber_surveillance: bool


ITEM_TYPES: tuple[ItemType, ...] = (
    ItemType("0-nuclear", "Nuclear materials, facilities and equipment", "0", False),
    ItemType("1-materials", "Special materials and related equipment", "1", False),
    ItemType("2-processing", "Materials processing", "2", False),
    ItemType("3-electronics", "Electronics", "3", False),
    ItemType("4-computers", "Computers (other than intrusion software)", "4", False),
    ItemType("5-telecommunications", "Telecommunications (Category 5 part 1)", "5", False),
    ItemType("5-information-security", "Information security (Category 5 part 2)", "5", False),
    ItemType("6-sensors", "Sensors and lasers", "6", False),
    ItemType("7-navigation", "Navigation and avionics", "7", False),
    ItemType("8-marine", "Marine", "8", False),
    ItemType("9-aerospace", "Aerospace and propulsion", "9", False),
    ItemType(
        "cs-intrusion", "Cyber-surveillance: intrusion software (4A005, 4D004, 4E001)", "4", True
    ),
    ItemType("cs-interception", "Cyber-surveillance: mobile interception (5A001.f)", "5", True),
    ItemType(
        "cs-ip-surveillance", "Cyber-surveillance: IP network surveillance (5A001.j)", "5", True
    ),
    ItemType("cs-monitoring-centre", "Cyber-surveillance: monitoring centres (5D001.e)", "5", True),
    ItemType(
        "cs-cryptanalysis-forensics",
        "Cyber-surveillance: cryptanalysis and forensics (5A004, 5D002)",
        "5",
        True,
    ),
    ItemType("cs-non-listed", "Cyber-surveillance: non-listed items (Art 5)", NON_LISTED, True),
    ItemType("non-listed", "Other non-listed items (Art 4, 9, 10)", NON_LISTED, False),
)
BY_CODE: dict[str, ItemType] = {t.code: t for t in ITEM_TYPES}

_CYBER_TYPES: tuple[tuple[str, str], ...] = (
    ("4A005", "cs-intrusion"),
    ("4D004", "cs-intrusion"),
    ("4E001", "cs-intrusion"),
    ("5A001.f", "cs-interception"),
    ("5A001.j", "cs-ip-surveillance"),
    ("5D001.e", "cs-monitoring-centre"),
    ("5A004", "cs-cryptanalysis-forensics"),
    ("5D002", "cs-cryptanalysis-forensics"),
)
_CATEGORY_TYPES = {
    "0": "0-nuclear",
    "1": "1-materials",
    "2": "2-processing",
    "3": "3-electronics",
    "4": "4-computers",
    "6": "6-sensors",
    "7": "7-navigation",
    "8": "8-marine",
    "9": "9-aerospace",
}


def item_type(control_entry: str, *, non_listed_cyber: bool = False) -> str:
    """The item type of a goods line: its control entry, or the Art 5 flag when non-listed."""
    entry = control_entry.strip().upper().replace(" ", "")
    if not entry:
        return "cs-non-listed" if non_listed_cyber else "non-listed"
    path = entry[:5] + control_entry.strip()[5:].replace(" ", "")
    if is_cyber_surveillance(path):
        for listed, code in _CYBER_TYPES:
            if is_within(path, listed) or path.startswith(listed):
                return code
    category = entry[0]
    if category == "5":
        part2 = entry[2:5] in {"002", "003", "004"}
        return "5-information-security" if part2 else "5-telecommunications"
    return _CATEGORY_TYPES.get(category, "non-listed")


def matches(code: str, wanted: str) -> bool:
    """True when item type `code` is `wanted`, or lies in Annex I category `wanted`."""
    if code == wanted:
        return True
    found = BY_CODE.get(code)
    return found is not None and wanted == found.annex_category
