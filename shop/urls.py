from django.urls import path

from shop.catalog import views as catalog_views
from shop.checkout import views as checkout_views
from shop.compliance import views as compliance_views
from shop.orders import views as order_views
from shop.reviews import views as review_views
from shop.shipping import views as shipment_views
from shop.storefront import views as storefront_views

app_name = "shop"

urlpatterns = [
    path("", storefront_views.home, name="home"),
    path("c/<slug:slug>/", catalog_views.category, name="category"),
    path("p/<slug:slug>/", catalog_views.product, name="product"),
    path("p/<slug:slug>/review/", review_views.review_write, name="review_write"),
    path("search/", storefront_views.search, name="search"),
    path("cart/", checkout_views.cart_detail, name="cart"),
    path("cart/add/", checkout_views.cart_add, name="cart_add"),
    path(
        "cart/lines/<int:line_id>/",
        checkout_views.cart_line_update,
        name="cart_line_update",
    ),
    path(
        "cart/lines/<int:line_id>/remove/",
        checkout_views.cart_line_remove,
        name="cart_line_remove",
    ),
    path("checkout/", checkout_views.checkout_address, name="checkout"),
    path(
        "checkout/shipping/", checkout_views.checkout_shipping, name="checkout_shipping"
    ),
    path("checkout/review/", checkout_views.checkout_review, name="checkout_review"),
    path("checkout/place/", checkout_views.checkout_place, name="checkout_place"),
    path("orders/", order_views.order_history, name="order_history"),
    path("orders/<str:number>/", order_views.order_detail, name="order_detail"),
    path(
        "orders/<str:number>/invoice/", order_views.order_invoice, name="order_invoice"
    ),
    path("order/<str:token>/", order_views.order_link, name="order_link"),
    path(
        "order/<str:token>/invoice/",
        order_views.order_link_invoice,
        name="order_link_invoice",
    ),
    path("withdrawal/", order_views.withdrawal, name="withdrawal"),
    path(
        "accessibility/",
        compliance_views.accessibility_statement,
        name="accessibility",
    ),
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
