"""The staff admin of accounts."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from shop.models import User

# --- Accounts -------------------------------------------------------------------------


class ShopUserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class ShopUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


# Django's own section titles, with the translations Django ships for them.
_PERSONAL, _PERMISSIONS, _DATES = (
    title
    for title, _opts in DjangoUserAdmin.fieldsets[1:]  # type: ignore[index]  # set by Django
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = ShopUserChangeForm
    add_form = ShopUserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _PERSONAL,
            {"fields": ("full_name", "preferred_language", "preferred_market")},
        ),
        (
            _PERMISSIONS,
            {
                "fields": (
                    "is_active",
                    "is_host",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_DATES, {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = (
        "email",
        "full_name",
        "is_staff",
        "is_host",
        "preferred_market",
        "is_active",
    )
    list_filter = ("is_staff", "is_superuser", "is_host", "is_active", "groups")
    list_select_related = ("preferred_market",)
    search_fields = ("email", "full_name")
    ordering = ("email",)
