"""One settings module, driven by environment variables (see README, "Settings").

Production behaviour is the default; `DJANGO_DEBUG=1` switches to development.
"""

from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def s3_storage(url):
    """django-storages' S3 backend from s3://bucket/prefix?option=value&…"""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ImproperlyConfigured(f"STORAGE_URL must be s3://bucket/…, not {url!r}")
    options = {"bucket_name": parts.netloc, "location": parts.path.strip("/")}
    options.update(parse_qsl(parts.query))
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-used-only-with-DJANGO_DEBUG"

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
ADMIN_URL = env.str("DJANGO_ADMIN_URL", default="admin/")
# The public address pages cite as permanent (e.g. https://tracker.example.org);
# empty: the address the request came to.
SITE_URL = env.str("SITE_URL", default="")

INSTALLED_APPS = [
    "agreements.admin_config.TrackerAdminConfig",  # django.contrib.admin, our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # full-text and trigram lookups (PostgreSQL only)
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    "corsheaders",
    "agreements",
]

MIDDLEWARE = [
    "agreements.middleware.RequestIdMiddleware",
    # Before anything that answers: a cached page or a preflight gets its headers.
    "corsheaders.middleware.CorsMiddleware",
    "agreements.middleware.QueryStringLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "agreements.origin.CanonicalOriginMiddleware",
    "agreements.response_cache.AnonymousReadCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tracker.routers.ReplicaReadsMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "agreements.middleware.DatabaseErrorMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

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
                "agreements.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
# Persistent connections, checked before reuse: a PostgreSQL restart costs one
# reconnect, not a manual restart of the web process.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A PostgreSQL streaming replica for anonymous reads (see tracker/routers.py).
READ_FROM_REPLICA = bool(env.str("DATABASE_REPLICA_URL", default=""))
if READ_FROM_REPLICA:
    DATABASES["replica"] = {
        **env.db("DATABASE_REPLICA_URL"),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
    # libpq's wait for a connection (its least is 2 s): a replica that never
    # answers is seen by the probe first (tracker/replica.py), this is a backstop.
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
# Anonymous reads go to the primary while the replica does not answer within
# REPLICA_TIMEOUT_SECONDS or is more than REPLICA_MAX_LAG_SECONDS behind; it is
# probed again every REPLICA_CHECK_SECONDS (per process).
REPLICA_TIMEOUT_SECONDS = env.float("REPLICA_TIMEOUT_SECONDS", default=0.5)
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=30.0)
REPLICA_CHECK_SECONDS = env.float("REPLICA_CHECK_SECONDS", default=5.0)
DATABASE_ROUTERS = ["tracker.routers.PrimaryReplicaRouter"]
# Django's backends, each deriving the documents a transaction changed before it
# commits (agreements/db/deriving.py): derived data never needs a writer's call.
for database in DATABASES.values():
    for vendor in ("postgresql", "sqlite3"):
        if database["ENGINE"] == f"django.db.backends.{vendor}":
            database["ENGINE"] = f"agreements.db.{vendor}"
# PostgreSQL's JIT compiler: off. It spent 7 of the 13 s of a 100k-row export
# compiling, and a web app's queries are short (a URL's ?options= overrides).
for database in DATABASES.values():
    if "postgresql" in database["ENGINE"]:
        database.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared state lives in the database or Redis, never in one process's memory,
# so a second web server sees the same sessions, cache and throttle counters.
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://django_cache")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "tracker.redis_cache.RedisCache"  # see there
# A Redis that accepts connections but never answers: one wait this long (to
# connect, or for an answer), then the cache is skipped for REDIS_RETRY_SECONDS
# (fail open), as for a dead port. See tracker/redis_cache.py.
REDIS_TIMEOUT_SECONDS = env.float("REDIS_TIMEOUT_SECONDS", default=0.25)
REDIS_RETRY_SECONDS = env.float("REDIS_RETRY_SECONDS", default=5.0)
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Anonymous reads (whole responses, counts, facets) are cached under a data
# version that every write changes; entries also expire after this long.
READ_CACHE_SECONDS = env.int("READ_CACHE_SECONDS", default=3600)
# A facet count of the HTML list that takes longer is left out (PostgreSQL).
FACET_TIME_LIMIT_MS = env.int("FACET_TIME_LIMIT_MS", default=200)
# PostgreSQL: a list the planner puts above this many rows shows its estimate as
# the total ("about N"), not a count of every row; 0 counts always.
COUNT_ESTIMATE_ABOVE = env.int("COUNT_ESTIMATE_ABOVE", default=20_000)
# A search's total is counted exactly up to this many documents, shown as
# "10,000+" above it (never estimated: a search's estimate can be off twofold).
SEARCH_COUNT_CAP = env.int("SEARCH_COUNT_CAP", default=10_000)
# Near-misses of a search that matched nothing, looked for this long at most.
NEAR_MISS_TIME_LIMIT_MS = env.int("NEAR_MISS_TIME_LIMIT_MS", default=200)
# How long a CDN in front may serve a page without asking (0: always revalidate
# with the ETag, so an analyst's save shows at once).
CDN_CACHE_SECONDS = env.int("CDN_CACHE_SECONDS", default=0)
NOT_CACHED_PATHS = (f"/{ADMIN_URL}", "/healthz", "/static/")

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]
PASSWORD_HASHERS = env.list(
    "DJANGO_PASSWORD_HASHERS",
    default=[
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    ],
)

