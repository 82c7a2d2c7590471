"""The report as files: CSV, JSON, Parquet, HTML and PDF, each with its data dictionary and
provenance (source, generated at, data as of, suppression rules and their parameters)."""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Sequence
from typing import Any

from licentia.reports.model import Column, Report, Row, Table
from licentia.reports.tables import DATA_DICTIONARY

FORMATS = ("csv", "json", "parquet", "html", "pdf")
KEYS = (
    "item_category",
    "destination",
    "licence_type",
    "end_user_type",
    "member_state",
    "decision",
    "general_authorisation",
    "criterion",
    "kind",
    "reference",
    "exporter",
    "control_entry",
    "decided_on",
)
LONG_COLUMNS = ("table", *KEYS, "total", "decisions", "value_eur", "suppressed", "reason")


def dictionary(tables: Sequence[Table]) -> list[Column]:
    """The data dictionary entries of the columns the tables use."""
    used = {"table", "total", "suppressed", "reason"}
    for table in tables:
        used |= set(table.dimensions) | set(table.measures)
    return [c for c in DATA_DICTIONARY if c.name in used]


def _long_rows(tables: Sequence[Table]) -> list[dict[str, Any]]:
    out = []
    for table in tables:
        for row in (*table.rows, *table.totals):
            out.append(_long(table, row))
    return out


def _measure_names(tables: Sequence[Table]) -> list[str]:
    names: list[str] = []
    for table in tables:
        for m in table.measures:
            if m not in names:
                names.append(m)
    return names


def _long(table: Table, row: Row) -> dict[str, Any]:
    record: dict[str, Any] = {"table": table.id}
    for key in KEYS:
        record[key] = row.keys.get(key)
    record["total"] = row.total
    suppressed = any(c.suppressed for c in row.cells.values())
    for name, cell in row.cells.items():
        record[name] = cell.value
    record["suppressed"] = suppressed
    record["reason"] = next((c.reason for c in row.cells.values() if c.suppressed), "")
    return record


def _columns(tables: Sequence[Table]) -> list[str]:
    keys = [k for k in KEYS if any(k in t.dimensions for t in tables)]
    return ["table", *keys, "total", *_measure_names(tables), "suppressed", "reason"]


def _meta(report: Report, tables: Sequence[Table]) -> dict[str, Any]:
    return {
        "title": f"Licentia: dual-use export-control report {report.year}",
        "year": report.year,
        "filters": report.filters,
        "provenance": report.provenance.as_dict(),
        "data_dictionary": [
            {"name": c.name, "title": c.title, "type": c.type, "description": c.description}
            for c in dictionary(tables)
        ],
        "tables": [
            {
                "id": t.id,
                "title": t.title,
                "section": t.info.section,
                "description": t.description,
                "dimensions": list(t.dimensions),
                "measures": list(t.measures),
                "fixed": dict(t.info.fixed),
            }
            for t in tables
        ],
    }


def to_csv(report: Report, tables: Sequence[Table] | None = None) -> bytes:
    """One long CSV; the metadata (provenance, data dictionary) on leading '#' lines."""
    chosen = list(report.tables if tables is None else tables)
    buffer = io.StringIO()
    meta = _meta(report, chosen)
    buffer.write(f"# {meta['title']}\n")
    for line in json.dumps(
        {k: meta[k] for k in ("provenance", "data_dictionary", "filters")}, indent=1
    ).splitlines():
        buffer.write(f"# {line}\n")
    columns = _columns(chosen)
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for record in _long_rows(chosen):
        writer.writerow(
            {
                k: ("" if v is None else str(v).lower() if isinstance(v, bool) else v)
                for k, v in record.items()
            }
        )
    return buffer.getvalue().encode("utf-8")


def to_json(report: Report, tables: Sequence[Table] | None = None) -> bytes:
    chosen = list(report.tables if tables is None else tables)
    meta = _meta(report, chosen)
    by_id = {t.id: t for t in chosen}
    for entry in meta["tables"]:
        table = by_id[entry["id"]]
        entry["rows"] = [_json_row(r) for r in table.rows]
        entry["totals"] = [_json_row(r) for r in table.totals]
    return json.dumps(meta, indent=1, ensure_ascii=False).encode("utf-8")


def _json_row(row: Row) -> dict[str, Any]:
    return {
        "keys": row.keys,
        "cells": {
            name: (
                {"value": None, "suppressed": True, "reason": cell.reason}
                if cell.suppressed
                else {"value": cell.value}
            )
            for name, cell in row.cells.items()
        },
    }


def to_parquet(report: Report, tables: Sequence[Table] | None = None) -> bytes:
    """One long Parquet table; provenance and data dictionary in the schema metadata."""
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    chosen = list(report.tables if tables is None else tables)
    columns = _columns(chosen)
    records = _long_rows(chosen)
    types = {c.name: c.type for c in DATA_DICTIONARY}
    descriptions = {c.name: c.description for c in DATA_DICTIONARY}
    arrow_types = {
        "string": pa.string(),
        "integer": pa.int64(),
        "number": pa.float64(),
        "boolean": pa.bool_(),
    }
    fields = []
    arrays = []
    for name in columns:
        kind = arrow_types[types.get(name, "string")]
        values = [r.get(name) for r in records]
        fields.append(pa.field(name, kind, metadata={"description": descriptions.get(name, "")}))
        arrays.append(pa.array(values, type=kind))
    meta = _meta(report, chosen)
    schema = pa.schema(
        fields,
        metadata={
            "licentia.provenance": json.dumps(meta["provenance"]),
            "licentia.data_dictionary": json.dumps(meta["data_dictionary"]),
            "licentia.tables": json.dumps(meta["tables"]),
        },
    )
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), buffer)
    return buffer.getvalue()


