"""How a seller's tax identifiers are named on invoices, per country of registration.

A VAT identification number (`USt-IdNr.` in Germany, `UID-Nr.` in Austria) and a
national tax number (`Steuernummer`, `EIN`, `CNPJ`) are different numbers; an invoice
names each for what it is. The local names are data, printed beside the translated
label wherever they differ from it.
"""

from dataclasses import dataclass

from django.utils.translation import gettext

from shop.models import Market


@dataclass(frozen=True)
class TaxIdNames:
    vat_id: str
    tax_number: str


TAX_ID_NAMES: dict[str, TaxIdNames] = {
    "DE": TaxIdNames(vat_id="USt-IdNr.", tax_number="Steuernummer"),
    "AT": TaxIdNames(vat_id="UID-Nr.", tax_number="Steuernummer"),
    "FR": TaxIdNames(vat_id="N° TVA intracommunautaire", tax_number="SIRET"),
    "BE": TaxIdNames(vat_id="N° TVA", tax_number="N° d'entreprise"),
    "LU": TaxIdNames(vat_id="N° TVA", tax_number="Matricule"),
    "ES": TaxIdNames(vat_id="NIF-IVA", tax_number="NIF"),
    "BR": TaxIdNames(vat_id="", tax_number="CNPJ"),
    "ID": TaxIdNames(vat_id="", tax_number="NPWP"),
    "US": TaxIdNames(vat_id="", tax_number="EIN"),
}


@dataclass(frozen=True)
class TaxIdLine:
    label: str
    value: str


def _label(generic: str, local: str) -> str:
    if not local or local == generic:
        return generic
    return f"{generic} ({local})"


def seller_tax_ids(*, market: Market) -> list[TaxIdLine]:
    """The seller's VAT ID and tax number, labelled in the active language."""
    names = TAX_ID_NAMES.get(market.seller_country, TaxIdNames("", ""))
    lines = []
    if market.seller_vat_id:
        lines.append(
            TaxIdLine(_label(gettext("VAT ID"), names.vat_id), market.seller_vat_id)
        )
    if market.seller_tax_id:
        lines.append(
            TaxIdLine(
                _label(gettext("Tax number"), names.tax_number),
                market.seller_tax_id,
            )
        )
    return lines
