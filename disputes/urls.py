from django.urls import path

from disputes import views

app_name = "disputes"

urlpatterns = [
    path("orders/<int:order_pk>/dispute/", views.dispute_page, name="dispute"),
    path("orders/<int:order_pk>/dispute/open/", views.dispute_open, name="open"),
    path("orders/<int:order_pk>/dispute/answer/", views.dispute_answer, name="answer"),
    path("orders/<int:order_pk>/dispute/evidence/", views.dispute_evidence, name="evidence"),
    path("orders/<int:order_pk>/dispute/files/<int:entry_pk>/", views.dispute_file, name="file"),
]
