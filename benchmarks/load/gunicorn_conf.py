"""gunicorn settings of the load benchmark: with `--preload`, the engines the dossier uses
(screening index, rule engine, control-list index, indicator store) are built once in the
master before it forks, with the URLconf (every view and API module), so every worker starts
with them (copy-on-write) instead of paying for them on its first requests. A production deployment does the same (docs in README)."""

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
    from licentia.screenings.services import current_index

    started = time.perf_counter()
    _ = get_resolver().url_patterns  # imports every view and API module (about 3 s per process)
    current_index()
    engine()
    controls.index_for(list_version=controls.get_version(regime=Regime.EU_ANNEX_I))
    store()
    # No connection may cross the fork: each worker opens its own.
    connections.close_all()
    server.log.info("engines warmed in %.1f s before forking", time.perf_counter() - started)
