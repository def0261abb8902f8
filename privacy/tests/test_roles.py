import pytest
from django.contrib.auth.models import Group

from privacy.services.roles import ROLES, roles_sync

pytestmark = pytest.mark.django_db

ACTIONS = {
    "edit products": "shop.change_product",
    "set prices": "shop.change_variantprice",
    "edit shows": "live.change_show",
    "moderate comments": "live.change_comment",
    "read orders": "shop.view_order",
    "change orders": "shop.change_order",
    "read customer accounts": "shop.view_user",
    "change customer accounts": "shop.change_user",
    "read audit log": "privacy.view_auditevent",
    "rewrite audit log": "privacy.change_auditevent",
    "delete audit log": "privacy.delete_auditevent",
    "record incidents": "privacy.add_incident",
    "edit legal pages": "privacy.change_legalpageversion",
    "edit markets": "shop.change_market",
    "enter safety information": "shop.change_productsafety",
    "record certificates": "shop.add_productcertificate",
    "change certificate rules": "shop.change_certificaterequirement",
}
ALLOWED = {
    "catalog": {
        "edit products",
        "set prices",
        "enter safety information",
        "record certificates",
    },
    "host": {"edit shows", "moderate comments"},
    "support agent": {"read orders", "read customer accounts"},
    "privacy officer": {
        "read customer accounts",
        "read audit log",
        "record incidents",
        "edit legal pages",
    },
    "admin": set(ACTIONS) - {"rewrite audit log", "delete audit log"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_role_action_matrix(django_user_model, role, action):
    roles_sync()
    user = django_user_model.objects.create_user(
        email=f"{role.replace(' ', '-')}@example.com", password="pw", is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))

    assert user.has_perm(ACTIONS[action]) is (action in ALLOWED[role])


def test_sync_is_idempotent_and_resets_extra_permissions():
    roles_sync()
    catalog = Group.objects.get(name="catalog")
    count = catalog.permissions.count()
    from django.contrib.auth.models import Permission

    catalog.permissions.add(Permission.objects.get(codename="view_auditevent"))

    roles_sync()

    assert catalog.permissions.count() == count
    assert Group.objects.filter(name__in=ROLES).count() == 5
