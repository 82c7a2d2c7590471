"""Readers of the six publishers' files. Scales, directions and licences are documented in
`docs/indicators.md`; each `Indicator` carries its best and worst ends so that
`Indicator.risk()` puts every value on 0 (best) .. 1 (worst).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from licentia.risk.indicators._table import (
    Collector,
    Row,
    Source,
    Table,
    number,
    read_bytes,
    year,
)
from licentia.risk.model import Indicator, IndicatorFile


@dataclass(frozen=True, slots=True)
class Publisher:
    code: str
    name: str
    licence: str
    url: str


PTS = Publisher(
    "pts",
    "Political Terror Scale",
    "Free to use with citation of Gibney, Cornett, Wood, Haschke, Arnon, Pisanò, Barrett and "
    "Park, The Political Terror Scale; no open licence stated (reported as CC BY-NC 4.0 "
    "elsewhere): do not redistribute",
    "https://www.politicalterrorscale.org/Data/Download.html",
)
VDEM = Publisher(
    "vdem",
    "V-Dem",
    "CC BY-SA 4.0 (cite Coppedge et al., V-Dem Dataset, V-Dem Institute)",
    "https://v-dem.net/data/the-v-dem-dataset/",
)
FH = Publisher(
    "fh",
    "Freedom House, Freedom in the World",
    "Freedom House terms of use: free for non-commercial use with attribution; no "
    "redistribution without permission",
    "https://freedomhouse.org/report/freedom-world",
)
WGI = Publisher(
    "wgi",
    "World Bank, Worldwide Governance Indicators",
    "CC BY 4.0 (The World Bank, Worldwide Governance Indicators)",
    "https://www.worldbank.org/en/publication/worldwide-governance-indicators",
)
RSF = Publisher(
    "rsf",
    "Reporters Without Borders, World Press Freedom Index",
    "RSF terms: no open licence published; cite Reporters Without Borders (RSF); do not "
    "redistribute",
    "https://rsf.org/en/index",
)
FARISS = Publisher(
    "fariss",
    "Fariss et al., Latent Human Rights Protection Scores v4",
    "CC0 1.0 (Harvard Dataverse)",
    "https://doi.org/10.7910/DVN/RQ85GK",
)


def _collector(table: Table, publisher: Publisher) -> Collector:
    return Collector(
        table.source,
        table.checksum,
        source=publisher.code,
        label=publisher.name,
        licence=publisher.licence,
        url=publisher.url,
    )


# --- Political Terror Scale -------------------------------------------------------------------

_PTS_COLUMNS = {
    "PTS_A": ("pts.amnesty", "Amnesty International reports"),
    "PTS_H": ("pts.hrw", "Human Rights Watch reports"),
    "PTS_S": ("pts.state", "US State Department reports"),
}
_PTS_SCALE = (
    "1: secure rule of law, people are not imprisoned for their views, torture is rare; "
    "5: terror has expanded to the whole population"
)


def read_pts(source: Source) -> IndicatorFile:
    """PTS CSV: one row per country-year, PTS_A/PTS_H/PTS_S 1 (best) .. 5 (worst), NA missing.

    The publisher writes the file in Windows-1252 ("Türkiye"); UTF-8 is accepted too.
    """
    table = Table(source, encodings=("utf-8-sig", "cp1252"))
    country = table.require("Country", role="country")
    year_column = table.require("Year", role="year")
    columns = {column: table.require(column, role=f"{column} score") for column in _PTS_COLUMNS}
    out = _collector(table, PTS)
    for key, basis in _PTS_COLUMNS.values():
        out.indicator(
            Indicator(
                key=key,
                source=PTS.code,
                title=f"Political Terror Scale ({basis})",
                best=1,
                worst=5,
                description=_PTS_SCALE,
            ),
            bounded=True,
        )
    for row in table.rows():
        when = year(row, year_column, source)
        code = out.country(row, name=row.values[country], year=when)
        values = [
            (key, number(row, columns[c], source), columns[c])
            for c, (key, _) in _PTS_COLUMNS.items()
        ]
        if code is None:
            continue
        for key, value, column in values:
            out.add(key, code, when, value, row, column)
    return out.result(table.end)


# --- V-Dem ------------------------------------------------------------------------------------

_INDEX = "index 0..1, higher is more democratic"
_DSP = (
    "measurement-model estimate (about -4..+4), higher is better: the government does this "
    "less often or less comprehensively"
)


@dataclass(frozen=True, slots=True)
class _VdemVariable:
    title: str
    best: float
    worst: float
    bounded: bool
    description: str


def _index(title: str) -> _VdemVariable:
    return _VdemVariable(title, 1.0, 0.0, True, _INDEX)


def _dsp(title: str, question: str) -> _VdemVariable:
    # The Digital Society Project's answer scales run from 0 (e.g. "extremely often") to 4
    # ("never or almost never"); the measurement model keeps that direction on a latent scale
    # of roughly -4..+4. +3 and -3 are taken as the ends, values beyond count as the end.
    return _VdemVariable(title, 3.0, -3.0, False, f"{question} {_DSP}")


# Only these columns are read; any other column (confidence bounds `_codelow`/`_codehigh`,
# `_sd`, ordinal versions `_ord`/`_osp`, country metadata) is ignored.
VDEM_VARIABLES: dict[str, _VdemVariable] = {
    "v2x_polyarchy": _index("Electoral democracy index"),
    "v2x_libdem": _index("Liberal democracy index"),
    "v2x_partipdem": _index("Participatory democracy index"),
    "v2x_delibdem": _index("Deliberative democracy index"),
    "v2x_egaldem": _index("Egalitarian democracy index"),
    "v2x_api": _index("Additive polyarchy index"),
    "v2x_mpi": _index("Multiplicative polyarchy index"),
    "v2x_liberal": _index("Liberal component index"),
    "v2x_freexp_altinf": _index("Freedom of expression and alternative sources of information"),
    "v2x_frassoc_thick": _index("Freedom of association index (thick)"),
    "v2x_civlib": _VdemVariable(
        "Civil liberties index", 1.0, 0.0, True, "index 0..1, higher is more civil liberty"
    ),
    "v2x_clphy": _VdemVariable(
        "Physical violence index",
        1.0,
        0.0,
        True,
        "index 0..1, higher is more freedom from political killings and torture by the state",
    ),
    "v2x_clpol": _VdemVariable(
        "Political civil liberties index", 1.0, 0.0, True, "index 0..1, higher is more liberty"
    ),
    "v2x_clpriv": _VdemVariable(
        "Private civil liberties index", 1.0, 0.0, True, "index 0..1, higher is more liberty"
    ),
    "v2x_rule": _VdemVariable(
        "Rule of law index", 1.0, 0.0, True, "index 0..1, higher is more rule of law"
    ),
    "v2smgovfilprc": _dsp(
        "Government Internet filtering in practice",
        "How frequently does the government censor political information on the Internet by "
        "filtering (blocking access to certain websites)?",
    ),
    "v2smgovshut": _dsp(
        "Government Internet shut down in practice",
        "How often does the government shut down domestic access to the Internet?",
    ),
    "v2smgovsm": _dsp(
        "Government social media shut down in practice",
        "How often does the government shut down access to social media platforms?",
    ),
    "v2smgovsmmon": _dsp(
        "Government social media monitoring",
        "How comprehensive is the surveillance of political content in social media by the "
        "government or its agents?",
    ),
    "v2smgovsmcenprc": _dsp(
        "Government social media censorship in practice",
        "To what degree does the government censor political content on social media?",
    ),
    "v2smarrest": _dsp(
        "Arrests for political content online",
        "If a citizen posts political content online that runs counter to the government, how "
        "likely is the citizen to be arrested?",
    ),
    "v2smprivcon": _dsp(
        "Privacy protection by law content",
        "Does the legal framework protect Internet users' privacy and data against the government?",
    ),
}


def read_vdem(source: Source) -> IndicatorFile:
    """V-Dem country-year CSV: every known index or Digital Society variable present."""
    table = Table(source)
    code = table.require("country_text_id", role="country code")
    name = table.find("country_name", "vdem_country_name")
    year_column = table.require("year", role="year")
    present = {column: table.find(column) for column in VDEM_VARIABLES}
    columns = {key: found for key, found in present.items() if found is not None}
    if not columns:
        source.fail(
            "no V-Dem index or Digital Society variable is in the header; expected some of "
            + ", ".join(VDEM_VARIABLES),
            position="line 1",
            field="header",
        )
    out = _collector(table, VDEM)
    for column in columns:
        variable = VDEM_VARIABLES[column]
        out.indicator(
            Indicator(
                key=f"vdem.{column}",
                source=VDEM.code,
                title=f"V-Dem {variable.title}",
                best=variable.best,
                worst=variable.worst,
                description=variable.description,
            ),
            bounded=variable.bounded,
        )
    for row in table.rows():
        when = year(row, year_column, source)
        values = [
            (column, number(row, header, source), header) for column, header in columns.items()
        ]
        country = out.country(
            row, name=row.values[name] if name else None, code=row.values[code], year=when
        )
        if country is None:
            continue
        for column, value, header in values:
            out.add(f"vdem.{column}", country, when, value, row, header)
    return out.result(table.end)


# --- Freedom House, Freedom in the World ------------------------------------------------------


def read_fh(source: Source) -> IndicatorFile:
    """Freedom in the World ratings: PR and CL 1 (best) .. 7 (worst); the 0..100 total if given.

    Files derived from Freedom House's data carry a column `fh_total` that is PR + CL (2..14),
    not the 0..100 aggregate score: when every total equals PR + CL the column is recognised
    as that sum and not imported (it repeats PR and CL). Otherwise it must be the 0..100
    aggregate, imported as `fh.total`.
    """
    table = Table(source)
    country = table.require("fh_country", "Country/Territory", "Country", role="country")
    year_column = table.require("year", "Edition", role="year")
    pr = table.require("PR rating", "pr", role="political rights rating")
    cl = table.require("CL rating", "cl", role="civil liberties rating")
    total = table.find("Total", "fh_total")
    out = _collector(table, FH)
    for key, title in (("fh.pr", "Political rights"), ("fh.cl", "Civil liberties")):
        out.indicator(
            Indicator(
                key=key,
                source=FH.code,
                title=f"Freedom in the World: {title} rating",
                best=1,
                worst=7,
                description="1 (most free) .. 7 (least free)",
            ),
            bounded=True,
        )
    out.indicator(
        Indicator(
            key="fh.total",
            source=FH.code,
            title="Freedom in the World: total score",
            best=100,
            worst=0,
            description="aggregate score 0 (least free) .. 100 (most free), 2013 edition on",
        ),
        # The PR part can go below 0 (its discretionary question subtracts points).
        bounded=False,
    )
    totals: list[tuple[Row, str, int, float]] = []
    sums_only = True
    for row in table.rows():
        when = year(row, year_column, source)
        ratings = number(row, pr, source), number(row, cl, source)
        value = number(row, total, source) if total else None
        code = out.country(row, name=row.values[country], year=when)
        if code is None:
            continue
        out.add("fh.pr", code, when, ratings[0], row, pr)
        out.add("fh.cl", code, when, ratings[1], row, cl)
        if value is not None:
            totals.append((row, code, when, value))
            sums_only = sums_only and None not in ratings and value == sum(r or 0 for r in ratings)
    if total and not sums_only:
        for row, code, when, value in totals:
            out.add("fh.total", code, when, value, row, total)
    return out.result(table.end)


# --- World Bank WGI ---------------------------------------------------------------------------

_WGI_VA = Indicator(
    key="wgi.va",
    source=WGI.code,
    title="WGI Voice and Accountability (estimate)",
    best=2.5,
    worst=-2.5,
    description="standard normal units, about -2.5 (weak) .. 2.5 (strong)",
)


def read_wgi(source: Source) -> IndicatorFile:
    """WGI Voice and Accountability estimates, about -2.5 (worst) .. 2.5 (best).

    Reads a wide file (one row per country-year with `Estimate`) or the World Bank's long
    file (an `indicator` column; only the `va` rows are read).
    """
    table = Table(source)
    code = table.require("wb_code", "code", "Economy (code)", role="country code")
    name = table.find("wb_country", "countryname", "Economy (name)", "country")
    year_column = table.require("year", role="year")
    estimate = table.require("Estimate", role="estimate")
    kind = table.find("indicator")
    out = _collector(table, WGI)
    out.indicator(_WGI_VA, bounded=False)
    for row in table.rows():
        if kind is not None and row.values[kind].casefold() != "va":
            continue
        when = year(row, year_column, source)
        value = number(row, estimate, source)
        country = out.country(
            row, name=row.values[name] if name else None, code=row.values[code], year=when
        )
        if country is not None:
            out.add("wgi.va", country, when, value, row, estimate)
    return out.result(table.end)


WGI_API_INDICATOR = "VA.EST"


def read_wgi_json(source: Source) -> IndicatorFile:
    """The World Bank API's JSON answer for VA.EST: `[page info, [records]]`.

    Each record has `countryiso3code`, `country.value`, `date` (the year) and `value` (null
    when there is no estimate); records of other indicators are refused.
    """
    raw, checksum = read_bytes(source)
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        source.fail(f"the file is not UTF-8: {exc.reason}", field="encoding")
    except json.JSONDecodeError as exc:
        source.fail(
            f"not JSON: {exc.msg} (the file may be truncated)",
            position=f"line {exc.lineno} column {exc.colno}",
        )
    if not (isinstance(document, list) and len(document) == 2):
        if isinstance(document, list) and document and isinstance(document[0], dict):
            message = document[0].get("message")
            source.fail(f"the World Bank API answered an error: {message}", field="message")
        source.fail("expected the World Bank API's [page, records] array", position="record 0")
    records = document[1] or []
    if not isinstance(records, list):
        source.fail("the records are not an array", position="record 0")
    out = Collector(
        source, checksum, source=WGI.code, label=WGI.name, licence=WGI.licence, url=WGI.url
    )
    out.indicator(_WGI_VA, bounded=False)
    for number_, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            source.fail("a record is not an object", position=f"record {number_}")
        row = Row(number_, _flatten(record), unit="record")
        if row.values["indicator"] != WGI_API_INDICATOR:
            source.fail(
                f"a record of {row.values['indicator']!r}, not {WGI_API_INDICATOR}",
                position=row.position,
                field="indicator.id",
            )
        when = year(row, "date", source)
        value = number(row, "value", source)
        code = out.country(
            row, name=row.values["country"], code=row.values["countryiso3code"], year=when
        )
        if code is not None:
            out.add("wgi.va", code, when, value, row, "value")
    return out.result(f"record {len(records)}")


def _flatten(record: dict[str, object]) -> dict[str, str]:
    def text(value: object) -> str:
        return "" if value is None else str(value)

    indicator = record.get("indicator")
    country = record.get("country")
    return {
        "indicator": text(indicator.get("id") if isinstance(indicator, dict) else indicator),
        "country": text(country.get("value") if isinstance(country, dict) else country),
        "countryiso3code": text(record.get("countryiso3code")),
        "date": text(record.get("date")),
        "value": text(record.get("value")),
    }


# --- RSF World Press Freedom Index ------------------------------------------------------------

RSF_NEW_METHOD_FROM = 2022
RSF_OLD_METHOD_FROM = 2013


def read_rsf(source: Source) -> IndicatorFile:
    """RSF index, semicolon-separated with decimal commas (the publisher's CSV).

    RSF changed its method in 2022 and turned the scale round: 2013-2021 scores run from 0
    (best) to 100 (worst) and are `rsf.score_2013`; 2022 onwards 100 (best) to 0 (worst),
    `rsf.score`. The two are not comparable, so they are two indicators. Scores before 2013
    used yet another scale and are refused.
    """
    table = Table(source, delimiter=";")
    code = table.require("ISO", role="country code")
    name = table.find("Country", "Country_EN", "EN_country")
    year_column = table.require("Year", "Year (N)", role="year")
    score = table.require("Score", "Score N", role="score")
    out = _collector(table, RSF)
    out.indicator(
        Indicator(
            key="rsf.score",
            source=RSF.code,
            title="RSF World Press Freedom Index score (2022 method)",
            best=100,
            worst=0,
            description="0 (worst) .. 100 (best), method of 2022 and later",
        ),
        bounded=True,
    )
    out.indicator(
        Indicator(
            key="rsf.score_2013",
            source=RSF.code,
            title="RSF World Press Freedom Index score (2013-2021 method)",
            best=0,
            worst=100,
            description="0 (best) .. 100 (worst), method of 2013-2021; not comparable with "
            "rsf.score",
        ),
        bounded=True,
    )
    for row in table.rows():
        when = year(row, year_column, source)
        if when < RSF_OLD_METHOD_FROM:
            source.fail(
                f"{when} predates RSF's 0..100 scale (2013); import it with generic-csv",
                position=row.position,
                field=year_column,
            )
        value = number(row, score, source, decimal_comma=True)
        country = out.country(
            row, name=row.values[name] if name else None, code=row.values[code], year=when
        )
        if country is not None:
            key = "rsf.score" if when >= RSF_NEW_METHOD_FROM else "rsf.score_2013"
            out.add(key, country, when, value, row, score)
    return out.result(table.end)


# --- Fariss latent human rights protection ----------------------------------------------------


def read_fariss(source: Source) -> IndicatorFile:
    """Latent human rights protection scores: higher is better protection.

    The latent scale is unbounded (the file spans about -3.5 .. 5.3); +4 and -2, roughly the
    95th and 5th percentiles of recent years, are taken as its best and worst ends.
    """
    table = Table(source)
    country = table.require("country_name", "CTRY", "country", role="country")
    year_column = table.require("year", role="year")
    value_column = table.require("human_rights_protection", "theta_mean", role="score")
    out = _collector(table, FARISS)
    out.indicator(
        Indicator(
            key="fariss.hrp",
            source=FARISS.code,
            title="Latent human rights protection score (Fariss)",
            best=4.0,
            worst=-2.0,
            description="latent physical-integrity protection, higher is better; "
            "+4 (best) .. -2 (worst) used as the ends",
        ),
        bounded=False,
    )
    for row in table.rows():
        when = year(row, year_column, source)
        value = number(row, value_column, source)
        code = out.country(row, name=row.values[country], year=when)
        if code is not None:
            out.add("fariss.hrp", code, when, value, row, value_column)
    return out.result(table.end)
