"""The human-rights risk of an export: an explainable rating with its evidence and a draft reasoning.

Criterion 2 of Council Common Position 2008/944/CFSP (Art 2(2)), which Member States take into
account under Art 15(1)(c) of Regulation (EU) 2021/821, asks whether there is a clear risk that
the items might be used for internal repression or in serious violations of international
humanitarian law. The model weighs, on one 0 (no risk) .. 1 (worst) scale:

- the destination's record (several country-year indicators, grouped; the latest year up to the
  assessment date, never older than `max_age_years`) and its trend over recent years; for a
  cyber-surveillance item the worse of the general reading and the surveillance reading, which
  weighs the liberties and press/digital freedom the item threatens directly (Recommendation
  (EU) 2024/2659, section 1.3) above physical integrity;
- the technology's intrusiveness (listed cyber-surveillance entries of Recommendation (EU)
  2024/2659, or a non-listed category) and the end user's position to repress;
- red flags of Recommendations (EU) 2024/2659 and 2019/1318, and the end user's screening hits
  and prior denials.

    base  = 1 - (1 - D' * s) * (1 - D' * v)      s = a + (1 - a) * exposure
    score = 1 - (1 - base) * (1 - F) * (1 - S)    exposure = weighted mean of T and U

with v the intrusiveness uplift (`RiskConfig.intrusion_uplift`): intrusive technology raises the
score above the record instead of only scaling it down.

Each factor's contribution is its share of that score; the contributions add up to it. When the
destination's record is missing or too old the assessment says "insufficient data" and never
claims "low": only the transaction's own evidence (flags, hits, denials) can set a rating then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from licentia.errors import InvalidInput
from licentia.reference.countries import Country
from licentia.reference.countries import country as lookup_country
from licentia.risk.config import DEFAULT_CONFIG, Rating, RiskConfig
from licentia.risk.flags import FlagOrigin, RaisedFlag, end_use_flags, flag
from licentia.risk.model import Edition, Indicator, IndicatorStore, Observation
from licentia.risk.technology import TechnologyCategory, item_technology
from licentia.rules.model import PartyType

CRITERION_2 = (
    "criterion 2 of Council Common Position 2008/944/CFSP (Art 2(2), as amended by Council "
    "Decision (CFSP) 2019/1560)"
)
ART_15 = "Art 15(1)(c) of Regulation (EU) 2021/821"
MAX_TEXT = 2000
MAX_LIST = 50


# -- inputs ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScreeningHitSummary:
    """A restricted-party hit on the end user, as the screening reported it."""

    source: str
    name: str
    score: float
    programmes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DenialSummary:
    """A Member State's earlier denial for this end user or an essentially identical transaction."""

    member_state: str
    reference: str
    date: dt.date
    criterion_2: bool


@dataclass(frozen=True, slots=True)
class RiskRequest:
    destination: str  # ISO 3166-1 alpha-2 (checked by `assess`)
    date: dt.date
    end_user_type: PartyType | None = None
    end_user: str = ""
    items: tuple[str, ...] = ()
    categories: tuple[TechnologyCategory, ...] = ()
    end_use: str = ""
    flags: tuple[str, ...] = ()
    # None: not screened / not known; an empty tuple: checked, nothing found.
    screening_hits: tuple[ScreeningHitSummary, ...] | None = None
    prior_denials: tuple[DenialSummary, ...] | None = None


# -- outputs -----------------------------------------------------------------------------------


class AssessmentStatus(StrEnum):
    ASSESSED = "assessed"
    INSUFFICIENT_DATA = "insufficient-data"

    @property
    def description(self) -> str:
        return {
            AssessmentStatus.ASSESSED: "Rated on current indicators of the destination's record",
            AssessmentStatus.INSUFFICIENT_DATA: (
                "The destination's record has too few current indicators: no rating can say "
                "the risk is low; only the transaction's own evidence sets a rating"
            ),
        }[self]


class FactorKind(StrEnum):
    DESTINATION = "destination"
    TREND = "trend"
    TECHNOLOGY = "technology"
    END_USER = "end-user"
    RED_FLAGS = "red-flags"
    IDENTITY = "identity"

    @property
    def description(self) -> str:
        return {
            FactorKind.DESTINATION: "The destination's human-rights record, from several indicators",
            FactorKind.TREND: "Change of the record over recent years",
            FactorKind.TECHNOLOGY: "How intrusive the technology is",
            FactorKind.END_USER: "The end user's type: its position to use the item for repression",
            FactorKind.RED_FLAGS: "Red flags of the transaction (Recommendations 2024/2659, 2019/1318)",
            FactorKind.IDENTITY: "The end user's screening hits and prior denials",
        }[self]


