"""The automatic checks of a case, each citing its sources.

`build(case)` returns the sections of one `DossierVersion`: classification plausibility,
licence determination, screening of every party, human-rights risk per destination and end
user, prior denials and related cases. A check that cannot run says so and why ("not
screened: no list loaded"); it is never reported as clear.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, prefetch_related_objects

from licentia.applications.models import Application, ApplicationParty, GoodsLine
from licentia.cases.models import Case, Decision, RestrictiveDecision
from licentia.controllists import services as controls
from licentia.controls.cyber import is_cyber_surveillance
from licentia.controls.model import Regime
from licentia.determinations.services import determine
from licentia.errors import LicentiaError
from licentia.products.models import NOT_LISTED
from licentia.risk.config import Rating
from licentia.risk.document import document as risk_document
from licentia.riskassessments import services as risk
from licentia.rules.model import PartyRole
from licentia.screening import Hit
from licentia.screenings import services as screenings

NOT_SCREENED = "not screened: no list loaded"
PRIOR_DENIALS_SEAM = (
    "Denials notified by other Member States (Art 16) are not available yet: the coordination "
    "issue fills this section. Shown here: restrictive decisions recorded in Licentia."
)
RATING_ORDER = [Rating.LOW, Rating.MEDIUM, Rating.HIGH, Rating.VERY_HIGH]


@dataclass
class Dossier:
    classification: dict[str, Any] = field(default_factory=dict)
    determination: dict[str, Any] = field(default_factory=dict)
    screening: dict[str, Any] = field(default_factory=dict)
    risk: dict[str, Any] = field(default_factory=dict)
    prior_denials: dict[str, Any] = field(default_factory=dict)
    related_cases: list[dict[str, Any]] = field(default_factory=list)
    sources: dict[str, Any] = field(default_factory=dict)
    risk_rating: str = ""
    cyber_surveillance: bool = False


def build(case: Case, *, today: dt.date | None = None) -> Dossier:
    day = today or dt.date.today()
    application = case.application
    lines = list(application.goods_lines.select_related("product"))
    parties = list(application.parties.all())
    dossier = Dossier()
    dossier.classification = classification(lines, day=day)
    dossier.determination = determination(application, lines, parties, day=day)
    dossier.screening = screening(parties)
    dossier.prior_denials = prior_denials(case, parties)
    dossier.risk = human_rights_risk(case, lines, parties, dossier.screening, day=day)
    dossier.related_cases = related_cases(case, parties)
    dossier.sources = {
        "control_lists": sorted(
            {c["list_version"] for c in dossier.classification["lines"] if c.get("list_version")}
            | set(dossier.determination.get("list_versions", []))
        ),
        "party_lists": dossier.screening.get("lists", []),
        "indicator_editions": dossier.risk.get("editions", []),
        "risk_configuration": dossier.risk.get("config_version"),
    }
    dossier.risk_rating = dossier.risk.get("highest_rating") or ""
    dossier.cyber_surveillance = any(
        line.cyber_surveillance
        or (line.control_entry and is_cyber_surveillance(line.control_entry))
        for line in lines
    )
    return dossier


# -- classification plausibility ---------------------------------------------------------


def classification(lines: list[GoodsLine], *, day: dt.date) -> dict[str, Any]:
    """Each line's entry exists in the list version it names (or the one in force), and for a
    catalogue product agrees with the product's recorded classification."""
    checked = [_classification_line(line, day=day) for line in lines]
    doubtful = [c for c in checked if c["status"] not in ("plausible", "not-listed")]
    return {"status": "doubts" if doubtful else "plausible", "lines": checked}


