"""Server-rendered pages of the control list: thin views over `licentia.controllists.services`.

Each view parses its input, asks the services, and renders. Errors the services raise
(`licentia.errors.LicentiaError`) become an error page with the error's HTTP status.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from licentia.accounts.services import organisation_of
from licentia.controllists import services
from licentia.controllists.models import ControlListVersion
from licentia.controls.model import CATEGORIES, ControlEntry, ControlList, ProductGroup, Regime
from licentia.errors import InvalidInput, LicentiaError

View = Callable[..., HttpResponse]

MAX_QUERY_LENGTH = 200


def render_error(request: HttpRequest, error: LicentiaError) -> HttpResponse:
    """The page for a service error, with the error's status (404 shows the closest codes)."""
    return render(
        request,
        "error.html",
        {"error": error, "closest": _closest_links(request, error), "status": error.status},
        status=error.status,
    )


def _closest_links(request: HttpRequest, error: LicentiaError) -> list[tuple[str, str]]:
    """Links to the codes closest to an unknown one, in the list version being looked at."""
    closest = error.details.get("closest")
    if not isinstance(closest, list):
        return []
    match = request.resolver_match
    if match is not None and match.view_name == "controls:entry":
        return [
            (code, reverse("controls:entry", kwargs={**match.kwargs, "path": code}))
            for code in closest
        ]
    kept = {key: request.GET[key] for key in ("regime", "version") if request.GET.get(key)}
    return [
        (code, f"{reverse('controls:browse')}?{urlencode({**kept, 'q': code})}") for code in closest
    ]


