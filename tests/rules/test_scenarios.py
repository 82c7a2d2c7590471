"""The scenario table: transactions written from the Regulation, each with the provision it tests.

Every row states the expected outcome, the legal bases that must be engaged (by key) and the
Union general export authorisations that must be usable; `refused` maps an authorisation to a
phrase its refusal must give. The expectations come from the cited texts, not from a run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest

from licentia.rules.engine import RuleEngine
from licentia.rules.law import NationalMeasure
from licentia.rules.model import Determination, Outcome
from licentia.rules.schema import parse_transaction

from .conftest import rules_list

PROHIBITED = Outcome.PROHIBITED
LICENCE = Outcome.LICENCE_REQUIRED
NOTIFY = Outcome.NOTIFY_AUTHORITY
NONE = Outcome.NO_LICENCE_REQUIRED


def tx(*entries: str, to: str = "BR", on: str = "2026-03-01", **changes: Any) -> dict[str, Any]:
    """A transaction document: export from Germany of the given entries (or `changes['items']`)."""
    document: dict[str, Any] = {
        "exporter": {"established_in": "DE"},
        "activity": "export",
        "date": on,
        "items": [{"entry": e} for e in entries],
        "destination": to,
        "parties": [{"role": "end-user", "type": "private"}],
    }
    document.update(changes)
    return document


NON_LISTED = {"description": "video analytics server"}
FACIAL = {"description": "facial recognition for covert tracking", "cyber_surveillance": True}
INTRA_GROUP = [{"role": "end-user", "type": "private", "intra_group": True}]


@dataclass(frozen=True)
class Scenario:
    id: str
    citation: str
    document: dict[str, Any]
    outcome: Outcome
    bases: tuple[str, ...] = ()
    available: frozenset[str] | None = frozenset()
    refused: dict[str, str] = field(default_factory=dict)
    authority: str | None = None


S = Scenario
SCENARIOS = [
    # Art 3(1) and EU001
    S(
        "listed-to-eu001",
        "Art 3(1); Annex II Section A",
        tx("5A001.j", to="US"),
        LICENCE,
        ("art-3-1",),
        frozenset({"EU001"}),
        authority="DE",
    ),
    S(
        "listed-no-general-authorisation",
        "Art 3(1)",
        tx("5A001.j"),
        LICENCE,
        ("art-3-1",),
        refused={"EU001": "not a destination", "EU007": "software and technology only"},
    ),
    S(
        "eu001-section-i",
        "Annex II Section A Part 1; Section I",
        tx("0C001", to="JP"),
        LICENCE,
        ("art-3-1",),
        refused={"EU001": "Section I"},
    ),
    S(
        "eu001-annex-iv",
        "Annex II Section I (Annex IV items)",
        tx("5A004.a", to="US"),
        LICENCE,
        ("art-3-1",),
        refused={"EU001": "Annex IV"},
    ),
    S(
        "eu001-informed-wmd",
        "Annex II Section A Part 3(1)(a)",
        tx("5A001.j", to="US", informed=["wmd"]),
        LICENCE,
        ("art-3-1",),
        refused={"EU001": "Art 4(1)(a)"},
    ),
    S(
        "eu001-aware-military-no-embargo",
        "Annex II Section A Part 3(1)(b)",
        tx("5A001.j", to="CA", aware=["military-end-use"]),
        LICENCE,
        ("art-3-1",),
        refused={"EU001": "Art 4(1)(b)"},
    ),
    # EU002
    S(
        "eu002-covered",
        "Annex II Section B",
        tx("3A001.a.3", to="KR"),
        LICENCE,
        ("art-3-1",),
        frozenset({"EU002"}),
    ),
    S(
        "eu002-item-not-covered",
        "Annex II Section B Part 1",
        tx("3A001.a.5", to="KR"),
        LICENCE,
        ("art-3-1",),
        refused={"EU002": "does not cover"},
    ),
    S(
        "eu002-entry-too-coarse",
        "Annex II Section B Part 1",
        tx("3A001.a", to="TR"),
        LICENCE,
        ("art-3-1",),
        refused={"EU002": "give the exact sub-entry"},
    ),
    # EU003
    S(
        "eu003-return-after-repair",
        "Annex II Section C",
        tx("5A001.b.2", to="IN", purpose="return-after-repair"),
        LICENCE,
        ("art-3-1",),
        frozenset({"EU003", "EU005"}),
    ),
    S(
        "eu003-excludes-technology",
        "Annex II Section C Part 1(2)(b)",
        tx("5E001.a", to="IN", purpose="return-after-repair"),
        LICENCE,
        ("art-3-1",),
        frozenset({"EU005"}),
        refused={"EU003": "product group E"},
    ),
    S(
        "eu003-needs-repair-purpose",
        "Annex II Section C Part 1(1)",
        tx("2B001", to="BR"),
        LICENCE,
        ("art-3-1",),
        refused={"EU003": "requires the purpose"},
    ),
    # EU004
    S(
        "eu004-exhibition",
        "Annex II Section D",
        tx("2B001", to="MX", purpose="temporary-exhibition"),
        LICENCE,
        ("art-3-1",),
        frozenset({"EU004"}),
    ),
    S(
        "eu004-excluded-item",
        "Annex II Section D Part 1(d)",
        tx("5A001.b.5", to="MX", purpose="temporary-exhibition"),
        LICENCE,
        ("art-3-1",),
        refused={"EU004": "excludes 5A001.b.5"},
    ),
    S(
        "eu004-russia-before-sanctions",
        "Annex II Section D Part 2 before Delegated Reg 2022/699",
        tx("2B001", to="RU", on="2022-01-10", purpose="temporary-exhibition"),
        LICENCE,
        ("art-3-1",),
        frozenset({"EU004"}),
    ),
    S(
        "eu004-russia-after-removal",
        "Delegated Reg 2022/699; Reg 833/2014 Art 2",
        tx("2B001", to="RU", on="2022-06-01", purpose="temporary-exhibition"),
        PROHIBITED,
        ("art-3-1", "sanctions-RU-833-2"),
        refused={"EU004": "not a destination"},
    ),
    # EU005 and the amendment of 2022
    S(
        "eu005-russia-before-amendment",
        "Annex II Section E Part 2 (2021 text)",
        tx("5A001.c", to="RU", on="2022-01-15"),
        LICENCE,
        ("art-3-1",),
        frozenset({"EU005"}),
    ),
    S(
        "eu005-russia-sanctions-win",
        "Reg 833/2014 Art 2 (as amended by Reg 2022/328)",
        tx("5A001.c", to="RU", on="2022-05-04"),
        PROHIBITED,
        ("sanctions-RU-833-2",),
        refused={"EU005": "sanctions prohibition"},
    ),
    S(
        "eu005-russia-removed",
        "Delegated Reg 2022/699",
        tx("5A001.c", to="RU", on="2022-05-05"),
        PROHIBITED,
        ("sanctions-RU-833-2",),
        refused={"EU005": "not a destination of EU005 on 2022-05-05"},
    ),
    S(
        "eu005-human-rights",
        "Annex II Section E Part 3(1)(a)(iv)",
        tx("5A001.c", to="CN", aware=["human-rights"]),
        LICENCE,
        ("art-3-1",),
        refused={"EU005": "human rights"},
    ),
    # EU006
    S(
        "eu006-covered-chemical",
        "Annex II Section F",
        tx("1C350.1", to="UA"),
        LICENCE,
        ("art-3-1",),
        frozenset({"EU006"}),
    ),
    S(
        "eu006-chemical-not-covered",
        "Annex II Section F Part 1 (1C350.4 omitted)",
        tx("1C350.4", to="UA"),
        LICENCE,
        ("art-3-1",),
        refused={"EU006": "does not cover"},
    ),
    # EU007
    S(
        "eu007-intra-group",
        "Annex II Section G",
        tx(
            "5D002.c.1",
            to="IN",
            purpose="intra-group-development",
            parties=INTRA_GROUP,
            internal_compliance_programme=True,
        ),
        LICENCE,
        ("art-3-1",),
        frozenset({"EU007", "EU008"}),
    ),
    S(
        "eu007-police-end-user",
        "Annex II Section G Part 3(2)(d); Section H Part 3(1)(e)",
        tx(
            "5D002.c.1",
            to="IN",
            purpose="intra-group-development",
            parties=[{"role": "end-user", "type": "police", "intra_group": True}],
            internal_compliance_programme=True,
        ),
        LICENCE,
        ("art-3-1",),
        refused={"EU007": "police", "EU008": "police"},
    ),
    S(
        "eu007-related-to-ip-surveillance",
        "Annex II Section G Part 1",
        tx(
            to="BR",
            items=[{"entry": "5E001.a", "related_to": ["5A001.j"]}],
            purpose="intra-group-development",
            parties=INTRA_GROUP,
            internal_compliance_programme=True,
        ),
        LICENCE,
        ("art-3-1",),
        refused={"EU007": "related to 5A001.j"},
    ),
    S(
        "eu007-needs-icp",
        "Annex II Section G Part 3(3); Art 12",
        tx("5D002.c.1", to="BR", purpose="intra-group-development", parties=INTRA_GROUP),
        LICENCE,
        ("art-3-1",),
        frozenset({"EU008"}),
        refused={"EU007": "internal compliance programme"},
    ),
    # EU008
    S(
        "eu008-encryption",
        "Annex II Section H",
        tx("5A002.a.2", to="BR"),
        LICENCE,
        ("art-3-1",),
        frozenset({"EU008"}),
    ),
    S(
        "eu008-excluded-destination",
        "Annex II Section H Part 2(b)",
        tx("5A002.a.2", to="AE"),
        LICENCE,
        ("art-3-1",),
        refused={"EU008": "not a destination"},
    ),
    S(
        "eu008-embargoed-destination",
        "Annex II Section H Part 2(c)",
        tx("5A002.a.2", to="HT"),
        LICENCE,
        ("art-3-1",),
        refused={"EU008": "arms embargo"},
    ),
    S(
        "eu008-not-for-eu001-countries",
        "Annex II Section H Part 2(a)",
        tx("5A002.a.2", to="US"),
        LICENCE,
        ("art-3-1",),
        frozenset({"EU001"}),
        refused={"EU008": "not a destination"},
    ),
    # Releases
    S(
        "cryptography-note-release",
        "Annex I Category 5 Part 2 Note 3",
        tx(to="CN", items=[{"entry": "5A002.a.2", "cryptography_note": True}]),
        NONE,
    ),
    S(
        "public-domain-technology",
        "Annex I General Technology Note",
        tx(to="CN", items=[{"entry": "5E001.a", "public_domain": True}]),
        NONE,
    ),
    # Art 4 catch-all
    S(
        "art-4-1-a-informed",
        "Art 4(1)(a)",
        tx(to="PK", items=[NON_LISTED], informed=["wmd"]),
        LICENCE,
        ("art-4-1-a",),
    ),
    S(
        "art-4-2-aware-wmd",
        "Art 4(2)",
        tx(to="PK", items=[NON_LISTED], aware=["wmd"]),
        NOTIFY,
        ("art-4-2-a",),
    ),
    S(
        "art-4-1-b-embargoed",
        "Art 4(1)(b); Art 2(19)",
        tx(to="VE", items=[NON_LISTED], informed=["military-end-use"]),
        LICENCE,
        ("art-4-1-b",),
    ),
    S(
        "art-4-1-b-no-embargo",
        "Art 4(1)(b) needs an arms embargo",
        tx(to="BR", items=[NON_LISTED], informed=["military-end-use"]),
        NONE,
    ),
    S(
        "art-4-1-b-purchasing-country",
        "Art 4(1)(b): purchasing country",
        tx(to="AE", items=[NON_LISTED], informed=["military-end-use"], purchasing_country="SY"),
        LICENCE,
        ("art-4-1-b",),
    ),
    S(
        "art-4-2-illegal-military-parts",
        "Art 4(2), Art 4(1)(c)",
        tx(to="BR", items=[NON_LISTED], aware=["illegal-military-parts"]),
        NOTIFY,
        ("art-4-2-c",),
    ),
    # Art 5 cyber-surveillance catch-all
    S(
        "art-5-1-informed",
        "Art 5(1)",
        tx(to="EG", items=[FACIAL], informed=["human-rights"]),
        LICENCE,
        ("art-5-1",),
    ),
    S(
        "art-5-2-aware",
        "Art 5(2)",
        tx(to="EG", items=[FACIAL], aware=["human-rights"]),
        NOTIFY,
        ("art-5-2",),
    ),
    S(
        "art-5-not-cyber",
        "Art 5(1) covers cyber-surveillance items only",
        tx(to="EG", items=[NON_LISTED], aware=["human-rights"]),
        NONE,
    ),
    S("non-listed-no-knowledge", "Art 3(2)", tx(to="EG", items=[FACIAL]), NONE),
    # Non-EU exporter
    S(
        "non-eu-exporter",
        "Art 12(2): authority where the items are",
        tx("5A001.j", exporter={"goods_located_in": "NL"}),
        LICENCE,
        ("art-3-1",),
        authority="NL",
    ),
    # Brokering (Art 6)
    S(
        "brokering-informed",
        "Art 6(1)",
        tx("5A001.f.1", to="AE", activity="brokering", informed=["wmd"]),
        LICENCE,
        ("art-6-1-a",),
        None,
        authority="DE",
    ),
    S(
        "brokering-aware",
        "Art 6(2)",
        tx("5A001.f.1", to="AE", activity="brokering", aware=["wmd"]),
        NOTIFY,
        ("art-6-2-a",),
        None,
    ),
    S(
        "brokering-no-knowledge",
        "Art 6(1)",
        tx("5A001.f.1", to="AE", activity="brokering"),
        NONE,
        available=None,
    ),
    # Technical assistance (Art 8)
    S(
        "ta-to-eu001-exempt",
        "Art 8 exemption (a)",
        tx("4A005", to="US", activity="technical-assistance", informed=["wmd"]),
        NONE,
        available=None,
    ),
    S(
        "ta-informed",
        "Art 8(1)",
        tx("4A005", to="PK", activity="technical-assistance", informed=["wmd"]),
        LICENCE,
        ("art-8-1-a",),
        None,
    ),
    S(
        "ta-aware",
        "Art 8(2)",
        tx("4A005", to="PK", activity="technical-assistance", aware=["wmd"]),
        NOTIFY,
        ("art-8-2-a",),
        None,
    ),
    S(
        "ta-minimum-for-licensed-items",
        "Art 8 exemption (f)",
        tx(
            "4A005",
            to="PK",
            activity="technical-assistance",
            informed=["wmd"],
            purpose="minimum-for-licensed-items",
        ),
        NONE,
        available=None,
    ),
    S(
        "ta-public-domain",
        "Art 8 exemption (b)",
        tx(
            to="PK",
            activity="technical-assistance",
            informed=["wmd"],
            items=[{"entry": "4E001.c", "public_domain": True}],
        ),
        NONE,
        available=None,
    ),
    # Intra-EU transfers (Art 11, Annex IV)
    S(
        "intra-eu-annex-iv",
        "Art 11(1); Annex IV",
        tx("5A004.a", to="FR", activity="intra-eu-transfer"),
        LICENCE,
        ("art-11-1",),
        None,
        authority="DE",
    ),
    S(
        "intra-eu-not-annex-iv",
        "Art 11(1)",
        tx("2B001", to="FR", activity="intra-eu-transfer"),
        NONE,
        available=None,
    ),
    # Transit (Art 7)
    S(
        "transit-with-concern",
        "Art 7(1)",
        tx("5A001.j", to="PK", activity="transit", transit_state="NL", aware=["wmd"]),
        NOTIFY,
        ("art-7-1",),
        None,
        authority="NL",
    ),
    S(
        "transit-without-concern",
        "Art 7(1)",
        tx("5A001.j", to="PK", activity="transit", transit_state="NL"),
        NONE,
        available=None,
        authority="NL",
    ),
    # Sanctions regimes
    S(
        "russia-military-end-user-2022-01",
        "Reg 833/2014 Art 2(1) before Reg 2022/328",
        tx("5A001.j", to="RU", on="2022-01-10", parties=[{"role": "end-user", "type": "military"}]),
        PROHIBITED,
        ("sanctions-RU-833-2-MIL",),
    ),
    S(
        "russia-private-2022-01",
        "Reg 833/2014 Art 2(1) before Reg 2022/328",
        tx("5A001.j", to="RU", on="2022-01-10"),
        LICENCE,
        ("art-3-1",),
    ),
    S(
        "russia-any-item-2026",
        "Reg 833/2014 Art 2(1)",
        tx("2B001", to="RU"),
        PROHIBITED,
        ("sanctions-RU-833-2",),
        refused={"EU001": "sanctions prohibition"},
    ),
    S(
        "belarus-before-2022-ban",
        "Reg 765/2006 (monitoring equipment)",
        tx("5A001.j", to="BY", on="2022-03-02"),
        LICENCE,
        ("art-3-1", "sanctions-BY-765-MONITORING"),
    ),
    S(
        "belarus-after-2022-ban",
        "Reg 765/2006 Art 1e",
        tx("5A001.j", to="BY", on="2022-03-03"),
        PROHIBITED,
        ("sanctions-BY-765-1E",),
    ),
    S(
        "iran-nuclear-item",
        "Reg 267/2012 Art 2",
        tx("0C001", to="IR", on="2024-06-01"),
        PROHIBITED,
        ("sanctions-IR-267-2",),
    ),
    S(
        "iran-monitoring-2024",
        "Reg 267/2012 Art 3a; Reg 359/2011",
        tx("5A001.j", to="IR", on="2024-06-01"),
        LICENCE,
        ("sanctions-IR-267-3A", "sanctions-IR-359-MONITORING"),
    ),
    S(
        "iran-after-snapback",
        "Reg 267/2012 as amended in 2025",
        tx("5A001.j", to="IR", on="2025-10-01"),
        PROHIBITED,
        ("sanctions-IR-267-SNAPBACK",),
    ),
    S(
        "north-korea",
        "Reg 2017/1509 Art 3",
        tx("2B001", to="KP"),
        PROHIBITED,
        ("sanctions-KP-2017-1509-3",),
    ),
    S(
        "syria-non-listed-monitoring",
        "Reg 36/2012 Art 4",
        tx(to="SY", on="2024-06-01", items=[FACIAL]),
        LICENCE,
        ("sanctions-SY-36-4-MONITORING",),
    ),
    S(
        "syria-listed-item",
        "Reg 36/2012 Art 2a",
        tx("2B001", to="SY"),
        PROHIBITED,
        ("sanctions-SY-36-2A",),
    ),
    S(
        "myanmar-police",
        "Reg 401/2013 Art 3a",
        tx("5A001.j", to="MM", parties=[{"role": "end-user", "type": "police"}]),
        PROHIBITED,
        ("sanctions-MM-401-3A",),
    ),
    S(
        "venezuela-government-monitoring",
        "Reg 2017/2063 Art 6",
        tx(to="VE", items=[FACIAL], parties=[{"role": "end-user", "type": "intelligence"}]),
        LICENCE,
        ("sanctions-VE-2063-6",),
    ),
    S(
        "venezuela-private-monitoring",
        "Reg 2017/2063 Art 6 covers the government only",
        tx(to="VE", items=[FACIAL]),
        NONE,
    ),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_scenario(engine: RuleEngine, scenario: Scenario) -> None:
    result = engine.determine(parse_transaction(scenario.document))
    assert result.outcome is scenario.outcome, _explain(result)
    keys = {b.key for b in result.bases}
    assert set(scenario.bases) <= keys, _explain(result)
    options = {o.code: o for o in result.general_authorisations}
    if scenario.available is None:
        assert not options, "general authorisations are for exports only"
    else:
        assert {c for c, o in options.items() if o.available} == scenario.available, _explain(
            result
        )
    for code, phrase in scenario.refused.items():
        assert not options[code].available
        assert any(phrase in reason for reason in options[code].reasons), options[code].reasons
    if scenario.authority is not None:
        assert result.authority.member_state == scenario.authority
    assert result.trace[-1].answer.startswith(scenario.outcome.value)
    for basis in result.bases:
        assert str(basis.citation), "every basis cites a provision"


def test_the_table_covers_every_outcome_and_every_general_authorisation() -> None:
    assert {s.outcome for s in SCENARIOS} == set(Outcome)
    accepted = {code for s in SCENARIOS for code in (s.available or ())}
    refused = {code for s in SCENARIOS for code in s.refused}
    every = {f"EU00{n}" for n in range(1, 9)}
    assert accepted == every
    assert refused == every
    assert len(SCENARIOS) >= 40


def _explain(result: Determination) -> str:
    lines = [f"{result.outcome}: " + ", ".join(b.key for b in result.bases)]
    lines += [f"  {s.question} -> {s.answer}" for s in result.trace]
    lines += [f"  {o.code} {o.available} {o.reasons}" for o in result.general_authorisations]
    return "\n".join(lines)


def test_national_measure_of_the_exporters_state_applies() -> None:
    measure = NationalMeasure("DE", "DE-AL-5A902", ("5A902",), dt.date(2023, 1, 1))
    engine = RuleEngine([rules_list()], [measure])
    item = {"description": "data retention system", "national_entries": ["5A902"]}
    result = engine.determine(parse_transaction(tx(items=[item])))
    assert result.outcome is LICENCE
    assert [b.key for b in result.bases] == ["art-9-DE-DE-AL-5A902"]
    assert str(result.bases[0].citation) == "Regulation (EU) 2021/821, Art 9(1)"


def test_another_states_measure_applies_only_once_informed() -> None:
    measure = NationalMeasure("NL", "NL-3B993", ("3B993",), dt.date(2023, 9, 1))
    engine = RuleEngine([rules_list()], [measure])
    item = {"description": "lithography tool", "national_entries": ["3B993"]}
    quiet = engine.determine(parse_transaction(tx(items=[item], to="CN")))
    assert quiet.outcome is NONE
    informed = engine.determine(
        parse_transaction(tx(items=[item], to="CN", informed_of_other_state_list=True))
    )
    assert informed.outcome is LICENCE
    assert str(informed.bases[0].citation) == "Regulation (EU) 2021/821, Art 10(1)"


def test_a_national_measure_is_dated() -> None:
    measure = NationalMeasure(
        "DE", "DE-X", ("5A902",), dt.date(2023, 1, 1), valid_to=dt.date(2024, 12, 31)
    )
    engine = RuleEngine([rules_list()], [measure])
    item = {"description": "retention", "national_entries": ["5A902"]}
    assert engine.determine(parse_transaction(tx(items=[item], on="2024-12-31"))).outcome is LICENCE
    assert engine.determine(parse_transaction(tx(items=[item], on="2025-01-01"))).outcome is NONE
