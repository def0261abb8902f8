"""Staff edit translated catalog fields in the admin's language tabs."""

import pytest

from shop.tests.factories import make_product

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_sees_a_tab_per_shopper_language_and_can_switch_tabs(
    live_server, new_page, django_user_model
):
    django_user_model.objects.create_superuser(
        email="staff@example.com", password="a-long-staff-password"
    )
    product = make_product(name="Rain jacket", name_de="Regenjacke")
    page = new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "staff@example.com")
    page.fill("#id_password", "a-long-staff-password")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/shop/product/{product.pk}/change/")

    tabs = page.locator("#id_name_en").locator(
        "xpath=ancestor::div[contains(@class,'ui-tabs')]"
    )
    labels = tabs.locator(".ui-tabs-nav li a").all_inner_texts()
    # modeltranslation names Indonesian "ind" (its field suffix), not "id".
    assert [label.strip().lower() for label in labels] == [
        "en",
        "de",
        "fr",
        "es",
        "pt-br",
        "ind",
    ]
    assert page.locator("#id_name_en").is_visible()
    assert not page.locator("#id_name_de").is_visible()

    tabs.locator(".ui-tabs-nav li a", has_text="de").first.click()
    assert page.locator("#id_name_de").is_visible()
    assert page.locator("#id_name_de").input_value() == "Regenjacke"
    assert not page.locator("#id_name_en").is_visible()
