"""The weights and bands of the risk model: typed, documented configuration.

Every number the model uses is here, with the reason for its default. An authority may set its
own values (the `riskassessments` app stores them, with a change log); `RiskConfig.from_dict`
reads a partial override on top of the defaults and names the field of any bad value.

How the numbers combine is in `licentia.risk.assess`:

    exposure  = (technology_weight * T + end_user_weight * U) / (technology_weight + end_user_weight)
    s         = destination_share + (1 - destination_share) * exposure
    v         = intrusion_uplift * max(0, T - uplift_from) / (1 - uplift_from)
    base      = 1 - (1 - D' * s) * (1 - D' * v)
    score     = 1 - (1 - base) * (1 - F) * (1 - S)

with D' the destination's record (raised by a deterioration), T the technology's
intrusiveness, U the end user's position to repress, F the red flags and S the screening hits
and prior denials, all on a 0 (no risk) .. 1 (worst) scale. For a cyber-surveillance item the
record D is the worse of two readings of the indicator groups: the general weights and the
surveillance weights (`IndicatorGroup.surveillance_weight`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from enum import StrEnum
from types import MappingProxyType
from typing import Any, NoReturn

from licentia.errors import InvalidInput
from licentia.risk.flags import CATALOGUE, FLAGS
from licentia.risk.technology import TechnologyCategory
from licentia.rules.model import PartyType


class Rating(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very-high"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ")

    @property
    def description(self) -> str:
        return {
            Rating.LOW: (
                "No indication, on the evidence available, of a clear risk of use for internal "
                "repression or serious violations of human rights"
            ),
            Rating.MEDIUM: (
                "Some indications of risk: seek assurances or more information (end-use "
                "statement, the end user's legal framework) before deciding"
            ),
            Rating.HIGH: (
                "Serious indications of a clear risk of use for internal repression or serious "
                "violations of human rights: a licence needs strong, verifiable mitigation"
            ),
            Rating.VERY_HIGH: (
                "Strong indications of a clear risk: criterion 2 points to a denial unless the "
                "evidence is rebutted"
            ),
        }[self]


@dataclass(frozen=True, slots=True)
class IndicatorGroup:
    """Indicators that measure one aspect of the record; the group score is their mean.

    Averaging within a group first keeps three Political Terror Scale codings (Amnesty, Human
    Rights Watch, US State Department) from outweighing one liberties index.

    `weight` is the group's weight in the general reading of the record; `surveillance_weight`
    its weight in the reading for cyber-surveillance items (None: the same as `weight`, which is
    how a configuration stored before this setting existed is read).
    """

    key: str
    title: str
    weight: float
    indicators: tuple[str, ...]
    surveillance_weight: float | None = None

    def weight_for(self, *, surveillance: bool) -> float:
        if surveillance and self.surveillance_weight is not None:
            return self.surveillance_weight
        return self.weight


@dataclass(frozen=True, slots=True)
class Bands:
    """Lower bounds of the ratings on the 0..1 score; below `medium` is low.

    The bands follow the Political Terror Scale, the indicator closest to criterion 2's
    "internal repression", placed on the 0..1 scale (level n at (n - 1) / 4): for the most
    exposed transaction (intrusive technology to a security service) the score is the
    destination's record, so low ends below 0.30 (levels 1-2 and a "Free" Freedom House
    status, 71-100, which is 0..0.29 on the scale); high starts at 0.50 (level 3: extensive
    political imprisonment); very high at 0.70 (close to level 4 and to Freedom House "Not
    Free", 0-35, which is 0.65 and above on the scale).
    """

    medium: float = 0.30
    high: float = 0.50
    very_high: float = 0.70

    def rating(self, score: float) -> Rating:
        if score >= self.very_high:
            return Rating.VERY_HIGH
        if score >= self.high:
            return Rating.HIGH
        if score >= self.medium:
            return Rating.MEDIUM
        return Rating.LOW


# General reading (every export): physical integrity, what criterion 2 names as internal
# repression, and the liberties 0.4 each; press and digital freedom 0.2.
# Surveillance reading (cyber-surveillance items): Recommendation (EU) 2024/2659, section 1.3,
# counts violations of the rights to privacy, freedom of expression, assembly and association
# among the serious violations; these are what the items infringe directly (the documented
# abuses are the surveillance of journalists, dissidents and activists), so the liberties and
# press/digital groups weigh 0.4 each and physical integrity, which follows when the product
# of the surveillance is used, 0.2: the roles of the most and least direct groups are swapped.
# The worse of the two readings counts (`licentia.risk.assess`), so physical integrity never
# weighs less than in the general reading when it is the worse evidence.
DEFAULT_GROUPS: tuple[IndicatorGroup, ...] = (
    IndicatorGroup(
        "physical-integrity",
        "Physical integrity: torture, political imprisonment, killings, disappearances",
        0.4,
        (
            "pts.amnesty",
            "pts.hrw",
            "pts.state",
            "fariss.hrp",
            "vdem.v2x_clphy",
        ),
        surveillance_weight=0.2,
    ),
    IndicatorGroup(
        "civil-political-liberties",
        "Civil and political liberties, voice and accountability",
        0.4,
        # Freedom House's political-rights and civil-liberties ratings exist for every edition;
        # its 0..100 total (2013 on) is derived from the same questions, so it is not added.
        ("fh.pr", "fh.cl", "vdem.v2x_libdem", "vdem.v2x_civlib", "wgi.va"),
        surveillance_weight=0.4,
    ),
    IndicatorGroup(
        "expression-and-digital",
        "Press freedom and the state's control of digital communication",
        0.2,
        (
            "rsf.score",
            "rsf.score_2013",
            "vdem.v2smgovsmmon",
            "vdem.v2smgovfilprc",
            "vdem.v2smgovshut",
            "vdem.v2smarrest",
        ),
        surveillance_weight=0.4,
    ),
)

DEFAULT_TECHNOLOGY: Mapping[TechnologyCategory, float] = MappingProxyType(
    {
        # Covert, complete access to the devices of chosen persons; the technology of the
        # FinFisher, Hacking Team, Pegasus and Predator cases.
        TechnologyCategory.INTRUSION: 1.0,
        # The hub where a country's intercepted communications are searched and mapped; its
        # output was used in interrogations (Trovicor, Bahrain).
        TechnologyCategory.MONITORING_CENTRE: 1.0,
        # Content of a population's communications (Amesys Libya, Area Syria).
        TechnologyCategory.IP_NETWORK_SURVEILLANCE: 0.9,
        TechnologyCategory.INTERCEPTION: 0.9,
        # Identify persons at scale in public space: protesters, minorities.
        TechnologyCategory.FACIAL_RECOGNITION: 0.8,
        TechnologyCategory.VOICE_BIOMETRICS: 0.7,
        TechnologyCategory.EMOTION_RECOGNITION: 0.7,
        TechnologyCategory.LOCATION_TRACKING: 0.7,
        TechnologyCategory.SOCIAL_MEDIA_MONITORING: 0.7,
        # Stores everyone's metadata for later use; access needs other systems.
        TechnologyCategory.DATA_RETENTION: 0.6,
        TechnologyCategory.CRYPTANALYSIS: 0.6,
        # Needs the device in hand: ordinary criminal investigations, but also seized phones
        # of detained activists.
        TechnologyCategory.FORENSICS: 0.5,
        # Cameras and video management; analytics may follow persons.
        TechnologyCategory.VIDEO_SURVEILLANCE: 0.4,
    }
)

DEFAULT_END_USER: Mapping[PartyType, float] = MappingProxyType(
    {
        # The bodies criterion 2 is about: those that detain, interrogate and prosecute.
        PartyType.INTELLIGENCE: 1.0,
        PartyType.POLICE: 0.9,
        PartyType.MILITARY: 0.9,
        PartyType.OTHER_GOVERNMENT: 0.6,
        # Operators must give the state access (lawful interception); they are the conduit,
        # not the user.
        PartyType.TELECOM_OPERATOR: 0.5,
        # Can resell or serve the state, but do not detain anyone.
        PartyType.PRIVATE: 0.25,
        PartyType.ACADEMIC: 0.25,
    }
)


def _default_flag_weights() -> Mapping[str, float]:
    return MappingProxyType({flag.id: flag.weight for flag in CATALOGUE})


@dataclass(frozen=True, slots=True)
class RiskConfig:
    """Weights and bands. Every field is documented where it is used; defaults explained."""

    # Names the configuration in every assessment; an authority's changes bump it.
    version: str = "licentia-default-2"
    groups: tuple[IndicatorGroup, ...] = DEFAULT_GROUPS
    # Indicator values older than this (years before the assessment date) are not used: the
    # publishers release yearly, so three years allows for late releases without relying on
    # a record that may have changed.
    max_age_years: int = 3
    # Fewer current indicators than this: the destination has "insufficient data". Two, so
    # that no rating rests on one publisher's coding.
    min_indicators: int = 2
    # The trend is the change over the last five years (a government's term of office).
    trend_years: int = 5
    # Share of a deterioration over the trend window added to the destination's record. An
    # improvement does not lower it: a deterioration is an early warning, an improvement must
    # last before it counts (the record of the last years is already in the value).
    trend_weight: float = 0.5
    # Part of the destination's risk that stands whatever the item and the end user (criterion
    # 2 applies to every export); the rest scales with how directly the technology and the end
    # user can serve repression.
    destination_share: float = 0.5
    # The technology and the end user count equally: criterion 2 asks both what the item can
    # do and who will use it.
    technology_weight: float = 0.5
    end_user_weight: float = 0.5
    # Intrusive technology raises the score above the record, not only scales it down: the
    # record also counts through a second, independent route, base = 1 - (1 - D' s)(1 - D' v),
    # with v = intrusion_uplift * max(0, T - uplift_from) / (1 - uplift_from). Covert remote
    # surveillance is used against the persons a state wishes to watch whether or not it also
    # tortures them. `uplift_from` 0.5 is forensics (the device in hand, the person already in
    # custody): it and everything less intrusive get no uplift; facial recognition gets 0.6 of
    # it, interception and IP network surveillance 0.8, intrusion and monitoring centres all.
    # `intrusion_uplift` 0.75 is fixed by one anchor: for the most intrusive technology to a
    # security service (T = U = 1) "high" (0.50) begins where Freedom House "Free" ends (mean
    # rating 3.0, 1/3 on the scale): 1 - (1 - 1/3)(1 - k/3) = 0.5 gives k = 0.75. Set it to 0
    # for the model of `licentia-default-1`, which never rated above the record.
    intrusion_uplift: float = 0.75
    uplift_from: float = 0.5
    technology: Mapping[TechnologyCategory, float] = DEFAULT_TECHNOLOGY
    # An item that is not a cyber-surveillance item can still serve repression, less directly.
    other_item: float = 0.2
    end_user: Mapping[PartyType, float] = DEFAULT_END_USER
    # End user type not declared: close to a security service (precaution; not declaring is
    # itself a warning sign).
    undeclared_end_user: float = 0.75
    flag_weights: Mapping[str, float] = field(default_factory=_default_flag_weights)
    # A denial by a Member State on criterion 2 answers the same question for this end user.
    denial_criterion_2: float = 0.6
    # A denial on other grounds (diversion, sanctions) says less about repression.
    denial_other: float = 0.3
    # A restricted-party hit counts with this weight times its match score (0..1): a listed
    # end user is a strong signal, a fuzzy name match a weak one.
    screening_hit: float = 0.5
    bands: Bands = field(default_factory=Bands)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy: enum keys as their values."""
        data: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        data["technology"] = {k.value: v for k, v in self.technology.items()}
        data["end_user"] = {k.value: v for k, v in self.end_user.items()}
        data["flag_weights"] = dict(self.flag_weights)
        data["groups"] = [
            {**asdict(group), "indicators": list(group.indicators)} for group in self.groups
        ]
        data["bands"] = asdict(self.bands)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, base: RiskConfig | None = None) -> RiskConfig:
        """`base` (default: the defaults) with the values in `data`; bad values name the field."""
        config = base or DEFAULT_CONFIG
        known = {f.name for f in fields(cls)}
        changes: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                raise InvalidInput(
                    f"config: unknown setting {key!r}; settings are {', '.join(sorted(known))}",
                    details={"field": key},
                )
            changes[key] = _read(key, value, getattr(config, key))
        result = replace(config, **changes)
        result.check()
        return result

    def check(self) -> None:
        """Raise `InvalidInput` naming the first setting that cannot work."""
        if not self.version.strip():
            _bad("version", "must not be empty")
        if not self.groups or any(
            g.weight <= 0 or not g.indicators or g.weight_for(surveillance=True) <= 0
            for g in self.groups
        ):
            _bad(
                "groups",
                "need at least one group, each with a weight > 0 (and a surveillance_weight > 0 "
                "when given) and indicators",
            )
        if len({g.key for g in self.groups}) != len(self.groups):
            _bad("groups", "group keys must be unique")
        if self.uplift_from >= 1:
            _bad("uplift_from", "must be below 1 (the uplift grows from it to intrusiveness 1)")
        if self.max_age_years < 0:
            _bad("max_age_years", "must be 0 or more")
        if self.min_indicators < 1:
            _bad("min_indicators", "must be 1 or more")
        if self.trend_years < 2:
            _bad("trend_years", "must be 2 or more")
        if self.technology_weight + self.end_user_weight <= 0:
            _bad("technology_weight", "technology_weight + end_user_weight must be above 0")
        if not self.bands.medium < self.bands.high < self.bands.very_high:
            _bad("bands", "bands must rise: medium < high < very_high")


