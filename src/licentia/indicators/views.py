"""Public country pages: every active indicator over time, with its edition and licence."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from licentia.errors import LicentiaError
from licentia.indicators import services

_WIDTH, _HEIGHT, _PAD = 160.0, 40.0, 3.0


@dataclass(frozen=True)
class Sparkline:
    """An inline SVG polyline of a series on its risk scale: higher on the chart is better."""

    points: str
    width: float
    height: float
    first: float
    last: float


def _sparkline(history: services.IndicatorHistory) -> Sparkline | None:
    observations = history.observations
    if len(observations) < 2:
        return None
    first, last = observations[0].year, observations[-1].year
    span = max(1, last - first)
    points = " ".join(
        f"{_PAD + (o.year - first) / span * (_WIDTH - 2 * _PAD):.1f},"
        f"{_PAD + history.indicator.risk(o.value) * (_HEIGHT - 2 * _PAD):.1f}"
        for o in observations
    )
    return Sparkline(points, _WIDTH, _HEIGHT, observations[0].value, observations[-1].value)


@require_GET
def countries_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "indicators/countries.html",
        {"countries": services.countries(), "editions": services.active_editions()},
    )


@require_GET
def country_page(request: HttpRequest, code: str) -> HttpResponse:
    try:
        found = services.country_series(code)
    except LicentiaError as exc:
        return render(
            request, "indicators/country.html", {"error": exc, "code": code}, status=exc.status
        )
    rows = [(history, _sparkline(history)) for history in found.with_data]
    return render(
        request,
        "indicators/country.html",
        {"country": found, "rows": rows, "no_data": found.without_data},
    )
