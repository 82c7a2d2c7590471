"""Access rules, in one place: who may see and do what.

- An exporter's people see only their organisation's applications, licences, parties and
  documents, and never the authority's notes, assessments, recommendations or dossiers.
- An authority's people see only the cases of applications made to their Member State.
- The coordination role reads, and changes nothing.

Views and API handlers ask here and nowhere else. An object outside a user's reach is
reported as not found (404), so its existence does not leak.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Model, QuerySet

from licentia.accounts.models import Organisation, OrganisationKind, Role
from licentia.accounts.services import NoOrganisation, NotAuthenticated
from licentia.applications.models import Application, ApplicationDocument, Party
from licentia.cases.models import Case
from licentia.errors import LicentiaError, NotFound
from licentia.licences.models import Licence

User = AbstractBaseUser | AnonymousUser
M = TypeVar("M", bound=Model)


class Forbidden(LicentiaError):
    status = 403
    code = "forbidden"


_EXPORTER_ROLES = frozenset({Role.EXPORTER_ADMINISTRATOR, Role.EXPORTER_MEMBER})
_OFFICER_ROLES = frozenset(
    {Role.LICENSING_OFFICER, Role.SENIOR_OFFICER, Role.AUTHORITY_ADMINISTRATOR}
)


@dataclass(frozen=True)
class Actor:
    """The signed-in user with the organisation and role they act in."""

    user: AbstractBaseUser
    organisation: Organisation
    role: Role

    @property
    def is_exporter(self) -> bool:
        return self.role in _EXPORTER_ROLES and self.organisation.kind != OrganisationKind.AUTHORITY

    @property
    def is_authority(self) -> bool:
        """Anyone with an authority role (coordination included) in a competent authority."""
        return self.role.is_authority and self.organisation.kind == OrganisationKind.AUTHORITY

    @property
    def is_officer(self) -> bool:
        """A licensing officer, senior officer or administrator of a competent authority."""
        return self.is_authority and self.role in _OFFICER_ROLES

    @property
    def is_coordination(self) -> bool:
        """The read-only coordination role: no exporter's data and no case here."""
        return self.role == Role.COORDINATION_READER

    @property
    def member_state(self) -> str:
        return self.organisation.member_state


def actor_of(user: User) -> Actor:
    if not user.is_authenticated:
        raise NotAuthenticated("sign in first")
    membership = getattr(user, "membership", None)
    if membership is None:
        raise NoOrganisation("your account does not belong to an organisation")
    return Actor(user, membership.organisation, Role(membership.role))  # type: ignore[arg-type]


def require(user: User, *roles: Role) -> Actor:
    """The actor, if their role is one of `roles`; `Forbidden` otherwise."""
    actor = actor_of(user)
    if actor.role not in roles:
        allowed = ", ".join(r.label for r in roles)
        raise Forbidden(f"this needs one of these roles: {allowed}")
    if actor.role.is_authority != (actor.organisation.kind == OrganisationKind.AUTHORITY):
        raise Forbidden(
            "your role does not match your organisation: authority roles belong to competent "
            "authorities, exporter roles to companies"
        )
    return actor


def require_exporter(user: User, *, administrator: bool = False) -> Actor:
    roles = (Role.EXPORTER_ADMINISTRATOR,) if administrator else tuple(_EXPORTER_ROLES)
    return require(user, *roles)


def require_officer(user: User, *, senior: bool = False) -> Actor:
    roles = (Role.SENIOR_OFFICER,) if senior else tuple(_OFFICER_ROLES)
    return require(user, *roles)


# -- what each actor may see ---------------------------------------------------------------


def applications_for(user: User) -> QuerySet[Application]:
    """Exporters: their organisation's; authorities: those made to their Member State
    (drafts never); the coordination role: none here (it reads shared denials)."""
    actor = actor_of(user)
    if actor.is_exporter:
        return Application.objects.filter(organisation=actor.organisation)
    if actor.is_officer:
        return Application.objects.filter(case__authority=actor.organisation)
    return Application.objects.none()


def cases_for(user: User) -> QuerySet[Case]:
    actor = actor_of(user)
    if actor.is_officer:
        return Case.objects.filter(authority=actor.organisation)
    return Case.objects.none()


def licences_for(user: User) -> QuerySet[Licence]:
    actor = actor_of(user)
    if actor.is_exporter:
        return Licence.objects.filter(holder=actor.organisation)
    if actor.is_officer:
        return Licence.objects.filter(authority=actor.organisation)
    return Licence.objects.none()


def parties_for(user: User) -> QuerySet[Party]:
    actor = actor_of(user)
    if actor.is_exporter:
        return Party.objects.filter(organisation=actor.organisation)
    return Party.objects.none()


def documents_for(user: User) -> QuerySet[ApplicationDocument]:
    """The documents of the applications the user may see (the same rule as applications)."""
    return ApplicationDocument.objects.filter(application__in=applications_for(user))


def get_application(user: User, pk: int) -> Application:
    return _get(applications_for(user), pk, "application")


def get_case(user: User, pk: int) -> Case:
    return _get(cases_for(user), pk, "case")


def get_licence(user: User, pk: int) -> Licence:
    return _get(licences_for(user), pk, "licence")


def get_party(user: User, pk: int) -> Party:
    return _get(parties_for(user), pk, "party")


def get_document(user: User, pk: int) -> ApplicationDocument:
    return _get(documents_for(user), pk, "document")


def _get(queryset: QuerySet[M], pk: int, what: str) -> M:
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise NotFound(f"no {what} {pk} that you may see")
    return found
