from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PrivacyConfig(AppConfig):
    name = "privacy"

    def ready(self) -> None:
        # Each app declares its personal data in `<app>/personal_data.py`.
        autodiscover_modules("personal_data")
