"""Screening endpoints: thin, each one call into the services."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema

from licentia.accounts.api_auth import token_or_session
from licentia.screening import Hit
from licentia.screenings import services

router = Router(auth=token_or_session)


class PartyIn(Schema):
    name: str | list[str] = Field(..., description="The party's name, or several names")
    country: str | None = Field(None, description="ISO 3166-1 country code")
    birth_date: str | None = Field(None, description="YYYY, YYYY-MM or YYYY-MM-DD")
    type: str | None = Field(None, description="person, organization, company, vessel, airplane")
    identifiers: list[str] = Field(default_factory=list, max_length=20)


class OptionsIn(Schema):
    profile: str = Field("standard", description="standard (0.70), broad (0.55) or narrow (0.85)")
    threshold: float | None = Field(None, ge=0, le=1, description="Overrides the profile's")
    limit: int = Field(10, ge=1, le=50)


class ScreenIn(PartyIn, OptionsIn):
    pass


class BatchIn(OptionsIn):
    parties: list[PartyIn] = Field(..., min_length=1, max_length=services.MAX_BATCH)


class PartOut(Schema):
    query: str
    listed: str
    how: str
    score: float
    weight: float


class FeatureOut(Schema):
    feature: str
    contribution: float
    detail: str


class HitOut(Schema):
    score: float
    source: str
    source_id: str
    list_version: str | None
    schema_: str = Field(..., alias="schema")
    caption: str
    programmes: list[str]
    query_name: str
    listed_name: str
    listed_name_type: str
    parts: list[PartOut]
    features: list[FeatureOut]
    explanation: str


class ListOut(Schema):
    source: str
    title: str
    version: str
    published: str | None
    checksum: str
    entity_count: int


class ScreeningOut(Schema):
    status: str = Field(..., description="hits or clear (clear against the lists named below)")
    query: list[str]
    profile: str
    threshold: float
    hits: list[HitOut]
    lists: list[ListOut]


class BatchOut(Schema):
    results: list[ScreeningOut]
    lists: list[ListOut]


def _hit(hit: Hit) -> dict[str, object]:
    return {
        "score": hit.score,
        "source": hit.source,
        "source_id": hit.source_id,
        "list_version": hit.list_version,
        "schema": hit.entity.schema.value,
        "caption": hit.entity.caption,
        "programmes": list(hit.entity.programmes),
        "query_name": hit.query_name,
        "listed_name": hit.listed_name,
        "listed_name_type": hit.listed_name_type.value,
        "parts": [
            {
                "query": p.query,
                "listed": p.listed,
                "how": p.how.value,
                "score": p.score,
                "weight": p.weight,
            }
            for p in hit.parts
        ],
        "features": [
            {"feature": f.feature.value, "contribution": f.contribution, "detail": f.detail}
            for f in hit.features
        ],
        "explanation": hit.explanation,
    }


def _out(screening: services.Screening) -> dict[str, object]:
    result = screening.result
    return {
        "status": "clear" if screening.clear else "hits",
        "query": list(result.query.names),
        "profile": result.profile.name,
        "threshold": result.profile.threshold,
        "hits": [_hit(h) for h in result.hits],
        "lists": [vars_of(item) for item in screening.lists],
    }


def vars_of(item: services.ListChecked) -> dict[str, object]:
    return {
        "source": item.source,
        "title": item.title,
        "version": item.version,
        "published": item.published,
        "checksum": item.checksum,
        "entity_count": item.entity_count,
    }


def _query(party: PartyIn) -> services.ScreeningQuery:
    return services.make_query(
        name=party.name,
        country=party.country,
        birth_date=party.birth_date,
        party_type=party.type,
        identifiers=party.identifiers,
    )


@router.post("", response=ScreeningOut, summary="Screen one party against the active lists")
def screen_one(request: HttpRequest, payload: ScreenIn) -> dict[str, object]:
    """Hits with their explanations, and the list versions screened against.

    409 when no list is active: nothing was screened, which is not a "clear".
    """
    screening = services.screen_party(
        query=_query(payload),
        profile_name=payload.profile,
        threshold=payload.threshold,
        limit=payload.limit,
    )
    return _out(screening)


@router.post("/batch", response=BatchOut, summary="Screen up to 1,000 parties in one request")
def screen_batch(request: HttpRequest, payload: BatchIn) -> dict[str, object]:
    queries = [_query(p) for p in payload.parties]
    screenings = services.screen_parties(
        queries=queries,
        profile_name=payload.profile,
        threshold=payload.threshold,
        limit=payload.limit,
    )
    return {
        "results": [_out(s) for s in screenings],
        "lists": [vars_of(item) for item in screenings[0].lists] if screenings else [],
    }
