import logging

import pytest

from config.log_redaction import GuestOrderTokenFilter, guest_order_tokens_redact

pytestmark = pytest.mark.django_db

TOKEN = "eyJuIjoiVFctMDAwMDQyIn0:1uABCD:secretSignaturePart"


def test_a_guest_order_request_is_logged_without_its_token(client, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")

    response = client.get(f"/en/order/{TOKEN}/invoice/")

    assert response.status_code == 404
    logged = [record.getMessage() for record in caplog.records]
    assert "Not Found: /en/order/[redacted]/invoice/" in logged
    assert not any(TOKEN in message for message in logged)


def test_an_access_log_line_in_gunicorns_format_is_redacted():
    record = logging.LogRecord(
        "gunicorn.access",
        logging.INFO,
        __file__,
        1,
        '%(h)s "%(r)s" %(s)s',
        ({"h": "10.0.0.1", "r": f"GET /de/order/{TOKEN}/ HTTP/1.1", "s": "200"},),
        None,
    )

    assert GuestOrderTokenFilter().filter(record) is True
    assert record.getMessage() == '10.0.0.1 "GET /de/order/[redacted]/ HTTP/1.1" 200'


def test_an_encoded_link_in_a_query_is_redacted_and_account_orders_are_kept():
    assert (
        guest_order_tokens_redact(
            f"/en/accounts/login/?next=%2Fen%2Forder%2F{TOKEN}%2F"
        )
        == "/en/accounts/login/?next=%2Fen%2Forder%2F[redacted]%2F"
    )
    assert guest_order_tokens_redact("/en/orders/TW-000042/") == "/en/orders/TW-000042/"


@pytest.mark.parametrize(
    "name", ["django.request", "django.server", "daphne", "gunicorn.access"]
)
def test_request_loggers_carry_the_redaction_filter(name):
    filters = logging.getLogger(name).filters

    assert any(isinstance(item, GuestOrderTokenFilter) for item in filters)
