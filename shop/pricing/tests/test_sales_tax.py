"""US sales tax by ZIP code: rates staff import from a tax-rate provider's CSV
(admin upload or management command, all or nothing), the state rate as fallback,
and a tax line that names the jurisdiction whose rate it used."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from shop.checkout.services.checkout import ShippingAddress, checkout_summary
from shop.models import LocalTaxRate
from shop.orders.access import order_link_path
from shop.pricing.services import destination_tax
from shop.pricing.tax_import import HEADER, MAX_BYTES, local_tax_rates_import
from shop.tests.commerce_helpers import (
    CA_ADDRESS,
    cart_with,
    market,
    place,
    shipping_method,
)
from shop.tests.factories import make_product

pytestmark = pytest.mark.django_db

HEAD = ",".join(HEADER)
SF = "CA,94105,SAN FRANCISCO,0.086250,0.060000,0.002500,0.000000,0.023750,1"
LA = "CA,90012,LOS ANGELES,0.095000,0.060000,0.002500,0.000000,0.032500,1"
NYC = "NY,10001,NEW YORK CITY,0.088750,0.040000,0.000000,0.045000,0.003750,1"
DEMO_CSV = (
    Path(__file__).resolve().parents[2] / "management" / "demo" / "tax_rates_us.csv"
)


def _csv(*rows: str) -> bytes:
    return ("\n".join([HEAD, *rows]) + "\n").encode()


def _rates() -> list[tuple[str, str, Decimal]]:
    return list(
        LocalTaxRate.objects.order_by("postal_code").values_list(
            "postal_code", "name", "rate"
        )
    )


def test_a_san_francisco_address_pays_the_combined_rate_of_its_zip_code():
    local_tax_rates_import(data=_csv(SF))
    lamp = make_product(prices={"US": "100.00"})
    method = shipping_method(market_code="US", countries=["US"], amount="5.99")
    cart = cart_with([(lamp, 1)], market_code="US")

    summary = checkout_summary(
        cart=cart, address=CA_ADDRESS, shipping_method_id=method.pk
    )

    assert summary.tax_rate == Decimal("0.086250")
    assert summary.tax == Decimal("8.63")
    assert summary.charges[-1].label == "Sales tax, San Francisco (CA): 8.625%"
    assert summary.total == Decimal("114.62")


def test_without_a_zip_code_rate_the_state_rate_applies_and_is_named():
    local_tax_rates_import(data=_csv(NYC))
    lamp = make_product(prices={"US": "100.00"})
    method = shipping_method(market_code="US", countries=["US"], amount="5.99")
    cart = cart_with([(lamp, 1)], market_code="US")

    summary = checkout_summary(
        cart=cart, address=CA_ADDRESS, shipping_method_id=method.pk
    )

    assert summary.tax_rate == Decimal("0.0725")
    assert summary.charges[-1].label == "Sales tax, California, state rate: 7.25%"


def test_a_zip_code_of_another_state_does_not_lend_its_rate():
    local_tax_rates_import(data=_csv(SF))
    tax = destination_tax(
        market=market("US"), country="US", region="NY", postal_code="94105"
    )
    assert (tax.rate, tax.jurisdiction) == (Decimal("0.04"), "New York, state rate")


def test_a_zip_plus_four_code_uses_its_zip_codes_rate():
    local_tax_rates_import(data=_csv(SF))
    tax = destination_tax(
        market=market("US"), country="US", region="CA", postal_code="94105-1420"
    )
    assert (tax.rate, tax.jurisdiction) == (
        Decimal("0.086250"),
        "San Francisco (CA)",
    )


def test_the_order_page_and_email_name_the_jurisdiction(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    local_tax_rates_import(data=_csv(SF))
    lamp = make_product(name="Desk lamp", prices={"US": "100.00"})
    method = shipping_method(market_code="US", countries=["US"], amount="5.99")
    cart = cart_with([(lamp, 1)], market_code="US")

    with django_capture_on_commit_callbacks(execute=True):
        order = place(cart, CA_ADDRESS, method)

    assert (order.tax, order.tax_jurisdiction) == (
        Decimal("8.63"),
        "San Francisco (CA)",
    )
    page = client.get(order_link_path(order=order)).content.decode()
    assert "Sales tax, San Francisco (CA)" in page
    assert "Sales tax, San Francisco (CA): $8.63" in mailoutbox[0].body


# --- The import ------------------------------------------------------------------


def test_an_import_replaces_the_rates_of_the_states_in_the_file_only():
    local_tax_rates_import(data=_csv(SF, LA, NYC))

    result = local_tax_rates_import(
        data=_csv("CA,94105,SAN FRANCISCO,0.087500,0.060000,0.002500,0,0.025,1")
    )

    assert (result.ok, result.imported, result.replaced, result.states) == (
        True,
        1,
        2,
        ["CA"],
    )
    assert _rates() == [
        ("10001", "New York City", Decimal("0.088750")),
        ("94105", "San Francisco", Decimal("0.087500")),
    ]


def test_one_bad_row_writes_nothing_and_every_bad_row_is_named():
    local_tax_rates_import(data=_csv(NYC))

    result = local_tax_rates_import(
        data=_csv(
            SF,
            "XX,94106,NOWHERE,0.08,0.06,0.01,0,0.01,1",
            "CA,9410,SAN FRANCISCO,0.086250,0.060000,0.002500,0.000000,0.023750,1",
            "CA,94107,SAN FRANCISCO,8.625,0.060000,0.002500,0.000000,0.023750,1",
            "CA,94108,SAN FRANCISCO,0.09,0.060000,0.002500,0.000000,0.023750,1",
            "CA,94109,SAN FRANCISCO,0.086250,0.06",
            SF,
            "CA,94111,," + "9" * 500 + ",0.06,0,0,0,x",
        )
    )

    assert result.ok is False
    assert [(e.line, e.message) for e in result.errors] == [
        (3, "unknown state “XX”"),
        (4, "the ZIP code must be 5 digits, not “9410”"),
        (5, "EstimatedCombinedRate must be a rate from 0 to 1, not “8.625”"),
        (
            6,
            "the combined rate 0.090000 is not the sum of its parts, 0.086250",
        ),
        (7, "expected 9 columns, found 5"),
        (8, "ZIP code 94105 is already on line 2"),
        (
            9,
            "the tax region name must have 1 to 80 characters; "
            "EstimatedCombinedRate must be a rate from 0 to 1, "
            "not “99999999999999999999999…”; "
            "RiskLevel must be a whole number, not “x”",
        ),
    ]
    assert _rates() == [("10001", "New York City", Decimal("0.088750"))]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The first line must be the header: " + HEAD),
        (b"Zip,Rate\n94105,0.08625\n", "The first line must be the header: " + HEAD),
        ((HEAD + "\n").encode(), "The file has no rates below its header."),
        (b"\xff\xfe" + _csv(SF), "The file is not UTF-8 text (CSV)."),
        (b"\0" * (MAX_BYTES + 1), "The file is larger than 8 MB."),
    ],
)
def test_a_file_that_is_not_a_rate_table_is_refused_whole(data, message):
    result = local_tax_rates_import(data=data)
    assert [e.message for e in result.errors] == [message]
    assert LocalTaxRate.objects.count() == 0


def test_a_byte_order_mark_and_blank_lines_are_accepted():
    result = local_tax_rates_import(data=b"\xef\xbb\xbf" + _csv(SF, "", NYC))
    assert (result.ok, result.imported) == (True, 2)


def test_staff_upload_a_rate_table_in_the_admin(admin_client):
    page = admin_client.get("/admin/shop/localtaxrate/")
    assert "/admin/shop/localtaxrate/import/" in page.content.decode()

    response = admin_client.post(
        "/admin/shop/localtaxrate/import/",
        {"file": SimpleUploadedFile("TAXRATES_ZIP5_CA.csv", _csv(SF, LA))},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/admin/shop/localtaxrate/"
    assert "2 ZIP code rates imported for CA." in response.content.decode()
    assert [code for code, _n, _r in _rates()] == ["90012", "94105"]


def test_the_admin_lists_every_bad_row_and_imports_nothing(admin_client):
    response = admin_client.post(
        "/admin/shop/localtaxrate/import/",
        {"file": SimpleUploadedFile("rates.csv", _csv(SF, "CA,abcde,X,1,1,0,0,0,1"))},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported: 1 line has to be corrected." in page
    assert "Line 3: the ZIP code must be 5 digits, not “abcde”" in page
    assert LocalTaxRate.objects.count() == 0


def test_only_staff_allowed_to_add_rates_may_import(client, django_user_model):
    clerk = django_user_model.objects.create_user(
        email="clerk@example.com", is_staff=True
    )
    client.force_login(clerk)
    response = client.post(
        "/admin/shop/localtaxrate/import/",
        {"file": SimpleUploadedFile("rates.csv", _csv(SF))},
    )
    assert response.status_code == 403
    assert LocalTaxRate.objects.count() == 0


def test_the_command_imports_a_file_and_refuses_a_bad_one(tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(_csv(SF, NYC))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv(LA, "CA,90013,LOS ANGELES,abc,0,0,0,0,1"))
    out = io.StringIO()

    call_command("import_tax_rates", str(good), stdout=out)
    with pytest.raises(CommandError) as refused:
        call_command("import_tax_rates", str(bad))

    assert out.getvalue() == "Imported 2 ZIP code rates for CA, NY (replaced 0).\n"
    assert str(refused.value) == (
        "Nothing was imported.\n"
        "line 3: EstimatedCombinedRate must be a rate from 0 to 1, not “abc”"
    )
    assert [code for code, _n, _r in _rates()] == ["10001", "94105"]


def test_the_demo_rates_give_san_francisco_8_625_percent():
    result = local_tax_rates_import(data=DEMO_CSV.read_bytes())

    tax = destination_tax(
        market=market("US"), country="US", region="CA", postal_code="94105"
    )
    assert result.ok
    assert (tax.rate, tax.jurisdiction) == (Decimal("0.086250"), "San Francisco (CA)")


def test_a_review_page_shows_the_jurisdiction_of_a_typed_address(client):
    local_tax_rates_import(data=DEMO_CSV.read_bytes())
    lamp = make_product(name="Desk lamp", prices={"US": "300.00"})
    method = shipping_method(market_code="US", countries=["US"], amount="5.99")
    client.cookies["tw_market"] = "US"
    client.post("/en/cart/add/", {"variant": lamp.variants.get().pk, "quantity": 1})
    address: ShippingAddress = CA_ADDRESS
    client.post("/en/checkout/", {k: v for k, v in address.as_dict().items() if v})
    client.post("/en/checkout/shipping/", {"method": method.pk})

    page = client.get("/en/checkout/review/").content.decode()

    assert "Sales tax, San Francisco (CA): 8.625%" in page
    assert "$25.88" in page  # 8.625 % of $300.00


def test_the_admin_refuses_a_file_that_is_not_a_rate_table_as_a_whole(admin_client):
    response = admin_client.post(
        "/admin/shop/localtaxrate/import/",
        {"file": SimpleUploadedFile("photo.csv", b"\x89PNG\r\n\x1a\n\0\0")},
    )

    page = response.content.decode()
    assert "Nothing was imported." in page
    assert "The file is not UTF-8 text (CSV)." in page
    assert "line has to be corrected" not in page
