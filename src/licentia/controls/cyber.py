"""Which listed entries are cyber-surveillance items.

The annex of Commission Recommendation (EU) 2024/2659 (guidelines on the export of
cyber-surveillance items under Art 5 of Regulation (EU) 2021/821) names the listed entries
below. An entry is flagged when its path is one of these or lies beneath one.
"""

from __future__ import annotations

from licentia.controls.model import is_within

RECOMMENDATION = "Commission Recommendation (EU) 2024/2659, Annex (listed cyber-surveillance items)"

CYBER_SURVEILLANCE_PATHS: tuple[str, ...] = (
    "4A005",  # intrusion software platforms
    "4D004",
    "4E001.a",  # only as far as it relates to 4A005 / 4D004
    "4E001.c",
    "5A001.f",  # mobile telecommunications interception
    "5A001.j",  # IP network communications surveillance
    "5D001.e",  # law-enforcement monitoring centres
    "5A004.a",  # cryptanalytic equipment
    "5A004.b",  # forensic tools bypassing authentication
    "5D002.a.3.b",
    "5D002.c.3.b",
)


def is_cyber_surveillance(path: str) -> bool:
    return any(is_within(path, listed) for listed in CYBER_SURVEILLANCE_PATHS)