class FactorStatus(StrEnum):
    ASSESSED = "assessed"
    INSUFFICIENT_DATA = "insufficient-data"
    NOT_CHECKED = "not-checked"

    @property
    def description(self) -> str:
        return {
            FactorStatus.ASSESSED: "Weighed on the evidence listed",
            FactorStatus.INSUFFICIENT_DATA: "Not enough current data: not weighed, not invented",
            FactorStatus.NOT_CHECKED: "No information was given: not weighed",
        }[self]


class EvidenceStatus(StrEnum):
    USED = "used"
    TOO_OLD = "too-old"
    NO_VALUE = "no-value"

    @property
    def description(self) -> str:
        return {
            EvidenceStatus.USED: "Used: the latest value up to the assessment date",
            EvidenceStatus.TOO_OLD: "Not used: the latest value is older than allowed",
            EvidenceStatus.NO_VALUE: "Not used: no value for this country up to the date",
        }[self]


@dataclass(frozen=True, slots=True)
class Trend:
    """Change on the 0..1 risk scale over the window; positive is a deterioration."""

    first_year: int
    last_year: int
    change: float
    points: tuple[tuple[int, float], ...]  # (year, publisher's value)


@dataclass(frozen=True, slots=True)
class IndicatorEvidence:
    indicator: str
    title: str
    group: str
    status: EvidenceStatus
    value: float | None = None
    year: int | None = None
    risk: float | None = None  # value on the 0 (best) .. 1 (worst) scale
    scale: str = ""
    edition: Edition | None = None
    trend: Trend | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    """One fact behind a factor that is not an indicator value."""

    label: str
    detail: str
    citation: str = ""


@dataclass(frozen=True, slots=True)
class Factor:
    kind: FactorKind
    status: FactorStatus
    score: float | None  # the factor on its own 0..1 scale
    contribution: float  # its share of the final score
    summary: str
    evidence: tuple[Evidence, ...] = ()
    indicators: tuple[IndicatorEvidence, ...] = ()


@dataclass(frozen=True, slots=True)
class Assessment:
    status: AssessmentStatus
    rating: Rating | None
    score: float
    destination: Country
    date: dt.date
    data_years: tuple[int, int] | None  # oldest and newest year of the values used
    factors: tuple[Factor, ...]
    flags: tuple[RaisedFlag, ...]
    reasoning: tuple[str, ...]
    config_version: str
    not_loaded: tuple[str, ...]  # configured indicators the store has not got

    def factor(self, kind: FactorKind) -> Factor:
        return next(f for f in self.factors if f.kind is kind)

    @property
    def rating_label(self) -> str:
        if self.rating is None:
            return "insufficient data"
        prefix = "at least " if self.status is AssessmentStatus.INSUFFICIENT_DATA else ""
        return prefix + self.rating.label

    @property
    def reasoning_text(self) -> str:
        return "\n\n".join(self.reasoning)


# -- building a request from plain values (API, CLI, files), naming the field at fault ---------


def request_from(data: Mapping[str, Any]) -> RiskRequest:
    """A `RiskRequest` from JSON-like values; `InvalidInput` names the field of a bad value."""
    unknown = set(data) - set(RiskRequest.__dataclass_fields__)
    if unknown:
        field = sorted(unknown)[0]
        raise InvalidInput(f"{field}: unknown field", details={"field": field})
    destination = _text(data.get("destination"), "destination", required=True)
    raw_date = data.get("date")
    if raw_date is None or raw_date == "":
        raise InvalidInput("date: required (YYYY-MM-DD)", details={"field": "date"})
    if isinstance(raw_date, dt.date):
        date = raw_date
    else:
        try:
            date = dt.date.fromisoformat(str(raw_date))
        except ValueError:
            raise InvalidInput(
                f"date: {raw_date!r} is not a date (YYYY-MM-DD)", details={"field": "date"}
            ) from None
    end_user_type = None
    raw_type = data.get("end_user_type")
    if raw_type not in (None, ""):
        try:
            end_user_type = PartyType(str(raw_type).strip().lower())
        except ValueError:
            raise InvalidInput(
                f"end_user_type: unknown type {raw_type!r}; choose one of "
                f"{', '.join(t.value for t in PartyType)}",
                details={"field": "end_user_type"},
            ) from None
    return RiskRequest(
        destination=destination,
        date=date,
        end_user_type=end_user_type,
        end_user=_text(data.get("end_user"), "end_user"),
        items=tuple(_strings(data.get("items"), "items")),
        categories=tuple(
            TechnologyCategory.parse(value, field=f"categories[{i}]")
            for i, value in enumerate(_strings(data.get("categories"), "categories"))
        ),
        end_use=_text(data.get("end_use"), "end_use"),
        flags=tuple(_strings(data.get("flags"), "flags")),
        screening_hits=_optional_list(data, "screening_hits", _hit),
        prior_denials=_optional_list(data, "prior_denials", _denial),
    )


