"""An assessment as a JSON-ready document: what the API returns and `licentia risk --json` prints."""

from __future__ import annotations

from typing import Any

from licentia.risk.assess import Assessment, Evidence, Factor, IndicatorEvidence

DIGITS = 4


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, DIGITS)


def _indicator(e: IndicatorEvidence) -> dict[str, Any]:
    edition = e.edition
    return {
        "indicator": e.indicator,
        "title": e.title,
        "group": e.group,
        "status": e.status.value,
        "value": e.value,
        "year": e.year,
        "risk": _round(e.risk),
        "scale": e.scale,
        "edition": None
        if edition is None
        else {
            "source": edition.source,
            "label": edition.label,
            "licence": edition.licence,
            "url": edition.url,
            "retrieved_on": edition.retrieved_on.isoformat(),
            "checksum": edition.checksum,
        },
        "trend": None
        if e.trend is None
        else {
            "first_year": e.trend.first_year,
            "last_year": e.trend.last_year,
            "change": _round(e.trend.change),
            "points": [{"year": year, "value": value} for year, value in e.trend.points],
        },
    }


def _evidence(e: Evidence) -> dict[str, str]:
    return {"label": e.label, "detail": e.detail, "citation": e.citation}


def _factor(f: Factor) -> dict[str, Any]:
    return {
        "factor": f.kind.value,
        "description": f.kind.description,
        "status": f.status.value,
        "score": _round(f.score),
        "contribution": _round(f.contribution),
        "summary": f.summary,
        "evidence": [_evidence(e) for e in f.evidence],
        "indicators": [_indicator(e) for e in f.indicators],
    }


def document(assessment: Assessment) -> dict[str, Any]:
    a = assessment
    return {
        "status": a.status.value,
        "status_description": a.status.description,
        "rating": None if a.rating is None else a.rating.value,
        "rating_label": a.rating_label,
        "rating_description": None if a.rating is None else a.rating.description,
        "score": _round(a.score),
        "destination": {"code": a.destination.alpha2, "name": a.destination.name},
        "date": a.date.isoformat(),
        "data_years": None if a.data_years is None else list(a.data_years),
        "factors": [_factor(f) for f in a.factors],
        "flags": [
            {
                "id": r.flag.id,
                "text": r.flag.text,
                "citation": r.flag.citation,
                "weight": r.weight,
                "origin": r.origin.value,
                "detail": r.detail,
            }
            for r in a.flags
        ],
        "reasoning": list(a.reasoning),
        "config_version": a.config_version,
        "indicators_not_loaded": list(a.not_loaded),
    }
