"""ombud's one settings module: every knob is an ``OMBUD_*`` environment variable (see docs/settings.md)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ombud.conf import env_bool, env_file, env_float, env_int, env_list, env_path, env_str, write_private

# scikit-learn's OpenMP threads otherwise spin while they wait for one another; where other work
# shares the cores (the worker training beside the web process, two evaluations at once) the spinning
# made an evaluation two to three times slower, and minutes long under a test run's load. Waiting
# passively costs next to nothing on an idle machine. Set before scikit-learn is first imported
# (only inside the functions that need it), so it holds in every process.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = env_path("OMBUD_DATA_DIR", Path.cwd() / "var")
DATA_DIR.mkdir(parents=True, exist_ok=True)

PRODUCTION = env_bool("OMBUD_PRODUCTION", False)
DEBUG = env_bool("OMBUD_DEBUG", False)


def _secret_key() -> str:
    """Production must be given a key; a local instance keeps a generated one in its data directory."""
    given = env_str("OMBUD_SECRET_KEY", "")
    if given:
        if len(given) < 50:
            raise ImproperlyConfigured("OMBUD_SECRET_KEY must be at least 50 characters long")
        return given
    if PRODUCTION:
        raise ImproperlyConfigured("OMBUD_SECRET_KEY (or OMBUD_SECRET_KEY_FILE) must be set in production")
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        write_private(key_file, secrets.token_urlsafe(64).encode(), replace=False)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("OMBUD_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("OMBUD_CSRF_TRUSTED_ORIGINS", [])
PORT = env_int("OMBUD_PORT", 8000, minimum=1, maximum=65535)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "ombud.core",
    "ombud.audit",
    "ombud.accounts",
    "ombud.org",
    "ombud.intake",
    "ombud.cases",
    "ombud.discipline",
    "ombud.reviews",
    "ombud.risk",
    "ombud.transparency",
    "ombud.world",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ombud.accounts.barred.BarredOfficerMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "ombud.urls"
WSGI_APPLICATION = "ombud.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]


def _database() -> dict[str, object]:
    url = env_str("DATABASE_URL", "")
    if url:
        try:
            config = dict(dj_database_url.parse(url, conn_max_age=60))
        except ValueError as exc:
            raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from exc
        return config
    return {
        "ENGINE": "ombud.core.sqlite",
        "NAME": DATA_DIR / "ombud.sqlite3",
        "OPTIONS": {
            # IMMEDIATE takes the write lock when a transaction starts, so two writers queue on the
            # busy timeout instead of one failing with "database is locked" on lock upgrade.
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env_str("OMBUD_LANGUAGE", "en")
# A font file that draws Chinese and Korean in PDFs, where the machine's is not where Debian puts it.
PDF_FONT = env_file("OMBUD_PDF_FONT")
LANGUAGES = [("en", _("English")), ("ko", _("Korean")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("OMBUD_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Outside production, serve static files straight from the apps: no collectstatic step to forget.
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = DATA_DIR / "files"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "ombud.accounts.barred.NotBarred",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "ombud.core.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # How many reverse proxies stand before the server. Throttles tell clients apart by address:
    # left unset, DRF would believe a client's own X-Forwarded-For header, and one client could
    # pose as thousands and guess receipts unthrottled. 0 reads the connection's own address.
    "NUM_PROXIES": env_int("OMBUD_PROXIES", 0, minimum=0, maximum=10),
    "DEFAULT_THROTTLE_RATES": {
        # Receipt guessing: per client and, against many clients at once, for the whole instance.
        "receipt": env_str("OMBUD_RATE_RECEIPT", "20/min"),
        "receipt_all": env_str("OMBUD_RATE_RECEIPT_ALL", "600/min"),
        "file": env_str("OMBUD_RATE_FILE", "30/min"),
        "search": env_str("OMBUD_RATE_SEARCH", "120/min"),
    },
}

# Background work goes through Django's task API (the django-tasks backport) with the database
# backend: no extra server on one machine; `ombud worker` runs the tasks and the periodic jobs.
TASKS = {"default": {"BACKEND": env_str("OMBUD_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Throttling counts must be shared by every worker process of the server: a file cache under the
# data directory does that without another server to run.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache"),
        "OPTIONS": {"MAX_ENTRIES": 20000},
    }
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ombud API",
    "DESCRIPTION": "Integrity and accountability for public-security forces.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # One name for a choice set that several fields share (a measure's kind, a resolution's measure).
    "ENUM_NAME_OVERRIDES": {
        "MeasureKindEnum": "ombud.discipline.models.Measure.Kind",
        # The roles an account is given (an officer's own comes with his officer record), and every role.
        "GrantedRoleEnum": "ombud.accounts.models.GRANTED_ROLES",
        "RoleEnum": "ombud.accounts.models.Role",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "ombud.core.openapi.declare_errors",
    ],
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# The CSRF token cookie every form needs lasts as long as the browser is open, not a year: a cookie
# kept for a year would let one visit of the complaint portal be linked to the next.
CSRF_COOKIE_AGE = None
CSRF_FAILURE_VIEW = "ombud.core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Every page loads scripts, styles, images and fonts from this site only, and sends forms only here:
# text someone managed to slip into a page (a complaint's, a name) can neither run nor call out,
# and the complaint portal loads nothing from anywhere a visit could be seen. The pages have no
# inline script or style element; style attributes are allowed (the admin's and the browsable
# API's templates use a few), which can style but not run or fetch anything.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("OMBUD_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("OMBUD_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Key material (field encryption, receipt hashing, the instance's signing key): from OMBUD_*_KEY
# variables or files in this directory, never in the database (docs/keys.md).
KEY_DIR = env_path("OMBUD_KEY_DIR", DATA_DIR / "keys")

# Complaints: how long a receipt keeps working after its complaint is closed, and how many distinct
# complainants about one officer within how many days send complaints up before their deadline.
OMBUD_RECEIPT_DAYS_AFTER_CLOSE = env_int("OMBUD_RECEIPT_DAYS_AFTER_CLOSE", 365, minimum=1)
OMBUD_MANY_VOICES_COMPLAINANTS = env_int("OMBUD_MANY_VOICES_COMPLAINANTS", 3, minimum=2)
OMBUD_MANY_VOICES_DAYS = env_int("OMBUD_MANY_VOICES_DAYS", 90, minimum=1)
OMBUD_MAX_UPLOAD_BYTES = env_int("OMBUD_MAX_UPLOAD_BYTES", 15 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = OMBUD_MAX_UPLOAD_BYTES * 4
FILE_UPLOAD_MAX_MEMORY_SIZE = OMBUD_MAX_UPLOAD_BYTES

# Due process: days an officer has to respond to a notice, and to appeal a decided measure.
OMBUD_RESPONSE_DAYS = env_int("OMBUD_RESPONSE_DAYS", 14, minimum=1)
OMBUD_APPEAL_DAYS = env_int("OMBUD_APPEAL_DAYS", 14, minimum=1)
# How long after his complaint is closed a complainant may ask the body above to review it.
OMBUD_REVIEW_DAYS = env_int("OMBUD_REVIEW_DAYS", 28, minimum=1)

# Mail to staff (escalation notices). Without a mail server configured, messages are written as
# files under the data directory, where an operator can read them.
EMAIL_BACKEND = env_str("OMBUD_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = env_str("OMBUD_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("OMBUD_EMAIL_PORT", 25, minimum=1, maximum=65535)
DEFAULT_FROM_EMAIL = env_str("OMBUD_EMAIL_FROM", "ombud@localhost")

# How many days of history the officer dossier shows by default (the "last ten years" of an assembly).
OMBUD_DOSSIER_YEARS = env_int("OMBUD_DOSSIER_YEARS", 10, minimum=1, maximum=100)
# The share of the force (per cent) whose early-warning score raises an alert.
OMBUD_RISK_ALERT_PERCENT = env_float("OMBUD_RISK_ALERT_PERCENT", 2.0, above=0, maximum=100)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("OMBUD_LOG_LEVEL", "WARNING").upper()},
}