def _text(value: Any, field: str, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(f"{field}: must be text", details={"field": field})
    if required and not value.strip():
        raise InvalidInput(f"{field}: required", details={"field": field})
    if len(value) > MAX_TEXT:
        raise InvalidInput(f"{field}: longer than {MAX_TEXT} characters", details={"field": field})
    return value.strip()


def _strings(value: Any, field: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise InvalidInput(f"{field}: must be a list", details={"field": field})
    if len(value) > MAX_LIST:
        raise InvalidInput(f"{field}: more than {MAX_LIST} values", details={"field": field})
    return [_text(v, f"{field}[{i}]", required=True) for i, v in enumerate(value)]


def _optional_list(data: Mapping[str, Any], field: str, read: Any) -> tuple[Any, ...] | None:
    value = data.get(field)
    if value is None:
        return None
    if not isinstance(value, list | tuple):
        raise InvalidInput(f"{field}: must be a list", details={"field": field})
    if len(value) > MAX_LIST:
        raise InvalidInput(f"{field}: more than {MAX_LIST} values", details={"field": field})
    return tuple(read(item, f"{field}[{i}]") for i, item in enumerate(value))


def _hit(item: Any, where: str) -> ScreeningHitSummary:
    if isinstance(item, ScreeningHitSummary):
        return item
    if not isinstance(item, Mapping):
        raise InvalidInput(f"{where}: must be an object", details={"field": where})
    score = item.get("score")
    if isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 1:
        raise InvalidInput(
            f"{where}.score: must be a number from 0 to 1", details={"field": f"{where}.score"}
        )
    return ScreeningHitSummary(
        source=_text(item.get("source"), f"{where}.source", required=True),
        name=_text(item.get("name"), f"{where}.name", required=True),
        score=float(score),
        programmes=tuple(_strings(item.get("programmes"), f"{where}.programmes")),
    )


def _denial(item: Any, where: str) -> DenialSummary:
    if isinstance(item, DenialSummary):
        return item
    if not isinstance(item, Mapping):
        raise InvalidInput(f"{where}: must be an object", details={"field": where})
    state = _text(item.get("member_state"), f"{where}.member_state", required=True)
    raw = item.get("date")
    try:
        date = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw))
    except ValueError:
        raise InvalidInput(
            f"{where}.date: {raw!r} is not a date (YYYY-MM-DD)", details={"field": f"{where}.date"}
        ) from None
    criterion_2 = item.get("criterion_2", False)
    if not isinstance(criterion_2, bool):
        raise InvalidInput(
            f"{where}.criterion_2: must be true or false",
            details={"field": f"{where}.criterion_2"},
        )
    return DenialSummary(
        member_state=state,
        reference=_text(item.get("reference"), f"{where}.reference"),
        date=date,
        criterion_2=criterion_2,
    )


# -- the assessment ----------------------------------------------------------------------------


