"""Export a subject's personal data to a ZIP file, as the privacy portal does."""

import shutil

from django.core.management.base import BaseCommand, CommandError, CommandParser

from privacy.services.export import export_for_staff
from shop.models import User


class Command(BaseCommand):
    help = (
        "Export everything the registry holds about an email address to a ZIP; "
        "the audit log records which staff member did it and why."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--out", required=True, help="Path of the ZIP to write.")
        parser.add_argument(
            "--actor", required=True, help="Email of the staff member exporting."
        )
        parser.add_argument("--reason", required=True, help="Why, for the audit log.")

    def handle(
        self, *args, email: str, out: str, actor: str, reason: str, **options
    ) -> None:
        staff = User.objects.filter(email__iexact=actor.strip(), is_staff=True).first()
        if staff is None:
            raise CommandError(f"No staff account {actor}.")
        request = export_for_staff(email=email, actor=staff, reason=reason)
        with request.export_file.open("rb") as source, open(out, "wb") as target:
            shutil.copyfileobj(source, target)
        self.stdout.write(
            f"Request #{request.pk}: {request.progress_done} records written to {out}"
        )
