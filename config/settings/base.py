"""Settings shared by every environment; values come from the environment."""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[2]
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-only-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
# The absolute base URL printed on certificates' QR codes and in emails.
SITE_URL = env("LANTOA_SITE_URL", default="http://127.0.0.1:8000")
# Production requires a public https LANTOA_SITE_URL before any certificate is issued (core.site).
LANTOA_SITE_URL_REQUIRED = False

INSTALLED_APPS = [
    "accounts.admin_apps.LantoaAdminConfig",  # the admin, for the Office only (accounts/admin_site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "import_export",
    "treebeard",
    "django_htmx",
    "django_celery_beat",
    "auditlog",  # the audit trail (components/audit.py)
    "core",
    "accounts",
    "orgchart",
    "courses",
    "quizzes",
    "certificates",
    "reports",
    "nominations",
    "notifications",
    "semiannual",
    "publication",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.PrivateCacheMiddleware",  # a page that knows the user is never cached publicly
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.HostileInputMiddleware",  # NUL characters → 400, ids beyond 64 bits → 404
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RequireMfaMiddleware",
    "auditlog.middleware.AuditlogMiddleware",  # who made each change (components/audit.py)
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
# A form sent after its CSRF token expired: the site's own page, in the user's language (core/views.py).
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "orgchart.context_processors.roles",
            ],
        },
    },
]

# SQLite (WAL, see core.apps) is the embedded default; DATABASE_URL selects PostgreSQL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Server-side parameters, so that psycopg prepares a statement the connection has run
    # `prepare_threshold` times: PostgreSQL then skips parsing and planning the learner pages'
    # repeated queries (measured by benchmarks/page_cpu.py). 0 turns preparing off; a
    # transaction-mode pooler (PgBouncer < 1.21) needs DATABASE_SERVER_SIDE_BINDING=false.
    if env.bool("DATABASE_SERVER_SIDE_BINDING", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {"server_side_binding": True, "prepare_threshold": env.int("DATABASE_PREPARE_THRESHOLD", default=5) or None}
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]


CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://lantoa"),
}

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("LANTOA_MEDIA_ROOT", default=BASE_DIR / "media")

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# Imports refuse files larger than this before reading them.
LANTOA_IMPORT_MAX_BYTES = env.int("LANTOA_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
LANTOA_IMPORT_MAX_ROWS = env.int("LANTOA_IMPORT_MAX_ROWS", default=200_000)
# Reading any import stays bounded (core.importing): columns, cells, and each zip member's real inflated size.
LANTOA_IMPORT_MAX_COLUMNS = env.int("LANTOA_IMPORT_MAX_COLUMNS", default=100)
LANTOA_IMPORT_MAX_CELLS = env.int("LANTOA_IMPORT_MAX_CELLS", default=1_000_000)
LANTOA_IMPORT_MAX_INFLATED_BYTES = env.int("LANTOA_IMPORT_MAX_INFLATED_BYTES", default=64 * 1024 * 1024)
# Public certificate checks allowed per client IP: "count/seconds".
LANTOA_VERIFY_RATE_LIMIT = env("LANTOA_VERIFY_RATE_LIMIT", default="30/60")
# Paths whose views check NUL characters themselves (core.middleware): the JSON API answers 422, as documented.
LANTOA_NUL_CHECK_EXEMPT_PREFIXES = ["/api/"]
# JSON API calls allowed per token: "count/seconds" (reports.services.api_tokens).
LANTOA_API_RATE_LIMIT = env("LANTOA_API_RATE_LIMIT", default="120/60")
# A quiz answer or submit this many seconds after the deadline still counts (network latency).
LANTOA_QUIZ_GRACE_SECONDS = env.int("LANTOA_QUIZ_GRACE_SECONDS", default=30)
# Who the department is, for documents and emails.
LANTOA_AGENCY_NAME = "Sở Tư pháp tỉnh Đồng Nai"
# Learners get a reminder this many days before a due date (notifications.services.reminders).
LANTOA_REMINDER_DAYS_BEFORE = env.int("LANTOA_REMINDER_DAYS_BEFORE", default=3)

from .components.allauth import *  # noqa: E402,F403
from .components.audit import *  # noqa: E402,F403
from .components.celery import *  # noqa: E402,F403
from .components.email import *  # noqa: E402,F403
from .components.import_export import *  # noqa: E402,F403
from .components.logging import *  # noqa: E402,F403
from .components.security import *  # noqa: E402,F403
from .components.storage import *  # noqa: E402,F403
