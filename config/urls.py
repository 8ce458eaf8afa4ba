from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("inbox.api_urls")),  # /api/inbox/... and /inbox/attachments/<id>/
    path("inbox/", include("inbox.urls")),
    path("", include("marketplace.urls")),
]
