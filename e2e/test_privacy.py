"""A shopper asks for their data, watches the export being built, and downloads it."""

import json
import threading
import zipfile

import pytest
from allauth.account.models import EmailAddress
from django.db import connections

from privacy import tasks
from shop.models import User
from shop.tests.commerce_helpers import bought
from shop.tests.factories import make_product

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pw-for-e2e-only-71"


@pytest.fixture
def export_in_background(monkeypatch, settings, tmp_path):
    """The export task runs in a thread of its own, as a worker would, while the
    browser polls the request's progress."""
    settings.MEDIA_ROOT = tmp_path
    threads = []

    def delay(request_id):
        def run():
            try:
                tasks.privacy_export_task.apply(args=(request_id,))
            finally:
                connections.close_all()

        thread = threading.Thread(target=run)
        threads.append(thread)
        thread.start()

    monkeypatch.setattr(tasks.privacy_export_task, "delay", delay)
    yield
    for thread in threads:
        thread.join(timeout=30)


def test_a_shopper_downloads_an_export_holding_their_order(
    live_server, new_page, export_in_background
):
    user = User.objects.create_user(
        email="petra@example.com", password=PASSWORD, full_name="Petra Export"
    )
    EmailAddress.objects.create(
        user=user, email=user.email, verified=True, primary=True
    )
    order = bought(user=user, variant=make_product().variants.get()).order
    page = new_page(viewport={"width": 390, "height": 844}, accept_downloads=True)

    page.goto(f"{live_server.url}/en/accounts/login/")
    page.fill("#id_login", user.email)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto(f"{live_server.url}/en/privacy/requests/")
    page.check("input[name=kind][value=access]")
    page.click(".privacy-form button[type=submit]")
    # Asking for one's data means signing in again.
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url("**/privacy/requests/*/")

    progress = page.locator("[data-privacy-progress]")
    assert progress.is_visible()
    link = page.locator("[data-privacy-download-link]")
    link.wait_for(state="visible", timeout=30_000)
    assert progress.get_attribute("value") == "100"
    with page.expect_download() as info:
        link.click()
    archive = zipfile.ZipFile(info.value.path())
    orders = json.loads(archive.read("data/shop.Order.json"))
    assert [o["number"] for o in orders] == [order.number]
    assert "summary.html" in archive.namelist()