# The client address: the socket peer, or behind N proxies of ours the N-th
# X-Forwarded-For entry from the right (agreements.identity.client_ip). Used by
# the throttles, the admin lock-out and the logs alike.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)

# Lock-out (README, "Security"): per username and address, and per address alone
# at a higher limit; see agreements.identity.LockoutHandler.
AXES_HANDLER = "agreements.identity.LockoutHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], ["ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "agreements.identity.client_ip"
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT  # unused while the callable is set

# Bounds on what a client may send (README, "Security").
MAX_QUERY_STRING_BYTES = env.int("MAX_QUERY_STRING_BYTES", default=2048)
JSON_MAX_DEPTH = 10
JSON_MAX_ITEMS = 500

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("kk", _("Kazakh")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "agreements" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
FORMAT_MODULE_PATH = ["tracker.formats"]  # ISO dates in every language
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Attached texts and archived copies: local files under MEDIA_ROOT unless
# STORAGE_URL names S3-compatible object storage (several web nodes), e.g.
# s3://bucket/prefix?endpoint_url=https://storage.example.org&region_name=eu-1
# with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the environment. Files are
# always served through the app (`agreements.serve`), never from MEDIA_URL.
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
STORAGE_URL = env.str("STORAGE_URL", default="")
if STORAGE_URL:
    STORAGES["default"] = s3_storage(STORAGE_URL)
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=50 * 1024 * 1024)
# Uploads go to a temporary file as they arrive, and stop being kept at
# UPLOAD_MAX_BYTES: memory does not grow with the file (agreements/uploads.py).
FILE_UPLOAD_HANDLERS = ["agreements.uploads.BoundedUploadHandler"]
# Text extraction runs in a child process with these limits (agreements/extraction.py).
EXTRACTION_TIME_LIMIT = env.int("EXTRACTION_TIME_LIMIT", default=20)
EXTRACTION_MEMORY_MB = env.int("EXTRACTION_MEMORY_MB", default=1024)
TEXT_MAX_CHARS = env.int("TEXT_MAX_CHARS", default=2_000_000)
ARCHIVE_MAX_BYTES = env.int("ARCHIVE_MAX_BYTES", default=200 * 1024 * 1024)
ARCHIVE_MAX_RATIO = env.int("ARCHIVE_MAX_RATIO", default=100)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "agreements.api.schema.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "agreements.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["agreements.api.throttles.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_ANON_RATE", default="120/min"),
        "export": env.str("EXPORT_RATE", default="10/min"),
        # Requests to subscribe to e-mail alerts, per client and per address.
        "subscribe_client": env.str("SUBSCRIBE_CLIENT_RATE", default="20/hour"),
        "subscribe_address": env.str("SUBSCRIBE_ADDRESS_RATE", default="3/hour"),
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    # JSON only, bounded (forms would read an empty field as null, unlike JSON).
    "DEFAULT_PARSER_CLASSES": ["agreements.api.parsers.BoundedJSONParser"],
    "EXCEPTION_HANDLER": "agreements.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Agreement Tracker API",
    "DESCRIPTION": "Signed inter-state documents, their parties, sectors, "
    "lifecycle and sources. Read-only for anonymous clients.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "agreements.api.schema.allow_empty_query_values",
        "agreements.api.schema.rows_are_any_of_their_shapes",
    ],
    "ENUM_NAME_OVERRIDES": {
        "DocumentKindEnum": "agreements.models.Document.Kind",
        "PartyKindEnum": "agreements.models.Party.Kind",
        "OccasionKindEnum": "agreements.models.Occasion.Kind",
        "EventKindEnum": "agreements.models.LifecycleEvent.Kind",
        "RelationKindEnum": "agreements.models.DocumentRelation.Kind",
        "StatusEnum": "agreements.models.Status",
    },
}

# CORS (README, "Settings"): browser apps on other sites may read the API
# (GET, HEAD, OPTIONS on /api/ only), never with cookies or tokens; writes and
# every other path stay same-origin. API_CORS_ORIGINS: "*" (any) or a list.
API_CORS_ORIGINS = env.list("API_CORS_ORIGINS", default=["*"])
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_ALL_ORIGINS = API_CORS_ORIGINS == ["*"]
CORS_ALLOWED_ORIGINS = [] if CORS_ALLOW_ALL_ORIGINS else API_CORS_ORIGINS
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "accept-language", "if-none-match", "if-modified-since"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]
CORS_ALLOW_CREDENTIALS = False

# Security: on unless DEBUG. HTTPS is expected in front of the app; behind a
# proxy that terminates TLS set DJANGO_SECURE_PROXY_SSL_HEADER=1.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int(
    "DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "style-src": [SELF],
        "script-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Mail (alerts): EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587
# (django-environ's email_url); the default writes mails to the console.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Agreement Tracker <alerts@localhost>"
)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Webhooks (agreements/webhooks.py): each POST waits at most this long; URLs
# that resolve to private, loopback or link-local addresses are refused unless
# WEBHOOK_ALLOW_PRIVATE is set (tests, or hooks inside one's own network).
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=5.0)
WEBHOOK_ALLOW_PRIVATE = env.bool("WEBHOOK_ALLOW_PRIVATE", default=False)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_RETRY_SECONDS = env.int("WEBHOOK_RETRY_SECONDS", default=60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "agreements.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "agreements.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {
        "handlers": ["console"],
        "level": env.str("DJANGO_LOG_LEVEL", default="INFO"),
    },
    "loggers": {"django.server": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
