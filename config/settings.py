"""Gigbox settings: one file, driven by environment variables.

Nothing is needed for a local run (SQLite, the in-memory channel layer, a development
secret) but DEBUG=1, which `make run` and the tests set: DEBUG is off unless asked for, so a
deployment that forgets it serves no debug pages. Production sets SECRET_KEY, DATABASE_URL
and REDIS_URL;
docs/deploy.md lists every variable.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF

from config.env import (
    cache_config,
    channel_layers,
    database_config,
    env_bool,
    env_int,
    env_list,
    env_str,
    secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("GIGBOX_VAR_DIR") or BASE_DIR / "var")

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secret_key(env_str("SECRET_KEY"), debug=DEBUG)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "channels",
    "axes",
    "allauth",
    "allauth.account",
    "django_countries",
    "marketplace",
    "inbox",
    "moderation",
    "deals",
    "disputes",
]

MIDDLEWARE = [
    # First: it times the whole request and tags it with a request id (config/logging.py).
    "config.logging.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Times in the reader's own zone on every page (marketplace/time_zones.py).
    "marketplace.time_zones.TimeZoneMiddleware",
    # A suspended user's session opens their account page only (moderation/limited_access.py).
    "moderation.limited_access.SuspendedAccountMiddleware",
    # The security log's record of admin refusals (config/security.py).
    "config.security.SecurityLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A rate-limited sender's upload is refused before the form is parsed (CSRF's view
    # check reads it); after messages, which the form's refusal uses.
    "inbox.upload_gate.UploadRateLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Axes must come last: it inspects the response of the login views.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "marketplace.context_processors.site",
                "inbox.context_processors.unread",
            ],
        },
    },
]

# Databases, channel layer and cache --------------------------------------------------------

DATABASES = {
    "default": database_config(env_str("DATABASE_URL"), sqlite_path=str(BASE_DIR / "db.sqlite3"))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a daphne process started by a browser test shares it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_POOL", True
):
    # psycopg's connection pool: without it every `database_sync_to_async` call (Channels
    # closes "old" connections around each one) opens a new PostgreSQL connection. A process
    # uses few connections at once (one database thread, a few worker threads), so a small
    # pool per process is enough.
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": env_int("DATABASE_POOL_MIN_SIZE", 2),
        "max_size": env_int("DATABASE_POOL_MAX_SIZE", 10),
        "timeout": 5,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_PREPARED_STATEMENTS", True
):
    # Lets the send path's cursor (inbox/prepared.py) prepare its three statements, planned
    # once per connection instead of once per batch. Django's own cursors bind parameters on
    # the client and never prepare, whatever this says. Set DATABASE_PREPARED_STATEMENTS=0
    # behind a proxy that cannot keep prepared statements (docs/deploy.md). Their plans are
    # generic from the first run (PostgreSQL tries five custom plans first, and kept
    # re-planning the two reads): only prepared statements follow plan_cache_mode.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["prepare_threshold"] = 5
    options["options"] = (
        f"{options.get('options', '')} -c plan_cache_mode=force_generic_plan".strip()
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
CHANNEL_LAYERS = channel_layers(REDIS_URL, max_connections=env_int("REDIS_MAX_CONNECTIONS", 1000))
CACHES = cache_config(REDIS_URL)

# Accounts ----------------------------------------------------------------------------------

AUTH_USER_MODEL = "marketplace.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: lockouts before any password check
    # Django's and allauth's backends; a suspended user's session is confined to the account
    # page by moderation.limited_access (the system account never signs in).
    "moderation.auth.NotSuspendedModelBackend",
    "moderation.auth.NotSuspendedAllauthBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

ACCOUNT_ADAPTER = "moderation.auth.AccountAdapter"  # suspended users land on their account page
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
# The browser's time zone, sent by the sign-up page (marketplace.forms.SignupTimeZoneForm).
ACCOUNT_SIGNUP_FORM_CLASS = "marketplace.forms.SignupTimeZoneForm"
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Gigbox] "
# Failed logins are judged by django-axes alone (below), so a locked-out user always sees
# the same lockout page; allauth's own limits on signups, resets and emails stay on.
ACCOUNT_RATE_LIMITS = {"login_failed": False}

# Login brute force: 5 failures for an account from one address lock that account from that
# address, and 5 from one address (any accounts) lock the address, for 30 minutes. Never an
# account from every address: anyone could lock anyone out (docs/reliability.md).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "marketplace.login_identity.login_identifier"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_VERBOSE = False

# Email -------------------------------------------------------------------------------------

EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Gigbox <no-reply@gigbox.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Internationalisation ----------------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static and uploaded files -----------------------------------------------------------------

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
MEDIA_URL = "media/"  # never served directly: files go through access-checked views
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
# Uploads are streamed: a file over 256 KiB goes to a temporary file as it arrives, never
# into memory (issue 17); a body that is not files is held in memory up to 2.5 MiB.
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 256 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Security ----------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"  # JSON on /api/ (docs/protocol.md)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    # TLS ends at the proxy, which says so in X-Forwarded-Proto (docs/deploy.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Probes talk plain HTTP to the process (config/health.py).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],  # blob: the composer's previews of chosen images
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Gigbox ------------------------------------------------------------------------------------

GIGBOX_MESSAGE_MAX_CHARS = 5000
# Open sockets per account and per client address, across processes (docs/protocol.md, 4430).
GIGBOX_MAX_SOCKETS_PER_USER = env_int("GIGBOX_MAX_SOCKETS_PER_USER", 20)
GIGBOX_MAX_SOCKETS_PER_ADDRESS = env_int("GIGBOX_MAX_SOCKETS_PER_ADDRESS", 200)
GIGBOX_SEND_RATE_LIMIT = env_int("GIGBOX_SEND_RATE_LIMIT", 30)  # messages per user ...
GIGBOX_SEND_RATE_WINDOW = env_int("GIGBOX_SEND_RATE_WINDOW", 60)  # ... per this many seconds
GIGBOX_ATTACHMENT_MAX_BYTES = env_int("GIGBOX_ATTACHMENT_MAX_BYTES", 25 * 1024 * 1024)
GIGBOX_DELIVERY_MAX_BYTES = env_int("GIGBOX_DELIVERY_MAX_BYTES", 25 * 1024 * 1024)
# A request body over this is refused before it is read (config/uploads.py): one file at the
# limit plus form overhead, as nginx's client_max_body_size in `make serve`.
GIGBOX_UPLOAD_REQUEST_MAX_BYTES = env_int("GIGBOX_UPLOAD_REQUEST_MAX_BYTES", 30 * 1024 * 1024)
# Request bodies one process handles at once; past it an upload gets 503 + Retry-After.
GIGBOX_UPLOAD_CONCURRENT_BYTES = env_int("GIGBOX_UPLOAD_CONCURRENT_BYTES", 256 * 1024 * 1024)
GIGBOX_AUTO_COMPLETE_DAYS = 3
# Addresses or networks of the proxies whose X-Real-IP / X-Forwarded-For are believed
# (config/client_address.py); empty trusts nobody. `make serve` sets loopback (its nginx).
GIGBOX_TRUSTED_PROXIES = env_list("GIGBOX_TRUSTED_PROXIES", [])
GIGBOX_SITE_HOSTS = tuple(env_list("GIGBOX_SITE_HOSTS", ["gigbox.example", "gigbox.com"]))
# What the product does with the contact detector (core/contact_policy.py): a dotted path to
# a subclass of core.contact_policy.ContactPolicy (docs/contact-detector.md, "Contact policy").
GIGBOX_CONTACT_POLICY = env_str("GIGBOX_CONTACT_POLICY", "core.contact_policy.ContactPolicy")
# Signed conversation-log exports for disputes (docs/disputes.md): base64 of a raw 32-byte
# Ed25519 private key, and the id printed in each export (change it when the key rotates).
# With DEBUG on and no key, a development key derived from SECRET_KEY signs (and every export
# says so); with DEBUG off and no key, exports are refused.
GIGBOX_EXPORT_SIGNING_KEY = env_str("GIGBOX_EXPORT_SIGNING_KEY")
GIGBOX_EXPORT_KEY_ID = env_str("GIGBOX_EXPORT_KEY_ID")
# Public keys of earlier signing keys, "KEY_ID=BASE64,KEY_ID=BASE64": head checkpoints signed
# before a rotation keep verifying (disputes.checkpoints).
GIGBOX_EXPORT_RETIRED_PUBLIC_KEYS = env_str("GIGBOX_EXPORT_RETIRED_PUBLIC_KEYS")

# Logging: one line per request and per socket event (config/logging.py); JSON with
# LOG_FORMAT=json. The filter sits on the handler, so it covers Django's loggers too.
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"sensitive": {"()": "config.logging.SensitiveDataFilter"}},
    "formatters": {
        "plain": {
            "()": "config.logging.PlainFormatter",  # appends rid=<request id> to request lines
            "fmt": "%(asctime)s %(levelname)s [%(process)d] %(name)s %(message)s",
        },
        "json": {"()": "config.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["sensitive"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Our request line replaces Django's "Not Found: /path" style lines for 4xx.
        "django.request": {"level": "ERROR"},
        # Refused authorization attempts, one record each (config/security.py).
        "gigbox.security": {"level": "INFO"},
    },
}
