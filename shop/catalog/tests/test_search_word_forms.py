"""Word forms find their products on both databases.

The table runs on the suite's database (PostgreSQL: text-search configurations) and,
through `test_search_behaves_the_same_on_sqlite`, again in a pytest subprocess on an
SQLite database (the embedded default: the Snowball-stemmed FTS5 index), together
with the rest of the search tests.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from modeltranslation.utils import build_localized_fieldname

from shop.catalog.search import product_search
from shop.catalog.services import (
    catalog_object_delete,
    category_save,
    product_save,
)
from shop.tests.factories import make_category, make_product

# (language, product name in that language, description, query in another form)
WORD_FORMS = [
    ("de", "Regenjacke Sturm", "", "Regenjacken"),
    ("de", "Daunenjacke Bergen", "", "Daunenjacken"),
    ("de", "Pfanne Eisen", "", "Pfannen"),
    ("de", "Messer Damast", "", "Messern"),
    # A word also finds the compounds it is the head of.
    ("de", "Bratpfanne Eisen", "", "Pfannen"),
    ("de", "Bratpfanne Eisen", "", "Pfanne"),
    ("de", "Kochmesser 20 cm", "", "Messern"),
    ("de", "Regenjacke Sturm", "", "Jacken"),
    ("de", "Trekkingschuh", "Wasserdicht bis 2 m.", "wasserdichte"),
    ("fr", "Veste imperméable", "", "vestes"),
    ("fr", "Chaussure de randonnée", "", "chaussures"),
    ("es", "Chaqueta impermeable", "", "chaquetas"),
    ("es", "Sartén de hierro", "", "sartenes"),
    ("pt-br", "Jaqueta impermeável", "", "jaquetas"),
    ("pt-br", "Panela de ferro", "", "panelas"),
    ("id", "Jaket hujan", "", "jaketnya"),
    ("id", "Sepatu lari", "", "berlari"),
    ("en", "Rain jacket", "", "jackets"),
    ("en", "Frying pan", "", "pans"),
    ("en", "Trail shoe", "Made to run on rock.", "running"),
]


def _names(products) -> list[str]:
    return [product.name_en for product in products]


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "name", "description", "query"), WORD_FORMS)
def test_word_form_finds_the_product(language, name, description, query):
    wanted = make_product(
        **{
            build_localized_fieldname("name", language): name,
            build_localized_fieldname("description", language): description,
        },
    )
    make_product(name="Desk lamp", name_de="Schreibtischlampe")

    found = product_search(query=query, language=language)

    assert [product.pk for product in found] == [wanted.pk]


@pytest.mark.django_db
def test_renamed_product_is_found_by_its_new_name_only():
    product = make_product(name="Rain jacket", name_de="Regenjacke")

    product.name_de = "Daunenjacke"
    product_save(product=product)

    assert _names(product_search(query="Daunenjacken", language="de")) == [
        "Rain jacket"
    ]
    assert _names(product_search(query="Regenjacken", language="de")) == []


@pytest.mark.django_db
def test_renamed_category_finds_the_products_of_its_subtree():
    outdoor = make_category(name="Outdoor", name_de="Draußen")
    jackets = make_category(name="Coats", name_de="Mäntel", parent=outdoor)
    make_product(category=jackets, name="Parka Nordkap")

    outdoor.name_de = "Wanderausrüstung"
    category_save(category=outdoor)

    assert _names(product_search(query="Wanderausrüstungen", language="de")) == [
        "Parka Nordkap"
    ]
    assert _names(product_search(query="draußen", language="de")) == []


@pytest.mark.django_db
def test_deleted_product_is_not_found():
    product = make_product(name="Rain jacket", name_de="Regenjacke")
    product.variants.all().delete()

    catalog_object_delete(obj=product)

    assert list(product_search(query="Regenjacken", language="de")) == []


def test_search_behaves_the_same_on_sqlite(tmp_path: Path):
    """The word-form table and every search test, again on the embedded default."""
    here = Path(__file__).resolve()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'search.sqlite3'}",
    }

    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-k",
            "not same_on_sqlite and not on_postgresql",
            str(here),
            str(here.with_name("test_search.py")),
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )

    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    passed = re.search(r"(\d+) passed", run.stdout)
    assert passed is not None
    assert int(passed.group(1)) >= len(WORD_FORMS) + 3
