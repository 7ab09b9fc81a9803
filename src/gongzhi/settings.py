"""One settings file, driven only by environment variables.

GONGZHI_MODE is "production" (the default), "demo" (make run) or "dev". Production
defaults are safe: DEBUG off, no demo accounts, SECRET_KEY required.
"""

from pathlib import Path

import dj_database_url

from gongzhi.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(env_str("GONGZHI_HOME", str(Path.cwd())))
VAR_DIR = Path(env_str("GONGZHI_VAR_DIR", str(PROJECT_DIR / "var")))

MODE = env_choice("GONGZHI_MODE", "production", ("production", "demo", "dev", "test"))
DEMO_MODE = MODE in ("demo", "dev", "test")
DEBUG = env_bool("DEBUG", MODE == "dev")

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if MODE == "production":
        raise RuntimeError("SECRET_KEY must be set (or GONGZHI_MODE=demo for the demo)")
    SECRET_KEY = "gongzhi-demo-not-secret-" + MODE  # noqa: S105 - demo and dev only

# Field encryption and blind-index keys; derived from SECRET_KEY unless given.
FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver" if DEMO_MODE else ""
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The address residents reach the portal at; printed into the connection cards' QR codes.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
DISTRICT_CODE = env_str("GONGZHI_DISTRICT_CODE", "620902")
DISTRICT_NAME = env_str("GONGZHI_DISTRICT_NAME", "肃州区")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "treebeard",
    "gongzhi.core",
    "gongzhi.grids",
    "gongzhi.org",
    "gongzhi.people",
    "gongzhi.cases",
    "gongzhi.mediation",
    "gongzhi.counseling",
    "gongzhi.care",
    "gongzhi.deliberation",
    "gongzhi.open311",
    "gongzhi.portal",
    "gongzhi.hall",
    "gongzhi.liaison",
    "gongzhi.social",
    "gongzhi.dashboards",
    "gongzhi.workbench",
    "gongzhi.realtime",
    "gongzhi.cards",
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

ROOT_URLCONF = "gongzhi.urls"
ASGI_APPLICATION = "gongzhi.asgi.application"
WSGI_APPLICATION = "gongzhi.wsgi.application"

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
                "gongzhi.core.context_processors.site",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
_default_db = f"sqlite:///{VAR_DIR / 'gongzhi.sqlite3'}"
_db_url = env_str("DATABASE_URL", _default_db)
DATABASES = {
    "default": dj_database_url.parse(
        _db_url,
        # Reuse server connections (PostgreSQL); SQLite connections are cheap to open.
        # (Not in tests: live-server threads would keep the test database busy at teardown.)
        conn_max_age=env_int(
            "DB_CONN_MAX_AGE", 0 if _db_url.startswith("sqlite") or MODE == "test" else 60
        ),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation of the wide KPI aggregates costs more than it saves (docs/benchmarks.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the background worker read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": env_str("SQLITE_TEST_NAME", "") or None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Channels: in-memory by default, Redis when REDIS_URL is set (required for several processes).
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # channels_redis's layer with a pool that waits for a free connection when all
            # are busy (2,000 sockets closing at once), instead of failing (docs/decisions.md).
            "BACKEND": "gongzhi.realtime.layers.BlockingPoolRedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "max_connections": env_int("CHANNEL_REDIS_MAX_CONNECTIONS", 200),
                        "timeout": 20,  # seconds a command may wait for a free connection
                        # channels_redis waits on Redis with a 5-second BZPOPMIN; redis-py's
                        # default read timeout is also 5 s, so an idle wait raised TimeoutError
                        # and ended a socket's receive loop. The read timeout must be longer.
                        "socket_timeout": 15,
                    }
                ],
                # All sockets of one server process share one Redis queue, and each socket
                # buffers up to `capacity` events in memory; the default of 100 silently drops
                # events when a burst (likes in a busy live room) outruns the fan-out.
                "capacity": 1000,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# 民情通呼叫键: seconds before an unacknowledged call escalates, and between two calls.
ONE_KEY_ACK_TIMEOUT = env_int("ONE_KEY_ACK_TIMEOUT", 180)
ONE_KEY_RATE_LIMIT = env_int("ONE_KEY_RATE_LIMIT", 600)

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if MODE == "test":
    # Tests create many users; the production hasher's cost is deliberate, not needed here.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "grids:tree"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns about a missing root before collectstatic
# Bootstrap, htmx, ...: copied from npm packages at build time (tools/build_assets.py).
STATICFILES_DIRS = [BASE_DIR / "assets"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# Uploads: a hard cap, checked before parsing.
UPLOAD_MAX_BYTES = env_int("GONGZHI_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so a bad or missing token answers 401 (with WWW-Authenticate), not 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "gongzhi.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "gongzhi API",
    "DESCRIPTION": "共治 community co-governance platform",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
