from __future__ import annotations

from enum import StrEnum

import pytest

from licentia.errors import IllegalTransition
from licentia.workflow.machine import StateMachine, Transition


class Door(StrEnum):
    OPEN = "open"
    SHUT = "shut"
    LOCKED = "locked"


class Move(StrEnum):
    SHUT = "shut"
    OPEN = "open"
    LOCK = "lock"
    UNLOCK = "unlock"


DOOR = StateMachine(
    "door",
    Door.OPEN,
    [
        Transition(Move.SHUT, frozenset({Door.OPEN}), Door.SHUT),
        Transition(Move.OPEN, frozenset({Door.SHUT}), Door.OPEN),
        Transition(Move.LOCK, frozenset({Door.SHUT}), Door.LOCKED, needs_reason=True),
        Transition(Move.UNLOCK, frozenset({Door.LOCKED}), Door.SHUT),
    ],
)


@pytest.mark.parametrize(("source", "move", "target"), DOOR.table())
def test_every_row_of_the_table_is_allowed(source: str, move: str, target: str) -> None:
    assert DOOR.target(Door(source), Move(move)) == Door(target)


def test_everything_outside_the_table_is_refused() -> None:
    allowed = {(s, m) for s, m, _ in DOOR.table()}
    for state in Door:
        for move in Move:
            if (state.value, move.value) in allowed:
                continue
            with pytest.raises(IllegalTransition) as caught:
                DOOR.target(state, move)
            assert caught.value.status == 409
            assert f"cannot {move} from {state}" in caught.value.message


def test_allowed_lists_the_transitions_of_a_state() -> None:
    assert DOOR.allowed(Door.SHUT) == [Move.OPEN, Move.LOCK]
    assert DOOR.states() == set(Door)


def test_a_transition_is_declared_once() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        StateMachine(
            "bad",
            Door.OPEN,
            [
                Transition(Move.SHUT, frozenset({Door.OPEN}), Door.SHUT),
                Transition(Move.SHUT, frozenset({Door.OPEN}), Door.LOCKED),
            ],
        )
