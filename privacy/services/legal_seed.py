"""Demo legal pages, so that a first look at the shop has every footer link."""

import json
from pathlib import Path

from privacy.models import LegalPageVersion
from privacy.services.legal import (
    legal_page_upsert,
    legal_version_draft,
    legal_version_publish,
)

_DEMO_FILE = Path(__file__).resolve().parent.parent / "demo" / "legal_pages.json"


def legal_pages_seed_demo() -> int:
    """Publish version 1 of each demo legal page that has none yet; returns how many."""
    created = 0
    for item in json.loads(_DEMO_FILE.read_text(encoding="utf-8")):
        page = legal_page_upsert(kind=item["kind"], market_code=item["market"])
        if LegalPageVersion.objects.filter(page=page).exists():
            continue
        texts = item["texts"]
        translations = {}
        for language, text in texts.items():
            suffix = language.replace("-", "_")
            translations[f"title_{suffix}"] = text["title"]
            translations[f"body_{suffix}"] = text["body"]
        version = legal_version_draft(
            page=page,
            title=texts["en"]["title"],
            body=texts["en"]["body"],
            **translations,
        )
        legal_version_publish(version=version)
        created += 1
    return created
