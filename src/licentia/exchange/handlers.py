"""Who applies a received message: a registry of handlers by kind, then the coordination app.

A handler is called as `handler(kind, payload, sender=Sender(member_state, deployment))` inside the transaction that marks
the message applied; if it raises, nothing it wrote stays and the message is retried later. A
handler must be idempotent on its own data too (the inbox already applies a message id once).

    from licentia.exchange.handlers import register

    @register("test.note")
    def note(kind, payload, *, sender): ...

Kinds with no registered handler go to the coordination app's `apply_incoming` (in
`licentia.coordination.incoming`, else `.services`) when that app is installed.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from licentia.exchange import conf
from licentia.exchange.envelope import Sender


class Handler(Protocol):
    def __call__(self, kind: str, payload: Mapping[str, Any], *, sender: Sender) -> object: ...


class NoHandler(LookupError):
    pass


_registry: dict[str, Handler] = {}


def register(kind: str, handler: Handler | None = None) -> Callable[[Handler], Handler]:
    """Register `handler` for `kind` (also usable as a decorator)."""

    def add(function: Handler) -> Handler:
        _registry[kind] = function
        return function

    if handler is not None:
        add(handler)
    return add


def unregister(kind: str) -> None:
    _registry.pop(kind, None)


def registered() -> dict[str, Handler]:
    return dict(_registry)


def dispatch(kind: str, payload: Mapping[str, Any], *, sender: Sender) -> object:
    """Apply one message: a registered handler gets the `Sender`; the coordination app's
    `apply_incoming(kind, payload, sender=<Member State code>)` gets the code it expects."""
    if kind in _registry:
        return _registry[kind](kind, payload, sender=sender)
    coordination = _coordination()
    if coordination is not None:
        return coordination(kind, dict(payload), sender=sender.member_state)
    raise NoHandler(f"no handler for message kind {kind!r} on this deployment")


COORDINATION_MODULES = ("licentia.coordination.incoming", "licentia.coordination.services")


def _coordination() -> Callable[..., object] | None:
    """`apply_incoming` of the coordination app, where it is installed."""
    from django.apps import apps

    if not apps.is_installed("licentia.coordination"):
        return None
    for name in COORDINATION_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith("licentia.coordination"):
                continue
            raise
        apply_incoming: Callable[..., object] | None = getattr(module, "apply_incoming", None)
        if apply_incoming is not None:
            return apply_incoming
    return None


def load_configured_modules() -> None:
    """Import the modules named in LICENTIA_EXCHANGE_HANDLERS (they call `register`)."""
    for name in conf.handler_modules():
        importlib.import_module(name)
