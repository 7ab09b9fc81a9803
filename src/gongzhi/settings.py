"""One settings file, driven only by environment variables.

GONGZHI_MODE is "production" (the default), "demo" (make run) or "dev". Production
defaults are safe: DEBUG off, no demo accounts, SECRET_KEY required.
"""

from pathlib import Path
from typing import Any

import dj_database_url

from gongzhi.dbpool import pool_options
from gongzhi.env import env_bool, env_choice, env_int, env_list, env_str, env_weights

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(env_str("GONGZHI_HOME", str(Path.cwd())))
VAR_DIR = Path(env_str("GONGZHI_VAR_DIR", str(PROJECT_DIR / "var")))

MODE = env_choice("GONGZHI_MODE", "production", ("production", "demo", "dev", "test"))
DEMO_MODE = MODE in ("demo", "dev", "test")
DEBUG = env_bool("DEBUG", MODE == "dev")

# --- Keys (issue 12 finding 7): production refuses to start with a weak or demo key ---------
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY and MODE != "production":
    SECRET_KEY = "gongzhi-demo-not-secret-" + MODE  # noqa: S105 - demo and dev only
# Field encryption and blind-index keys, newest first: FIELD_ENCRYPTION_KEYS="new,old"
# (FIELD_ENCRYPTION_KEY, one key, still works). Values written under an older key are read,
# and `gongzhi reencrypt` rewrites them under the newest. Outside production they derive
# from SECRET_KEY when unset.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS") or env_list("FIELD_ENCRYPTION_KEY")
FIELD_ENCRYPTION_KEY = FIELD_ENCRYPTION_KEYS[0] if FIELD_ENCRYPTION_KEYS else ""
if MODE == "production":
    from gongzhi.core.keys import require_strong_keys

    require_strong_keys(SECRET_KEY, FIELD_ENCRYPTION_KEYS)

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver" if DEMO_MODE else ""
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The address residents reach the portal at; printed into the connection cards' QR codes.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
DISTRICT_CODE = env_str("GONGZHI_DISTRICT_CODE", "620902")
DISTRICT_NAME = env_str("GONGZHI_DISTRICT_NAME", "肃州区")

INSTALLED_APPS = [
    "gongzhi.core.admin_site.GongzhiAdminConfig",  # django.contrib.admin, deployment-wide only
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
    "axes",
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
    "gongzhi.hotline",
    "gongzhi.hall",
    "gongzhi.liaison",
    "gongzhi.social",
    "gongzhi.dashboards",
    "gongzhi.workbench",
    "gongzhi.realtime",
    "gongzhi.cards",
    "gongzhi.command",
    "gongzhi.intel",
]

