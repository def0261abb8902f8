"""Every model of the shop app, defined in its package and gathered here, where
Django and the migrations look for them."""

from shop.accounts.models import ShopUserManager, User
from shop.catalog.models import (
    Attribute,
    AttributeValue,
    Category,
    Product,
    ProductImage,
    Specification,
    SpecificationKind,
    Variant,
    product_image_path,
)
from shop.checkout.models import Cart, CartLine
from shop.markets.models import (
    SHOPPER_LANGUAGE_CHOICES,
    DataRegion,
    DutiesMode,
    Market,
    MeasurementSystem,
    PrivacyRegime,
    ToneProfile,
    country_code_validator,
    currency_code_validator,
)
from shop.orders.models import Order, OrderEvent, OrderLine, OrderNumber, OrderStatus
from shop.pricing.models import PriceHistory, Promotion, TaxRate, VariantPrice
from shop.reviews.models import Review, ReviewStatus, SentimentAlert, SentimentLabel
from shop.shipping.models import (
    CarrierWebhookDelivery,
    Shipment,
    ShipmentAlert,
    ShipmentAlertKind,
    ShipmentStatus,
    ShippingMethod,
    ShippingRate,
    ShippingZone,
    TrackingEvent,
)

__all__ = [
    "Attribute",
    "AttributeValue",
    "CarrierWebhookDelivery",
    "Cart",
    "CartLine",
    "Category",
    "DataRegion",
    "DutiesMode",
    "Market",
    "MeasurementSystem",
    "Order",
    "OrderEvent",
    "OrderLine",
    "OrderNumber",
    "OrderStatus",
    "PriceHistory",
    "PrivacyRegime",
    "Promotion",
    "Product",
    "ProductImage",
    "Review",
    "ReviewStatus",
    "SHOPPER_LANGUAGE_CHOICES",
    "SentimentAlert",
    "SentimentLabel",
    "Shipment",
    "ShipmentAlert",
    "ShipmentAlertKind",
    "ShipmentStatus",
    "ShippingMethod",
    "ShippingRate",
    "ShippingZone",
    "ShopUserManager",
    "Specification",
    "SpecificationKind",
    "TaxRate",
    "ToneProfile",
    "TrackingEvent",
    "User",
    "Variant",
    "VariantPrice",
    "country_code_validator",
    "currency_code_validator",
    "product_image_path",
]
