"""The registry covers every model with personal data, and checks declarations."""

import pytest
from django.apps import apps
from django.db import models

from live.models import Comment
from privacy.registry import (
    ErasureAction,
    LegalBasis,
    Subject,
    register,
    registry_entries,
    registry_entry,
)
from shop.models import Order, Product

# Field names (split at "_") that suggest personal data: contact details, names,
# addresses, network addresses, and free text a person writes.
PERSONAL_NAME_PARTS = {
    "email",
    "name",
    "phone",
    "address",
    "line1",
    "line2",
    "postal",
    "city",
    "ip",
    "text",
    "message",
    "body",
    "note",
    "comment",
    "reason",
    "description",
    "location",
    "title",
}
PERSONAL_FIELD_TYPES = (
    models.EmailField,
    models.GenericIPAddressField,
    models.FileField,  # media: images, recordings, attachments
    models.TextField,
)

# Models whose suspicious-looking fields are not about a person, and why.
NOT_PERSONAL = {
    "auth.Permission": "names of permissions",
    "auth.Group": "names of staff roles",
    "sites.Site": "the shop's own domain and name",
    "shop.Market": "market settings; seller_name/address are the seller's "
    "published business details (imprint), not a shopper's",
    "shop.Category": "catalog text written by staff",
    "shop.Attribute": "catalog text written by staff",
    "shop.AttributeValue": "catalog text written by staff",
    "shop.Product": "catalog text written by staff",
    "shop.ProductImage": "product photos and their alt text",
    "shop.Specification": "product specifications",
    "shop.OrderLine": "copies of product and variant names; the order holds "
    "whose it is",
    "shop.TaxRate": "names of tax rates",
    "shop.ShippingZone": "names of shipping zones",
    "shop.ShippingMethod": "names of shipping methods",
    "shop.LocalTaxRate": "postal codes and names of tax regions, not of persons",
    "shop.ProductSafety": "the manufacturer's and responsible person's business "
    "contact, which product-safety law requires the shop to publish",
    "shop.CertificateKind": "names of certificate kinds",
    "shop.CertificateRequirement": "staff's notes on what a market requires",
    "shop.ClaimRestriction": "staff's reason a product claim is restricted",
    "shop.AccessibilityStatement": "the shop's accessibility statement, written "
    "by staff",
    "support.CannedReply": "ready answers staff write; no shopper is in them",
    "support.PolicyArticle": "help articles written by staff",
    "privacy.RequestEvent": "notes the system writes on a request's steps",
    "privacy.LegalHoldRecord": "the legal reason a row is held",
    "privacy.LegalPageVersion": "legal texts written by staff",
    "privacy.Incident": "staff's description of a breach; the affected shoppers "
    "are ids in a link table, and each one's notice is registered",
}


def personal_field_candidates(model: type[models.Model]) -> list[str]:
    """Fields of a model that look like personal data by their type or name."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, PERSONAL_FIELD_TYPES)
        or set(field.name.split("_")) & PERSONAL_NAME_PARTS
    ]


def test_every_model_with_personal_fields_is_registered():
    unregistered = {
        model._meta.label: personal_field_candidates(model)
        for model in apps.get_models()
        if personal_field_candidates(model)
        and registry_entry(model) is None
        and model._meta.label not in NOT_PERSONAL
    }

    assert unregistered == {}


def test_the_allow_list_names_only_existing_unregistered_models():
    labels = {model._meta.label for model in apps.get_models()}

    assert sorted(set(NOT_PERSONAL) - labels) == []
    assert [label for label in NOT_PERSONAL if registry_entry(label)] == []


def test_the_scan_flags_names_free_text_and_media():
    assert personal_field_candidates(Product)[:2] == ["name", "name_en"]
    assert "recording" in personal_field_candidates(apps.get_model("live", "Show"))
    assert "text" in personal_field_candidates(Comment)


def test_the_issue_lists_models_are_all_registered():
    labels = {entry.label for entry in registry_entries()}

    assert {
        "shop.User",
        "account.EmailAddress",
        "sessions.Session",
        "shop.Cart",
        "shop.Order",
        "shop.Review",
        "shop.SentimentAlert",
        "shop.ShipmentAlert",
        "live.Comment",
        "live.CommentReport",
        "live.ShowBan",
        "live.ShowReminder",
        "live.Show",
        "support.Conversation",
        "support.Message",
        "support.Call",
        "support.ConversationOutcome",
    } <= labels


def test_registering_an_unknown_field_is_refused():
    with pytest.raises(ValueError, match="unknown fields"):
        register(
            Order,
            fields=("email", "phone"),
            purpose="x",
            legal_basis=LegalBasis.CONTRACT,
            retention="x",
            user_path="user",
            erasure=ErasureAction.DELETE,
        )


def test_an_entry_without_a_way_to_find_rows_is_refused():
    with pytest.raises(ValueError, match="no way to find"):
        register(
            Order,
            fields=("email",),
            purpose="x",
            legal_basis=LegalBasis.CONTRACT,
            retention="x",
            erasure=ErasureAction.DELETE,
        )


def test_subject_filter_matches_account_or_address():
    entry = registry_entry(Order)
    assert entry is not None

    query = entry.subject_filter(Subject(user_id=7, email=" Ann@Example.com "))

    assert str(query) == ("(OR: ('user', 7), ('email__iexact', 'ann@example.com'))")
    assert entry.subject_filter(Subject(user_id=None, email="")) is None