def _cell_text(row: Row, name: str) -> str:
    cell = row.cells[name]
    if cell.suppressed:
        return f"suppressed ({cell.reason})"
    if cell.value is None:
        return ""
    if isinstance(cell.value, float) and not cell.value.is_integer():
        return f"{cell.value:,.2f}"
    return f"{cell.value:,.0f}"


def to_html(report: Report, tables: Sequence[Table] | None = None) -> bytes:
    """A standalone, accessible HTML document (headers with scope, captions, no scripts)."""
    chosen = list(report.tables if tables is None else tables)
    meta = _meta(report, chosen)
    e = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(meta['title'])}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:75rem;margin:1rem auto;"
        "padding:0 1rem;color:#1a1a1a}table{border-collapse:collapse;margin:1rem 0}"
        "th,td{border:1px solid #767676;padding:.25rem .5rem;text-align:left}"
        "td.n{text-align:right}caption{font-weight:bold;text-align:left}"
        ".s{font-style:italic}tr.t{background:#f0f0f0}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{e(meta['title'])}</h1>",
        "<h2>Provenance</h2>",
        "<dl>",
    ]
    for key, value in meta["provenance"].items():
        text = json.dumps(value) if isinstance(value, dict | list) else str(value)
        out.append(f"<dt>{e(key.replace('_', ' '))}</dt><dd>{e(text)}</dd>")
    out.append("</dl>")
    out.append(
        "<p>A suppressed cell is withheld to protect commercial confidentiality; its reason is "
        "given: min-count (too few decisions), dominance (one or two exporters hold most of the "
        "value) or complementary (withheld so that another cell cannot be recovered).</p>"
    )
    section = ""
    for table in chosen:
        if table.info.section != section:
            section = table.info.section
            out.append(f"<h2>{e(section)}</h2>")
        out.append(f'<table id="{e(table.id)}">')
        out.append(f"<caption>{e(table.title)} <small>({e(table.id)})</small></caption>")
        out.append("<thead><tr>")
        for d in table.dimensions:
            out.append(f'<th scope="col">{e(d.replace("_", " "))}</th>')
        for m in table.measures:
            out.append(f'<th scope="col">{e(m.replace("_", " "))}</th>')
        out.append("</tr></thead><tbody>")
        for row in (*table.rows, *table.totals):
            out.append('<tr class="t">' if row.total else "<tr>")
            for i, d in enumerate(table.dimensions):
                tag = "th" if i == 0 else "td"
                scope = ' scope="row"' if i == 0 else ""
                out.append(f"<{tag}{scope}>{e(row.keys.get(d, ''))}</{tag}>")
            for m in table.measures:
                cls = "n s" if row.cells[m].suppressed else "n"
                out.append(f'<td class="{cls}">{e(_cell_text(row, m))}</td>')
            out.append("</tr>")
        out.append("</tbody></table>")
    out.append("<h2>Data dictionary</h2>")
    out.append("<table><caption>Columns</caption><thead><tr>")
    out.append('<th scope="col">Name</th><th scope="col">Type</th><th scope="col">Meaning</th>')
    out.append("</tr></thead><tbody>")
    for column in meta["data_dictionary"]:
        out.append(
            f'<tr><th scope="row">{e(column["name"])}</th><td>{e(column["type"])}</td>'
            f"<td>{e(column['description'])}</td></tr>"
        )
    out.append("</tbody></table></main></body></html>")
    return "\n".join(out).encode("utf-8")


def _latin1(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def to_pdf(report: Report, tables: Sequence[Table] | None = None) -> bytes:
    """A PDF with the provenance, every table and the data dictionary (fpdf2 core fonts)."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    chosen = list(report.tables if tables is None else tables)
    meta = _meta(report, chosen)
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(meta["title"])
    pdf.set_author("Licentia")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, _latin1(meta["title"]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 9)
    for key, value in meta["provenance"].items():
        text = json.dumps(value) if isinstance(value, dict | list) else str(value)
        pdf.multi_cell(
            0, 5, _latin1(f"{key.replace('_', ' ')}: {text}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
    for table in chosen:
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 11)
        pdf.multi_cell(
            0, 6, _latin1(f"{table.title} ({table.id})"), new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        pdf.set_font("Helvetica", "", 8)
        headers = [*table.dimensions, *table.measures]
        with pdf.table(text_align="LEFT", line_height=4.5) as grid:
            heading = grid.row()
            for h in headers:
                heading.cell(h.replace("_", " "))
            for row in (*table.rows, *table.totals):
                line = grid.row()
                for d in table.dimensions:
                    line.cell(_latin1(row.keys.get(d, "")))
                for m in table.measures:
                    line.cell(_latin1(_cell_text(row, m)))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 6, "Data dictionary", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 8)
    with pdf.table(text_align="LEFT", line_height=4.5, col_widths=(30, 15, 100)) as grid:
        heading = grid.row()
        for h in ("Name", "Type", "Meaning"):
            heading.cell(h)
        for column in meta["data_dictionary"]:
            line = grid.row()
            for key in ("name", "type", "description"):
                line.cell(_latin1(column[key]))
    return bytes(pdf.output())


def render(report: Report, fmt: str, tables: Sequence[Table] | None = None) -> bytes:
    renderers = {
        "csv": to_csv,
        "json": to_json,
        "parquet": to_parquet,
        "html": to_html,
        "pdf": to_pdf,
    }
    if fmt not in renderers:
        from licentia.errors import InvalidInput

        raise InvalidInput(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    return renderers[fmt](report, tables)
