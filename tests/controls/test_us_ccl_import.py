"""The eCFR Commerce Control List importer, on the real supplement and on small crafted files."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from licentia.controls.importers.us_ccl import SOURCE, parse_us_ccl
from licentia.controls.model import (
    PATH,
    ControlEntry,
    ControlList,
    NoteKind,
    OriginRegime,
    Regime,
    head_code,
)
from licentia.errors import ImportFailed
from tests.conftest import shared_file

CCL_FILE = "controls/us-ccl-part774-supp1.xml"
# The shared file leaves `_SUBSTITUTE_DATE_` in hierarchy_metadata, so tests name a version.
VERSION = "2026-01-01"


@pytest.fixture(scope="module")
def ccl_path() -> Path:
    return shared_file(CCL_FILE)


@pytest.fixture(scope="module")
def ccl(ccl_path: Path) -> ControlList:
    return parse_us_ccl(ccl_path, version=VERSION)


# The real supplement ---------------------------------------------------------------------


def test_counts_every_eccn_heading(ccl: ControlList) -> None:
    # 637 bold FP-2 headings plus 8D001, whose heading the eCFR sets in an FP-1.
    assert len(ccl.heads()) == 638
    assert 4_000 < len(ccl) - len(ccl.heads()) < 6_000


@pytest.mark.parametrize(
    "path",
    [
        "0A501",
        "3A001.a.1",
        "4A005",
        "4D004",
        "4E001.c",
        "5A001",
        "5A001.j",
        "5A001.j.2.b",
        "5A004.b",
        "5D001.e",
        "8D001",
    ],
)
def test_known_entries_exist(ccl: ControlList, path: str) -> None:
    assert path in ccl


def test_metadata(ccl: ControlList, ccl_path: Path) -> None:
    assert ccl.regime is Regime.US_CCL
    assert ccl.version == VERSION
    assert ccl.valid_from == date(2026, 1, 1)
    assert ccl.source == SOURCE
    assert ccl.source_url.startswith("https://www.ecfr.gov/api/versioner/v1/full/2026-01-01/")
    assert "part=774" in ccl.source_url
    assert ccl.checksum == hashlib.sha256(ccl_path.read_bytes()).hexdigest()


def test_reasons_for_control_on_head_entries(ccl: ControlList) -> None:
    entry = ccl.get("5A001")
    assert entry is not None
    assert {"NS", "AT"} <= set(entry.reasons_for_control)
    assert entry.reasons_for_control == ("NS", "SL", "AT")
    firearms = ccl.get("0A501")
    assert firearms is not None
    assert firearms.reasons_for_control == ("NS", "RS", "FC", "UN", "AT")


def test_related_eu_codes_follow_the_three_digit_block(ccl: ControlList) -> None:
    for path, expected in [
        ("5A001", ("5A001",)),
        ("4A005", ("4A005",)),
        ("0A501", ()),  # 600-series-like x5xx
        ("5A992", ()),  # x9xx, US-unilateral
        ("9A515", ()),
        ("5A001.j", ()),  # head entries only
    ]:
        entry = ccl.get(path)
        assert entry is not None
        assert entry.related_codes == expected, path


def test_origin_regime(ccl: ControlList) -> None:
    origins = {path: ccl.get(path) for path in ("5A001", "5A001.j", "0A501")}
    assert {path: entry.origin for path, entry in origins.items() if entry} == {
        "5A001": OriginRegime.WASSENAAR,
        "5A001.j": OriginRegime.WASSENAAR,
        "0A501": OriginRegime.NATIONAL,
    }


def test_provision_texts(ccl: ControlList) -> None:
    def text(path: str) -> str:
        entry = ccl.get(path)
        assert entry is not None, path
        return entry.text

    assert "intrusion software" in text("4A005")
    assert text("5A001.j").startswith("IP network communications surveillance systems")
    assert text("4E001.c") == "“Technology” for the “development” of “intrusion software.”"
    # Labels are stripped; exponents stay on their base.
    assert "2 × 10^9 N/m^2" in text("5A001.c")
    # A reserved range stays one entry at its first label.
    assert text("3A001.j") == "j. through y. [Reserved]"
    # Lettered paragraphs under "Related Controls" are not items: 1A008's come after "Items:".
    assert text("1A008.a") == "'Shaped charges' having all of the following:"
    assert "1C230.a" not in ccl  # "This entry does not control the following: a. …"


def test_notes_are_attached_where_they_belong(ccl: ControlList) -> None:
    def notes(path: str) -> list[tuple[NoteKind, str]]:
        entry = ccl.get(path)
        assert entry is not None, path
        return [(note.kind, note.text) for note in entry.notes]

    # Follows 5A001.j.2.b in the file but names 5A001.j.
    [(kind, text)] = notes("5A001.j")[:1]
    assert kind is NoteKind.NOTE
    assert text.startswith("Note: 5A001.j does not apply")
    assert "Quality of Service (QoS)" in text  # its lettered list is part of it
    assert notes("5A001.b.5.b")[0][0] is NoteKind.TECHNICAL_NOTE
    # A cross-reference to another ECCN stays on the provision it follows.
    assert (NoteKind.NOTA_BENE, "N.B.: For underwater umbilical cables, see 8A002.a.3.") in notes(
        "5A001.c"
    )
    # The eCFR sets 5D001.e's decontrol note as loose italic paragraphs, not a <NOTE>.
    assert any("Billing purposes" in text for _, text in notes("5D001.e"))


def test_paths_are_valid_unique_and_under_their_heads(ccl: ControlList) -> None:
    paths = [entry.path for entry in ccl]
    assert all(PATH.match(path) for path in paths)
    assert len(paths) == len(set(paths))
    assert all(head_code(path) in ccl for path in paths)


def test_import_is_deterministic(ccl: ControlList, ccl_path: Path) -> None:
    again = parse_us_ccl(ccl_path, version=VERSION)
    assert again == ccl
    assert again.checksum == ccl.checksum
    assert again.entries == ccl.entries


def test_real_file_needs_a_version(ccl_path: Path) -> None:
    with pytest.raises(ImportFailed) as caught:
        parse_us_ccl(ccl_path)
    assert caught.value.source == str(ccl_path)
    assert caught.value.field == "version"


# Crafted files ---------------------------------------------------------------------------

_METADATA = (
    "{&quot;path&quot;:&quot;/on/2026-07-23/title-15/part-774/"
    "appendix-Supplement No. 1 to Part 774&quot;}"
)


def _ccl(body: str, *, metadata: str = _METADATA) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<DIV9 N="Supplement No. 1 to Part 774" TYPE="APPENDIX" hierarchy_metadata="{metadata}">\n'
        "<HEAD>Supplement No. 1 to Part 774—The Commerce Control List</HEAD>\n"
        "<HD1>Category 5—Telecommunications</HD1>\n"
        f"{body}"
        "</DIV9>\n"
    )


_ENTRY = """<FP-2><B>5A001 Telecommunications systems, as follows (see List of Items Controlled).
</B></FP-2>
<FP-1><E T="04">License Requirements</E></FP-1>
<FP-1><I>Reason for Control:</I> NS, SL, AT</FP-1>
<NOTE><HED><I>License Requirement Note:</I></HED><P><I>See § 742.13.</I></P></NOTE>
<FP-1><E T="04">List of Items Controlled</E></FP-1>
<FP-1><I>Related Controls:</I> (1) All of the following are "subject to the ITAR":</FP-1>
<P>a. Not an item of this entry;</P>
<FP-1><I>Related Definitions:</I> N/A</FP-1>
<FP><I>Items:</I> a. Any type of telecommunications equipment:</FP>
<P>a.1. Hardened to withstand 10
<SU>5</SU> Gy;</P>
<P>a.2. Operating below 218 K.</P>
<NOTE><HED><I>Note:</I></HED><P><I>5A001.a does not control:</I></P>
<P><I>a. Civil equipment.</I></P></NOTE>
<P>j. IP network surveillance systems:</P>
<P>j.1 Performing analysis; <I>and</I></P>
<P>j.2.a.. Mapping of relational networks.</P>
<P>It continues here.</P>
<P><I>Technical Notes:</I></P>
<P><I>1. For the purposes of 5A001.j.1, analysis means…</I></P>
<FP-2><B>5A992 Equipment not controlled by 5A002.</B></FP-2>
<FP-1><I>Reason for Control:</I> AT</FP-1>
<FP><I>Items:</I> The list of items controlled is contained in the ECCN heading.</FP>
<FP-2><B>EAR99 Items subject to the EAR that are not elsewhere specified.</B></FP-2>
<P>a. Not part of any ECCN.</P>
"""


def _write(tmp_path: Path, text: str | bytes, name: str = "ccl.xml") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def test_crafted_file_structure(tmp_path: Path) -> None:
    path = _write(tmp_path, _ccl(_ENTRY))
    ccl = parse_us_ccl(path)

    assert [entry.path for entry in ccl] == [
        "5A001",
        "5A001.a",
        "5A001.a.1",
        "5A001.a.2",
        "5A001.j",
        "5A001.j.1",
        "5A001.j.2.a",
        "5A992",
    ]
    assert ccl.version == "2026-07-23"
    assert ccl.valid_from == date(2026, 7, 23)
    assert "/full/2026-07-23/title-15.xml?part=774" in ccl.source_url

    def entry(path: str) -> ControlEntry:
        found = ccl.get(path)
        assert found is not None, path
        return found

    head = entry("5A001")
    assert head.text == "Telecommunications systems, as follows (see List of Items Controlled)."
    assert head.reasons_for_control == ("NS", "SL", "AT")
    assert head.related_codes == ("5A001",)
    assert [note.text for note in head.notes] == ["License Requirement Note: See § 742.13."]
    assert entry("5A001.a").text == "Any type of telecommunications equipment:"
    assert entry("5A001.a.1").text == "Hardened to withstand 10^5 Gy;"
    assert entry("5A001.a").notes[0].text == "Note: 5A001.a does not control: a. Civil equipment."
    assert entry("5A001.a.2").notes == ()
    assert entry("5A001.j.1").text == "Performing analysis; and"
    assert entry("5A001.j.2.a").text == "Mapping of relational networks. It continues here."
    [technical] = entry("5A001.j.1").notes
    assert technical.kind is NoteKind.TECHNICAL_NOTE
    assert technical.text == "Technical Notes: 1. For the purposes of 5A001.j.1, analysis means…"

    other = entry("5A992")
    assert other.text == "Equipment not controlled by 5A002."
    assert other.related_codes == ()
    assert other.origin is OriginRegime.NATIONAL
    assert other.reasons_for_control == ("AT",)


def test_repeated_labels_get_unique_paths(tmp_path: Path) -> None:
    body = """<FP-2><B>6D003 Other "software" as follows:</B></FP-2>
