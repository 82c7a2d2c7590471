"""Public pages (no sign-in): thin views over `licentia.portal.services`."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from licentia.errors import LicentiaError
from licentia.portal import feeds, services


def _error(request: HttpRequest, exc: LicentiaError) -> HttpResponse:
    return render(request, "portal/error.html", {"error": exc}, status=exc.status)


def _page(request: HttpRequest, template: str, page: services.Page) -> HttpResponse:
    return render(request, template, {"page": page, "delay_days": services.delay_days()})


@require_GET
def index(request: HttpRequest, year: int | None = None) -> HttpResponse:
    try:
        return _page(request, "portal/index.html", services.index(year=year))
    except LicentiaError as exc:
        return _error(request, exc)


def _breakdown(request: HttpRequest, dimension: str, year: int, code: str) -> HttpResponse:
    try:
        page = services.breakdown(dimension, code, year=year)
    except LicentiaError as exc:
        return _error(request, exc)
    return _page(request, "portal/breakdown.html", page)


@require_GET
def destination(request: HttpRequest, year: int, code: str) -> HttpResponse:
    return _breakdown(request, "destination", year, code)


@require_GET
def member_state(request: HttpRequest, year: int, code: str) -> HttpResponse:
    return _breakdown(request, "member_state", year, code)


@require_GET
def item_category(request: HttpRequest, year: int, code: str) -> HttpResponse:
    return _breakdown(request, "item_category", year, code)


@require_GET
def high_risk(request: HttpRequest, year: int) -> HttpResponse:
    try:
        return _page(request, "portal/high_risk.html", services.high_risk(year=year))
    except LicentiaError as exc:
        return _error(request, exc)


@require_GET
def tables(request: HttpRequest, year: int) -> HttpResponse:
    try:
        chosen, downloads = services.downloads(year=year)
        context = {
            "year": chosen,
            "downloads": downloads,
            "dictionary": services.data_dictionary(),
            "publications": [p for p in services.publications() if p.year == chosen],
            "delay_days": services.delay_days(),
        }
    except LicentiaError as exc:
        return _error(request, exc)
    return render(request, "portal/tables.html", context)


@require_GET
def table(request: HttpRequest, year: int, table: str, fmt: str) -> HttpResponse:
    try:
        found = services.export(year=year, table=table, fmt=fmt)
    except LicentiaError as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain")
    response = HttpResponse(found.content, content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def feed(request: HttpRequest) -> HttpResponse:
    try:
        content = feeds.atom(base=request.build_absolute_uri("/"))
    except LicentiaError as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain")
    response = HttpResponse(content, content_type="application/atom+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response
