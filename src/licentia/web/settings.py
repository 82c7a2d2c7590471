"""Django settings, read from the environment when the process starts.

Safe by default: DEBUG is off and a secret key is required unless LICENTIA_DEMO=1, which the
demo sets to run on an embedded SQLite file with a throwaway key.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEMO = _flag("LICENTIA_DEMO")
DEBUG = _flag("LICENTIA_DEBUG", default=DEMO)
DATA_DIR = Path(os.environ.get("LICENTIA_DATA_DIR", Path.cwd() / "var")).resolve()

SECRET_KEY = os.environ.get("LICENTIA_SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEMO or DEBUG or _flag("LICENTIA_TESTING")):
        raise ImproperlyConfigured(
            "LICENTIA_SECRET_KEY is not set. Set it to a long random value "
            "(or LICENTIA_DEMO=1 for the demo)."
        )
    SECRET_KEY = "licentia-insecure-demo-key-not-for-production"

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get(
        "LICENTIA_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver" if DEBUG else ""
    ).split(",")
    if host.strip()
]
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("LICENTIA_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Serves the interactive API docs from its own static files instead of a CDN.
    "ninja",
    "licentia.accounts",
    "licentia.audit",
    "licentia.controllists",
    "licentia.products",
    "licentia.determinations",
    "licentia.partylists",
    "licentia.screenings",
    "licentia.indicators",
    "licentia.riskassessments",
    "licentia.applications",
    "licentia.cases",
    "licentia.licences",
    "licentia.notifications",
    "licentia.transparency",
    "licentia.coordination",
    "licentia.exchange",
    "licentia.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Authority users (and anyone enrolled) reach only the second-factor pages until they pass it.
    "licentia.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "licentia.web.urls"
WSGI_APPLICATION = "licentia.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    # The embedded default needs its folder; a server database does not.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{DATA_DIR / 'licentia.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(os.environ.get("LICENTIA_DB_CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2id first: new and upgraded passwords use it; older hashes still verify and are rehashed.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# In debug runs WhiteNoise serves from the apps' folders; `licentia serve` collects first.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/products/"
LOGOUT_REDIRECT_URL = "/"

# E-mail (password reset, notifications) through Django's mailers. The demo prints messages
# on the console; otherwise they go through the SMTP server configured here.
MAILERS = {
    "default": {
        "BACKEND": os.environ.get(
            "LICENTIA_EMAIL_BACKEND",
            "django.core.mail.backends.console.EmailBackend"
            if DEMO
            else "django.core.mail.backends.smtp.EmailBackend",
        ),
    }
}
if MAILERS["default"]["BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("LICENTIA_EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("LICENTIA_EMAIL_PORT", "25")),
        "username": os.environ.get("LICENTIA_EMAIL_USER", ""),
        "password": os.environ.get("LICENTIA_EMAIL_PASSWORD", ""),
        "use_tls": _flag("LICENTIA_EMAIL_TLS"),
    }
DEFAULT_FROM_EMAIL = os.environ.get("LICENTIA_EMAIL_FROM", "licentia@localhost")

# Sign-in protection (docs/accounts.md): after MAX_FAILURES failed attempts on one user name, or
# MAX_FAILURES_PER_ADDRESS from one address, within WINDOW seconds, sign-in is refused for
# LOCKOUT seconds. Counted in the database, so every worker process sees the same counts.
LICENTIA_SIGNIN_MAX_FAILURES = int(os.environ.get("LICENTIA_SIGNIN_MAX_FAILURES", "5"))
LICENTIA_SIGNIN_MAX_FAILURES_PER_ADDRESS = int(
    os.environ.get("LICENTIA_SIGNIN_MAX_FAILURES_PER_ADDRESS", "20")
)
LICENTIA_SIGNIN_WINDOW = int(os.environ.get("LICENTIA_SIGNIN_WINDOW", "900"))
LICENTIA_SIGNIN_LOCKOUT = int(os.environ.get("LICENTIA_SIGNIN_LOCKOUT", "900"))
# How many reverse proxies add themselves to X-Forwarded-For before Licentia (0: none, use the
# connection's address). Behind one TLS proxy, set 1, or every user shares the proxy's address.
LICENTIA_TRUSTED_PROXIES = int(os.environ.get("LICENTIA_TRUSTED_PROXIES", "0"))
# The name authenticator apps show next to the account.
LICENTIA_MFA_ISSUER = os.environ.get("LICENTIA_MFA_ISSUER", "Licentia")
# Longest validity of an API token, in days: for everyone, and for authority users.
LICENTIA_API_TOKEN_MAX_DAYS = int(os.environ.get("LICENTIA_API_TOKEN_MAX_DAYS", "365"))
LICENTIA_AUTHORITY_API_TOKEN_MAX_DAYS = int(
    os.environ.get("LICENTIA_AUTHORITY_API_TOKEN_MAX_DAYS", "90")
)

# Uploads of list files go through the CLI; the web layer caps request bodies.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Application documents: private (no URL serves this folder; a view checks access), and capped.
MEDIA_ROOT = Path(os.environ.get("LICENTIA_PRIVATE_FILES", DATA_DIR / "private")).resolve()
LICENTIA_UPLOAD_MAX_BYTES = int(os.environ.get("LICENTIA_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))

# National control measures (Art 9 of Regulation (EU) 2021/821) for licence determination:
# a JSON file an operator keeps (docs/determination.md); empty for none.
LICENTIA_NATIONAL_MEASURES = os.environ.get("LICENTIA_NATIONAL_MEASURES", "")
# Public portal (docs/portal.md): how long a page stays cached within one data version.
LICENTIA_PORTAL_CACHE_SECONDS = int(os.environ.get("LICENTIA_PORTAL_CACHE_SECONDS", "3600"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LICENTIA_LOG_LEVEL", "WARNING")},
}