def assess(
    request: RiskRequest,
    store: IndicatorStore,
    config: RiskConfig = DEFAULT_CONFIG,
    *,
    today: dt.date | None = None,
) -> Assessment:
    """Rate the risk of one transaction; `InvalidInput` names the field of a bad input."""
    destination = _destination(request.destination)
    day = today or dt.date.today()
    if request.date > day:
        raise InvalidInput(
            f"date: {request.date.isoformat()} is in the future; assess as of today or earlier",
            details={"field": "date"},
        )
    technology, surveillance = _technology(request, config)
    end_user = _end_user(request, config)
    evidence, not_loaded = _indicator_evidence(store, destination, request.date, config)
    destination_factor, record, weights = _destination_factor(
        evidence, destination, request.date, config, surveillance=surveillance
    )
    trend_factor, deterioration = _trend_factor(evidence, config, weights)
    raised = _raised_flags(request, config)
    flags_factor = _flags_factor(raised)
    identity_factor = _identity_factor(request, config)

    flags_score = flags_factor.score or 0.0
    identity_score = identity_factor.score or 0.0
    factors: dict[FactorKind, Factor]
    if record is None:
        status = AssessmentStatus.INSUFFICIENT_DATA
        base = 0.0
        factors = {
            FactorKind.DESTINATION: destination_factor,
            FactorKind.TREND: _with(trend_factor, 0.0),
            FactorKind.TECHNOLOGY: _with(technology, 0.0),
            FactorKind.END_USER: _with(end_user, 0.0),
        }
    else:
        status = AssessmentStatus.ASSESSED
        tech_score = technology.score or 0.0
        user_score = end_user.score or 0.0
        total_weight = config.technology_weight + config.end_user_weight
        exposure = (
            config.technology_weight * tech_score + config.end_user_weight * user_score
        ) / total_weight
        share = config.destination_share
        scale = share + (1 - share) * exposure
        raised_record = min(1.0, record + config.trend_weight * deterioration)
        direct = raised_record * scale
        rate = uplift_rate(tech_score, config)
        # The second route: the record again, at the rate the technology's intrusiveness gives,
        # combined with the first as independent chances (so base never exceeds 1).
        uplift = (1 - direct) * raised_record * rate
        base = direct + uplift
        rest = record * (1 - share) / total_weight
        if uplift > 0:
            technology = _with_uplift(technology, rate, uplift)
        factors = {
            FactorKind.DESTINATION: _with(destination_factor, record * share),
            FactorKind.TREND: _with(trend_factor, (raised_record - record) * scale),
            FactorKind.TECHNOLOGY: _with(
                technology, rest * config.technology_weight * tech_score + uplift
            ),
            FactorKind.END_USER: _with(end_user, rest * config.end_user_weight * user_score),
        }
    factors[FactorKind.RED_FLAGS] = _with(flags_factor, (1 - base) * flags_score)
    factors[FactorKind.IDENTITY] = _with(
        identity_factor, (1 - base) * (1 - flags_score) * identity_score
    )
    score = 1 - (1 - base) * (1 - flags_score) * (1 - identity_score)
    rating: Rating | None = config.bands.rating(score)
    if status is AssessmentStatus.INSUFFICIENT_DATA and rating is Rating.LOW:
        rating = None
    used_years = [e.year for e in evidence if e.status is EvidenceStatus.USED and e.year]
    ordered = tuple(factors[kind] for kind in FactorKind)
    assessment = Assessment(
        status=status,
        rating=rating,
        score=score,
        destination=destination,
        date=request.date,
        data_years=(min(used_years), max(used_years)) if used_years else None,
        factors=ordered,
        flags=tuple(raised),
        reasoning=(),
        config_version=config.version,
        not_loaded=tuple(not_loaded),
    )
    return replace(assessment, reasoning=_reasoning(request, assessment))


def _with(factor: Factor, contribution: float) -> Factor:
    return replace(factor, contribution=contribution)


def uplift_rate(intrusiveness: float, config: RiskConfig) -> float:
    """The rate v at which intrusive technology counts the record a second time: 0 up to
    `uplift_from`, rising linearly to `intrusion_uplift` at intrusiveness 1."""
    above = max(0.0, intrusiveness - config.uplift_from) / (1 - config.uplift_from)
    return config.intrusion_uplift * above


def _with_uplift(technology: Factor, rate: float, uplift: float) -> Factor:
    return replace(
        technology,
        summary=f"{technology.summary}; raises the score above the record by {uplift:.2f}",
        evidence=(
            *technology.evidence,
            Evidence(
                "intrusiveness uplift",
                f"covert remote surveillance counts the destination's record a second time at "
                f"rate {rate:.2f}: +{uplift:.2f} to the score",
                "Recommendation (EU) 2024/2659, sections 1.3 and 3.2",
            ),
        ),
    )


def _destination(code: str) -> Country:
    try:
        return lookup_country(code)
    except InvalidInput as exc:
        raise InvalidInput(
            f"destination: {exc.message}", details={**exc.details, "field": "destination"}
        ) from None


# -- destination record and trend --------------------------------------------------------------


def _indicator_evidence(
    store: IndicatorStore, destination: Country, date: dt.date, config: RiskConfig
) -> tuple[list[IndicatorEvidence], list[str]]:
    loaded: dict[str, Indicator] = {i.key: i for i in store.indicators()}
    evidence: list[IndicatorEvidence] = []
    not_loaded: list[str] = []
    first_years: list[int] = []
    for group in config.groups:
        for key in group.indicators:
            indicator = loaded.get(key)
            if indicator is None:
                not_loaded.append(key)
                continue
            series = list(store.series(key, destination.alpha2))
            if series:
                first_years.append(series[0].year)
            evidence.append(_one_indicator(indicator, group.key, series, date, config))
    if first_years and date.year < min(first_years):
        raise InvalidInput(
            f"date: {date.isoformat()} is before the earliest indicator data for "
            f"{destination} ({min(first_years)})",
            details={"field": "date"},
        )
    return evidence, not_loaded


