"""mypy plugin: lets django-stubs see the managers django-modeltranslation installs.

modeltranslation swaps each translated model's default manager for
``modeltranslation.manager.MultilingualManager`` at runtime. django-stubs reads the
runtime manager class and looks its type up, but no models module imports
``modeltranslation.manager``, so the type is not loaded yet and every translated
model (and every reverse relation to one) reports ``django-manager-missing``.
Making each models module depend on that module gives the lookup its type.
"""

from mypy.build import PRI_MED
from mypy.nodes import MypyFile
from mypy.plugin import Plugin

FIRST_PARTY = ("shop.", "live.", "support.", "privacy.")


class ModeltranslationManagers(Plugin):
    def get_additional_deps(self, file: MypyFile) -> list[tuple[int, str, int]]:
        name = file.fullname
        if name.startswith(FIRST_PARTY) and name.rsplit(".", 1)[-1] == "models":
            return [(PRI_MED, "modeltranslation.manager", -1)]
        return []


def plugin(version: str) -> type[Plugin]:
    return ModeltranslationManagers
