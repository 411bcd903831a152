"""The only settings module: every value comes from the environment (or an optional .env).

`.env.example` lists every variable. Tests override a few values in `settings_test.py`.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# A secret is never defaulted in production; only a DEBUG run gets a throwaway key.
if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-do-not-use-in-production")
else:
    SECRET_KEY = env.str("SECRET_KEY")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "crm",
    "customers",
    "analytics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "crm.urls"
SILENCED_SYSTEM_CHECKS = ["templates.W003"]
WSGI_APPLICATION = "crm.wsgi.application"

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
                "crm.context_processors.navigation",
            ],
            # Django's own libraries, but for what they remember: `{% load i18n %}` and
            # `{% load static %}` load these (see each module). Django warns of a library
            # name used twice (templates.W003), silenced above; tests/crm/
            # test_template_libraries.py checks that these two are the only such names.
            "libraries": {
                "i18n": "crm.templatetags.i18n_remembered",
                "static": "crm.templatetags.static_remembered",
            },
        },
    },
]

# Database: DATABASE_URL when given; otherwise an embedded PostgreSQL kept under var/.
DATA_DIR = Path(env.str("CRM_DATA_DIR", default=str(BASE_DIR / "var")))
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    from crm.embedded_db import embedded_database_url

    DATABASES = {"default": env.db_url_config(embedded_database_url(DATA_DIR / "pgdata"))}
# Django's backend with repeated SELECTs prepared so PostgreSQL reuses their plans
# (crm/postgresql/base.py); DB_PREPARE_THRESHOLD=0 turns that off. Values stay bound on the
# client (Django's default), so each plan is made for its own values: PostgreSQL's generic
# plan for `UPPER(name) LIKE $1` cannot use the trigram index and turns a 20 ms search into a
# 3 s scan (measured by `make bench`).
DATABASES["default"]["ENGINE"] = "crm.postgresql"
DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
    env.int("DB_PREPARE_THRESHOLD", default=5) or None
)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "crm.User"

AUTHENTICATION_BACKENDS = ["crm.access.CachedModelBackend"]
# How long a per-process cache may keep a user's permissions after an administrator changes
# them elsewhere; a shared cache (CACHE_URL=redis://…) forgets them at once.
ACCESS_CACHE_SECONDS = env.int("ACCESS_CACHE_SECONDS", default=60)
# The same for choice lists shown on every list page (owners, tags).
CHOICES_CACHE_SECONDS = env.int("CHOICES_CACHE_SECONDS", default=60)

# The local-memory default suits one process; several workers should share Redis.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Internationalisation
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# Phone numbers without a country code are read as numbers of this region.
PHONE_DEFAULT_REGION = env.str("PHONE_DEFAULT_REGION", default="CN")

# Static files: the project's own under static/, third-party packages from node_modules/
# (installed by `npm ci` at set-up), collected to staticfiles/ and served by WhiteNoise.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="crm.storage.StaticFilesStorage",
        )
    },
}
MEDIA_ROOT = DATA_DIR / "media"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Lists count at most this many rows exactly; beyond it they show "More than 1,000 results".
# Counting costs about 1 ms per 10,000 rows (15 ms through a tag's links), paid on every page,
# while 40 pages are already more than anyone pages through instead of filtering.
LIST_COUNT_LIMIT = env.int("LIST_COUNT_LIMIT", default=1_000)
LIST_PAGE_SIZE = env.int("LIST_PAGE_SIZE", default=25)

# Imports: the largest file accepted, the most an .xlsx may unpack to (a zip bomb stops
# there), and how many rows are validated and copied at a time (memory stays flat).
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=512 * 2**20)
IMPORT_XLSX_MAX_UNPACKED_BYTES = env.int("IMPORT_XLSX_MAX_UNPACKED_BYTES", default=2**30)
IMPORT_CHUNK_ROWS = env.int("IMPORT_CHUNK_ROWS", default=50_000)
# A merge of duplicate customers can be undone for this many days.
MERGE_UNDO_DAYS = env.int("MERGE_UNDO_DAYS", default=30)

# Dashboards keep their computed figures this long; the page says how old they are and offers
# a refresh. Cold figures for a year of a million customers take seconds to compute.
ANALYTICS_CACHE_SECONDS = env.int("ANALYTICS_CACHE_SECONDS", default=300)
# The customer-value model (BG/NBD + Gamma-Gamma) fitted to every customer as of a date is
# kept this long: its parameters move slowly, and a fit takes the longest of all figures.
ANALYTICS_MODEL_CACHE_SECONDS = env.int("ANALYTICS_MODEL_CACHE_SECONDS", default=86_400)

# Background work (imports) goes through the database task queue; `manage.py db_worker` runs it.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# The local hour at which the daily refresh of the customers' value segments runs (the task
# schedules its next run itself; see analytics.tasks).
VALUE_SEGMENT_REFRESH_HOUR = env.int("VALUE_SEGMENT_REFRESH_HOUR", default=2)
# An .xlsx export is built whole before it is sent; larger exports are offered as CSV.
EXPORT_XLSX_MAX_ROWS = env.int("EXPORT_XLSX_MAX_ROWS", default=100_000)

# Security: strict by default, relaxed only for local HTTP development.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
    },
}