def _one_indicator(
    indicator: Indicator,
    group: str,
    series: Sequence[Observation],
    date: dt.date,
    config: RiskConfig,
) -> IndicatorEvidence:
    scale = f"{indicator.best:g} best .. {indicator.worst:g} worst"
    known = [o for o in series if o.year <= date.year]
    if not known:
        return IndicatorEvidence(
            indicator.key, indicator.title, group, EvidenceStatus.NO_VALUE, scale=scale
        )
    latest = known[-1]
    fresh = date.year - latest.year <= config.max_age_years
    return IndicatorEvidence(
        indicator=indicator.key,
        title=indicator.title,
        group=group,
        status=EvidenceStatus.USED if fresh else EvidenceStatus.TOO_OLD,
        value=latest.value,
        year=latest.year,
        risk=indicator.risk(latest.value) if fresh else None,
        scale=scale,
        edition=latest.edition,
        trend=_trend(indicator, known, latest.year, config) if fresh else None,
    )


def _trend(
    indicator: Indicator, known: Sequence[Observation], last: int, config: RiskConfig
) -> Trend | None:
    """Least-squares change of the risk over the window ending at the latest year; needs three
    values spanning at least half the window."""
    window = [o for o in known if o.year >= last - config.trend_years]
    if len(window) < 3 or window[-1].year - window[0].year < config.trend_years / 2:
        return None
    years = [float(o.year) for o in window]
    risks = [indicator.risk(o.value) for o in window]
    mean_year = sum(years) / len(years)
    mean_risk = sum(risks) / len(risks)
    spread = sum((y - mean_year) ** 2 for y in years)
    slope = (
        sum((y - mean_year) * (r - mean_risk) for y, r in zip(years, risks, strict=True)) / spread
    )
    return Trend(
        first_year=window[0].year,
        last_year=window[-1].year,
        change=slope * config.trend_years,
        points=tuple((o.year, o.value) for o in window),
    )


def _weights(config: RiskConfig, *, surveillance: bool) -> dict[str, float]:
    return {g.key: g.weight_for(surveillance=surveillance) for g in config.groups}


def _by_group(values: Iterable[tuple[str, float]]) -> dict[str, list[float]]:
    by_group: dict[str, list[float]] = {}
    for group, value in values:
        by_group.setdefault(group, []).append(value)
    return by_group


def _grouped(values: Iterable[tuple[str, float]], weights: Mapping[str, float]) -> float | None:
    """Mean within each group, then the groups' weighted mean over the groups with values."""
    by_group = _by_group(values)
    total = sum(weights[g] for g in by_group)
    if not by_group or total <= 0:
        return None
    return sum(weights[g] * sum(v) / len(v) for g, v in by_group.items()) / total


def _describe_record(value: float) -> str:
    if value >= 0.75:
        return "very poor"
    if value >= 0.5:
        return "poor"
    if value >= 0.25:
        return "mixed"
    return "good"


def _destination_factor(
    evidence: list[IndicatorEvidence],
    destination: Country,
    date: dt.date,
    config: RiskConfig,
    *,
    surveillance: bool,
) -> tuple[Factor, float | None, dict[str, float]]:
    """The record: the general reading, or for a cyber-surveillance item the worse of the
    general and the surveillance reading (the deterioration included, so that worse evidence
    never lowers the result); with the group weights of the reading that counts."""
    used = [e for e in evidence if e.status is EvidenceStatus.USED and e.risk is not None]
    values = [(e.group, e.risk) for e in used if e.risk is not None]
    trends = [(e.group, e.trend.change) for e in evidence if e.trend is not None]
    weights = _weights(config, surveillance=False)
    record = _grouped(values, weights)
    general = record

    def raised(value: float, reading: Mapping[str, float]) -> float:
        change = _grouped(trends, reading) or 0.0
        return min(1.0, value + config.trend_weight * max(change, 0.0))

    if surveillance and record is not None:
        surveillance_weights = _weights(config, surveillance=True)
        watched = _grouped(values, surveillance_weights)
        if watched is not None and raised(watched, surveillance_weights) > raised(record, weights):
            record, weights = watched, surveillance_weights
    if record is None or len(used) < config.min_indicators:
        reasons = [
            f"{len(used)} current indicator(s) for {destination} as of {date.isoformat()}; "
            f"at least {config.min_indicators} are needed, none older than "
            f"{config.max_age_years} years"
        ]
        if not evidence:
            reasons.append("no indicator of the configured set is loaded")
        return (
            Factor(
                FactorKind.DESTINATION,
                FactorStatus.INSUFFICIENT_DATA,
                None,
                0.0,
                "Insufficient data: " + "; ".join(reasons),
                indicators=tuple(evidence),
            ),
            None,
            weights,
        )
    assert general is not None  # record is not None, so neither is the general reading
    years = sorted({e.year for e in used if e.year is not None})
    span = f"{years[0]}" if years[0] == years[-1] else f"{years[0]}-{years[-1]}"
    by_group = _by_group(values)
    group_evidence = [
        Evidence(
            group.title,
            f"mean risk {sum(by_group[group.key]) / len(by_group[group.key]):.2f} of "
            f"{len(by_group[group.key])} indicator(s); weight {group.weight:.2f} in the general "
            f"reading, {group.weight_for(surveillance=True):.2f} in the reading for "
            "cyber-surveillance items",
        )
        for group in config.groups
        if group.key in by_group
    ]
    if not surveillance:
        reading = f"general reading {general:.2f} (not a cyber-surveillance item)"
    elif weights != _weights(config, surveillance=False):
        reading = (
            f"surveillance reading {record:.2f} (general reading {general:.2f}), the worse of "
            "the two with the deterioration: the liberties and press/digital freedom the item "
            "threatens weigh more"
        )
    else:
        reading = (
            f"general reading {general:.2f}, not better than the surveillance reading: "
            "physical integrity keeps its full weight"
        )
    group_evidence.append(
        Evidence(
            "reading",
            reading,
            "Recommendation (EU) 2024/2659, section 1.3 (privacy, expression, assembly and "
            "association among the serious violations)"
            if surveillance
            else CRITERION_2,
        )
    )
    return (
        Factor(
            FactorKind.DESTINATION,
            FactorStatus.ASSESSED,
            record,
            0.0,
            f"{_describe_record(record).capitalize()} record: {record:.2f} on the 0..1 scale from "
            f"{len(used)} indicators ({span}); {reading.split(':')[0]}",
            evidence=tuple(group_evidence),
            indicators=tuple(evidence),
        ),
        record,
        weights,
    )


