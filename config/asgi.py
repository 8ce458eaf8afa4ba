"""ASGI entry point: HTTP through Django, WebSockets through Channels (served by daphne)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Django must be set up before anything imports models (the consumers do).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from config.client_address import TrustedProxyMiddleware  # noqa: E402
from config.routing import websocket_urlpatterns  # noqa: E402
from config.security import allowed_hosts_origin_validator  # noqa: E402
from config.uploads import UploadGuard  # noqa: E402

# The client's address from GIGBOX_TRUSTED_PROXIES only (config/client_address.py).
application = TrustedProxyMiddleware(
    ProtocolTypeRouter(
        {
            # Request bodies bounded before Django reads them (config/uploads.py).
            "http": UploadGuard(django_asgi_app),
            # The exact origin (scheme, host, port), recording each refusal in the security log.
            "websocket": allowed_hosts_origin_validator(
                AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
            ),
        }
    )
)
