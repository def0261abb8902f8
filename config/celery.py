import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("tradewind")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Domain packages of the shop app keep their tasks beside their services.
app.autodiscover_tasks(["shop.compliance"])
