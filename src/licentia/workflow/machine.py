"""A state machine as data: named transitions from some states to one target state.

Applications, cases, licences, consultations and denials each declare one `StateMachine`.
The table is what the documentation prints and the tests walk; `target` is the only place
that decides whether a transition is allowed, and an illegal one raises `IllegalTransition`
(HTTP 409), never a silent no-op.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from licentia.errors import IllegalTransition

S = TypeVar("S", bound=StrEnum)
T = TypeVar("T", bound=StrEnum)


@dataclass(frozen=True, slots=True)
class Transition(Generic[S, T]):
    """`name` moves an object from any of `sources` to `target`.

    `actors` names who may apply it (role codes the access rules understand); `needs_reason`
    marks transitions whose audit event must say why (refusals, revocations...).
    """

    name: T
    sources: frozenset[S]
    target: S
    actors: frozenset[str] = frozenset()
    needs_reason: bool = False


class StateMachine(Generic[S, T]):
    def __init__(self, name: str, initial: S, transitions: Iterable[Transition[S, T]]) -> None:
        self.name = name
        self.initial = initial
        self.transitions: dict[T, Transition[S, T]] = {}
        for transition in transitions:
            if transition.name in self.transitions:
                raise ValueError(f"{name}: transition {transition.name} declared twice")
            self.transitions[transition.name] = transition

    def transition(self, name: T) -> Transition[S, T]:
        return self.transitions[name]

    def target(self, state: S, name: T) -> S:
        """The state `name` leads to from `state`, or `IllegalTransition` saying why not."""
        transition = self.transitions.get(name)
        if transition is None:
            raise IllegalTransition(
                f"{self.name}: there is no transition {name!r}",
                details={"machine": self.name, "state": str(state), "transition": str(name)},
            )
        if state not in transition.sources:
            allowed = ", ".join(sorted(str(t) for t in self.allowed(state))) or "none"
            raise IllegalTransition(
                f"{self.name}: cannot {name} from {state}; allowed from {state}: {allowed}",
                details={"machine": self.name, "state": str(state), "transition": str(name)},
            )
        return transition.target

    def allowed(self, state: S) -> list[T]:
        return [t.name for t in self.transitions.values() if state in t.sources]

    def table(self) -> list[tuple[str, str, str]]:
        """(from, transition, to) rows, for documentation and the transition-table tests."""
        return [
            (str(source), str(t.name), str(t.target))
            for t in self.transitions.values()
            for source in sorted(t.sources)
        ]

    def states(self) -> set[S]:
        found = {self.initial}
        for t in self.transitions.values():
            found |= t.sources | {t.target}
        return found
