"""A small Annex I list written for the rule tests, with the flags the rules read."""

from __future__ import annotations

import datetime as dt

import pytest

from licentia.controls.cyber import is_cyber_surveillance
from licentia.controls.model import ControlEntry, ControlList, Regime, origin_regime
from licentia.rules.engine import RuleEngine

# path: (Annex IV, Annex II Section I)
_ENTRIES: dict[str, tuple[bool, bool]] = {
    "0C001": (True, True),
    "1A001": (False, False),
    "1C001": (True, True),
    "1C350": (False, False),
    "1C350.1": (False, False),
    "1C350.4": (False, False),
    "1C450": (False, False),
    "1C450.a.4": (False, False),
    "2B001": (False, False),
    "3A001": (False, False),
    "3A001.a": (False, False),
    "3A001.a.3": (False, False),
    "3A001.a.5": (False, False),
    "4A005": (False, False),
    "4D004": (False, False),
    "4E001": (False, False),
    "4E001.a": (False, False),
    "4E001.c": (False, False),
    "5A001": (False, False),
    "5A001.b": (False, False),
    "5A001.b.2": (False, False),
    "5A001.b.5": (False, False),
    "5A001.c": (False, False),
    "5A001.f": (False, False),
    "5A001.f.1": (False, False),
    "5A001.j": (False, False),
    "5A002": (False, False),
    "5A002.a": (False, False),
    "5A002.a.2": (False, False),
    "5A002.c": (False, False),
    "5A004": (True, False),
    "5A004.a": (True, False),
    "5D001": (False, False),
    "5D001.e": (False, False),
    "5D002": (False, False),
    "5D002.c": (False, False),
    "5D002.c.1": (False, False),
    "5E001": (False, False),
    "5E001.a": (False, False),
    "6A003": (False, False),
    "6A003.b.4.a": (False, False),
    "9A012": (False, False),
    "9A106": (False, False),
}
VERSION = "2025-11-15-test"


def rules_list(version: str = VERSION, valid_from: dt.date = dt.date(2021, 9, 9)) -> ControlList:
    return ControlList(
        regime=Regime.EU_ANNEX_I,
        version=version,
        valid_from=valid_from,
        source="Licentia test fixture",
        source_url="",
        checksum=version,
        entries=tuple(
            ControlEntry(
                path=path,
                text=f"test provision {path}",
                cyber_surveillance=is_cyber_surveillance(path),
                annex_iv=annex_iv,
                excluded_from_general_authorisations=section_i,
                origin=origin_regime(path),
            )
            for path, (annex_iv, section_i) in _ENTRIES.items()
        ),
    )


@pytest.fixture(scope="session")
def engine() -> RuleEngine:
    return RuleEngine([rules_list()])