def _classification_line(line: GoodsLine, *, day: dt.date) -> dict[str, Any]:
    out: dict[str, Any] = {
        "line": line.position,
        "description": line.description,
        "entry": line.control_entry,
        "list_version": None,
        "product_classification": None,
    }
    product = line.product
    recorded = product.current_classification if product is not None else None
    if recorded is not None:
        out["product_classification"] = {
            "product": product.name if product else "",
            "entry": recorded.entry_path,
            "list_version": recorded.list_version.version,
            "needs_review": recorded.needs_review,
        }
    if not line.control_entry:
        out["status"] = "not-listed"
        out["detail"] = "Declared not listed in Annex I" + (
            "; declared a cyber-surveillance item (Art 5)" if line.cyber_surveillance else ""
        )
        if recorded is not None and recorded.entry_path != NOT_LISTED:
            out["status"] = "differs-from-product"
            out["detail"] = (
                f"declared not listed, but the product is classified {recorded.entry_path} "
                f"(list version {recorded.list_version.version})"
            )
        return out
    try:
        version = controls.get_version(
            regime=Regime.EU_ANNEX_I, version=line.list_version or None, on=day
        )
        out["list_version"] = version.version
        entry = controls.get_entry(list_version=version, path=line.control_entry)
    except LicentiaError as error:
        out["status"] = "entry-not-found"
        out["detail"] = error.message
        return out
    out["entry_summary"] = entry.summary
    if recorded is not None and recorded.entry_path != line.control_entry:
        out["status"] = "differs-from-product"
        out["detail"] = (
            f"the application says {line.control_entry}, the product's recorded classification "
            f"is {recorded.entry_path} (list version {recorded.list_version.version})"
        )
    elif recorded is not None and recorded.needs_review:
        out["status"] = "product-needs-review"
        out["detail"] = "the product's classification is flagged for review after a list update"
    else:
        out["status"] = "plausible"
        out["detail"] = f"{entry.path} exists in version {version.version}"
    return out


# -- licence determination ---------------------------------------------------------------


def transaction_document(
    application: Application,
    lines: list[GoodsLine],
    parties: list[ApplicationParty],
    *,
    destination: str,
    day: dt.date,
) -> dict[str, Any]:
    """The transaction document the determination engine reads, built from the application."""
    return {
        "exporter": {
            "established_in": application.organisation.member_state,
            "name": application.organisation.name,
        },
        "activity": application.activity,
        "date": day.isoformat(),
        "items": [
            {
                "entry": line.control_entry or None,
                "list_version": line.list_version or None,
                "description": line.description[:2000],
                "cyber_surveillance": line.cyber_surveillance,
                "quantity": float(line.quantity),
                "value_eur": float(line.value_eur),
            }
            for line in lines
        ],
        "destination": destination,
        "parties": [
            {
                "role": p.role,
                "type": p.type,
                "name": p.name,
                "country": p.country,
                "intra_group": p.intra_group,
            }
            for p in parties
        ],
        "purpose": application.purpose,
        "informed": list(application.informed),
        "aware": list(application.aware),
        "internal_compliance_programme": application.internal_compliance_programme,
    }


def determination(
    application: Application,
    lines: list[GoodsLine],
    parties: list[ApplicationParty],
    *,
    day: dt.date,
) -> dict[str, Any]:
    results = []
    versions: set[str] = set()
    for destination in application.destinations or []:
        data = transaction_document(application, lines, parties, destination=destination, day=day)
        try:
            answer = determine(data=data)
        except LicentiaError as error:
            results.append(
                {"destination": destination, "status": "not-determined", "reason": error.message}
            )
            continue
        versions.update(answer.get("list_versions", []))
        results.append({"destination": destination, "status": "determined", "document": answer})
    return {"destinations": results, "list_versions": sorted(versions)}


# -- screening ---------------------------------------------------------------------------


