from django.urls import path

from shop import views
from shop.views import reviews as review_views
from shop.views import shipments as shipment_views

app_name = "shop"

urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:slug>/", views.category, name="category"),
    path("p/<slug:slug>/", views.product, name="product"),
    path("p/<slug:slug>/review/", review_views.review_write, name="review_write"),
    path("search/", views.search, name="search"),
    path("cart/", views.cart_detail, name="cart"),
    path("cart/add/", views.cart_add, name="cart_add"),
    path("cart/lines/<int:line_id>/", views.cart_line_update, name="cart_line_update"),
    path(
        "cart/lines/<int:line_id>/remove/",
        views.cart_line_remove,
        name="cart_line_remove",
    ),
    path("checkout/", views.checkout_address, name="checkout"),
    path("checkout/shipping/", views.checkout_shipping, name="checkout_shipping"),
    path("checkout/review/", views.checkout_review, name="checkout_review"),
    path("checkout/place/", views.checkout_place, name="checkout_place"),
    path("orders/", views.order_history, name="order_history"),
    path("orders/<str:number>/", views.order_detail, name="order_detail"),
    path("orders/<str:number>/invoice/", views.order_invoice, name="order_invoice"),
    path("order/<str:token>/", views.order_link, name="order_link"),
    path(
        "order/<str:token>/invoice/",
        views.order_link_invoice,
        name="order_link_invoice",
    ),
    path("withdrawal/", views.withdrawal, name="withdrawal"),
    path(
        "orders/<str:number>/tracking/",
        shipment_views.order_tracking,
        name="order_tracking",
    ),
    path(
        "order/<str:token>/tracking/",
        shipment_views.order_link_tracking,
        name="order_link_tracking",
    ),
]
