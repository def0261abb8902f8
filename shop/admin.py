"""The staff admin: each package registers its own models; autodiscovery imports
this module, which imports theirs."""

from shop.accounts import admin as accounts_admin
from shop.catalog import admin as catalog_admin
from shop.compliance import admin as compliance_admin
from shop.markets import admin as markets_admin
from shop.orders import admin as orders_admin
from shop.pricing import admin as pricing_admin
from shop.reviews import admin as reviews_admin
from shop.shipping import admin as shipping_admin

__all__ = [
    "accounts_admin",
    "catalog_admin",
    "compliance_admin",
    "markets_admin",
    "orders_admin",
    "pricing_admin",
    "reviews_admin",
    "shipping_admin",
]
