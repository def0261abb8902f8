"""EU markets require GPSR safety information; the certificate kinds markets ask for;
a starting accessibility statement per market. Staff edit all of it in the admin."""

import datetime

from django.db import migrations

GPSR_MARKETS = ("DE", "FR", "ES")

# Kinds whose reference a listing shows get the name in their market's language too.
LOCAL_NAMES = {
    "inmetro": {"name_pt_br": "Registro INMETRO"},
    "anatel": {"name_pt_br": "Código de homologação ANATEL"},
    "sni": {"name_ind": "Sertifikat SNI (Standar Nasional Indonesia)"},
}

KINDS = [
    ("ce", "CE marking with EU declaration of conformity", False),
    ("ukca", "UKCA marking with UK declaration of conformity", False),
    ("fcc-id", "FCC ID (equipment authorization)", False),
    ("fcc-sdoc", "FCC supplier's declaration of conformity", False),
    ("cpc", "Children's Product Certificate (CPSIA)", False),
    ("sni", "SNI certificate (Standar Nasional Indonesia)", False),
    ("inmetro", "INMETRO registration", True),
    ("anatel", "ANATEL homologation code", True),
]


ENFORCEMENT = {
    "DE": "Marktüberwachungsstelle der Länder für die Barrierefreiheit von Produkten "
    "und Dienstleistungen (MLBF), Magdeburg",
    "FR": "Direction générale de la concurrence, de la consommation et de la "
    "répression des fraudes (DGCCRF)",
    "ES": "Dirección General de Consumo, Ministerio de Derechos Sociales, Consumo "
    "y Agenda 2030",
}


def seed(apps, schema_editor):
    Market = apps.get_model("shop", "Market")
    CertificateKind = apps.get_model("shop", "CertificateKind")
    AccessibilityStatement = apps.get_model("shop", "AccessibilityStatement")
    Market.objects.filter(code__in=GPSR_MARKETS).update(product_safety_required=True)
    for code, name, shown in KINDS:
        CertificateKind.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name,
                "shown_on_listing": shown,
                **LOCAL_NAMES.get(code, {}),
            },
        )
    for market in Market.objects.all():
        AccessibilityStatement.objects.get_or_create(
            market=market,
            defaults={
                "contact": "accessibility@example.com",
                "enforcement_body": ENFORCEMENT.get(market.code, ""),
                "reviewed_on": datetime.date(2026, 12, 1),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("shop", "0016_compliance")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
