from django.core.management.base import BaseCommand

from privacy.services.roles import roles_sync


class Command(BaseCommand):
    help = "Create or update the staff groups and their least-privilege permissions."

    def handle(self, *args, **options) -> None:
        for role, count in roles_sync().items():
            self.stdout.write(f"{role}: {count} permissions")
