"""Essentially identical transactions (Art 2(22)): near-identical and clearly different ones."""

from __future__ import annotations

import pytest

from licentia.coordination.matching import (
    ITEM_THRESHOLD,
    PARTY_THRESHOLD,
    ItemRecord,
    PartyRecord,
    Transaction,
    compare_items,
    find_matches,
)

PROBE = ItemRecord("5A001.j", "IP network monitoring probe")


def denied(
    key: str, name: str, country: str = "AE", item: ItemRecord = PROBE, **party: str
) -> Transaction:
    return Transaction(key, (PartyRecord("end-user", name, country, **party),), (item,), (country,))


def checked(
    name: str,
    country: str = "AE",
    item: ItemRecord = PROBE,
    role: str = "end-user",
    **party: object,
) -> Transaction:
    return Transaction("case", (PartyRecord(role, name, country, **party),), (item,), (country,))  # type: ignore[arg-type]


DENIALS = [
    denied("gulf", "Gulf Telecom Operations LLC", address="PO Box 1234, Dubai"),
    denied("mvd", "Министерство внутренних дел", "RU"),
    denied("rashid", "Mohammed Al-Rashid Trading Co", identifiers=("CR-12345",)),  # type: ignore[arg-type]
    denied("fish", "Nordic Fisheries AS", "NO"),
]


@pytest.mark.parametrize(
    ("name", "country", "expected"),
    [
        ("Gulf Telecom Operation L.L.C.", "AE", "gulf"),  # typo and punctuation
        ("GULF TELECOMS OPERATIONS", "AE", "gulf"),  # case and plural
        ("Ministerstvo vnutrennikh del", "RU", "mvd"),  # transliteration from Cyrillic
        ("Muhammad Alrashid Trading Company", "AE", "rashid"),  # transliteration variants
    ],
)
def test_near_identical_parties_match(name: str, country: str, expected: str) -> None:
    found = find_matches(checked(name, country, PROBE), DENIALS)
    assert [m.key for m in found] == [expected]
    assert found[0].score >= PARTY_THRESHOLD * ITEM_THRESHOLD
    assert found[0].parties[0].explanation


@pytest.mark.parametrize(
    "name", ["Atlantic Telecom Operations", "Gulf Air", "Ministry of Health", "Nordic Fisheries AS"]
)
def test_clearly_different_parties_do_not_match(name: str) -> None:
    # Nordic Fisheries is denied in Norway; the same name elsewhere loses the country.
    assert find_matches(checked(name, "AE"), DENIALS[:3]) == []
    if name != "Nordic Fisheries AS":
        assert find_matches(checked(name, "AE"), DENIALS) == []


def test_the_same_identifier_and_address_raise_the_score() -> None:
    plain = find_matches(checked("Al Rashid Trading", "AE"), DENIALS)
    with_id = find_matches(checked("Al Rashid Trading", "AE", identifiers=("cr 12345",)), DENIALS)
    assert with_id[0].parties[0].score > (plain[0].parties[0].score if plain else 0)
    assert "same identifier" in with_id[0].parties[0].explanation
    addressed = find_matches(
        checked("Gulf Telecom Operations LLC", address="P.O. Box 1234 Dubai"), DENIALS
    )
    assert addressed[0].parties[0].address_similarity is not None
    assert "address" in addressed[0].parties[0].explanation


def test_a_consignee_matches_a_denied_end_user() -> None:
    found = find_matches(checked("Gulf Telecom Operations", role="consignee"), DENIALS)
    assert found[0].parties[0].role == "consignee"
    assert found[0].parties[0].denied_role == "end-user"


@pytest.mark.parametrize(
    ("entry", "relation"),
    [("5A001.j", "same entry"), ("5A001.j.1", "sub-entry"), ("5A001", "sub-entry")],
)
def test_same_entry_or_a_sub_entry_matches(entry: str, relation: str) -> None:
    evidence = compare_items(ItemRecord(entry, "IP network monitoring probes"), PROBE)
    assert evidence is not None
    assert evidence.relation == relation
    assert evidence.score >= ITEM_THRESHOLD


@pytest.mark.parametrize("entry", ["5A002.a", "5A00", "4A005", ""])
def test_other_entries_and_non_listed_items_do_not_match(entry: str) -> None:
    assert compare_items(ItemRecord(entry, "IP network monitoring probe"), PROBE) is None
    found = find_matches(
        checked("Gulf Telecom Operations LLC", item=ItemRecord(entry, "x")), DENIALS
    )
    assert found == []


def test_contradicting_parameters_rule_a_pair_out() -> None:
    denied_item = ItemRecord(
        "5A001.j", "probe", parameters={"carrier_class": True, "bandwidth": "100G"}
    )
    same = ItemRecord("5A001.j", "probe", parameters={"carrier_class": True, "bandwidth": "100G"})
    other = ItemRecord("5A001.j", "probe", parameters={"carrier_class": False, "bandwidth": "1G"})
    agreeing = compare_items(same, denied_item)
    assert agreeing is not None
    assert (agreeing.parameters_compared, agreeing.parameters_agreeing) == (2, 2)
    assert compare_items(other, denied_item) is None


def test_non_listed_items_compare_by_description_and_cyber_flag() -> None:
    denied_item = ItemRecord("", "Facial recognition for city CCTV watchlists", True)
    assert compare_items(
        ItemRecord("", "facial recognition for CCTV watchlists", True), denied_item
    )
    assert (
        compare_items(ItemRecord("", "facial recognition for CCTV watchlists", False), denied_item)
        is None
    )
    assert compare_items(ItemRecord("", "Agricultural drone sprayer", True), denied_item) is None


def test_a_party_match_alone_or_an_item_match_alone_is_not_enough() -> None:
    assert (
        find_matches(checked("Gulf Telecom Operations", item=ItemRecord("3A001", "x")), DENIALS)
        == []
    )
    assert find_matches(checked("Somebody Else Entirely GmbH"), DENIALS) == []
    assert find_matches(checked("Gulf Telecom Operations"), []) == []
