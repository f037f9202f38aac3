"""Settings for luoshi, read from the environment.

One file, as healthchecks does it: every option comes from an environment variable with a
sensible default for the embedded demo (SQLite under ./var). Secrets come from the environment,
from a file named by NAME_FILE, or (for the secret key only) from a file generated once under
the data directory.

    DATABASE_URL        sqlite:///path or postgres://user@host:port/db (default: var/luoshi.sqlite3)
    LUOSHI_DATA_DIR     where the SQLite database, secret key and uploads live (default: ./var)
    LUOSHI_SECRET_KEY   Django's SECRET_KEY (or LUOSHI_SECRET_KEY_FILE)
    LUOSHI_DEBUG        "1" to enable debug pages (never in production)
    LUOSHI_ALLOWED_HOSTS comma-separated host names (default: 127.0.0.1,localhost)
    LUOSHI_LOGIN_FAILURE_LIMIT  failed logins before an account is locked (default 5)
    LUOSHI_LOCKOUT_MINUTES      how long a lockout lasts (default 15)
    LUOSHI_LEDGER_MAX_ROWS      rows one ledger upload may hold (default 200000)
    LUOSHI_LEDGER_MAX_UPLOAD_MB size of a ledger upload (default 30)
    LUOSHI_BURDEN_CAP_FIELDS_PER_MONTH  fields a month a grassroots unit may be asked for
                                before the burden meter warns (default 300)
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def envbool(name: str, default: str = "0") -> bool:
    return os.environ.get(name, default).lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def envsecret(name: str) -> str | None:
    """A secret from NAME, or from the file named by NAME_FILE."""
    if name in os.environ:
        return os.environ[name]
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return None


DATA_DIR = Path(os.environ.get("LUOSHI_DATA_DIR", PROJECT_DIR / "var")).resolve()


def _secret_key() -> str:
    key = envsecret("LUOSHI_SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("LUOSHI_DEBUG")
ALLOWED_HOSTS = os.environ.get("LUOSHI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "luoshi.core",
    "luoshi.units",
    "luoshi.accounts",
    "luoshi.audit",
    "luoshi.tasks",
    "luoshi.reports",
    "luoshi.indicators",
    "luoshi.dashboard",
    "luoshi.readouts",
    "luoshi.ledgers",
    "luoshi.inspections",
    "luoshi.supervision",
    "luoshi.assessment",
    "luoshi.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "luoshi.core.middleware.SiteLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "luoshi.core.middleware.SecurityHeadersMiddleware",
    "luoshi.core.middleware.DomainErrorMiddleware",
    # Axes must come last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "luoshi.urls"
WSGI_APPLICATION = "luoshi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'luoshi.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside a writer; IMMEDIATE transactions take the write lock up
    # front, so two writers queue on busy_timeout instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=10000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock an account (not an address: a whole county office often shares one NAT address)
# after repeated failures; the right password is refused too until the cool-off ends.
AXES_FAILURE_LIMIT = envint("LUOSHI_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("LUOSHI_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# axes.W006 asks to lock by address too; see above for why luoshi locks by account only.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# --- Sessions and security --------------------------------------------------------------------
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = envbool("LUOSHI_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("LUOSHI_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# --- Internationalization ---------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# Every catalog lives in its app's locale/ folder (the foundation's in luoshi/core/locale), so
# makemessages run in an app folder without one fails instead of overwriting another's.
LOCALE_PATHS: list[Path] = []
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# ECharts comes from npm (package.json; ./setup.sh runs npm ci): a few files of node_modules
# are served as vendor/echarts/… (see luoshi.dashboard.finders).
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "luoshi.dashboard.finders.VendorFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"

# --- Tasks ------------------------------------------------------------------------------------
# Warning-light thresholds (keys of luoshi.tasks.lights.Thresholds), e.g. {"red_lag": 25}.
LUOSHI_LIGHTS: dict[str, int] = {}
LUOSHI_ATTACHMENT_MAX_BYTES = envint("LUOSHI_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Supervision: the worker, reminders, the outbox -------------------------------------------
# The worker (`luoshi worker`) runs django-tasks jobs from the database queue and the sweeps.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Reminders: working days before a deadline or milestone ("3,0" = three working days before,
# and on the day); escalate to the supervising parent after this many missed reporting cycles.
LUOSHI_REMINDER_LEADS = [int(x) for x in os.environ.get("LUOSHI_REMINDER_LEADS", "3,0").split(",") if x.strip()]
LUOSHI_ESCALATE_AFTER = envint("LUOSHI_ESCALATE_AFTER", 2)
# Sending: first retry after BACKOFF seconds, doubling, at most MAX_ATTEMPTS tries; a send still
# marked "sending" after LEASE seconds belonged to a worker that died and is tried again.
LUOSHI_OUTBOX_BACKOFF = float(os.environ.get("LUOSHI_OUTBOX_BACKOFF", "60"))
LUOSHI_OUTBOX_MAX_ATTEMPTS = envint("LUOSHI_OUTBOX_MAX_ATTEMPTS", 8)
LUOSHI_OUTBOX_LEASE = float(os.environ.get("LUOSHI_OUTBOX_LEASE", "120"))
LUOSHI_WORKER_INTERVAL = float(os.environ.get("LUOSHI_WORKER_INTERVAL", "5"))
LUOSHI_WEBHOOK_TIMEOUT = float(os.environ.get("LUOSHI_WEBHOOK_TIMEOUT", "10"))
# Email (SMTP) for notifications.
EMAIL_HOST = os.environ.get("LUOSHI_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("LUOSHI_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("LUOSHI_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = envsecret("LUOSHI_EMAIL_PASSWORD") or ""
EMAIL_USE_TLS = envbool("LUOSHI_EMAIL_TLS")
EMAIL_USE_SSL = envbool("LUOSHI_EMAIL_SSL")
EMAIL_TIMEOUT = envint("LUOSHI_EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = os.environ.get("LUOSHI_EMAIL_FROM", "luoshi@localhost")

# --- API --------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

# --- Ledgers ----------------------------------------------------------------------------------
LUOSHI_LEDGER_MAX_ROWS = envint("LUOSHI_LEDGER_MAX_ROWS", 200_000)
LUOSHI_LEDGER_MAX_UPLOAD_MB = envint("LUOSHI_LEDGER_MAX_UPLOAD_MB", 30)
LUOSHI_LEDGER_MAX_UNCOMPRESSED_MB = envint("LUOSHI_LEDGER_MAX_UNCOMPRESSED_MB", 400)
LUOSHI_BURDEN_CAP_FIELDS_PER_MONTH = envint("LUOSHI_BURDEN_CAP_FIELDS_PER_MONTH", 300)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LUOSHI_LOG_LEVEL", "WARNING")},
}