def shows_errors(view: View) -> View:
    """Render a `LicentiaError` raised by the services as an error page with its status."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except LicentiaError as error:
            return render_error(request, error)

    return wrapper


def parse_regime(value: str | None) -> Regime:
    if not value:
        return Regime.EU_ANNEX_I
    try:
        return Regime(value)
    except ValueError:
        known = ", ".join(r.value for r in Regime)
        raise InvalidInput(
            f"unknown regime {value!r}; choose one of {known}", details={"field": "regime"}
        ) from None


def regime_choices() -> list[tuple[str, str]]:
    return [(r.value, r.description) for r in Regime]


def _version_context(
    regime: Regime, list_version: ControlListVersion, version_param: str | None
) -> dict[str, Any]:
    return {
        "regime": regime,
        "regimes": regime_choices(),
        "list_version": list_version,
        "version_param": version_param or "",
        "versions": services.list_versions(regime=regime),
    }


@dataclass
class _Group:
    letter: str
    description: str
    heads: list[tuple[ControlEntry, bool]] = field(default_factory=list)


@dataclass
class _Category:
    digit: str
    description: str
    groups: list[_Group]


def _skeleton(control_list: ControlList) -> list[_Category]:
    """Categories 0-9 and product groups A-E, with each head entry and whether it holds
    cyber-surveillance sub-entries."""
    categories = [
        _Category(digit, text, [_Group(g.value, g.description) for g in ProductGroup])
        for digit, text in CATEGORIES.items()
    ]
    by_key = {(c.digit, g.letter): g for c in categories for g in c.groups}
    for head in control_list.heads():
        holds_cyber = any(e.cyber_surveillance for e in control_list.subtree(head.path))
        by_key[(head.category, head.product_group.value)].heads.append((head, holds_cyber))
    return categories


@shows_errors
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@shows_errors
def browse(request: HttpRequest) -> HttpResponse:
    regime = parse_regime(request.GET.get("regime"))
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    version_param = request.GET.get("version") or None
    list_version = services.get_version(regime=regime, version=version_param)
    context = _version_context(regime, list_version, version_param)
    context["q"] = query
    if query:
        index = services.index_for(list_version=list_version)
        context["hits"] = index.search(query)
    else:
        context["categories"] = _skeleton(services.core_list(list_version=list_version))
    return render(request, "controls/browse.html", context)


@dataclass
class _Node:
    entry: ControlEntry
    children: list[_Node] = field(default_factory=list)


def _tree(control_list: ControlList, root: ControlEntry) -> list[_Node]:
    """The sub-entries of `root` as a nested tree."""
    path = root.path
    nodes = {path: _Node(root)}
    for entry in control_list.subtree(path)[1:]:
        node = _Node(entry)
        nodes[entry.path] = node
        parent = nodes.get(entry.parent or "")
        # An entry whose parent is missing from the list hangs under the nearest ancestor.
        if parent is None:
            ancestors = [a.path for a in control_list.ancestors(entry.path) if a.path in nodes]
            parent = nodes[ancestors[-1]] if ancestors else nodes[path]
        parent.children.append(node)
    return nodes[path].children


@shows_errors
def entry(request: HttpRequest, regime: str, version: str, path: str) -> HttpResponse:
    parsed = parse_regime(regime)
    list_version = services.get_version(regime=parsed, version=version)
    found = services.get_entry(list_version=list_version, path=path)
    control_list = services.core_list(list_version=list_version)
    notes: dict[str, list[str]] = {}
    for note in found.notes:
        notes.setdefault(note.kind.value, []).append(note.text)
    history = services.entry_history(regime=parsed, path=found.path)
    return render(
        request,
        "controls/entry.html",
        {
            "regime": parsed,
            "list_version": list_version,
            "entry": found,
            "ancestors": control_list.ancestors(found.path),
            "children": _tree(control_list, found),
            "notes": [(_NOTE_HEADINGS.get(kind, kind), texts) for kind, texts in notes.items()],
            "defined_terms": [
                (term, definition.text if (definition := control_list.definition(term)) else None)
                for term in found.defined_terms
            ],
            "history": history,
            "citation": control_list.citation(found.path),
        },
    )


_NOTE_HEADINGS = {
    "note": "Notes",
    "technical-note": "Technical notes",
    "nota-bene": "N.B.",
    "decontrol": "Decontrol notes",
}


@shows_errors
def compare(request: HttpRequest) -> HttpResponse:
    regime = parse_regime(request.GET.get("regime"))
    versions = services.list_versions(regime=regime)
    old = request.GET.get("old", "")
    new = request.GET.get("new", "")
    context: dict[str, Any] = {
        "regime": regime,
        "regimes": regime_choices(),
        "versions": versions,
        "old": old,
        "new": new,
    }
    if old and new:
        old_version = services.get_version(regime=regime, version=old)
        new_version = services.get_version(regime=regime, version=new)
        diff = services.compare(old=old_version, new=new_version)
        context.update(
            diff=diff, counts=diff.counts(), old_version=old_version, new_version=new_version
        )
    elif versions:
        # Preselect the newest version and the one before it.
        by_date = sorted(versions, key=lambda v: v.valid_from)
        context["new"] = new or by_date[-1].version
        context["old"] = old or (by_date[-2].version if len(by_date) > 1 else by_date[0].version)
    return render(request, "controls/compare.html", context)


@shows_errors
@require_http_methods(["GET", "POST"])
def classify(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    regime = parse_regime(data.get("regime"))
    version_param = data.get("version") or None
    list_version = services.get_version(regime=regime, version=version_param)
    context = _version_context(regime, list_version, version_param)
    description = data.get("description", "")
    context.update(description=description, organisation=_organisation_or_none(request))
    if request.method == "POST" or "description" in request.GET:
        try:
            context["result"] = services.classify(
                description=description, list_version=list_version
            )
        except InvalidInput as error:
            context["error"] = error
            return render(request, "controls/classify.html", context, status=error.status)
    return render(request, "controls/classify.html", context)


def _organisation_or_none(request: HttpRequest) -> Any:
    """The user's organisation, when signed in and a member of one (to offer saving)."""
    try:
        return organisation_of(request.user)
    except LicentiaError:
        return None
