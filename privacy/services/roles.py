"""Staff roles as Django groups, each with the least permissions its work needs."""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import transaction

_CRUD = ("add", "change", "delete", "view")
_EDIT = ("add", "change", "view")


def _perms(app_label: str, models: tuple[str, ...], actions: tuple[str, ...]):
    return [f"{app_label}.{a}_{m}" for m in models for a in actions]


CATALOG_MODELS = (
    "category",
    "product",
    "productimage",
    "specification",
    "variant",
    "attribute",
    "attributevalue",
    "variantprice",
    "promotion",
)

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "catalog": [
        *_perms("shop", CATALOG_MODELS, _CRUD),
        # What a market's law asks of a product: entered with the product.
        *_perms("shop", ("productsafety",), _EDIT),
        *_perms("shop", ("productcertificate",), _CRUD),
        *_perms("shop", ("certificatekind", "certificaterequirement"), ("view",)),
        "shop.view_market",
        "shop.view_pricehistory",
    ],
    "host": [
        *_perms("live", ("show", "showproduct", "flashdeal"), _EDIT),
        *_perms("live", ("comment", "commentreport", "showban"), ("change", "view")),
        "shop.view_product",
    ],
    "support agent": [
        *_perms("shop", ("order", "orderline", "orderevent"), ("view",)),
        *_perms("shop", ("shipment", "trackingevent"), ("change", "view")),
        "shop.view_user",
        "shop.view_review",
        "shop.change_review",
    ],
    "privacy officer": [
        *_perms("privacy", ("auditevent",), ("view",)),
        *_perms("privacy", ("consentrecord", "biometricconsent"), ("view",)),
        *_perms("privacy", ("incident",), _EDIT),
        *_perms("privacy", ("incidentnotice",), ("view",)),
        *_perms("privacy", ("legalpage", "legalpageversion"), _EDIT),
        "shop.view_user",
    ],
}
# The admin role holds every permission there is, except rewriting the audit log.
ADMIN_ROLE = "admin"
ADMIN_EXCLUDED = frozenset({"privacy.change_auditevent", "privacy.delete_auditevent"})
ROLES = (*ROLE_PERMISSIONS, ADMIN_ROLE)


def _permission_objects(names: list[str]) -> list[Permission]:
    wanted = {tuple(name.split(".", 1)) for name in names}
    found = [
        p
        for p in Permission.objects.select_related("content_type")
        if (p.content_type.app_label, p.codename) in wanted
    ]
    return found


def roles_sync() -> dict[str, int]:
    """Create the staff groups and set their permissions to exactly the table's;
    returns how many permissions each group holds."""
    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0)
    counts = {}
    with transaction.atomic():
        for role, names in ROLE_PERMISSIONS.items():
            group, _ = Group.objects.get_or_create(name=role)
            permissions = _permission_objects(names)
            group.permissions.set(permissions)
            counts[role] = len(permissions)
        group, _ = Group.objects.get_or_create(name=ADMIN_ROLE)
        everything = [
            p
            for p in Permission.objects.select_related("content_type")
            if f"{p.content_type.app_label}.{p.codename}" not in ADMIN_EXCLUDED
        ]
        group.permissions.set(everything)
        counts[ADMIN_ROLE] = len(everything)
    return counts
