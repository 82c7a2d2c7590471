"""Any country-year CSV, read with a column mapping the operator writes.

The mapping names the columns and says what each value column measures, including which end
of its scale is best, since no file says so itself. Example (Freedom on the Net)::

    {
      "source": "fotn", "label": "Freedom on the Net 2024",
      "licence": "Freedom House terms", "url": "https://freedomhouse.org/report/freedom-net",
      "country": "Country", "year": "Edition",
      "indicators": [
        {"column": "Total Score", "key": "fotn.total", "title": "Freedom on the Net score",
         "best": 100, "worst": 0, "bounded": true}
      ]
    }

`country_is_code` reads the country column as codes (ISO alpha-2/alpha-3 and the exceptions
of `licentia.risk.indicators.countries`); `delimiter`, `decimal_comma` and `encoding` describe
the file. Every indicator key starts with the mapping's `source` followed by a dot.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from licentia.errors import ImportFailed
from licentia.risk.indicators._table import Collector, Source, Table, number, year
from licentia.risk.model import Indicator, IndicatorFile

_CODE = r"^[a-z0-9][a-z0-9_-]*$"
_KEY = r"^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)+$"


class ValueColumn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str = Field(min_length=1)
    key: str = Field(pattern=_KEY, max_length=100)
    title: str = Field(min_length=1, max_length=200)
    best: float
    worst: float
    bounded: bool = Field(
        default=False, description="Refuse values outside best..worst (true for 0..100 scores)"
    )
    unit: str = ""
    description: str = ""

    @model_validator(mode="after")
    def _scale(self) -> ValueColumn:
        if self.best == self.worst:
            raise ValueError("best and worst must differ")
        return self


class ColumnMapping(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = Field(pattern=_CODE, max_length=40)
    label: str = Field(min_length=1, max_length=200)
    licence: str = Field(min_length=1, max_length=500)
    url: str = ""
    country: str = Field(min_length=1)
    country_is_code: bool = False
    year: str = Field(min_length=1)
    indicators: tuple[ValueColumn, ...] = Field(min_length=1)
    delimiter: str = Field(default=",", min_length=1, max_length=1)
    decimal_comma: bool = False
    encoding: str = "utf-8-sig"

    @model_validator(mode="after")
    def _keys(self) -> ColumnMapping:
        keys = [column.key for column in self.indicators]
        if len(set(keys)) != len(keys):
            raise ValueError("each indicator key may appear once")
        for key in keys:
            if not key.startswith(self.source + "."):
                raise ValueError(f"indicator key {key!r} must start with {self.source + '.'!r}")
        return self


def parse_mapping(raw: Mapping[str, object] | None, *, source: str) -> ColumnMapping:
    """The operator's mapping, checked; errors name the mapping field at fault."""
    if raw is None:
        raise ImportFailed(
            "the generic-csv format needs a column mapping (--mapping)",
            source=source,
            field="mapping",
        )
    try:
        return ColumnMapping.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise ImportFailed(
            f"invalid column mapping: {where or 'mapping'}: {error['msg']}",
            source=source,
            field=f"mapping.{where}" if where else "mapping",
        ) from exc


def read_generic(source: Source) -> IndicatorFile:
    mapping = parse_mapping(source.column_mapping, source=source.name)
    try:
        "x".encode(mapping.encoding)
    except LookupError:
        source.fail(f"unknown encoding {mapping.encoding!r}", field="mapping.encoding")
    table = Table(source, delimiter=mapping.delimiter, encodings=(mapping.encoding,))
    country = table.require(mapping.country, role="country")
    year_column = table.require(mapping.year, role="year")
    columns = {c.key: table.require(c.column, role=c.key) for c in mapping.indicators}
    out = Collector(
        source,
        table.checksum,
        source=mapping.source,
        label=mapping.label,
        licence=mapping.licence,
        url=mapping.url,
    )
    for column in mapping.indicators:
        out.indicator(
            Indicator(
                key=column.key,
                source=mapping.source,
                title=column.title,
                best=column.best,
                worst=column.worst,
                unit=column.unit,
                description=column.description,
            ),
            bounded=column.bounded,
        )
    for row in table.rows():
        when = year(row, year_column, source)
        values = [
            (key, number(row, header, source, decimal_comma=mapping.decimal_comma), header)
            for key, header in columns.items()
        ]
        text = row.values[country]
        code = out.country(
            row,
            name=None if mapping.country_is_code else text,
            code=text if mapping.country_is_code else None,
            year=when,
        )
        if code is None:
            continue
        for key, value, header in values:
            out.add(key, code, when, value, row, header)
    return out.result(table.end)
