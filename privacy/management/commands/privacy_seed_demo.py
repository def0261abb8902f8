from django.core.management.base import BaseCommand

from privacy.services.legal_seed import legal_pages_seed_demo
from privacy.services.roles import roles_sync


class Command(BaseCommand):
    help = "Create the staff roles and publish demo legal pages (imprint, terms, …)."

    def handle(self, *args, **options) -> None:
        counts = roles_sync()
        self.stdout.write(
            "Roles: " + ", ".join(f"{k} ({v})" for k, v in counts.items())
        )
        self.stdout.write(f"Legal pages published: {legal_pages_seed_demo()}")
