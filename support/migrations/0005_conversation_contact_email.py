"""Guests' conversations remember the address given in them, so that a privacy
request by that address finds them; existing conversations are read for it."""

import re

from django.db import migrations, models

# As `support.assistant.retrieval.EMAIL` when this was written.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def backfill(apps, schema_editor):
    Conversation = apps.get_model("support", "Conversation")
    Message = apps.get_model("support", "Message")
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
            if found is not None and len(found.group()) <= 254:
                Conversation.objects.filter(pk=conversation_id).update(
                    contact_email=found.group().lower()
                )
                break


class Migration(migrations.Migration):
    dependencies = [("support", "0004_seed_support_teams")]

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
