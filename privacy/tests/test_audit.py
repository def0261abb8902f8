import pytest
from django.db import DatabaseError, transaction

from privacy.models import AuditAction, AuditEvent
from privacy.services.audit import (
    AuditLogImmutableError,
    audit_event_change,
    audit_record,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_superuser(
        email="officer@example.com", password="pw-officer-1"
    )


@pytest.fixture
def shopper(django_user_model):
    return django_user_model.objects.create_user(
        email="shopper@example.com", password="pw"
    )


def test_admin_view_of_a_customer_is_audited_with_reason(client, staff, shopper):
    client.force_login(staff)

    response = client.get(
        f"/admin/shop/user/{shopper.pk}/change/?audit_reason=Ticket+42"
    )

    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.object_type) == (
        staff,
        AuditAction.VIEW,
        "shop.User",
    )
    assert (event.object_id, event.subject_id) == (str(shopper.pk), shopper.pk)
    assert event.reason == "Ticket 42"
    assert event.path == f"/admin/shop/user/{shopper.pk}/change/"


def test_admin_change_and_list_are_audited_but_unregistered_models_are_not(
    client, staff, shopper
):
    client.force_login(staff)
    client.get("/admin/shop/user/")
    client.get("/admin/shop/product/")
    client.post(f"/admin/shop/user/{shopper.pk}/delete/", {"post": "yes"})

    actions = list(
        AuditEvent.objects.order_by("id").values_list(
            "action", "object_type", "subject_id"
        )
    )
    assert actions == [
        (AuditAction.VIEW, "shop.User", None),
        (AuditAction.DELETE, "shop.User", shopper.pk),
    ]


def test_audit_log_refuses_update_and_delete_in_the_database(staff):
    event = audit_record(
        actor=staff, action=AuditAction.EXPORT, object_type="shop.Order", subject_id=7
    )

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="nothing happened")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AuditLogImmutableError):
        audit_event_change(event=event, reason="x")
    assert AuditEvent.objects.get().reason == ""


def test_erasure_may_only_detach_the_subject(staff):
    event = audit_record(
        actor=staff, action=AuditAction.VIEW, object_type="shop.User", subject_id=7
    )

    AuditEvent.objects.filter(pk=event.pk).update(subject_id=None)

    assert AuditEvent.objects.get().subject_id is None


def test_admin_offers_no_change_or_delete_of_audit_events(client, staff):
    event = audit_record(actor=staff, action=AuditAction.VIEW, object_type="x")
    client.force_login(staff)

    page = client.get(f"/admin/privacy/auditevent/{event.pk}/change/")
    delete = client.post(
        f"/admin/privacy/auditevent/{event.pk}/delete/", {"post": "yes"}
    )
    listing = client.get("/admin/privacy/auditevent/?action__exact=view")

    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert delete.status_code == 403
    assert listing.status_code == 200
    assert AuditEvent.objects.filter(pk=event.pk).exists()
