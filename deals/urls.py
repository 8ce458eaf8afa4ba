from django.urls import path

from deals import views

app_name = "deals"

urlpatterns = [
    path(
        "deals/conversations/<int:conversation_id>/offers/new/", views.offer_new, name="offer_new"
    ),
    path("deals/offers/<int:pk>/", views.offer_detail, name="offer"),
    path("deals/offers/<int:pk>/checkout/", views.offer_checkout, name="offer_checkout"),
    path("deals/offers/<int:pk>/accept/", views.offer_accept, name="offer_accept"),
    path("deals/offers/<int:pk>/decline/", views.offer_decline, name="offer_decline"),
    path("deals/offers/<int:pk>/withdraw/", views.offer_withdraw, name="offer_withdraw"),
    path("deals/orders/<int:pk>/review/", views.order_review, name="order_review"),
    path("sellers/<str:username>/reviews/", views.seller_reviews, name="seller_reviews"),
    path("deals/reviews/<int:pk>/reply/", views.review_reply, name="review_reply"),
    path("deals/quick-replies/", views.saved_replies, name="saved_replies"),
    path("deals/quick-replies/<int:pk>/edit/", views.saved_reply_edit, name="saved_reply_edit"),
    path(
        "deals/quick-replies/<int:pk>/delete/", views.saved_reply_delete, name="saved_reply_delete"
    ),
    path("seller/dashboard/", views.seller_dashboard, name="seller_dashboard"),
]
