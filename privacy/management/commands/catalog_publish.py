from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from privacy.services.catalog_publish import (
    catalog_export,
    catalog_import,
    catalog_publish,
    catalog_publish_targets,
)


class Command(BaseCommand):
    help = (
        "Publish the catalog to the other regions' deployments (DATA_REGION_URLS), "
        "to one URL (--to), or through a shared file (--out here, --in there)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", action="append", default=[], help="base URL")
        parser.add_argument("--out", type=Path, help="write the catalog JSON here")
        parser.add_argument("--in", dest="infile", type=Path, help="import this file")

    def handle(
        self, *args, to: list[str], out: Path | None, infile: Path | None, **options
    ) -> None:
        if infile is not None:
            count = catalog_import(document=infile.read_bytes())
            self.stdout.write(f"Imported {count} rows from {infile}.")
            return
        if out is not None:
            out.write_bytes(catalog_export())
            self.stdout.write(f"Wrote the catalog to {out}.")
            return
        for url in to or catalog_publish_targets():
            count = catalog_publish(url=url)
            self.stdout.write(f"Published {count} rows to {url}.")