<FP><I>Items:</I></FP>
<HD2>Acoustics</HD2>
<P>a. "Software" for acoustic beam forming:</P>
<P>a.1. Towed arrays;</P>
<HD2>Cameras</HD2>
<P>a. "Software" for cameras:</P>
<P>a.1. Frame rates;</P>
<P>a. A third one.</P>
<P>b. Back to normal.</P>
"""
    path = _write(tmp_path, _ccl(body))
    ccl = parse_us_ccl(path)
    paths = [entry.path for entry in ccl]
    assert paths == [
        "6D003",
        "6D003.a",
        "6D003.a.1",
        "6D003.a2",
        "6D003.a2.1",
        "6D003.a3",
        "6D003.b",
    ]
    assert all(PATH.match(p) for p in paths)
    assert ccl.get("6D003.a2.1") is not None
    assert parse_us_ccl(path) == ccl


def test_explicit_version_and_valid_from(tmp_path: Path) -> None:
    path = _write(
        tmp_path, _ccl(_ENTRY, metadata="{&quot;path&quot;:&quot;/on/_SUBSTITUTE_DATE_/&quot;}")
    )
    ccl = parse_us_ccl(path, version="eCFR 2026-02-01", valid_from=date(2026, 2, 1))
    assert (ccl.version, ccl.valid_from) == ("eCFR 2026-02-01", date(2026, 2, 1))
    assert parse_us_ccl(path, version="2026-03-01").valid_from == date(2026, 3, 1)


def _failure(path: Path, *, version: str | None = None) -> ImportFailed:
    with pytest.raises(ImportFailed) as caught:
        parse_us_ccl(path, version=version)
    failure = caught.value
    assert failure.source == str(path)
    assert str(path) in str(failure)
    return failure


def test_missing_version_and_unusable_version(tmp_path: Path) -> None:
    path = _write(tmp_path, _ccl(_ENTRY, metadata="{}"))
    assert _failure(path).field == "version"
    failure = _failure(path, version="latest")
    assert failure.field == "valid_from"
    assert "'latest'" in failure.message


def test_external_entity_is_refused(tmp_path: Path) -> None:
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE DIV9 [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
        '<DIV9 N="Supplement No. 1 to Part 774"><P>&secret;</P></DIV9>\n'
    )
    failure = _failure(_write(tmp_path, text))
    assert failure.field == "DOCTYPE"
    assert failure.position is not None
    assert failure.position.startswith("line 2,")
    assert "refused" in failure.message


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    entities = "".join(
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
    )
    text = (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE DIV9 [<!ENTITY lol0 "lol">{entities}]>\n'
        '<DIV9 N="Supplement No. 1 to Part 774"><P>&lol9;</P></DIV9>\n'
    )
    failure = _failure(_write(tmp_path, text))
    assert failure.field == "DOCTYPE"
    assert "refused" in failure.message


def test_truncated_file(tmp_path: Path) -> None:
    whole = _ccl(_ENTRY)
    cut = whole[: whole.index("<P>j.1 Performing")]
    failure = _failure(_write(tmp_path, cut))
    assert "truncated" in failure.message
    assert failure.position is not None
    assert failure.position.startswith(f"line {cut.count(chr(10)) + 1},")


def test_not_xml_at_all(tmp_path: Path) -> None:
    failure = _failure(_write(tmp_path, "ECCN,heading\n5A001,Telecommunications\n", "ccl.csv"))
    assert "not well-formed XML" in failure.message
    assert failure.position == "line 1, column 1"


def test_empty_file(tmp_path: Path) -> None:
    failure = _failure(_write(tmp_path, b""))
    assert failure.message.endswith(": the file is empty")
    assert failure.position == "line 1, column 1"


def test_wrong_root_element(tmp_path: Path) -> None:
    text = '<?xml version="1.0" encoding="UTF-8"?>\n<DIV5 N="774" TYPE="PART">\n</DIV5>\n'
    failure = _failure(_write(tmp_path, text))
    assert failure.field == "root"
    assert failure.position == "line 2, column 1"
    assert "<DIV5" in failure.message


def test_other_supplement_is_refused(tmp_path: Path) -> None:
    text = _ccl(_ENTRY).replace("Supplement No. 1 to Part 774", "Supplement No. 2 to Part 774", 1)
    failure = _failure(_write(tmp_path, text))
    assert failure.field == "root"
    assert "Supplement No. 2 to Part 774" in failure.message


def test_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    text = _ccl(_ENTRY).replace("Hardened", "Hard\N{LATIN SMALL LETTER E WITH ACUTE}ned")
    raw = text.encode("utf-8").replace("é".encode(), b"\xe9")
    line = text[: text.index("Hardé")].count("\n") + 1
    column = len(text.splitlines()[line - 1].split("é")[0].encode()) + 1
    failure = _failure(_write(tmp_path, raw))
    assert failure.field == "encoding"
    assert failure.position == f"line {line}, column {column}"
    assert "0xe9" in failure.message
    assert "UTF-8" in failure.message


def test_malformed_eccn_in_a_heading(tmp_path: Path) -> None:
    text = _ccl(_ENTRY.replace("<B>5A992 Equipment", "<B>5A99 Equipment"))
    failure = _failure(_write(tmp_path, text))
    assert failure.field == "eccn"
    assert failure.position == f"line {text[: text.index('<B>5A99 ')].count(chr(10)) + 1}"
    assert "'5A99'" in failure.message


def test_file_without_eccn_headings(tmp_path: Path) -> None:
    failure = _failure(_write(tmp_path, _ccl("<P>a. Nothing here.</P>\n")))
    assert failure.field == "eccn"


def test_missing_file(tmp_path: Path) -> None:
    failure = _failure(tmp_path / "absent.xml")
    assert "cannot read file" in failure.message
