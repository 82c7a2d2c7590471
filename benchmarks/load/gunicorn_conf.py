"""gunicorn settings of the load benchmark: with `--preload`, the engines the dossier uses
(screening index and rigour's name tagger, rule engine, control-list index, indicator store)
and the URLconf (every view and API module) are loaded once in the master before it forks, so
every worker starts with them (copy-on-write) instead of paying for them on its first
requests. A production deployment should do the same (see README)."""

from __future__ import annotations

import time
from typing import Any


def when_ready(server: Any) -> None:
    from django.db import connections
    from django.urls import get_resolver

    from licentia.controllists import services as controls
    from licentia.controls.model import Regime
    from licentia.determinations.services import engine
    from licentia.indicators.services import store
    from licentia.screenings.services import current_index, make_query, screen_parties

    started = time.perf_counter()
    _ = get_resolver().url_patterns  # imports every view and API module (about 3 s per process)
    current_index()
    # The first name analysis of a process loads rigour's name tagger: 9-18 s on this machine,
    # which a worker would otherwise pay on its first submission (and time out under load).
    screen_parties(
        queries=[
            make_query(name="Warm-up Trading LLC", country=None, party_type=None),
            make_query(name="Ivan Petrov", country=None, party_type=None),
        ]
    )
    engine()
    controls.index_for(list_version=controls.get_version(regime=Regime.EU_ANNEX_I))
    store()
    # No connection may cross the fork: each worker opens its own.
    connections.close_all()
    server.log.info("engines warmed in %.1f s before forking", time.perf_counter() - started)
