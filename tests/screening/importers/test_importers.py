"""List importers: the real published files in ../shared/data and fixtures written from the formats."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pytest

from licentia.errors import ImportFailed
from licentia.screening.importers import FORMATS, file_sha256, read_list
from licentia.screening.model import EntitySchema, ListedEntity, NameType
from tests.conftest import shared_file

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "screening"


def _read(path: Path, file_format: str) -> list[ListedEntity]:
    _, entities = read_list(path, file_format)
    return list(entities)


def _by_id(entities: list[ListedEntity], source_id: str) -> ListedEntity:
    return next(e for e in entities if e.source_id == source_id)


def test_every_format_has_a_reader_and_a_description() -> None:
    for code, entry in FORMATS.items():
        assert entry.description
        assert entry.load().format == code


# --- Real files -------------------------------------------------------------------------------


def test_un_current_list_counts_names_and_dates() -> None:
    path = shared_file("sanctions/un/un-consolidated-2026-02-27.xml")
    header, stream = read_list(path, "un-sc-xml")
    entities = list(stream)
    assert (header.source, str(header.published)) == ("un-sc", "2026-02-27")
    schemas = Counter(e.schema for e in entities)
    assert schemas == {EntitySchema.PERSON: 730, EntitySchema.ORGANIZATION: 273}
    assert len({e.source_id for e in entities}) == 1003
    # The file's 615 aliases of QUALITY Low are weak aliases.
    assert sum(n.type is NameType.WEAK_ALIAS for e in entities for n in e.names) == 615
    saddam = _by_id(entities, "6908048")
    assert saddam.caption == "SADDAM HUSSEIN AL-TIKRITI"
    assert saddam.nationalities == ("IQ",)
    assert saddam.birth_dates[0].earliest == "1937-04-28"
    arabic = [n for n in saddam.names if n.script == "Arab"]
    assert [n.full for n in arabic] == ["صدام حسين التكريتي"]
    assert saddam.extra_value("reference_number") == "IQi.001"
    # BETWEEN dates become ranges; documents keep their type and number.
    ranges = [b for e in entities for b in e.birth_dates if b.earliest != b.latest]
    assert len(ranges) == 31
    assert all(b.earliest < b.latest for b in ranges)
    passports = [i for e in entities for i in e.identifiers if i.type == "Passport"]
    assert len(passports) > 250
    # Every document with a NUMBER (454 in the file) is kept.
    assert sum(len(e.identifiers) for e in entities) == 454


def test_un_older_list_reads_too() -> None:
    path = shared_file("sanctions/un/un-consolidated-older.xml")
    entities = _read(path, "un-sc-xml")
    assert Counter(e.schema for e in entities) == {
        EntitySchema.PERSON: 703,
        EntitySchema.ORGANIZATION: 390,
    }
    ri = _by_id(entities, "6908555")
    assert ri.caption == "RI WON HO"
    assert ri.identifiers[0].value == "381310014"


def test_ofac_sdn_csv_set_with_remarks_parsed() -> None:
    path = shared_file("sanctions/us/ofac-sdn-2021-07/sdn.csv")
    header, stream = read_list(path, "us-ofac-sdn-csv")
    entities = list(stream)
    assert header.source == "us-ofac-sdn"
    assert len(entities) == 8976
    zawahiri = _by_id(entities, "2676")
    assert zawahiri.schema is EntitySchema.PERSON
    assert zawahiri.caption == "Dr. Ayman AL ZAWAHIRI"
    assert [b.earliest for b in zawahiri.birth_dates] == ["1951-06-19"]
    assert zawahiri.birth_places == ("Giza, Egypt",)
    assert ("Passport", "1084010", "EG") in [
        (i.type, i.value, i.country) for i in zawahiri.identifiers
    ]
    assert "Aiman Muhammad Rabi AL-ZAWAHIRI" in [n.full for n in zawahiri.names]
    # Quoted a.k.a.s in the remarks are OFAC's weak aliases.
    bnc = _by_id(entities, "306")
    assert [(n.full, n.type) for n in bnc.names if n.type is NameType.WEAK_ALIAS] == [
        ("BNC", NameType.WEAK_ALIAS)
    ]
    assert bnc.addresses[0].country == "CH"
    vessel = _by_id(entities, "15036")
    assert vessel.schema is EntitySchema.VESSEL
    assert vessel.extra_value("vessel_flag") == "Iran"
    assert ("Vessel Registration Identification", "IMO 9187629") in [
        (i.type, i.value) for i in vessel.identifiers
    ]
    # The remarks continued in sdn_comments.csv are joined to the main text.
    assert "LAZARUS GROUP" in (_by_id(entities, "28263").remarks or "")
    assert sum(len(e.birth_dates) for e in entities) > 5000


def test_ofac_non_sdn_set() -> None:
    path = shared_file("sanctions/us/ofac-non-sdn-2025-12/cons_prim.csv")
    header, stream = read_list(path, "us-ofac-sdn-csv")
    entities = list(stream)
    assert header.source == "us-ofac-cons"
    assert len(entities) == 442
    haniya = _by_id(entities, "9639")
    assert haniya.caption == "Ismail Abdul Salah HANIYA"
    assert haniya.birth_dates[0].earliest == "1962"
    assert "Ismail HANIYA" in [n.full for n in haniya.names]


def test_bis_denied_persons() -> None:
    path = shared_file("sanctions/us/bis-denied-persons-2022-09.txt")
    entities = _read(path, "us-bis-dpl")
    # 581 rows; consecutive rows of one denial (one per address) are one entity.
    assert len(entities) == 461
    assert sum(len(e.addresses) for e in entities) == 579
    assert len({e.source_id for e in entities}) == len(entities)
    villa = next(e for e in entities if e.caption == "AARON ABRAHAM VILLA")
    assert str(villa.listed_on) == "2022-08-24"
    assert villa.extra_value("federal_register_citation") == "87 F.R. 52741 8/29/2022"


@pytest.mark.parametrize(
    ("relative", "rows"), [("csl-sample-2019.csv", 115), ("csl-sample-2025.csv", 13)]
)
def test_csl_csv_both_headers(relative: str, rows: int) -> None:
    entities = _read(shared_file(f"sanctions/us/{relative}"), "us-csl-csv")
    assert len(entities) == rows
    entity_list = [e for e in entities if e.extra_value("csl_list") == "EL"]
    assert entity_list
    assert all(e.extra_value("license_requirement") for e in entity_list)
    assert all(e.extra_value("license_policy") for e in entity_list)
    assert all(e.extra_value("csl_source") for e in entities)


def test_csl_2025_ids_and_people() -> None:
    entities = _read(shared_file("sanctions/us/csl-sample-2025.csv"), "us-csl-csv")
    rim = _by_id(entities, "52291")
    assert rim.schema is EntitySchema.PERSON
    assert rim.nationalities == ("KP",)
    assert rim.gender == "male"
    assert [(i.type, i.value, i.country) for i in rim.identifiers] == [
        ("Passport", "836238033", "KP")
    ]
    assert rim.countries == ("CN", "KP")


# --- Fixtures written from the formats ---------------------------------------------------------


def test_eu_fsf_fixture() -> None:
    header, stream = read_list(FIXTURES / "eu-fsf-small.xml", "eu-fsf-xml")
    entities = list(stream)
    assert (header.source, str(header.published), header.version) == (
        "eu-fsf",
        "2026-03-02",
        "170001",
    )
    testov = _by_id(entities, "900001")
    assert testov.caption == "Ivan Petrovich TESTOV"
    assert [(n.full, n.type, n.script, n.language) for n in testov.names[1:]] == [
        ("Иван Петрович Тестов", NameType.ALIAS, "Cyrl", "ru"),
        ("Vanya", NameType.WEAK_ALIAS, None, None),
    ]
    assert (testov.nationalities, testov.gender, testov.programmes) == (("RU",), "male", ("RUS",))
    assert str(testov.listed_on) == "2022-02-23"
    optics = _by_id(entities, "900002")
    assert optics.schema is EntitySchema.ORGANIZATION
    assert optics.identifiers[0].value == "1027700000001"
    # A weak alias listed first never becomes the primary name; "00" is no country.
    khalid = _by_id(entities, "900003")
    assert khalid.caption == "Khalid Al-Mithal"
    assert khalid.nationalities == ()
    assert [(b.earliest, b.latest, b.circa) for b in khalid.birth_dates] == [
        ("1975", "1975", True),
        ("1970", "1973", False),
    ]
    assert khalid.extra_value("un_id") == "QDi.999"


@pytest.mark.parametrize("name", ["ofac-sdn-small.xml", "ofac-sdn-small-tempuri.xml"])
def test_ofac_xml_both_namespaces(name: str) -> None:
    header, stream = read_list(FIXTURES / name, "us-ofac-sdn-xml")
    entities = list(stream)
    assert str(header.published) == "2026-03-05"
    person = _by_id(entities, "990001")
    assert [(n.full, n.type) for n in person.names] == [
        ("Nikolai EXAMPLOV", NameType.PRIMARY),
        ("Nikolay EKZAMPLOV", NameType.ALIAS),
        ("KOLYA", NameType.WEAK_ALIAS),
    ]
    assert [(b.earliest, b.circa) for b in person.birth_dates] == [
        ("1968-12-10", False),
        ("1967", True),
    ]
    assert person.gender == "male"
    assert [i.type for i in person.identifiers] == ["Passport"]
    company = _by_id(entities, "990002")
    assert company.names[1].type is NameType.PREVIOUS
    assert company.programmes == ("IRAN", "SDGT")
    assert _by_id(entities, "990003").countries == ("PA",)


@pytest.mark.parametrize(
    ("name", "file_format"),
    [
        ("uk-sanctions-small.csv", "uk-sanctions-csv"),
        ("uk-sanctions-small.xml", "uk-sanctions-xml"),
    ],
)
def test_uk_sanctions_list(name: str, file_format: str) -> None:
    entities = _read(FIXTURES / name, file_format)
    person = _by_id(entities, "RUS9901")
    assert person.caption == "Sergei Ivanovich PRIMEROV"
    kinds = {n.full: (n.type, n.script) for n in person.names}
    assert kinds["SEREGA"] == (NameType.WEAK_ALIAS, None)
    assert kinds["Sergey PRIMEROV"] == (NameType.ALIAS, None)
    assert kinds["Сергей Иванович Примеров"] == (NameType.ALIAS, "Cyrl")
    assert person.birth_dates[0].earliest == "1968-04-12"
    assert person.nationalities == ("RU",)
    assert str(person.listed_on) == "2022-03-15"
    ship = _by_id(entities, "RUS9903")
    assert ship.schema is EntitySchema.VESSEL
    assert ship.identifiers[0].value == "9000003"
    assert ship.countries == ("GA",)


def test_uk_csv_report_date_and_partial_dates() -> None:
    header, stream = read_list(FIXTURES / "uk-sanctions-small.csv", "uk-sanctions-csv")
    assert str(header.published) == "2026-03-02"
    entities = list(stream)
    assert len(entities) == 4
    assert _by_id(entities, "AQD9904").birth_dates[0].earliest == "1975"
    assert _by_id(entities, "CYB9902").names[1].full == "EIL"


def test_csl_json_fixture_keeps_entity_list_terms() -> None:
    entities = _read(FIXTURES / "csl-small.json", "us-csl-json")
    assert len(entities) == 3
    institute = entities[0]
    assert institute.extra_value("license_policy") == "Presumption of denial."
    assert institute.extra_value("csl_list") == "EL"
    assert [n.full for n in institute.names] == [
        "Example Photonics Research Institute",
        "EPRI",
        "Example Photonics Institute",
    ]
    kim = _by_id(entities, "990101")
    assert kim.identifiers[0].value == "PX0000001"
    assert kim.gender == "male"
    assert [b.earliest for b in kim.birth_dates] == ["1970-03-15", "1971"]


def test_ftm_json_lines() -> None:
    header, stream = read_list(FIXTURES / "ftm-small.jsonl", "ftm-json")
    entities = list(stream)
    assert header.source == "licentia_test"
    # The Sanction line is not a party.
    assert [e.schema for e in entities] == [
        EntitySchema.PERSON,
        EntitySchema.COMPANY,
        EntitySchema.VESSEL,
    ]
    person = entities[0]
    assert [n.type for n in person.names] == [
        NameType.PRIMARY,
        NameType.ALIAS,
        NameType.WEAK_ALIAS,
    ]
    assert person.names[1].script == "Cyrl"
    assert person.nationalities == ("RU",)
    assert entities[1].names[1].type is NameType.PREVIOUS


def test_checksum_is_sha256_of_the_file() -> None:
    path = FIXTURES / "eu-fsf-small.xml"
    assert file_sha256(path) == hashlib.sha256(path.read_bytes()).hexdigest()


# --- Bad input ---------------------------------------------------------------------------------


def _failure(path: Path, file_format: str) -> ImportFailed:
    with pytest.raises(ImportFailed) as caught:
        _read(path, file_format)
    assert caught.value.source == str(path)
    return caught.value


def test_truncated_xml_names_the_line() -> None:
    error = _failure(FIXTURES / "broken-eu-truncated.xml", "eu-fsf-xml")
    assert error.position is not None
    assert error.position.startswith("line 19")
    assert "malformed XML" in error.message


def test_invalid_xml_names_line_and_record() -> None:
    error = _failure(FIXTURES / "broken-ofac-invalid.xml", "us-ofac-sdn-xml")
    assert error.position is not None
    assert "line 42" in error.position
    assert "after record #1" in error.position


def test_xml_in_the_wrong_encoding() -> None:
    error = _failure(FIXTURES / "broken-uk-latin1.xml", "uk-sanctions-xml")
    assert "encoding" in error.message


def test_csv_in_the_wrong_encoding_names_the_line() -> None:
    error = _failure(FIXTURES / "broken-uk-latin1.csv", "uk-sanctions-csv")
    assert error.position == "line 5"
    assert "utf-8" in error.message


def test_missing_required_column() -> None:
    error = _failure(FIXTURES / "broken-uk-missing-column.csv", "uk-sanctions-csv")
    assert (error.position, error.field) == ("line 2", "Name type")


def test_entity_expansion_is_refused() -> None:
    error = _failure(FIXTURES / "broken-entities.xml", "un-sc-xml")
    assert "unsafe XML" in error.message


def test_bad_date_names_record_and_field() -> None:
    error = _failure(FIXTURES / "broken-un-date.xml", "un-sc-xml")
    assert error.field == "LISTED_ON"
    assert error.position == "INDIVIDUAL #1 (DATAID 1)"


def test_truncated_json() -> None:
    error = _failure(FIXTURES / "broken-csl-truncated.json", "us-csl-json")
    assert error.position is not None
    assert "result #2" in error.position


def test_broken_json_line() -> None:
    error = _failure(FIXTURES / "broken-ftm.jsonl", "ftm-json")
    assert error.position is not None
    assert error.position.startswith("line 3")


@pytest.mark.parametrize("file_format", sorted(FORMATS))
def test_empty_file_fails_for_every_format(file_format: str) -> None:
    error = _failure(FIXTURES / "empty.xml", file_format)
    assert "empty" in error.message


def test_unknown_format() -> None:
    with pytest.raises(ImportFailed) as caught:
        read_list(FIXTURES / "eu-fsf-small.xml", "eu-fsf-pdf")
    assert caught.value.field == "format"
    assert "eu-fsf-xml" in caught.value.message


def test_wrong_kind_of_file_fails_on_the_root_element() -> None:
    error = _failure(FIXTURES / "eu-fsf-small.xml", "un-sc-xml")
    assert "expected <CONSOLIDATED_LIST>" in error.message


def test_missing_file() -> None:
    with pytest.raises(ImportFailed, match="no such file"):
        read_list(FIXTURES / "nothing-here.xml", "un-sc-xml")
