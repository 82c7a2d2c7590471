"""Risk-assessment endpoints: thin, each one call into the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from licentia.accounts.api_auth import token_or_session
from licentia.risk.document import document
from licentia.riskassessments import services

router = Router(auth=token_or_session)


class HitIn(Schema):
    source: str = Field(..., description="The list the hit is on, e.g. EU FSF")
    name: str = Field(..., description="The listed party's name")
    score: float = Field(..., description="Match score 0..1")
    programmes: list[str] = Field(default_factory=list)


class DenialIn(Schema):
    member_state: str
    reference: str = ""
    date: str = Field(..., description="YYYY-MM-DD")
    criterion_2: bool = Field(False, description="Denied on criterion 2 (human rights)")


class RiskIn(Schema):
    destination: str = Field(..., description="ISO 3166-1 code of the destination")
    date: str | None = Field(None, description="Assessment date YYYY-MM-DD (default: today)")
    end_user_type: str | None = Field(
        None,
        description="police, intelligence, military, other-government, telecom-operator, "
        "private, academic",
    )
    end_user: str = Field("", description="The end user's name")
    items: list[str] = Field(default_factory=list, description="Annex I entries, e.g. 5A001.j")
    categories: list[str] = Field(
        default_factory=list, description="Non-listed cyber-surveillance categories"
    )
    end_use: str = Field("", description="The declared end use")
    flags: list[str] = Field(default_factory=list, description="Red-flag ids")
    screening_hits: list[HitIn] | None = Field(None, description="None: not screened")
    prior_denials: list[DenialIn] | None = Field(None, description="None: not known")


class ConfigChangeIn(Schema):
    changes: dict[str, Any] = Field(..., description="Settings to change, as in GET .../config")
    reason: str


class ChangeOut(Schema):
    revision: int
    changed_by: str
    changed_at: dt.datetime
    changes: dict[str, Any]
    reason: str


class ConfigOut(Schema):
    version: str
    settings: dict[str, Any]
    history: list[ChangeOut]


@router.post("", summary="Assess the human-rights risk of an export (criterion 2)")
def assess(request: HttpRequest, payload: RiskIn) -> dict[str, Any]:
    """The rating with each factor's contribution, the evidence, the red flags, a draft of the
    criterion 2 reasoning and the configuration version. "insufficient-data" when the
    destination's record is missing or too old: never a "low" then. 422 names the bad field."""
    data = payload.dict()
    data["date"] = payload.date or dt.date.today().isoformat()
    assessment = services.assess(request_data=data, authority=services.authority_of(request.user))
    return document(assessment)


def _config_out(request: HttpRequest) -> dict[str, Any]:
    authority = services.authority_of(request.user)
    config = services.configuration(authority=authority)
    changes = services.history(authority=authority) if authority else []
    return {
        "version": config.version,
        "settings": config.to_dict(),
        "history": [
            {
                "revision": c.revision,
                "changed_by": c.changed_by.get_username(),
                "changed_at": c.changed_at,
                "changes": c.changes,
                "reason": c.reason,
            }
            for c in changes
        ],
    }


@router.get("/config", response=ConfigOut, summary="The risk configuration in use, and its log")
def get_config(request: HttpRequest) -> dict[str, Any]:
    return _config_out(request)


@router.put("/config", response=ConfigOut, summary="Change the authority's weights or bands")
def change_config(request: HttpRequest, payload: ConfigChangeIn) -> dict[str, Any]:
    """Only a competent authority's staff; every change is logged with its reason."""
    authority = services.authority_of(request.user)
    if authority is None:
        raise HttpError(403, "only a competent authority's staff can set its configuration")
    services.change_configuration(
        authority=authority, changes=payload.changes, user=request.user, reason=payload.reason
    )
    return _config_out(request)
