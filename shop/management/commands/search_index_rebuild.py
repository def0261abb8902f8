"""Rebuild the stemmed product search index (SQLite; PostgreSQL needs none)."""

from django.core.management.base import BaseCommand

from shop.catalog import search_index


class Command(BaseCommand):
    help = "Rebuild the SQLite product search index from every product."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        using = options["database"]
        if not search_index.enabled(using):
            self.stdout.write("This database searches with its own full-text index.")
            return
        search_index.index_rebuild(using=using)
        self.stdout.write("Search index rebuilt.")
