"""Settings shared by the load benchmark's scripts: the database, the environment, Django."""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SHARED = ROOT.parent / "shared" / "data"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
DEFAULT_DATABASE = "licentia_load"


def environment(*, server: str, database: str, work: Path) -> dict[str, str]:
    """The environment the seeder, the app server and the peers run with."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "licentia.web.settings",
        "DATABASE_URL": f"{server}/{database}",
        "LICENTIA_SECRET_KEY": "load-benchmark-only-" + "x" * 40,
        "LICENTIA_DATA_DIR": str(work / "var"),
        "LICENTIA_PRIVATE_FILES": str(work / "private"),
        "LICENTIA_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Persistent connections, as a production deployment runs (0 opens one per request).
        "LICENTIA_DB_CONN_MAX_AGE": os.environ.get("LICENTIA_DB_CONN_MAX_AGE", "600"),
        "LICENTIA_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LICENTIA_LOG_LEVEL": "ERROR",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(HERE)]),
    }


def setup_django() -> None:
    """Call once, in a process started with `environment()`."""
    sys.path[:0] = [str(ROOT / "src"), str(HERE)]
    import django

    django.setup()