def screening(parties: list[ApplicationParty]) -> dict[str, Any]:
    """Every party against every active list; with no list loaded, "not screened"."""
    if not parties:
        return {"status": "no-parties", "parties": [], "lists": []}
    queries = [
        screenings.make_query(name=p.name, country=p.country or None, party_type=None)
        for p in parties
    ]
    try:
        results = screenings.screen_parties(queries=queries)
    except LicentiaError as error:
        return {
            "status": "not-screened",
            "reason": f"{NOT_SCREENED} ({error.message})",
            "parties": [
                {"role": p.role, "name": p.name, "country": p.country, "status": "not-screened"}
                for p in parties
            ],
            "lists": [],
        }
    out = []
    for party, result in zip(parties, results, strict=True):
        out.append(
            {
                "role": party.role,
                "name": party.name,
                "country": party.country,
                "status": "clear" if result.clear else "hits",
                "hits": [_hit(h) for h in result.result.hits],
            }
        )
    lists = [
        {
            "source": item.source,
            "title": item.title,
            "version": item.version,
            "published": item.published,
            "checksum": item.checksum,
            "entity_count": item.entity_count,
        }
        for item in (results[0].lists if results else ())
    ]
    any_hits = any(p["status"] == "hits" for p in out)
    return {"status": "hits" if any_hits else "clear", "parties": out, "lists": lists}


def _hit(hit: Hit) -> dict[str, Any]:
    return {
        "score": round(hit.score, 4),
        "source": hit.source,
        "source_id": hit.source_id,
        "list_version": hit.list_version,
        "caption": hit.entity.caption,
        "programmes": list(hit.entity.programmes),
        "query_name": hit.query_name,
        "listed_name": hit.listed_name,
        "explanation": hit.explanation,
    }


# -- human-rights risk -------------------------------------------------------------------


def human_rights_risk(
    case: Case,
    lines: list[GoodsLine],
    parties: list[ApplicationParty],
    screened: dict[str, Any],
    *,
    day: dt.date,
) -> dict[str, Any]:
    """One assessment per destination and end user, with the authority's configuration."""
    application = case.application
    end_users = [p for p in parties if p.role == PartyRole.END_USER] or [None]
    items = [line.control_entry for line in lines if line.control_entry]
    assessments = []
    editions: dict[str, dict[str, Any]] = {}
    ratings: list[Rating] = []
    config_version = None
    for destination in application.destinations or []:
        for end_user in end_users:
            data: dict[str, Any] = {
                "destination": destination,
                "date": day.isoformat(),
                "end_use": application.end_use[:2000],
                "items": items,
            }
            if end_user is not None:
                data["end_user"] = end_user.name
                data["end_user_type"] = end_user.type
                hits = _end_user_hits(screened, end_user)
                if hits is not None:
                    data["screening_hits"] = hits
            label = {"destination": destination, "end_user": end_user.name if end_user else None}
            try:
                assessed = risk_document(risk.assess(request_data=data, authority=case.authority))
            except LicentiaError as error:
                assessments.append(label | {"status": "not-assessed", "reason": error.message})
                continue
            config_version = assessed["config_version"]
            if assessed["rating"]:
                ratings.append(Rating(assessed["rating"]))
            for factor in assessed["factors"]:
                for indicator in factor["indicators"]:
                    if indicator["edition"]:
                        edition = indicator["edition"]
                        editions[f"{edition['source']} {edition['label']}"] = edition
            assessments.append(label | {"status": "assessed", "assessment": assessed})
    highest = max(ratings, key=RATING_ORDER.index) if ratings else None
    return {
        "assessments": assessments,
        "highest_rating": highest.value if highest else None,
        "editions": list(editions.values()),
        "config_version": config_version,
    }


def _end_user_hits(
    screened: dict[str, Any], end_user: ApplicationParty
) -> list[dict[str, Any]] | None:
    """The end user's hits for the risk model; None when it was not screened."""
    for party in screened.get("parties", []):
        if party["role"] == end_user.role and party["name"] == end_user.name:
            if party["status"] == "not-screened":
                return None
            return [
                {
                    "source": h["source"],
                    "name": h["listed_name"],
                    "score": h["score"],
                    "programmes": h["programmes"],
                }
                for h in party["hits"]
            ]
    return None


# -- prior denials and related cases -----------------------------------------------------


