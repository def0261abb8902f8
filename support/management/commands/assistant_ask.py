import json

from django.core.management.base import BaseCommand, CommandError

from shop.models import Market, User
from support.assistant import assistant_answer


class Command(BaseCommand):
    help = "Ask the shopping assistant one question and print its reply as JSON."

    def add_arguments(self, parser) -> None:
        parser.add_argument("text", help="The shopper's message.")
        parser.add_argument("--market", required=True, help="Market code, e.g. DE.")
        parser.add_argument("--user", default=None, help="Email of a shopper account.")
        parser.add_argument(
            "--language", default=None, help="Chosen language, e.g. de."
        )

    def handle(self, *args, **options) -> None:
        market = Market.objects.filter(code=options["market"].upper()).first()
        if market is None:
            raise CommandError(f"No market {options['market']!r}.")
        user = None
        if options["user"]:
            user = User.objects.filter(email__iexact=options["user"]).first()
            if user is None:
                raise CommandError(f"No account {options['user']!r}.")
        reply = assistant_answer(
            text=options["text"],
            market=market,
            user=user,
            explicit_language=options["language"],
        )
        self.stdout.write(json.dumps(reply.as_json(), ensure_ascii=False, indent=2))
