"""`licentia report`: every format parses and carries the data dictionary and provenance."""

from __future__ import annotations

import csv
import io
import json
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from licentia.cli import app
from tests.transparency import factories as f

pytestmark = pytest.mark.django_db
runner = CliRunner()


@pytest.fixture(autouse=True)
def decisions() -> None:
    bafa = f.organisation("BAFA", kind="authority", state="DE")
    sbdu = f.organisation("SBDU", kind="authority", state="FR")
    for i in range(5):
        exporter = f.organisation(f"Exporter {i}")
        f.decision(exporter=exporter, authority=bafa, destinations=("CN",))
        f.decision(exporter=exporter, authority=sbdu, lines=(("3A001", "4000"),))
    f.decision(exporter=exporter, authority=bafa, outcome="refuse", destinations=("AE",))


def run(tmp_path: Path, fmt: str, *extra: str) -> bytes:
    out = tmp_path / f"report.{fmt}"
    result = runner.invoke(
        app,
        [
            "report",
            "--year",
            "2026",
            "--format",
            fmt,
            "--as-of",
            "2026-12-31",
            "--output",
            str(out),
            *extra,
        ],
    )
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def test_csv(tmp_path: Path) -> None:
    text = run(tmp_path, "csv").decode()
    meta = json.loads(
        "\n".join(
            line[2:]
            for line in text.splitlines()
            if line.startswith("# {")
            or (line.startswith("# ") and not line.startswith("# Licentia"))
        )
    )
    assert meta["provenance"]["suppression_rules"]["min_count"] == 3
    assert {c["name"] for c in meta["data_dictionary"]} >= {"decisions", "reason"}
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    assert {"table", "member_state", "decisions", "value_eur", "suppressed", "reason"} <= set(
        rows[0]
    )
    withheld = [r for r in rows if r["suppressed"] == "true"]
    assert withheld
    assert all(r["decisions"] == "" and r["reason"] for r in withheld)
    assert "Exporter 0" not in text


def test_json_with_a_state_filter(tmp_path: Path) -> None:
    document = json.loads(run(tmp_path, "json", "--state", "de"))
    assert document["filters"] == {"member_state": "DE"}
    assert document["provenance"]["data_as_of"] <= "2026-12-31"
    for table in document["tables"]:
        for row in table["rows"]:
            assert row["keys"].get("member_state", "DE") == "DE"


def test_parquet(tmp_path: Path) -> None:
    table = pq.read_table(io.BytesIO(run(tmp_path, "parquet")))
    assert {"table", "decisions", "value_eur", "suppressed", "reason"} <= set(table.column_names)
    meta = table.schema.metadata
    provenance = json.loads(meta[b"licentia.provenance"])
    assert provenance["publication_delay_days"] == 90
    assert json.loads(meta[b"licentia.data_dictionary"])
    assert table.schema.field("value_eur").metadata[b"description"]
    records = table.to_pylist()
    assert any(r["suppressed"] and r["decisions"] is None for r in records)
    assert table.schema.field("decisions").type == "int64"


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_html_is_a_standalone_accessible_document(tmp_path: Path) -> None:
    text = run(tmp_path, "html").decode()
    parser = _Html()
    parser.feed(text)
    tags = [t for t, _ in parser.tags]
    assert ("html", {"lang": "en"}) in parser.tags
    assert "script" not in tags
    assert "link" not in tags
    assert tags.count("table") == tags.count("caption")
    assert all(a.get("scope") in {"col", "row"} for t, a in parser.tags if t == "th")
    assert "Provenance" in text
    assert "Data dictionary" in text
    assert "suppressed (min-count)" in text


def test_pdf_has_tables_provenance_and_dictionary(tmp_path: Path) -> None:
    data = run(tmp_path, "pdf")
    assert data.startswith(b"%PDF-")
    streams = b""
    for chunk in data.split(b"stream\n")[1:]:
        body = chunk.split(b"endstream")[0]
        try:
            streams += zlib.decompress(body.strip())
        except zlib.error:
            streams += body
    assert b"Data dictionary" in streams
    assert b"suppressed" in streams
    assert b"min_count" in streams
    assert data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") > 10


def test_bad_format_exits_with_a_message(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "--year", "2026", "--format", "xls"])
    assert result.exit_code == 2
    assert "unknown format" in result.output
