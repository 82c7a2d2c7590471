"""gunicorn settings for `licentia serve` (and the load benchmark).

With `--preload`, the engines the dossier uses (screening index and rigour's name tagger, rule
engine, control-list index, indicator store) and every view module are loaded once in the
master before it forks, so workers start with them (copy-on-write) instead of paying for
them on their first requests: the name tagger alone takes 9-18 s to load, enough for a
worker's first submission to time out under load.
"""

from __future__ import annotations

import time
from typing import Any


def when_ready(server: Any) -> None:
    from django.db import connections
    from django.urls import get_resolver

    from licentia.controllists import services as controls
    from licentia.controls.model import Regime
    from licentia.determinations.services import engine
    from licentia.errors import LicentiaError
    from licentia.indicators.services import store
    from licentia.screenings.services import make_query, screen_parties

    started = time.perf_counter()
    _ = get_resolver().url_patterns  # imports every view and API module
    warm_ups = {
        "screening": lambda: screen_parties(
            queries=[
                make_query(name="Warm-up Trading LLC", country=None, party_type=None),
                make_query(name="Ivan Petrov", country=None, party_type=None),
            ]
        ),
        "rules": engine,
        "control list": lambda: controls.index_for(
            list_version=controls.get_version(regime=Regime.EU_ANNEX_I)
        ),
        "indicators": store,
    }
    for name, warm_up in warm_ups.items():
        try:
            warm_up()
        except LicentiaError as error:  # e.g. no list imported yet: the first request says so
            server.log.warning("%s not warmed: %s", name, error.message)
    # No connection may cross the fork: each worker opens its own.
    connections.close_all()
    server.log.info("engines warmed in %.1f s before forking", time.perf_counter() - started)
