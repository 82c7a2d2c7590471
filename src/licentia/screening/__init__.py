"""Restricted-party screening: official lists, one entity model, a name matcher that explains its hits."""

from licentia.screening.compare import (
    NameComparison,
    NameScoring,
    PartHow,
    PartMatch,
    compare_names,
)
from licentia.screening.index import Candidate, ScreeningIndex
from licentia.screening.match import (
    DEFAULT_PROFILE,
    PROFILES,
    Feature,
    FeatureScore,
    Hit,
    MatchProfile,
    ScreeningQuery,
    ScreeningResult,
    profile,
    rank,
    screen,
    screen_many,
)
from licentia.screening.model import (
    Address,
    BirthDate,
    EntitySchema,
    Identifier,
    ListedEntity,
    ListedName,
    ListHeader,
    NameType,
)
from licentia.screening.names import NameAnalysis, NameKind, analyze_name

__all__ = [
    "DEFAULT_PROFILE",
    "PROFILES",
    "Address",
    "BirthDate",
    "Candidate",
    "EntitySchema",
    "Feature",
    "FeatureScore",
    "Hit",
    "Identifier",
    "ListHeader",
    "ListedEntity",
    "ListedName",
    "MatchProfile",
    "NameAnalysis",
    "NameComparison",
    "NameKind",
    "NameScoring",
    "NameType",
    "PartHow",
    "PartMatch",
    "ScreeningIndex",
    "ScreeningQuery",
    "ScreeningResult",
    "analyze_name",
    "compare_names",
    "profile",
    "rank",
    "screen",
    "screen_many",
]
