import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from privacy.services.catalog_publish import (
    catalog_export,
    catalog_publish,
    catalog_token,
)
from privacy.tasks import catalog_publish_task
from shop.models import Product, VariantPrice
from shop.tests.factories import make_product


@pytest.fixture
def secret(settings):
    settings.CATALOG_PUBLISH_SECRET = "shared-between-regions"


@pytest.mark.django_db(transaction=True)
def test_publish_over_http_restores_the_catalog_of_the_receiving_deployment(
    live_server, secret, monkeypatch
):
    product = make_product(name="Lamp", prices={"DE": "49.00"})
    document = catalog_export()
    # Both ends share this test database: the sender publishes the document taken
    # before the receiving end lost the lamp.
    monkeypatch.setattr(
        "privacy.services.catalog_publish.catalog_export", lambda: document
    )
    Product.objects.filter(pk=product.pk).delete()

    count = catalog_publish(url=live_server.url)

    assert count == len(json.loads(document))
    restored = Product.objects.get(pk=product.pk)
    assert restored.name == "Lamp"
    assert VariantPrice.objects.get(variant__product=restored).amount == Decimal(
        "49.00"
    )


@pytest.mark.django_db(transaction=True)
def test_celery_task_publishes_to_every_other_region(live_server, secret, settings):
    settings.DATA_REGION = "eu"
    settings.DATA_REGION_URLS = {"eu": "http://127.0.0.1:9", "us": live_server.url}
    make_product(name="Chair")

    result = catalog_publish_task.apply().get()

    assert list(result) == [live_server.url]
    assert result[live_server.url] > 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "authorization",
    ["", "Bearer nonsense", "Basic abc", "Bearer {other_doc}"],
)
def test_import_refuses_missing_forged_or_mismatched_tokens(
    client, secret, authorization
):
    make_product(name="Desk")
    document = catalog_export()
    other = catalog_token(document=b"[]")
    Product.objects.all().delete()

    response = client.post(
        "/privacy/catalog/import/",
        data=document,
        content_type="application/json",
        HTTP_AUTHORIZATION=authorization.format(other_doc=other),
    )

    assert response.status_code == 403
    assert Product.objects.count() == 0


@pytest.mark.django_db
def test_import_refuses_anything_but_catalog_tables(client, secret):
    document = json.dumps(
        [{"model": "shop.user", "pk": 99, "fields": {"email": "x@example.com"}}]
    ).encode()

    with pytest.raises(ValueError, match="not catalog data"):
        client.post(
            "/privacy/catalog/import/",
            data=document,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {catalog_token(document=document)}",
        )


@pytest.mark.django_db
def test_shared_file_round_trip_with_the_command(tmp_path):
    product = make_product(name="Shelf")
    path = tmp_path / "catalog.json"
    call_command("catalog_publish", out=path)
    Product.objects.filter(pk=product.pk).update(name="Renamed")

    call_command("catalog_publish", infile=path)

    assert Product.objects.get(pk=product.pk).name == "Shelf"