def _trend_factor(
    evidence: list[IndicatorEvidence], config: RiskConfig, weights: Mapping[str, float]
) -> tuple[Factor, float]:
    """The change of the record, grouped with the weights of the reading that counts."""
    trends = [(e.group, e.trend.change) for e in evidence if e.trend is not None]
    change = _grouped(trends, weights)
    with_trend = tuple(e for e in evidence if e.trend is not None)
    if change is None:
        return (
            Factor(
                FactorKind.TREND,
                FactorStatus.INSUFFICIENT_DATA,
                None,
                0.0,
                f"Insufficient data: no indicator has three values in the last "
                f"{config.trend_years} years",
            ),
            0.0,
        )
    firsts = min(e.trend.first_year for e in with_trend if e.trend)
    lasts = max(e.trend.last_year for e in with_trend if e.trend)
    if change > 0.02:
        words = f"deteriorated by {change:.2f}"
    elif change < -0.02:
        words = f"improved by {-change:.2f} (an improvement does not lower the rating)"
    else:
        words = "stable"
    return (
        Factor(
            FactorKind.TREND,
            FactorStatus.ASSESSED,
            change,
            0.0,
            f"Record {words} over {firsts}-{lasts} ({len(with_trend)} indicators)",
            indicators=with_trend,
        ),
        max(change, 0.0),
    )


# -- technology, end user, flags, identity -----------------------------------------------------


def _technology(request: RiskRequest, config: RiskConfig) -> tuple[Factor, bool]:
    """The most intrusive of the items and categories, and whether any is a cyber-surveillance
    item (a listed entry of the annex of Recommendation 2024/2659 or a non-listed category)."""
    if not request.items and not request.categories:
        raise InvalidInput(
            "items: give at least one control entry (items) or a non-listed cyber-surveillance "
            "category (categories)",
            details={"field": "items"},
        )
    resolved = [item_technology(path, field=f"items[{i}]") for i, path in enumerate(request.items)]
    if request.categories and resolved and not any(r.cyber_surveillance for r in resolved):
        entries = ", ".join(r.path for r in resolved)
        raise InvalidInput(
            f"categories: {entries} {'is' if len(resolved) == 1 else 'are'} not a listed "
            "cyber-surveillance item (Recommendation (EU) 2024/2659, Annex), yet a "
            "cyber-surveillance category was declared; give the listed entry, or the category "
            "alone for a non-listed item",
            details={"field": "categories"},
        )
    evidence: list[Evidence] = []
    scores: list[float] = []
    for item in resolved:
        if item.category is None:
            scores.append(config.other_item)
            evidence.append(
                Evidence(
                    item.path,
                    f"not a listed cyber-surveillance item: intrusiveness {config.other_item:.2f}",
                    "Recommendation (EU) 2024/2659, Annex",
                )
            )
        else:
            value = config.technology[item.category]
            scores.append(value)
            evidence.append(
                Evidence(
                    item.path,
                    f"listed cyber-surveillance item, {item.category.description}: "
                    f"intrusiveness {value:.2f}",
                    "Recommendation (EU) 2024/2659, Annex",
                )
            )
    for category in dict.fromkeys(request.categories):
        value = config.technology[category]
        scores.append(value)
        evidence.append(
            Evidence(
                category.value,
                f"non-listed cyber-surveillance category, {category.description}: "
                f"intrusiveness {value:.2f}",
                "Art 5 of Regulation (EU) 2021/821; Recommendation (EU) 2024/2659, section 2",
            )
        )
    score = max(scores)
    most = evidence[scores.index(score)].label
    surveillance = bool(request.categories) or any(r.cyber_surveillance for r in resolved)
    return (
        Factor(
            FactorKind.TECHNOLOGY,
            FactorStatus.ASSESSED,
            score,
            0.0,
            f"Intrusiveness {score:.2f} ({most})",
            evidence=tuple(evidence),
        ),
        surveillance,
    )


