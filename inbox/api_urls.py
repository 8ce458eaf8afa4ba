"""JSON API and file downloads of the inbox, included at the site root by config/urls.py.
(The inbox pages under /inbox/ are in inbox/urls.py.)"""

from django.urls import path

from inbox import api, precheck, thumbnails

app_name = "inbox_api"

urlpatterns = [
    path("api/inbox/conversations/", api.conversation_list, name="conversations"),
    path(
        "api/inbox/conversations/<int:conversation_id>/messages/",
        api.conversation_messages,
        name="messages",
    ),
    path(
        "api/inbox/conversations/<int:conversation_id>/state/", api.conversation_state, name="state"
    ),
    path(
        "api/inbox/conversations/<int:conversation_id>/unread/",
        api.conversation_unread,
        name="unread",
    ),
    path(
        "api/inbox/conversations/<int:conversation_id>/precheck/",
        precheck.precheck,
        name="precheck",
    ),
    path("api/inbox/users/<str:username>/block/", api.block, name="block"),
    path("inbox/attachments/<int:attachment_id>/", api.attachment, name="attachment"),
    path(
        "inbox/attachments/<int:attachment_id>/thumb/",
        thumbnails.thumbnail,
        name="attachment_thumbnail",
    ),
]
