"""The gettext catalogs are complete; rendered pages leave no UI string untranslated."""

import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
STAFF_LANGUAGES = ("zh-hans",)


def _po_path(language: str) -> Path:
    from django.utils.translation import to_locale

    return LOCALE_DIR / to_locale(language) / "LC_MESSAGES" / "django.po"


def _entries(path: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for each entry of a .po file, plural forms joined."""
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        catalog = read_po(handle)
    entries = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
        strings = (
            message.string
            if isinstance(message.string, (tuple, list))
            else (message.string,)
        )
        entries.append(
            (
                ids[0],
                " ".join(s or "" for s in strings) if all(strings) else "",
                message.fuzzy,
            )
        )
    return entries


@pytest.mark.parametrize(
    "language",
    [*[code for code in settings.SHOPPER_LANGUAGES if code != "en"], *STAFF_LANGUAGES],
)
def test_catalog_has_a_translation_for_every_message(language):
    entries = _entries(_po_path(language))
    assert len(entries) > 50
    missing = [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]
    assert missing == []


def test_catalogs_are_up_to_date_with_the_source(tmp_path):
    """makemessages on a copy finds no message that the German catalog lacks."""
    german = {msgid for msgid, _, _ in _entries(_po_path("de"))}
    workdir = tmp_path / "src"
    shutil.copytree(
        settings.BASE_DIR,
        workdir,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "media", "staticfiles", "__pycache__", "node_modules"
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "de",
            "--ignore=bench",
            "--no-obsolete",
            "-v0",
        ],
        cwd=workdir,
        check=True,
    )
    fresh = {
        msgid for msgid, _, _ in _entries(workdir / "locale/de/LC_MESSAGES/django.po")
    }
    assert sorted(fresh - german) == []


class _TextNodes(HTMLParser):
    """Visible text of a page, less scripts, styles and options that declare a
    language of their own (the language switcher names each language in itself)."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: set[str] = set()
        self._skip = 0
        self._in_foreign_option = False

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skip += 1
        if tag == "option" and dict(attrs).get("lang"):
            self._in_foreign_option = True
        for name, value in attrs:
            if name in {"aria-label", "placeholder", "title", "alt"} and value:
                self.texts.add(value.strip())

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._skip -= 1
        if tag == "option":
            self._in_foreign_option = False

    def handle_data(self, data):
        if not self._skip and not self._in_foreign_option and data.strip():
            self.texts.add(" ".join(data.split()))


def untranslated_ui_strings(html: str, language: str) -> list[str]:
    """English UI strings on a page in `language` that have a translation there."""
    english_only = {
        msgid
        for msgid, msgstr, _ in _entries(_po_path(language))
        if msgstr and msgstr != msgid and "%" not in msgid and "{" not in msgid
    }
    parser = _TextNodes()
    parser.feed(html)
    return sorted(parser.texts & english_only)
