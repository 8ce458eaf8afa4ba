from django.urls import path

from moderation import views

app_name = "moderation"

urlpatterns = [
    path("account/health/", views.health, name="health"),
    path("account/health/strikes/<int:strike_id>/appeal/", views.appeal, name="appeal"),
]
