from django.contrib import admin
from django.urls import include, path

from config import health

urlpatterns = [
    # Probes for the proxy and orchestrators (config/health.py, docs/deploy.md).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("inbox.api_urls")),  # /api/inbox/... and /inbox/attachments/<id>/
    path("inbox/", include("inbox.urls")),
    path("", include("disputes.urls")),  # /orders/<pk>/dispute/...
    path("", include("deals.urls")),  # /deals/... and /seller/dashboard/
    path("", include("moderation.urls")),  # /account/health/
    path("", include("marketplace.urls")),
]
