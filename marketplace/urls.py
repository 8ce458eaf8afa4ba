from django.urls import path

from marketplace import storefront_views, views

app_name = "marketplace"

urlpatterns = [
    path("", views.home, name="home"),
    path("gigs/", views.gig_list, name="gig_list"),
    path("gigs/<slug:slug>/", views.gig_detail, name="gig"),
    path("gigs/<slug:slug>/order/", views.order_place, name="order_place"),
    path("gigs/<slug:slug>/checkout/", storefront_views.checkout_page, name="checkout"),
    path("sellers/<str:username>/", views.seller_detail, name="seller"),
    path("seller/profile/", views.seller_profile, name="seller_profile"),
    path("account/settings/", views.account_settings, name="account_settings"),
    path("seller/gigs/", views.seller_gigs, name="seller_gigs"),
    path("seller/gigs/new/", views.gig_create, name="gig_create"),
    path("seller/gigs/<int:pk>/edit/", views.gig_edit, name="gig_edit"),
    path("seller/gigs/<int:pk>/status/", views.gig_set_status, name="gig_set_status"),
    path("seller/gigs/<int:pk>/images/", storefront_views.gig_images, name="gig_images"),
    path(
        "seller/gigs/<int:pk>/images/<int:image_pk>/",
        storefront_views.gig_image_action,
        name="gig_image_action",
    ),
    path("seller/gigs/<int:pk>/extras/", storefront_views.gig_extras, name="gig_extras"),
    path("seller/photo/", storefront_views.seller_photo, name="seller_photo"),
    path("seller/away/", storefront_views.seller_away, name="seller_away"),
    path("orders/", views.order_list, name="order_list"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
    path("orders/<int:pk>/requirements/", views.order_requirements, name="order_requirements"),
    path("orders/<int:pk>/deliver/", views.order_deliver, name="order_deliver"),
    path("orders/<int:pk>/accept/", views.order_accept, name="order_accept"),
    path("orders/<int:pk>/revision/", views.order_revision, name="order_revision"),
    path("orders/<int:pk>/cancel/", views.order_cancel, name="order_cancel"),
    path(
        "orders/<int:pk>/deliveries/<int:delivery_pk>/file",
        views.delivery_file,
        name="delivery_file",
    ),
    path(
        "orders/<int:pk>/deliveries/<int:delivery_pk>/thumb",
        views.delivery_thumbnail,
        name="delivery_thumbnail",
    ),
    path(
        "orders/<int:pk>/answers/<int:answer_pk>/file",
        storefront_views.answer_file,
        name="answer_file",
    ),
    path("media/public/<path:path>", storefront_views.public_media, name="public_media"),
]