def _end_user(request: RiskRequest, config: RiskConfig) -> Factor:
    name = f" {request.end_user}" if request.end_user else ""
    if request.end_user_type is None:
        score = config.undeclared_end_user
        return Factor(
            FactorKind.END_USER,
            FactorStatus.ASSESSED,
            score,
            0.0,
            f"End user type not declared{name}: counted as {score:.2f} (precaution)",
            evidence=(Evidence("end user type", "not declared"),),
        )
    kind = request.end_user_type
    score = config.end_user[kind]
    return Factor(
        FactorKind.END_USER,
        FactorStatus.ASSESSED,
        score,
        0.0,
        f"{kind.description}{name}: {score:.2f}",
        evidence=(Evidence("end user type", f"{kind.value}: {kind.description}"),),
    )


def _raised_flags(request: RiskRequest, config: RiskConfig) -> list[RaisedFlag]:
    raised: dict[str, RaisedFlag] = {}
    for index, flag_id in enumerate(request.flags):
        found = flag(flag_id, field=f"flags[{index}]")
        raised[found.id] = RaisedFlag(found, FlagOrigin.DECLARED, config.flag_weights[found.id])
    for found, words in end_use_flags(request.end_use):
        if found.id not in raised:
            raised[found.id] = RaisedFlag(
                found,
                FlagOrigin.END_USE,
                config.flag_weights[found.id],
                f"the declared end use says: {words}",
            )
    return list(raised.values())


def _noisy_or(weights: Iterable[float]) -> float:
    remaining = 1.0
    for weight in weights:
        remaining *= 1 - weight
    return 1 - remaining


def _flags_factor(raised: list[RaisedFlag]) -> Factor:
    score = _noisy_or(r.weight for r in raised)
    evidence = tuple(
        Evidence(
            r.flag.id,
            f"{r.flag.text} (weight {r.weight:.2f}; {r.origin.description.lower()}"
            + (f": {r.detail}" if r.detail else "")
            + ")",
            r.flag.citation,
        )
        for r in raised
    )
    summary = (
        f"{len(raised)} red flag(s): {', '.join(r.flag.id for r in raised)}"
        if raised
        else "No red flag raised"
    )
    return Factor(FactorKind.RED_FLAGS, FactorStatus.ASSESSED, score, 0.0, summary, evidence)


def _identity_factor(request: RiskRequest, config: RiskConfig) -> Factor:
    if request.screening_hits is None and request.prior_denials is None:
        return Factor(
            FactorKind.IDENTITY,
            FactorStatus.NOT_CHECKED,
            None,
            0.0,
            "Not checked: no screening result and no denial information were given",
        )
    hits = request.screening_hits or ()
    denials = request.prior_denials or ()
    evidence: list[Evidence] = []
    weights: list[float] = []
    for hit in hits:
        weight = config.screening_hit * hit.score
        weights.append(weight)
        programmes = f"; programmes {', '.join(hit.programmes)}" if hit.programmes else ""
        evidence.append(
            Evidence(
                f"screening hit: {hit.name}",
                f"{hit.source}, match score {hit.score:.2f}{programmes} (weight {weight:.2f})",
                hit.source,
            )
        )
    for denial in denials:
        weight = config.denial_criterion_2 if denial.criterion_2 else config.denial_other
        weights.append(weight)
        ground = "criterion 2 (human rights)" if denial.criterion_2 else "other grounds"
        evidence.append(
            Evidence(
                f"denial {denial.reference or ''}".strip(),
                f"denied by {denial.member_state} on {denial.date.isoformat()} on {ground} "
                f"(weight {weight:.2f})",
                "Art 16 of Regulation (EU) 2021/821 (denials notified between Member States)",
            )
        )
    checked = []
    if request.screening_hits is not None:
        checked.append(f"{len(hits)} screening hit(s)")
    if request.prior_denials is not None:
        checked.append(f"{len(denials)} prior denial(s)")
    return Factor(
        FactorKind.IDENTITY,
        FactorStatus.ASSESSED,
        _noisy_or(weights),
        0.0,
        ", ".join(checked),
        tuple(evidence),
    )


