"""Guests' conversations remember the address of the order a guest proved in
them (its number and email), so that a privacy request by that address finds
them; existing conversations are read for it."""

import re

from django.db import migrations, models

# As `support.assistant.retrieval.EMAIL` and `intents.ORDER_NUMBER` when this
# was written.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
ORDER_NUMBER = re.compile(r"\bTW-[A-Z0-9]{6}\b", re.IGNORECASE)


def backfill(apps, schema_editor):
    Conversation = apps.get_model("support", "Conversation")
    Message = apps.get_model("support", "Message")
    Order = apps.get_model("shop", "Order")
    guests = Conversation.objects.filter(user__isnull=True).values_list("pk", flat=True)
    for conversation_id in guests.iterator(chunk_size=500):
        texts = (
            Message.objects.filter(
                conversation_id=conversation_id,
                author="shopper",
                text__contains="@",
            )
            .order_by("-created_at", "-pk")
            .values_list("text", flat=True)
        )
        for text in texts.iterator(chunk_size=100):
            found = EMAIL.search(text)
            number = ORDER_NUMBER.search(text)
            if found is None or number is None or len(found.group()) > 254:
                continue
            proven = Order.objects.filter(
                number__iexact=number.group(),
                email__iexact=found.group(),
                user__isnull=True,
            ).exists()
            if proven:
                Conversation.objects.filter(pk=conversation_id).update(
                    contact_email=found.group().lower()
                )
                break


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0004_seed_support_teams"),
        ("shop", "0013_market_seller_tax_ids"),
    ]

    operations = [
        migrations.AddField(
            model_name="conversation",
            name="contact_email",
            field=models.EmailField(
                blank=True,
                db_index=True,
                max_length=254,
                verbose_name="email address",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
