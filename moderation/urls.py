from django.urls import path

from moderation import api, views

app_name = "moderation"

urlpatterns = [
    # Reports keep the inbox's paths: the thread's Report link (templates/inbox/_message.html,
    # static/js/inbox.js) and the JSON API (docs/protocol.md) name them.
    path("inbox/messages/<int:message_id>/report/", views.report, name="report"),
    path("api/inbox/messages/<int:message_id>/report/", api.report, name="report_api"),
    path("account/health/", views.health, name="health"),
    path("account/health/strikes/<int:strike_id>/appeal/", views.appeal, name="appeal"),
    path(
        "account/health/sanctions/<int:sanction_id>/appeal/",
        views.appeal_sanction,
        name="appeal_sanction",
    ),
    path("api/account/standing/", api.standing, name="standing_api"),
]