# -- the draft reasoning -----------------------------------------------------------------------


def _value(e: IndicatorEvidence) -> str:
    edition = f", {e.edition.label}" if e.edition else ""
    value = round(e.value, 3) if e.value is not None else None
    return f"{e.title} {value:g} ({e.year}{edition})"


def _reasoning(request: RiskRequest, a: Assessment) -> tuple[str, ...]:
    country = a.destination.name
    paragraphs = [
        f"Legal basis. Under {ART_15}, the competent authority takes into account {CRITERION_2}: "
        "a licence is denied if there is a clear risk that the items might be used for internal "
        "repression or in the commission of serious violations of international humanitarian "
        "law. For cyber-surveillance items, Recommendation (EU) 2024/2659 sets out the due "
        "diligence and the red flags that inform this assessment."
    ]
    technology = a.factor(FactorKind.TECHNOLOGY)
    items = "; ".join(f"{e.label} ({e.detail})" for e in technology.evidence)
    user = a.factor(FactorKind.END_USER)
    end_use = f' The declared end use is: "{request.end_use}".' if request.end_use else ""
    kind = request.end_user_type
    who = (kind.description if kind else "type not declared") + (
        f" ({request.end_user})" if request.end_user else ""
    )
    paragraphs.append(
        f"Transaction. {items}. End user: {who}, in {country}, as assessed on "
        f"{a.date.isoformat()}.{end_use}"
    )
    destination = a.factor(FactorKind.DESTINATION)
    used = [e for e in destination.indicators if e.status is EvidenceStatus.USED]
    old = [e for e in destination.indicators if e.status is EvidenceStatus.TOO_OLD]
    if destination.status is FactorStatus.ASSESSED and destination.score is not None:
        paragraphs.append(
            f"Human-rights record of {country}. "
            + "; ".join(_value(e) for e in used)
            + f". On Licentia's common 0 (best) to 1 (worst) scale the record is "
            f"{destination.score:.2f} ({_describe_record(destination.score)}): "
            + next(e.detail for e in destination.evidence if e.label == "reading")
            + "."
        )
    else:
        missing = "; ".join(f"{_value(e)}, too old" for e in old)
        paragraphs.append(
            f"Human-rights record of {country}. {destination.summary}."
            + (f" Older values exist: {missing}." if missing else "")
            + " The record cannot be rated from the data loaded: the officer should obtain "
            "current evidence (reports of the UN treaty bodies and special procedures, the EU "
            "annual human-rights report, NGO reporting) before concluding."
        )
    trend = a.factor(FactorKind.TREND)
    if trend.status is FactorStatus.ASSESSED:
        paragraphs.append(f"Trend. {trend.summary}.")
    uplift = next((e for e in technology.evidence if e.label == "intrusiveness uplift"), None)
    paragraphs.append(
        f"Technology and end user. The technology's intrusiveness is {technology.score:.2f} "
        f"and the end user's position to use it for repression {user.score:.2f} on the same "
        "scale."
        + (
            f" Its covert reach raises the score above the record ({uplift.detail})."
            if uplift
            else ""
        )
    )
    if a.flags:
        paragraphs.append(
            "Red flags. "
            + " ".join(
                f"{r.flag.text} ({r.flag.citation}" + (f"; {r.detail}" if r.detail else "") + ")"
                for r in a.flags
            )
        )
    else:
        paragraphs.append("Red flags. None was raised for this transaction.")
    identity = a.factor(FactorKind.IDENTITY)
    if identity.status is FactorStatus.NOT_CHECKED:
        paragraphs.append(
            "End-user checks. No screening result or denial information was given; screen the "
            "end user and consult the denials notified by the other Member States."
        )
    else:
        detail = "; ".join(f"{e.label}: {e.detail}" for e in identity.evidence)
        paragraphs.append(
            f"End-user checks. {identity.summary}" + (f": {detail}." if detail else ".")
        )
    if a.rating is None:
        conclusion = (
            "Assessment. Insufficient data: Licentia gives no rating, and in particular does "
            "not rate the risk low."
        )
    else:
        conclusion = (
            f"Assessment. On this evidence Licentia rates the risk {a.rating_label} "
            f"({a.score:.2f}): {a.rating.description.lower()}."
        )
    paragraphs.append(
        conclusion + " [Officer: state whether the evidence establishes a clear risk within the "
        "meaning of criterion 2, and whether conditions (end-use statement, post-shipment "
        "verification, limits on the capabilities supplied) would mitigate it.]"
    )
    return tuple(paragraphs)