def prior_denials(case: Case, parties: list[ApplicationParty]) -> dict[str, Any]:
    """Restrictive decisions recorded in Licentia on the same end users; the other Member
    States' notified denials arrive with the coordination issue."""
    end_users = [p for p in parties if p.role == PartyRole.END_USER]
    matches = []
    if end_users:
        found = RestrictiveDecision.objects.select_related("authority")
        if case.pk is not None:  # a case about to be opened (`prepare_dossier`) has none yet
            found = found.exclude(case=case)
        for decision in found.order_by("-decided_at")[:500]:
            for recorded in decision.end_users:
                for party in end_users:
                    if _same_party(recorded, party):
                        matches.append(
                            {
                                "kind": decision.kind,
                                "kind_description": decision.get_kind_display(),
                                "authority": decision.authority.name,
                                "member_state": decision.authority.member_state,
                                "case": decision.case_id,
                                "criteria": decision.criteria,
                                "decided_at": decision.decided_at.isoformat(),
                                "end_user": recorded,
                            }
                        )
    return {"status": "partial", "note": PRIOR_DENIALS_SEAM, "denials": matches}


def _same_party(recorded: dict[str, Any], party: ApplicationParty) -> bool:
    return (
        str(recorded.get("name", "")).strip().casefold() == party.name.strip().casefold()
        and str(recorded.get("country", "")).upper() == party.country.upper()
    )


def related_cases(case: Case, parties: list[ApplicationParty]) -> list[dict[str, Any]]:
    """Other cases of the same exporter, and cases naming the same end user (any exporter)."""
    application = case.application
    same_end_user = Q()
    for party in parties:
        if party.role == PartyRole.END_USER:
            same_end_user |= Q(name__iexact=party.name, country=party.country)
    related = (
        Case.objects.filter(authority=case.authority)
        .select_related("application")
        .only(  # what the section shows: not the applications' texts and JSON
            "state",
            "opened_at",
            "application__reference",
            "application__title",
            "application__organisation_id",
        )
        .order_by("-opened_at", "-pk")
    )
    if case.pk is not None:
        related = related.exclude(pk=case.pk)
    # Two indexed queries of at most 50 each, merged here: one query with an OR across the
    # parties' join scanned every case of the authority (tens of ms at 10,000 cases).
    picked = {
        other.pk: other
        for other in related.filter(application__organisation=application.organisation)[:50]
    }
    if same_end_user:
        naming = ApplicationParty.objects.filter(same_end_user, role=PartyRole.END_USER)
        for other in related.filter(application_id__in=naming.values("application_id"))[:50]:
            picked.setdefault(other.pk, other)
    found = sorted(picked.values(), key=lambda c: (c.opened_at, c.pk), reverse=True)[:50]
    # The end users and the latest decision of all 50 in two queries, not two per case.
    prefetch_related_objects(
        found,
        Prefetch(
            "application__parties",
            queryset=ApplicationParty.objects.filter(role=PartyRole.END_USER),
            to_attr="end_users",
        ),
        Prefetch(
            "decisions",
            queryset=Decision.objects.order_by("-decided_at", "-pk"),
            to_attr="newest_first",
        ),
    )
    out = []
    for other in found:
        reasons = []
        if other.application.organisation_id == application.organisation_id:
            reasons.append("same exporter")
        names = {(p.name.casefold(), p.country) for p in other.application.end_users}
        if any(
            (p.name.casefold(), p.country) in names for p in parties if p.role == PartyRole.END_USER
        ):
            reasons.append("same end user")
        decision = other.newest_first[0] if other.newest_first else None
        out.append(
            {
                "case": other.pk,
                "reference": str(other.application),
                "state": other.state,
                "outcome": decision.outcome if decision else None,
                "opened_at": other.opened_at.isoformat(),
                "relation": reasons,
            }
        )
    return out


def total_value(lines: list[GoodsLine]) -> Decimal:
    return sum((line.value_eur for line in lines), Decimal(0))