def _bad(name: str, message: str) -> NoReturn:
    raise InvalidInput(f"config.{name}: {message}", details={"field": name})


def _unit(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise InvalidInput(
            f"config.{name}: {value!r} is not a number from 0 to 1", details={"field": name}
        )
    return float(value)


def _read(name: str, value: Any, current: Any) -> Any:
    """One setting from JSON, checked against the type of its current value."""
    if name == "version":
        if not isinstance(value, str):
            _bad(name, "must be a string")
        return value
    if name in ("max_age_years", "min_indicators", "trend_years"):
        if isinstance(value, bool) or not isinstance(value, int):
            _bad(name, f"{value!r} is not a whole number")
        return value
    if name == "bands":
        if not isinstance(value, Mapping):
            _bad(name, "must be an object with medium, high, very_high")
        unknown = set(value) - {"medium", "high", "very_high"}
        if unknown:
            _bad(name, f"unknown band(s) {', '.join(sorted(unknown))}")
        return replace(current, **{k: _unit(f"bands.{k}", v) for k, v in value.items()})
    if name == "groups":
        return _groups(value)
    if name == "technology":
        return _mapping(name, value, current, TechnologyCategory)
    if name == "end_user":
        return _mapping(name, value, current, PartyType)
    if name == "flag_weights":
        unknown = set(value) - set(FLAGS) if isinstance(value, Mapping) else set()
        if not isinstance(value, Mapping) or unknown:
            _bad(name, f"keys must be red-flag ids ({', '.join(FLAGS)})")
        merged = dict(current)
        merged.update({k: _unit(f"{name}.{k}", v) for k, v in value.items()})
        return MappingProxyType(merged)
    if isinstance(current, float):
        return _unit(name, value)
    raise AssertionError(f"setting {name} has no reader")  # every field is handled above


def _mapping(name: str, value: Any, current: Mapping[Any, float], enum: type[StrEnum]) -> Any:
    if not isinstance(value, Mapping):
        _bad(name, "must be an object")
    merged = dict(current)
    for key, weight in value.items():
        try:
            member = enum(key)
        except ValueError:
            _bad(name, f"unknown key {key!r}; keys are {', '.join(e.value for e in enum)}")
        merged[member] = _unit(f"{name}.{key}", weight)
    return MappingProxyType(merged)


_GROUP_KEYS = {"key", "title", "weight", "indicators"}


def _groups(value: Any) -> tuple[IndicatorGroup, ...]:
    """Groups from JSON; `surveillance_weight` is optional (configurations stored before it
    existed have none: their surveillance reading is their general reading)."""
    if not isinstance(value, list):
        _bad("groups", "must be a list of {key, title, weight, indicators[, surveillance_weight]}")
    groups = []
    for index, item in enumerate(value):
        where = f"groups[{index}]"
        if not isinstance(item, Mapping) or not _GROUP_KEYS <= set(item) <= _GROUP_KEYS | {
            "surveillance_weight"
        }:
            _bad(where, "needs key, title, weight, indicators, and optionally surveillance_weight")
        indicators = item["indicators"]
        if not isinstance(indicators, list) or not all(isinstance(i, str) for i in indicators):
            _bad(f"{where}.indicators", "must be a list of indicator keys")
        surveillance = item.get("surveillance_weight")
        groups.append(
            IndicatorGroup(
                key=str(item["key"]),
                title=str(item["title"]),
                weight=_unit(f"{where}.weight", item["weight"]),
                indicators=tuple(indicators),
                surveillance_weight=None
                if surveillance is None
                else _unit(f"{where}.surveillance_weight", surveillance),
            )
        )
    return tuple(groups)


DEFAULT_CONFIG = RiskConfig()
