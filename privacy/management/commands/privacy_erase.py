"""Erase a subject's personal data, as the privacy portal does."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from privacy.models import RequestKind
from privacy.services.erasure import erasure_execute, erasure_outcome_rows
from privacy.services.requests import request_for_email


class Command(BaseCommand):
    help = (
        "Erase everything the registry holds about an email address; records the "
        "law requires are minimized and held."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask for confirmation."
        )

    def handle(self, *args, email: str, yes: bool, **options) -> None:
        if not yes:
            answer = input(f"Erase all personal data of {email}? Type 'yes': ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was erased.")
        request = request_for_email(kind=RequestKind.ERASURE, email=email)
        request = erasure_execute(request=request)
        for row in erasure_outcome_rows(request.outcome):
            line = f"{row['name']}: {row['action']} ({row['count']})"
            if row["held"]:
                line += f"; {row['held']} held until {row['held_until']:%Y-%m-%d}"
            self.stdout.write(line)
        self.stdout.write(f"Request #{request.pk} completed.")
