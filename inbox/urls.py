"""The inbox pages (HTML). The JSON API and attachment downloads are in inbox/api_urls.py."""

from django.urls import path

from inbox import views

app_name = "inbox"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:conversation_id>/", views.thread, name="thread"),
    path("<int:conversation_id>/send/", views.send, name="send"),
    path("<int:conversation_id>/state/", views.state, name="state"),
    path("start/<str:username>/", views.start, name="start"),
    path("users/<str:username>/block/", views.block, name="block"),
]
