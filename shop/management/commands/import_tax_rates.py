"""Import ZIP code sales tax rates from a tax-rate provider's CSV file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shop.pricing.tax_import import local_tax_rates_import


class Command(BaseCommand):
    help = (
        "Replace the ZIP code tax rates of every state in a provider's CSV file "
        "(Avalara's format); nothing is written when a row is bad."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--country", default="US")

    def handle(self, *args, path: Path, country: str, **options) -> None:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        result = local_tax_rates_import(data=data, country=country)
        if not result.ok:
            lines = [
                f"line {error.line}: {error.message}" if error.line else error.message
                for error in result.errors
            ]
            raise CommandError("Nothing was imported.\n" + "\n".join(lines))
        self.stdout.write(
            f"Imported {result.imported} ZIP code rates for "
            f"{', '.join(result.states)} (replaced {result.replaced})."
        )