MIDDLEWARE = [
    "gongzhi.core.metrics.RequestMetricsMiddleware",  # first: times the whole stack
    "gongzhi.core.outage.OutageMiddleware",  # a database or Redis outage is a 503
    "gongzhi.core.dbrouter.PrimaryAfterWriteMiddleware",  # read-your-own-write (replica)
    "django.middleware.security.SecurityMiddleware",
    "gongzhi.core.middleware.ApiJsonErrorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "gongzhi.core.middleware.CleanInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "gongzhi.core.csp.CachedPolicyCSPMiddleware",  # django-csp, policy text cached
    "axes.middleware.AxesMiddleware",  # last: turns a lock-out into the 429 page
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
_pool = None if _db_url.startswith("sqlite") or MODE == "test" else pool_options()
DATABASES = {
    "default": dj_database_url.parse(
        _db_url,
        # With a pool (PostgreSQL, gongzhi/dbpool.py) a request hands its connection back
        # at the end (0); without one, each server thread keeps its connection: opening a
        # SQLite connection (and its PRAGMAs) per request doubled an Open311 POST's CPU
        # time (docs/benchmarks.md). Not in tests: live-server threads would keep the test
        # database busy at teardown.
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0 if _pool is not None or MODE == "test" else 600),
        conn_health_checks=True,  # with a pool: each connection is checked when handed out
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    if _pool is not None:
        _options["pool"] = _pool
    if env_bool("DB_PGBOUNCER", False):
        # Transaction pooling: a server-side cursor would outlive its transaction's
        # server connection, and PgBouncer refuses the "options" startup parameter
        # (set jit = off in postgresql.conf instead). docs/decisions.md, "PgBouncer".
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    else:
        # JIT compilation of the wide KPI aggregates costs more than it saves (docs/benchmarks.md).
        _options["options"] = "-c jit=off"
        # psycopg prepares a statement a connection has run `prepare_threshold` times, and
        # PostgreSQL stops parsing and planning it again. Django's own cursors bind on the
        # client and are never prepared; core.inserts.prepared_cursor binds on the server
        # for the hot writes (docs/decisions.md, "Prepared hot statements"). Not under
        # PgBouncer (above): a prepared statement lives on one server connection.
        _threshold = env_int("DB_PREPARE_THRESHOLD", 5)
        _options["prepare_threshold"] = _threshold if _threshold > 0 else None
        # Every ORM statement bound on the server as well: an experiment, off by default
        # (Django documents queries this breaks; docs/benchmarks.md).
        if env_bool("DB_SERVER_SIDE_BINDING", False):
            _options["server_side_binding"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend with a writer queue before BEGIN IMMEDIATE (core/sqlite/base.py).
    # SQLITE_WRITER_QUEUE=0 turns it off (e.g. where the database's folder has no flock).
    if env_bool("SQLITE_WRITER_QUEUE", True):
        DATABASES["default"]["ENGINE"] = "gongzhi.core.sqlite"
    # WAL lets the web server and the background worker read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # ":memory:" said explicitly: pytest-xdist's per-worker suffix (pytest-django) skips it,
    # where it would recognise an unnamed in-memory database only under Django's own ENGINE.
    DATABASES["default"]["TEST"] = {"NAME": env_str("SQLITE_TEST_NAME", "") or ":memory:"}

# --- Read replica (issue 18; README "Read replica", docs/decisions.md "Read replica") --------
# Heavy reads marked with gongzhi.core.dbrouter.replica_reads() (KPIs, command center,
# exports, the case inbox) go to a streaming replica when it is up and at most MAX_LAG
# seconds behind (checked once per CHECK_SECONDS per process); a browser that wrote reads
# the primary for STICKY_SECONDS. Unset: every read goes to "default", as before.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL").strip()
DATABASE_REPLICA_MAX_LAG = env_int("DATABASE_REPLICA_MAX_LAG", 5)
DATABASE_REPLICA_CHECK_SECONDS = env_int("DATABASE_REPLICA_CHECK_SECONDS", 5)
DATABASE_REPLICA_STICKY_SECONDS = env_int(
    "DATABASE_REPLICA_STICKY_SECONDS", DATABASE_REPLICA_MAX_LAG + DATABASE_REPLICA_CHECK_SECONDS + 5
)
DATABASE_ROUTERS = ["gongzhi.core.dbrouter.ReplicaRouter"]
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ValueError("DATABASE_REPLICA_URL must be a postgres:// URL (a streaming replica)")
    _replica_options = DATABASES["replica"].setdefault("OPTIONS", {})
    _replica_options["connect_timeout"] = env_int("DATABASE_REPLICA_CONNECT_TIMEOUT", 2)
    if "options" in DATABASES["default"].get("OPTIONS", {}):
        _replica_options["options"] = DATABASES["default"]["OPTIONS"]["options"]
    if DATABASES["default"].get("DISABLE_SERVER_SIDE_CURSORS"):
        DATABASES["replica"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    if _pool is not None:
        # A down replica must not hold a request for the primary's pool timeout.
        _replica_options["pool"] = {**_pool, "timeout": _replica_options["connect_timeout"]}
elif MODE == "test":
    # Tests switch routing on with DATABASE_REPLICA_ALIAS = "replica": the same database.
    DATABASES["replica"] = DATABASES["default"].copy()
if "replica" in DATABASES:
    # Under test the replica is the test database itself (real-replica tests point it at
    # the standby, which already holds the test database: core/tests/test_replica_real.py).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# Tests enable routing themselves, so the suite behaves as without a replica.
DATABASE_REPLICA_ALIAS = "replica" if DATABASE_REPLICA_URL and MODE != "test" else None

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

# Without Redis, events published by another process (the task worker) reach open sockets
# through a database relay that each server process polls (gongzhi.realtime.relay).
REALTIME_DB_RELAY = env_bool("REALTIME_DB_RELAY", not REDIS_URL and MODE != "test")
REALTIME_RELAY_POLL = float(env_str("REALTIME_RELAY_POLL", "0.5"))

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
LOGIN_REDIRECT_URL = "landing"  # each role's own start page (core.roles.LANDING)
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

# --- Transport and browser security (issue 12 finding 7; production values in README) -----
SESSION_COOKIE_HTTPONLY = True
# HTTPS behind a reverse proxy: Secure cookies, HSTS and the redirect are on by default in
# production; SECURE_COOKIES=0 / SECURE_HSTS_SECONDS=0 / SECURE_SSL_REDIRECT=0 turn them off.
_HTTPS = MODE == "production"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", _HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# `gongzhi serve` already trusts X-Forwarded-Proto/-For from FORWARDED_ALLOW_IPS (default
# 127.0.0.1; gongzhi.core.wsgi_bridge); set this only to trust X-Forwarded-Proto from any peer.
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$", r"^readyz/?$"]  # probes speak plain HTTP inside
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Map tiles: empty (the default) draws grid outlines on a plain background, with no request
# leaving the server. A government intranet's 天地图 or an own tile server, e.g.
# "https://tiles.example.gov.cn/{z}/{x}/{y}.png", is allowed as an image source below.
MAP_TILE_URL = env_str("MAP_TILE_URL").strip()
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION").strip()


def _tile_source(url: str) -> list[str]:
    """The CSP source of the tile server: its origin, "{s}" subdomains as a wildcard."""
    scheme, _sep, rest = url.partition("://")
    host = rest.split("/", 1)[0].split("?", 1)[0]
    if scheme not in ("http", "https") or not host:
        return []  # refused by the gongzhi.E040 check
    first, _dot, others = host.partition(".")
    if "{" in others:
        return [f"{scheme}:"]
    return [f"{scheme}://{'*' if '{' in first else first}{_dot}{others}"]


# Content Security Policy (django-csp 4): scripts only from our own files, no inline script
# or handler; style attributes stay allowed (Bootstrap utility widths and bars use them).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *_tile_source(MAP_TILE_URL)],
        "connect-src": ["'self'", "ws:", "wss:"],
        "font-src": ["'self'", "data:"],
        "media-src": ["'self'", "https:"],
        "frame-src": ["https:"],  # live-room player pages from LIVE_STREAM_ALLOWED_HOSTS
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Staff password sign-in throttle (issue 12 finding 5; django-axes) ---------------------
AUTHENTICATION_BACKENDS = [
    "gongzhi.core.login_throttle.ThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
AXES_COOLOFF_TIME = "gongzhi.core.login_throttle.cool_off"  # doubles with each further lock
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_CALLABLE = "gongzhi.core.login_throttle.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0) or None  # proxies in front (X-Forwarded-For)

# --- Settings the README names, read from the environment (issue 12 finding 8) -------------
# Validated by the system checks in gongzhi.core.checks: a bad value stops every command.
NOTIFY_SMS_BACKEND = env_str("NOTIFY_SMS_BACKEND", "gongzhi.cases.notify.LogBackend")
NOTIFY_WECHAT_BACKEND = env_str("NOTIFY_WECHAT_BACKEND", "gongzhi.cases.notify.LogBackend")
KPI_WEIGHTS = env_weights("KPI_WEIGHTS")  # "satisfaction=2,in_grid=1" or a JSON object
# When a rated case enters the closure-side KPIs: at its handling deadline, or at the rating
# when that comes first (docs/kpis.md, "When a rating counts").
KPI_RATED_COUNTS_AT = env_choice("KPI_RATED_COUNTS_AT", "deadline", ("deadline", "rating"))
# The KPI pages show last month, not this one, until this day of the month (0: always this month).
KPI_LAST_MONTH_DAYS = env_int("KPI_LAST_MONTH_DAYS", 7)
MEDIATION_PDF_FONT = env_str("MEDIATION_PDF_FONT")
OPEN311_JURISDICTION_ID = env_str("OPEN311_JURISDICTION_ID")
OPEN311_CONTACT = env_str("OPEN311_CONTACT", "区综治中心")
# Seconds each process remembers an API key, a category and a grid it looked up for an Open311
# POST (core/memo.py); a revocation elsewhere takes effect within this time. 0 turns it off.
OPEN311_MEMO_SECONDS = env_int("OPEN311_MEMO_SECONDS", 10)
OPEN311_RATE = env_str("GONGZHI_OPEN311_RATE", "60/60")
LIVE_STREAM_ALLOWED_HOSTS = env_list("LIVE_STREAM_ALLOWED_HOSTS")
# The district's round-the-clock duty number: texted when a call climbs past the community,
# and shown (tap to dial) to residents whose community is unknown, offline page included.
ONE_KEY_DUTY_PHONE = env_str("ONE_KEY_DUTY_PHONE")
KIOSK_IDLE_SECONDS = env_int("KIOSK_IDLE_SECONDS", 90)
# Text intelligence (gongzhi.intel, docs/decisions.md): "already reported?" look-up, training.
INTEL_DUPLICATE_DAYS = env_int("INTEL_DUPLICATE_DAYS", 30)  # open cases this recent
INTEL_DUPLICATE_THRESHOLD = float(env_str("INTEL_DUPLICATE_THRESHOLD", "0.4"))  # cosine
INTEL_DUPLICATE_DISTANCE_M = env_int("INTEL_DUPLICATE_DISTANCE_M", 300)  # when both have points
INTEL_TRAIN_MAX_CASES = env_int("INTEL_TRAIN_MAX_CASES", 1_000_000)  # newest closed cases
INTEL_TRAIN_EVERY_HOURS = env_int("INTEL_TRAIN_EVERY_HOURS", 24)
# A training child still running after this long is killed (1,000,000 cases: ~3 min measured).
INTEL_TRAIN_TIMEOUT_SECONDS = env_int("INTEL_TRAIN_TIMEOUT_SECONDS", 3600)
INTEL_ALERTS_EVERY_MINUTES = env_int("INTEL_ALERTS_EVERY_MINUTES", 10)
# Open311 service codes that mean "not sure": the text's suggestion replaces them when confident.
INTEL_GENERIC_SERVICE_CODES = env_list("INTEL_GENERIC_SERVICE_CODES", "12,0128")
INTEL_OPEN311_MIN_CONFIDENCE = float(env_str("INTEL_OPEN311_MIN_CONFIDENCE", "0.6"))
# History (docs/decisions.md, "Partitioned history"): days the audit log and outbound messages
# are kept before the daily maintenance archives them to ARCHIVE_DIR and deletes them (0 = keep
# all); year partitions (PostgreSQL) are created this many years ahead.
AUDIT_RETENTION_DAYS = env_int("GONGZHI_AUDIT_RETENTION_DAYS", 0)
OUTBOUND_RETENTION_DAYS = env_int("GONGZHI_OUTBOUND_RETENTION_DAYS", 0)
PARTITIONS_AHEAD = env_int("GONGZHI_PARTITIONS_AHEAD", 2)
ARCHIVE_DIR = Path(env_str("GONGZHI_ARCHIVE_DIR", str(VAR_DIR / "archive")))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so a bad or missing token answers 401 (with WWW-Authenticate), not 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "gongzhi.core.schema.AutoSchema",
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

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Task workers and readiness (/readyz) and metrics (/metrics); README, "Operations".
TASK_WORKER_HEARTBEAT = env_int("TASK_WORKER_HEARTBEAT", 5)  # seconds between beats
TASK_WORKER_STALE = env_int("TASK_WORKER_STALE", 30)  # a beat older than this: worker down
TASK_WORKER_RESTART_DELAY = float(env_str("TASK_WORKER_RESTART_DELAY", "1"))  # first back-off
READYZ_REQUIRE_TASK_WORKERS = env_bool("READYZ_REQUIRE_TASK_WORKERS", True)
READYZ_MAX_TASK_LAG = env_int("READYZ_MAX_TASK_LAG", 120)  # seconds
READYZ_MAX_OUTBOUND_AGE = env_int("READYZ_MAX_OUTBOUND_AGE", 300)  # seconds
METRICS_TOKEN = env_str("METRICS_TOKEN")
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS")
# axes logs every sign-in at INFO; lock-outs are logged (and audited) by core.login_throttle.
LOGGING["loggers"]["axes"] = {"level": "WARNING"}
