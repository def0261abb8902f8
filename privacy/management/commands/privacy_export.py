"""Export a subject's personal data to a ZIP file, as the privacy portal does."""

import shutil

from django.core.management.base import BaseCommand, CommandParser

from privacy.models import RequestKind
from privacy.services.export import export_build
from privacy.services.requests import request_for_email


class Command(BaseCommand):
    help = "Export everything the registry holds about an email address to a ZIP."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--out", required=True, help="Path of the ZIP to write.")

    def handle(self, *args, email: str, out: str, **options) -> None:
        request = request_for_email(kind=RequestKind.ACCESS, email=email)
        request = export_build(request=request)
        with request.export_file.open("rb") as source, open(out, "wb") as target:
            shutil.copyfileobj(source, target)
        self.stdout.write(
            f"Request #{request.pk}: {request.progress_done} records written to {out}"
        )
