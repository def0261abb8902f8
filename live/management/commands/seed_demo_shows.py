"""Demo live shows for a first look; run after seed_demo, again changes nothing."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname

from live.models import Show, ShowProduct
from shop.models import Category, Product, User

SHOWS: list[dict[str, Any]] = [
    {
        "key": "trail-kit",
        "hours_from_now": 20,
        "is_sponsored": False,
        "brand_name": "",
        "category_slug": "outdoor",
        "title": {
            "en": "Trail kit, tried on live",
            "de": "Wanderausrüstung live im Test",
            "fr": "L'équipement de randonnée, essayé en direct",
            "es": "Equipo de senderismo, probado en directo",
            "pt-br": "Equipamento de trilha, testado ao vivo",
            "id": "Perlengkapan mendaki, dicoba langsung",
        },
    },
    {
        "key": "kitchen-week",
        "hours_from_now": 44,
        "is_sponsored": True,
        "brand_name": "Ferro & Co",
        "category_slug": "home-kitchen",
        "title": {
            "en": "Kitchen week: pans and knives",
            "de": "Küchenwoche: Pfannen und Messer",
            "fr": "Semaine cuisine : poêles et couteaux",
            "es": "Semana de cocina: sartenes y cuchillos",
            "pt-br": "Semana da cozinha: frigideiras e facas",
            "id": "Pekan dapur: wajan dan pisau",
        },
    },
]


class Command(BaseCommand):
    help = "Create the demo live shows, hosted by host@example.com."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        host = User.objects.filter(email="host@example.com").first()
        if host is None:
            raise CommandError("Run seed_demo first: the demo host account is missing.")
        for data in SHOWS:
            titles = {
                build_localized_fieldname("title", language): text
                for language, text in data["title"].items()
            }
            show, created = Show.objects.get_or_create(
                host=host,
                title_en=data["title"]["en"],
                defaults={
                    **titles,
                    "language": "en",
                    "scheduled_start": timezone.now()
                    + timedelta(hours=data["hours_from_now"]),
                    "is_sponsored": data["is_sponsored"],
                    "brand_name": data["brand_name"],
                },
            )
            category = Category.objects.filter(slug=data["category_slug"]).first()
            if created and category is not None:
                products = Product.objects.filter(
                    is_active=True, category__path__startswith=category.path
                ).order_by("id")[:4]
                for position, product in enumerate(products):
                    ShowProduct.objects.create(
                        show=show, product=product, position=position
                    )
        self.stdout.write(f"Live shows: {len(SHOWS)} scheduled, hosted by {host}.")
