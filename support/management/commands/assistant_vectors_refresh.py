from django.core.management.base import BaseCommand

from support.assistant.vectors import product_vectors_refresh


class Command(BaseCommand):
    help = "Embed the products whose text changed, for the assistant's search."

    def handle(self, *args, **options) -> None:
        written = product_vectors_refresh()
        self.stdout.write(f"Product vectors written: {written}")
