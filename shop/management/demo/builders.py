"""What seed_demo derives from the demo catalog: prices, measures, texts, pictures.

Plain functions of the loaded data, without the database.
"""

import io
import math
from decimal import ROUND_HALF_UP, Decimal

from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont

from shop.management.demo.loader import LANGUAGES, DemoCatalog, Line, ProductType

# Rough exchange rates from a US dollar: demo prices only need to look plausible.
USD_RATES = {
    "USD": Decimal("1"),
    "EUR": Decimal("0.92"),
    "GBP": Decimal("0.79"),
    "BRL": Decimal("5.6"),
    "IDR": Decimal("16000"),
}
IMAGE_SIZE = 1000
# Letters that slugify would drop rather than spell in ASCII.
_ASCII = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "ß": "ss"})


# --- Prices -----------------------------------------------------------------------


def nice_price(amount: Decimal, currency: str) -> Decimal:
    """A shop price near `amount`: 47.99, 249.90 BRL, 899,000 IDR."""
    if currency == "IDR":
        step = Decimal(5000) if amount < 1_000_000 else Decimal(10000)
        rounded = (amount / step).to_integral_value(ROUND_HALF_UP) * step
        return max(rounded - 1000, Decimal(1000))
    ending = Decimal("0.10") if currency == "BRL" else Decimal("0.01")
    if amount < 100:
        step = Decimal(1)
    elif amount < 1000:
        step = Decimal(5) if currency != "BRL" else Decimal(10)
    else:
        step = Decimal(10)
    rounded = (amount / step).to_integral_value(ROUND_HALF_UP) * step
    return max(rounded, step) - ending


def market_price(
    usd_net: Decimal, *, currency: str, prices_include_tax: bool, tax: Decimal
) -> Decimal | None:
    """The regular price in a market, or None for a currency without a rate."""
    rate = USD_RATES.get(currency)
    if rate is None:
        return None
    amount = usd_net * rate
    if prices_include_tax:
        amount *= 1 + tax
    return nice_price(amount, currency)


# --- Names and measures -----------------------------------------------------------


def product_names(ptype: ProductType, line: Line) -> dict[str, str]:
    return {
        language: f"{ptype.names[language]} {line.label_in(language)}"
        for language in LANGUAGES
    }


def product_slug(ptype: ProductType, line: Line) -> str:
    return slugify(f"{ptype.key} {line.label_in('en')}".translate(_ASCII))


def product_measures(ptype: ProductType, line: Line) -> dict:
    """Weight (g), dimensions, volume, length (mm) and power (W) of a line."""
    size = line.size_scale
    dimension_factor = Decimal(float(size) ** (1 / 3))
    return {
        "weight": int((ptype.weight_g * size / 10).to_integral_value()) * 10,
        "dimensions": tuple(
            max(1, int((d * dimension_factor).to_integral_value()))
            for d in ptype.dimensions_mm
        ),
        "volume": line.volume_ml,
        "length": line.length_mm,
        "power": line.power_w or ptype.power_w,
    }


# --- Descriptions -----------------------------------------------------------------


def _de_number(value: Decimal | int) -> str:
    text = f"{Decimal(value).normalize():,f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def _de_volume(ml: int) -> str:
    return f"{_de_number(Decimal(ml) / 1000)} l" if ml >= 1000 else f"{ml} ml"


def _de_length(mm: int) -> str:
    return (
        f"{_de_number(Decimal(mm) / 1000)} m"
        if mm >= 1000
        else (f"{_de_number(Decimal(mm) / 10)} cm")
    )


def product_description(
    *,
    catalog: DemoCatalog,
    ptype: ProductType,
    line: Line,
    line_index: int,
    language: str,
    measures: dict,
) -> str:
    benefit = ptype.benefits[language]
    material = catalog.materials[line.material][language]
    if language == "de":
        width, height, depth = measures["dimensions"]
        parts = [
            benefit,
            f"Material: {material}.",
            f"Gewicht: {_de_number(measures['weight'])} g.",
            f"Maße (B × H × T): {width} × {height} × {depth} mm.",
        ]
        if measures.get("volume"):
            parts.append(f"Fassungsvermögen: {_de_volume(measures['volume'])}.")
        if measures.get("length"):
            parts.append(f"Länge: {_de_length(measures['length'])}.")
        if measures.get("power"):
            parts.append(f"Leistung: {_de_number(measures['power'])} W.")
        return " ".join(parts)
    closing = catalog.closings[language][line_index % 3]
    if language == "en":
        return f"{benefit} Made from {material}. {closing}"
    label = {
        "fr": "Matière\u00a0:",
        "es": "Material:",
        "pt-br": "Material:",
        "id": "Bahan:",
    }[language]
    return f"{benefit} {label} {material}. {closing}"


# --- Images -------------------------------------------------------------------------


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except (OSError, ImportError):  # Pillow built without FreeType
        return ImageFont.load_default()


def _polygon(sides: int, radius: int, rotation: float = 0) -> list[tuple[float, float]]:
    centre = IMAGE_SIZE / 2
    return [
        (
            centre + radius * math.cos(rotation + 2 * math.pi * k / sides),
            centre + radius * math.sin(rotation + 2 * math.pi * k / sides),
        )
        for k in range(sides)
    ]


def demo_image(*, initials: str, shape: str, background, colour) -> bytes:
    """A product picture: the category's shape in the product's colour, initials."""
    picture = Image.new("RGB", (IMAGE_SIZE, IMAGE_SIZE), background)
    draw = ImageDraw.Draw(picture)
    outline = tuple(max(0, c - 60) for c in colour)
    style = {"fill": colour, "outline": outline, "width": 8}
    if shape == "triangle":
        draw.polygon([(500, 150), (870, 820), (130, 820)], **style)
    elif shape == "circle":
        draw.ellipse((180, 180, 820, 820), **style)
    elif shape == "rounded":
        draw.rounded_rectangle((160, 250, 840, 750), radius=90, **style)
    elif shape == "diamond":
        draw.polygon(_polygon(4, 380, -math.pi / 2), **style)
    elif shape == "hexagon":
        draw.polygon(_polygon(6, 370), **style)
    elif shape == "ellipse":
        draw.ellipse((260, 130, 740, 870), **style)
    else:
        for box in ((100, 520, 480, 880), (520, 520, 900, 880), (310, 120, 690, 480)):
            draw.rectangle(box, **style)
    luminance = 0.299 * colour[0] + 0.587 * colour[1] + 0.114 * colour[2]
    ink = (30, 30, 34) if luminance > 150 else (250, 250, 248)
    centre_y = {"triangle": 620, "squares": 680}.get(shape, 520)
    draw.text((500, centre_y), initials, fill=ink, font=_font(240), anchor="mm")
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def product_image(
    *, catalog: DemoCatalog, ptype: ProductType, name_en: str, colour: str
) -> bytes:
    """The picture of a product: its top-level category's shape, its initials."""
    category = catalog.category(ptype.category)
    top = catalog.category(category.parent) if category.parent else category
    words = [w for w in name_en.split() if w[:1].isalpha()]
    initials = "".join(w[0] for w in words[:2]).upper()
    return demo_image(
        initials=initials,
        shape=top.shape or "",  # no shape: the default one
        background=top.background,
        colour=catalog.colour_rgb(colour),
    )
