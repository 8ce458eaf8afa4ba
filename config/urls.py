from django.contrib import admin
from django.urls import include, path

from config import health

# Django's own 400 (a body over DATA_UPLOAD_MAX_MEMORY_SIZE) answers JSON on /api/.
handler400 = "config.errors.bad_request"

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
