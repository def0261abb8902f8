"""The demo catalog: categories, attributes and products in the six shopper languages.

Products are made from small translated tables: a product type (name, one sentence
on what it is good for, in each language, and its measurements) times three lines
(a model name and a material). Descriptions follow each market's tone: English is
direct, German lists the specifications, French speaks of the look, Spanish,
Brazilian Portuguese and Indonesian are warm. The seed_demo command turns these
tables into rows.
"""

from dataclasses import dataclass, field
from decimal import Decimal

LANGUAGES = ("en", "de", "fr", "es", "pt-br", "id")

# --- Categories -------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryData:
    slug: str
    names: dict[str, str]
    parent: str | None = None


def _names(en: str, de: str, fr: str, es: str, pt: str, id_: str) -> dict[str, str]:
    return {"en": en, "de": de, "fr": fr, "es": es, "pt-br": pt, "id": id_}


CATEGORIES = (
    CategoryData(
        "outdoor",
        _names(
            "Outdoor", "Outdoor", "Plein air", "Aire libre", "Ar livre", "Alam terbuka"
        ),
    ),
    CategoryData(
        "jackets",
        _names("Jackets", "Jacken", "Vestes", "Chaquetas", "Jaquetas", "Jaket"),
        "outdoor",
    ),
    CategoryData(
        "backpacks",
        _names(
            "Backpacks", "Rucksäcke", "Sacs à dos", "Mochilas", "Mochilas", "Ransel"
        ),
        "outdoor",
    ),
    CategoryData(
        "camping",
        _names("Camping", "Camping", "Camping", "Acampada", "Camping", "Berkemah"),
        "outdoor",
    ),
    CategoryData(
        "home-kitchen",
        _names(
            "Home & Kitchen",
            "Haus & Küche",
            "Maison & cuisine",
            "Hogar y cocina",
            "Casa e cozinha",
            "Rumah & dapur",
        ),
    ),
    CategoryData(
        "cookware",
        _names(
            "Cookware",
            "Kochgeschirr",
            "Ustensiles de cuisson",
            "Menaje de cocina",
            "Panelas e utensílios",
            "Peralatan masak",
        ),
        "home-kitchen",
    ),
    CategoryData(
        "coffee-tea",
        _names(
            "Coffee & Tea",
            "Kaffee & Tee",
            "Café & thé",
            "Café y té",
            "Café e chá",
            "Kopi & teh",
        ),
        "home-kitchen",
    ),
    CategoryData(
        "electronics",
        _names(
            "Electronics",
            "Elektronik",
            "Électronique",
            "Electrónica",
            "Eletrônicos",
            "Elektronik",
        ),
    ),
    CategoryData(
        "audio",
        _names("Audio", "Audio", "Audio", "Audio", "Áudio", "Audio"),
        "electronics",
    ),
    CategoryData(
        "lighting",
        _names(
            "Lighting",
            "Beleuchtung",
            "Éclairage",
            "Iluminación",
            "Iluminação",
            "Pencahayaan",
        ),
        "electronics",
    ),
    CategoryData(
        "fashion",
        _names("Fashion", "Mode", "Mode", "Moda", "Moda", "Fesyen"),
    ),
    CategoryData(
        "tops",
        _names(
            "Shirts & Tops",
            "Shirts & Oberteile",
            "Hauts & t-shirts",
            "Camisetas y tops",
            "Camisetas e blusas",
            "Kaos & atasan",
        ),
        "fashion",
    ),
    CategoryData(
        "bags",
        _names(
            "Bags & Wallets",
            "Taschen & Geldbörsen",
            "Sacs & portefeuilles",
            "Bolsos y carteras",
            "Bolsas e carteiras",
            "Tas & dompet",
        ),
        "fashion",
    ),
    CategoryData(
        "footwear",
        _names("Footwear", "Schuhe", "Chaussures", "Calzado", "Calçados", "Alas kaki"),
        "fashion",
    ),
    CategoryData(
        "sports",
        _names(
            "Sports & Fitness",
            "Sport & Fitness",
            "Sport & fitness",
            "Deporte y fitness",
            "Esporte e fitness",
            "Olahraga & kebugaran",
        ),
    ),
    CategoryData(
        "running",
        _names("Running", "Laufen", "Course à pied", "Running", "Corrida", "Lari"),
        "sports",
    ),
    CategoryData(
        "yoga",
        _names("Yoga", "Yoga", "Yoga", "Yoga", "Ioga", "Yoga"),
        "sports",
    ),
    CategoryData(
        "beauty",
        _names(
            "Beauty & Care",
            "Beauty & Pflege",
            "Beauté & soin",
            "Belleza y cuidado",
            "Beleza e cuidados",
            "Kecantikan & perawatan",
        ),
    ),
    CategoryData(
        "skincare",
        _names(
            "Skincare",
            "Hautpflege",
            "Soin de la peau",
            "Cuidado de la piel",
            "Cuidados com a pele",
            "Perawatan kulit",
        ),
        "beauty",
    ),
    CategoryData(
        "kids",
        _names(
            "Kids & Toys",
            "Kinder & Spielzeug",
            "Enfants & jouets",
            "Niños y juguetes",
            "Infantil e brinquedos",
            "Anak & mainan",
        ),
    ),
    CategoryData(
        "toys",
        _names("Toys", "Spielzeug", "Jouets", "Juguetes", "Brinquedos", "Mainan"),
        "kids",
    ),
)

# --- Attributes -------------------------------------------------------------------

ATTRIBUTES = {
    "colour": _names("Color", "Farbe", "Couleur", "Color", "Cor", "Warna"),
    "size": _names("Size", "Größe", "Taille", "Talla", "Tamanho", "Ukuran"),
}

COLOURS = {
    "black": _names("Black", "Schwarz", "Noir", "Negro", "Preto", "Hitam"),
    "white": _names("White", "Weiß", "Blanc", "Blanco", "Branco", "Putih"),
    "red": _names("Red", "Rot", "Rouge", "Rojo", "Vermelho", "Merah"),
    "blue": _names("Blue", "Blau", "Bleu", "Azul", "Azul", "Biru"),
    "green": _names("Green", "Grün", "Vert", "Verde", "Verde", "Hijau"),
    "grey": _names("Gray", "Grau", "Gris", "Gris", "Cinza", "Abu-abu"),
    "sand": _names("Sand", "Sand", "Sable", "Arena", "Areia", "Pasir"),
    "brown": _names("Brown", "Braun", "Marron", "Marrón", "Marrom", "Cokelat"),
}

# Drawing colours of the demo images.
COLOUR_RGB = {
    "black": (45, 45, 50),
    "white": (240, 238, 232),
    "red": (196, 52, 48),
    "blue": (42, 86, 160),
    "green": (52, 128, 84),
    "grey": (128, 132, 136),
    "sand": (212, 190, 148),
    "brown": (122, 82, 52),
}

SIZES = {
    slug: _names(*([label] * 6))
    for slug, label in (
        ("s", "S"),
        ("m", "M"),
        ("l", "L"),
        ("xl", "XL"),
        ("eu-38", "EU 38"),
        ("eu-40", "EU 40"),
        ("eu-42", "EU 42"),
        ("eu-44", "EU 44"),
    )
}

# --- Materials and specification labels -----------------------------------------

MATERIALS = {
    "recycled-polyester": _names(
        "recycled polyester",
        "recyceltes Polyester",
        "polyester recyclé",
        "poliéster reciclado",
        "poliéster reciclado",
        "poliester daur ulang",
    ),
    "ripstop-nylon": _names(
        "ripstop nylon",
        "Ripstop-Nylon",
        "nylon ripstop",
        "nailon ripstop",
        "náilon ripstop",
        "nilon ripstop",
    ),
    "organic-cotton": _names(
        "organic cotton",
        "Bio-Baumwolle",
        "coton biologique",
        "algodón orgánico",
        "algodão orgânico",
        "katun organik",
    ),
    "merino-wool": _names(
        "merino wool",
        "Merinowolle",
        "laine mérinos",
        "lana merino",
        "lã merino",
        "wol merino",
    ),
    "linen": _names("linen", "Leinen", "lin", "lino", "linho", "linen"),
    "stainless-steel": _names(
        "stainless steel",
        "Edelstahl",
        "acier inoxydable",
        "acero inoxidable",
        "aço inoxidável",
        "baja tahan karat",
    ),
    "cast-iron": _names(
        "cast iron", "Gusseisen", "fonte", "hierro fundido", "ferro fundido", "besi cor"
    ),
    "steel-oak": _names(
        "stainless steel and oak",
        "Edelstahl und Eichenholz",
        "acier inoxydable et chêne",
        "acero inoxidable y roble",
        "aço inoxidável e carvalho",
        "baja tahan karat dan kayu ek",
    ),
    "ceramic": _names(
        "glazed ceramic",
        "glasierte Keramik",
        "céramique émaillée",
        "cerámica esmaltada",
        "cerâmica esmaltada",
        "keramik berglasir",
    ),
    "borosilicate-glass": _names(
        "borosilicate glass",
        "Borosilikatglas",
        "verre borosilicate",
        "vidrio borosilicato",
        "vidro borossilicato",
        "kaca borosilikat",
    ),
    "aluminium": _names(
        "aluminum", "Aluminium", "aluminium", "aluminio", "alumínio", "aluminium"
    ),
    "abs-plastic": _names(
        "recycled ABS plastic",
        "recycelter ABS-Kunststoff",
        "plastique ABS recyclé",
        "plástico ABS reciclado",
        "plástico ABS reciclado",
        "plastik ABS daur ulang",
    ),
    "beech": _names(
        "beech wood",
        "Buchenholz",
        "bois de hêtre",
        "madera de haya",
        "madeira de faia",
        "kayu beech",
    ),
    "leather": _names(
        "full-grain leather",
        "Vollnarbenleder",
        "cuir pleine fleur",
        "piel de plena flor",
        "couro integral",
        "kulit full-grain",
    ),
    "canvas": _names(
        "waxed canvas",
        "gewachstes Canvas",
        "toile cirée",
        "lona encerada",
        "lona encerada",
        "kanvas berlapis lilin",
    ),
    "mesh": _names(
        "breathable mesh",
        "atmungsaktives Mesh",
        "mesh respirant",
        "malla transpirable",
        "tecido mesh respirável",
        "mesh yang bernapas",
    ),
    "natural-rubber": _names(
        "natural rubber",
        "Naturkautschuk",
        "caoutchouc naturel",
        "caucho natural",
        "borracha natural",
        "karet alam",
    ),
    "cork": _names(
        "cork and natural rubber",
        "Kork und Naturkautschuk",
        "liège et caoutchouc naturel",
        "corcho y caucho natural",
        "cortiça e borracha natural",
        "gabus dan karet alam",
    ),
    "shea": _names(
        "shea butter and jojoba oil",
        "Sheabutter und Jojobaöl",
        "beurre de karité et huile de jojoba",
        "manteca de karité y aceite de jojoba",
        "manteiga de karité e óleo de jojoba",
        "shea butter dan minyak jojoba",
    ),
    "aloe": _names(
        "aloe vera and hyaluronic acid",
        "Aloe vera und Hyaluronsäure",
        "aloe vera et acide hyaluronique",
        "aloe vera y ácido hialurónico",
        "aloe vera e ácido hialurônico",
        "lidah buaya dan asam hialuronat",
    ),
    "olive-oil": _names(
        "olive oil and shea butter",
        "Olivenöl und Sheabutter",
        "huile d'olive et beurre de karité",
        "aceite de oliva y manteca de karité",
        "azeite de oliva e manteiga de karité",
        "minyak zaitun dan shea butter",
    ),
}

SPEC_LABELS = {
    "dimensions": _names(
        "Dimensions", "Abmessungen", "Dimensions", "Dimensiones", "Dimensões", "Dimensi"
    ),
    "weight": _names("Weight", "Gewicht", "Poids", "Peso", "Peso", "Berat"),
    "material": _names(
        "Material", "Material", "Matière", "Material", "Material", "Bahan"
    ),
    "power": _names("Power", "Leistung", "Puissance", "Potencia", "Potência", "Daya"),
    "volume": _names(
        "Capacity",
        "Fassungsvermögen",
        "Contenance",
        "Capacidad",
        "Capacidade",
        "Kapasitas",
    ),
    "length": _names(
        "Length", "Länge", "Longueur", "Longitud", "Comprimento", "Panjang"
    ),
}

# The closing sentence of a description, chosen by the line: the market's tone.
CLOSINGS = {
    "en": (
        "Order today and it ships within days.",
        "A dependable pick at a fair price.",
        "Simple, sturdy and ready to use out of the box.",
    ),
    "fr": (
        "Une ligne épurée et des finitions soignées, jusque dans les détails.",
        "Des couleurs douces et des formes sobres, pour un bel objet du quotidien.",
        "Un design élégant, pensé pour durer.",
    ),
    "es": (
        "¡Te va a encantar!",
        "Ideal para regalar o para darte un gusto.",
        "Pensado para acompañarte cada día.",
    ),
    "pt-br": (
        "Perfeito para o dia a dia.",
        "Uma ótima opção para presentear.",
        "Feito para acompanhar você por muito tempo.",
    ),
    "id": (
        "Cocok untuk dipakai sehari-hari.",
        "Pilihan tepat untuk hadiah.",
        "Dibuat awet untuk menemani aktivitasmu.",
    ),
}

# --- Product types ------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One model of a product type: its name, material and size relative to the type."""

    label: str | dict[str, str]
    material: str
    scale: Decimal = Decimal("1")  # price
    size: Decimal = Decimal("1")  # weight; dimensions by its cube root
    volume_ml: int | None = None
    length_mm: int | None = None
    power_w: int | None = None

    def label_in(self, language: str) -> str:
        return self.label if isinstance(self.label, str) else self.label[language]


@dataclass(frozen=True)
class ProductType:
    key: str
    category: str
    brand: str
    names: dict[str, str]
    benefits: dict[str, str]
    lines: tuple[Line, Line, Line]
    usd: Decimal  # net price of a line at scale 1
    weight_g: int
    dimensions_mm: tuple[int, int, int]
    variants: str  # "apparel", "shoes", "colours" or "single"
    colours: tuple[str, ...] = ("black",)
    power_w: int | None = None
    shape: str = field(default="")


def _litres(value: str) -> dict[str, str]:
    comma = value.replace(".", ",")
    return _names(
        f"{value} L",
        f"{comma} l",
        f"{comma} L",
        f"{comma} l",
        f"{comma} L",
        f"{comma} L",
    )


def _pieces(count: int) -> dict[str, str]:
    return _names(
        f"{count} pieces",
        f"{count} Teile",
        f"{count} pièces",
        f"{count} piezas",
        f"{count} peças",
        f"{count} keping",
    )


D = Decimal

PRODUCT_TYPES = (
    ProductType(
        key="rain-jacket",
        category="jackets",
        brand="Nordwind",
        names=_names(
            "Rain jacket",
            "Regenjacke",
            "Veste de pluie",
            "Chaqueta impermeable",
            "Jaqueta impermeável",
            "Jaket hujan",
        ),
        benefits=_names(
            "Keeps you dry in a downpour and packs into its own pocket.",
            "Wassersäule 10.000 mm, verschweißte Nähte, in der eigenen Brusttasche "
            "verstaubar.",
            "Une coupe nette qui protège de l'averse et se glisse dans sa propre "
            "poche.",
            "Te mantiene seco bajo la lluvia y se guarda en su propio bolsillo.",
            "Mantém você seco na chuva forte e cabe no próprio bolso.",
            "Menjaga tubuh tetap kering saat hujan deras dan bisa dilipat ke dalam "
            "sakunya sendiri.",
        ),
        lines=(
            Line("Fjord", "recycled-polyester"),
            Line("Skagen", "ripstop-nylon", D("1.2")),
            Line("Lofoten", "recycled-polyester", D("1.4")),
        ),
        usd=D("119"),
        weight_g=420,
        dimensions_mm=(300, 250, 60),
        variants="apparel",
        colours=("blue", "black", "green"),
    ),
    ProductType(
        key="down-jacket",
        category="jackets",
        brand="Nordwind",
        names=_names(
            "Down jacket",
            "Daunenjacke",
            "Doudoune",
            "Chaqueta de plumas",
            "Jaqueta de plumas",
            "Jaket bulu angsa",
        ),
        benefits=_names(
            "Light, warm and ready for cold mornings and colder evenings.",
            "Füllung 90/10 Daunen, Bauschkraft 700 cuin, Komfortbereich bis −10 °C.",
            "Un volume doux et léger, une chaleur enveloppante par grand froid.",
            "Ligera y calentita, perfecta para las mañanas más frías.",
            "Leve e quentinha, perfeita para as manhãs mais frias.",
            "Ringan dan hangat, pas untuk pagi dan malam yang dingin.",
        ),
        lines=(
            Line("Bergen", "ripstop-nylon"),
            Line("Narvik", "recycled-polyester", D("1.15")),
            Line("Tromsø", "ripstop-nylon", D("1.35")),
        ),
        usd=D("179"),
        weight_g=380,
        dimensions_mm=(320, 260, 90),
        variants="apparel",
        colours=("black", "red", "sand"),
    ),
    ProductType(
        key="daypack",
        category="backpacks",
        brand="Nordwind",
        names=_names(
            "Daypack",
            "Tagesrucksack",
            "Sac à dos de randonnée",
            "Mochila de día",
            "Mochila de trilha",
            "Ransel harian",
        ),
        benefits=_names(
            "Padded straps, a laptop sleeve and room for everything you need all day.",
            "Gepolsterte Schultergurte, Laptopfach bis 15 Zoll, Rückenlänge 48 cm.",
            "Des lignes sobres, un dos rembourré et une pochette pour l'ordinateur.",
            "Tirantes acolchados, funda para portátil y espacio para todo tu día.",
            "Alças acolchoadas, espaço para notebook e lugar para tudo o que você "
            "precisa no dia.",
            "Tali bahu empuk, kantong laptop, dan ruang untuk semua kebutuhan "
            "harianmu.",
        ),
        lines=(
            Line("20", "canvas", D("0.85"), D("0.8"), volume_ml=20000),
            Line("28", "ripstop-nylon", D("1"), volume_ml=28000),
            Line("35", "recycled-polyester", D("1.2"), D("1.2"), volume_ml=35000),
        ),
        usd=D("79"),
        weight_g=780,
        dimensions_mm=(300, 480, 180),
        variants="colours",
        colours=("green", "grey", "black"),
    ),
    ProductType(
        key="travel-backpack",
        category="backpacks",
        brand="Nordwind",
        names=_names(
            "Travel backpack",
            "Reiserucksack",
            "Sac de voyage",
            "Mochila de viaje",
            "Mochila de viagem",
            "Ransel perjalanan",
        ),
        benefits=_names(
            "Opens like a suitcase and fits in the overhead bin.",
            "Kofferöffnung, handgepäcktauglich, abschließbare Reißverschlüsse, "
            "verstaubares Tragesystem.",
            "S'ouvre comme une valise et accompagne chaque escapade avec élégance.",
            "Se abre como una maleta y cabe en el compartimento del avión.",
            "Abre como uma mala e cabe no compartimento de bagagem do avião.",
            "Terbuka seperti koper dan muat di kabin pesawat.",
        ),
        lines=(
            Line("40", "ripstop-nylon", D("0.9"), D("0.9"), volume_ml=40000),
            Line("45", "canvas", D("1"), volume_ml=45000),
            Line("55", "recycled-polyester", D("1.2"), D("1.2"), volume_ml=55000),
        ),
        usd=D("149"),
        weight_g=1450,
        dimensions_mm=(550, 400, 200),
        variants="colours",
        colours=("black", "sand", "blue"),
    ),
    ProductType(
        key="tent",
        category="camping",
        brand="Nordwind",
        names=_names("Tent", "Zelt", "Tente", "Tienda de campaña", "Barraca", "Tenda"),
        benefits=_names(
            "Sets up in minutes and stands firm in wind and rain.",
            "Aufbau in unter 5 Minuten, Wassersäule Boden 5.000 mm, zwei Eingänge.",
            "Se monte en quelques minutes et offre un abri lumineux sous les étoiles.",
            "Se monta en minutos y aguanta firme el viento y la lluvia.",
            "Monta em minutos e fica firme com vento e chuva.",
            "Dapat didirikan dalam hitungan menit dan tetap kokoh diterpa angin dan "
            "hujan.",
        ),
        lines=(
            Line("Solo", "ripstop-nylon", D("0.75"), D("0.7")),
            Line("Duo", "ripstop-nylon", D("1")),
            Line("Trio", "recycled-polyester", D("1.3"), D("1.35")),
        ),
        usd=D("229"),
        weight_g=1900,
        dimensions_mm=(450, 160, 160),
        variants="colours",
        colours=("green", "sand"),
    ),
    ProductType(
        key="headlamp",
        category="camping",
        brand="Lumo",
        names=_names(
            "Headlamp",
            "Stirnlampe",
            "Lampe frontale",
            "Linterna frontal",
            "Lanterna de cabeça",
            "Lampu kepala",
        ),
        benefits=_names(
            "Bright, rechargeable light that leaves both hands free.",
            "USB-C-Akku, Leuchtdauer bis 40 Stunden, spritzwassergeschützt nach IPX4.",
            "Une lumière franche et rechargeable, si légère qu'on l'oublie.",
            "Luz potente y recargable que te deja las manos libres.",
            "Luz forte e recarregável que deixa as mãos livres.",
            "Cahaya terang yang bisa diisi ulang dan membuat kedua tangan tetap bebas.",
        ),
        lines=(
            Line("300", "abs-plastic", D("0.8"), power_w=2),
            Line("450", "abs-plastic", D("1"), power_w=3),
            Line("600", "aluminium", D("1.3"), power_w=5),
        ),
        usd=D("39"),
        weight_g=90,
        dimensions_mm=(60, 40, 35),
        variants="colours",
        colours=("black", "red"),
    ),
    ProductType(
        key="frying-pan",
        category="cookware",
        brand="Casa Forte",
        names=_names(
            "Frying pan", "Bratpfanne", "Poêle", "Sartén", "Frigideira", "Wajan"
        ),
        benefits=_names(
            "Heats evenly, sears beautifully and goes from stove to oven.",
            "Für alle Herdarten einschließlich Induktion, backofenfest bis 260 °C.",
            "Une cuisson homogène et une belle saisie, du feu jusqu'au four.",
            "Calienta de forma uniforme y pasa del fuego al horno.",
            "Aquece por igual, sela muito bem e vai do fogão ao forno.",
            "Panas merata, hasil masakan sempurna, dan bisa langsung masuk oven.",
        ),
        lines=(
            Line("20 cm", "cast-iron", D("0.8"), D("0.7")),
            Line("24 cm", "stainless-steel", D("1")),
            Line("28 cm", "cast-iron", D("1.25"), D("1.4")),
        ),
        usd=D("59"),
        weight_g=1600,
        dimensions_mm=(440, 240, 55),
        variants="single",
        colours=("black",),
    ),
    ProductType(
        key="saucepan",
        category="cookware",
        brand="Casa Forte",
        names=_names("Saucepan", "Kochtopf", "Casserole", "Cazo", "Panela", "Panci"),
        benefits=_names(
            "A sturdy everyday pot with a glass lid and stay-cool handles.",
            "Sandwichboden, Glasdeckel, Innenskalierung, spülmaschinengeeignet.",
            "Un classique de la cuisine, avec couvercle en verre et poignées qui "
            "restent froides.",
            "Una olla resistente para cada día, con tapa de vidrio y asas que no "
            "queman.",
            "Uma panela resistente para o dia a dia, com tampa de vidro e alças que "
            "não esquentam.",
            "Panci kokoh untuk sehari-hari dengan tutup kaca dan gagang yang tidak "
            "panas.",
        ),
        lines=(
            Line(
                _litres("1.5"), "stainless-steel", D("0.8"), D("0.75"), volume_ml=1500
            ),
            Line(_litres("2.5"), "stainless-steel", D("1"), volume_ml=2500),
            Line(_litres("4"), "stainless-steel", D("1.3"), D("1.4"), volume_ml=4000),
        ),
        usd=D("69"),
        weight_g=1300,
        dimensions_mm=(330, 180, 120),
        variants="single",
        colours=("grey",),
    ),
    ProductType(
        key="chefs-knife",
        category="cookware",
        brand="Casa Forte",
        names=_names(
            "Chef's knife",
            "Kochmesser",
            "Couteau de chef",
            "Cuchillo de chef",
            "Faca de chef",
            "Pisau koki",
        ),
        benefits=_names(
            "A razor-sharp blade that makes quick work of every prep job.",
            "Klinge aus Edelstahl 1.4116, Härte 56 HRC, Schliffwinkel 15° je Seite.",
            "Une lame affûtée et un manche chaleureux, un plaisir à chaque découpe.",
            "Una hoja muy afilada que hace fácil cualquier preparación.",
            "Lâmina afiadíssima que facilita qualquer preparo.",
            "Bilah yang sangat tajam untuk memudahkan setiap pekerjaan dapur.",
        ),
        lines=(
            Line("16 cm", "steel-oak", D("0.85"), D("0.8"), length_mm=160),
            Line("20 cm", "steel-oak", D("1"), length_mm=200),
            Line("23 cm", "stainless-steel", D("1.2"), D("1.15"), length_mm=230),
        ),
        usd=D("89"),
        weight_g=210,
        dimensions_mm=(330, 50, 22),
        variants="single",
        colours=("brown",),
    ),
    ProductType(
        key="french-press",
        category="coffee-tea",
        brand="Casa Forte",
        names=_names(
            "French press",
            "Kaffeebereiter",
            "Cafetière à piston",
            "Cafetera de émbolo",
            "Prensa francesa",
            "French press",
        ),
        benefits=_names(
            "Rich, full-bodied coffee in four minutes, no paper filters needed.",
            "Borosilikatglas, dreilagiger Edelstahlfilter, spülmaschinengeeignet.",
            "Un café rond et généreux, préparé en quatre minutes.",
            "Café intenso y con cuerpo en cuatro minutos, sin filtros de papel.",
            "Café encorpado em quatro minutos, sem filtro de papel.",
            "Kopi yang pekat dan nikmat dalam empat menit, tanpa kertas saring.",
        ),
        lines=(
            Line(
                _litres("0.35"),
                "borosilicate-glass",
                D("0.8"),
                D("0.55"),
                volume_ml=350,
            ),
            Line(_litres("0.8"), "borosilicate-glass", D("1"), volume_ml=800),
            Line(_litres("1"), "stainless-steel", D("1.4"), D("1.3"), volume_ml=1000),
        ),
        usd=D("35"),
        weight_g=520,
        dimensions_mm=(160, 230, 110),
        variants="colours",
        colours=("black", "white"),
    ),
    ProductType(
        key="electric-kettle",
        category="coffee-tea",
        brand="Lumo",
        names=_names(
            "Electric kettle",
            "Wasserkocher",
            "Bouilloire électrique",
            "Hervidor eléctrico",
            "Chaleira elétrica",
            "Ketel listrik",
        ),
        benefits=_names(
            "Boils fast, shuts off automatically and pours without a drip.",
            "Temperaturwahl 40–100 °C in 5 Stufen, Warmhaltefunktion, Kalkfilter.",
            "Une silhouette élégante, une ébullition rapide et un bec verseur précis.",
            "Hierve rápido, se apaga sola y sirve sin gotear.",
            "Ferve rápido, desliga sozinha e serve sem pingar.",
            "Mendidih cepat, mati otomatis, dan menuang tanpa menetes.",
        ),
        lines=(
            Line("Brew", "stainless-steel", D("0.8")),
            Line("Brew Plus", "stainless-steel", D("1")),
            Line("Brew Pro", "stainless-steel", D("1.4")),
        ),
        usd=D("49"),
        weight_g=1100,
        dimensions_mm=(220, 250, 160),
        variants="colours",
        colours=("white", "black", "grey"),
        power_w=2200,
    ),
    ProductType(
        key="teapot",
        category="coffee-tea",
        brand="Casa Forte",
        names=_names(
            "Teapot", "Teekanne", "Théière", "Tetera", "Bule de chá", "Teko teh"
        ),
        benefits=_names(
            "A generous pot with a fine steel infuser for loose-leaf tea.",
            "Inhalt 1,2 l, herausnehmbares Edelstahlsieb, tropffreie Tülle.",
            "Une théière aux courbes douces, pour des instants de pause raffinés.",
            "Una tetera generosa con filtro de acero para té a granel.",
            "Um bule generoso com infusor de aço para chá a granel.",
            "Teko besar dengan saringan baja halus untuk teh daun.",
        ),
        lines=(
            Line("Kyoto", "ceramic", D("1"), volume_ml=1200),
            Line("Assam", "ceramic", D("1.1"), volume_ml=1200),
            Line("Darjeeling", "borosilicate-glass", D("0.9"), volume_ml=1200),
        ),
        usd=D("39"),
        weight_g=800,
        dimensions_mm=(230, 150, 160),
        variants="colours",
        colours=("white", "blue", "green"),
    ),
    ProductType(
        key="wireless-headphones",
        category="audio",
        brand="Lumo",
        names=_names(
            "Wireless headphones",
            "Kabellose Kopfhörer",
            "Casque sans fil",
            "Auriculares inalámbricos",
            "Fones de ouvido sem fio",
            "Headphone nirkabel",
        ),
        benefits=_names(
            "Noise cancelling, a 30-hour battery and a fit you forget you're wearing.",
            "Aktive Geräuschunterdrückung, Akkulaufzeit bis 30 h, Bluetooth 5.3, "
            "Multipoint.",
            "Un son chaleureux et une silhouette raffinée, pour s'évader à tout "
            "moment.",
            "Cancelación de ruido, 30 horas de batería y un ajuste comodísimo.",
            "Cancelamento de ruído, bateria para 30 horas e um encaixe super "
            "confortável.",
            "Peredam bising, baterai tahan 30 jam, dan nyaman dipakai seharian.",
        ),
        lines=(
            Line("Aura", "abs-plastic", D("0.8")),
            Line("Aura ANC", "abs-plastic", D("1")),
            Line("Aura Studio", "aluminium", D("1.5")),
        ),
        usd=D("149"),
        weight_g=260,
        dimensions_mm=(180, 200, 80),
        variants="colours",
        colours=("black", "white", "sand"),
        power_w=1,
    ),
    ProductType(
        key="bluetooth-speaker",
        category="audio",
        brand="Lumo",
        names=_names(
            "Bluetooth speaker",
            "Bluetooth-Lautsprecher",
            "Enceinte Bluetooth",
            "Altavoz Bluetooth",
            "Caixa de som Bluetooth",
            "Speaker Bluetooth",
        ),
        benefits=_names(
            "Big, clear sound that goes wherever you go, rain or shine.",
            "Wasserdicht nach IP67, Akkulaufzeit bis 12 h, koppelbar mit einem "
            "zweiten Lautsprecher.",
            "Un son ample et clair, dans un objet aux formes douces.",
            "Sonido potente y claro que va contigo a todas partes.",
            "Som potente e nítido para levar a qualquer lugar.",
            "Suara jernih dan bertenaga yang bisa dibawa ke mana saja.",
        ),
        lines=(
            Line("Mini", "abs-plastic", D("0.6"), D("0.5"), power_w=10),
            Line("Go", "abs-plastic", D("1"), power_w=20),
            Line("Max", "aluminium", D("1.8"), D("2"), power_w=40),
        ),
        usd=D("69"),
        weight_g=540,
        dimensions_mm=(180, 70, 70),
        variants="colours",
        colours=("blue", "black", "red"),
    ),
    ProductType(
        key="desk-lamp",
        category="lighting",
        brand="Lumo",
        names=_names(
            "LED desk lamp",
            "LED-Schreibtischleuchte",
            "Lampe de bureau LED",
            "Lámpara de escritorio LED",
            "Luminária de mesa LED",
            "Lampu meja LED",
        ),
        benefits=_names(
            "Dimmable, flicker-free light that's easy on the eyes.",
            "Farbtemperatur 2700–6500 K, stufenlos dimmbar, flimmerfrei, CRI über 90.",
            "Une lumière douce et réglable, dans une ligne épurée.",
            "Luz regulable y sin parpadeo que cuida tus ojos.",
            "Luz regulável e sem cintilação que não cansa os olhos.",
            "Cahaya yang bisa diredupkan dan bebas kedip, nyaman untuk mata.",
        ),
        lines=(
            Line("Arc", "aluminium", D("0.8"), power_w=6),
            Line("Arc Plus", "aluminium", D("1"), power_w=8),
            Line("Arc Pro", "aluminium", D("1.4"), power_w=12),
        ),
        usd=D("69"),
        weight_g=950,
        dimensions_mm=(180, 450, 180),
        variants="colours",
        colours=("white", "black"),
    ),
    ProductType(
        key="string-lights",
        category="lighting",
        brand="Lumo",
        names=_names(
            "LED string lights",
            "LED-Lichterkette",
            "Guirlande lumineuse LED",
            "Guirnalda de luces LED",
            "Cordão de luz LED",
            "Lampu tumbler LED",
        ),
        benefits=_names(
            "Warm white LEDs that turn any balcony into a cozy spot.",
            "Warmweiß 2700 K, IP44 für außen, Timer mit 6 h an und 18 h aus.",
            "Une lumière chaude et scintillante, pour des soirées pleines de charme.",
            "Luces LED de blanco cálido que hacen acogedor cualquier rincón.",
            "LEDs de luz quente que deixam qualquer varanda aconchegante.",
            "Lampu LED putih hangat yang membuat balkon terasa nyaman.",
        ),
        lines=(
            Line("5 m", "abs-plastic", D("0.7"), D("0.6"), length_mm=5000, power_w=3),
            Line("10 m", "abs-plastic", D("1"), length_mm=10000, power_w=5),
            Line("20 m", "abs-plastic", D("1.6"), D("1.8"), length_mm=20000, power_w=9),
        ),
        usd=D("25"),
        weight_g=300,
        dimensions_mm=(150, 150, 60),
        variants="single",
        colours=("sand",),
    ),
    ProductType(
        key="t-shirt",
        category="tops",
        brand="Atelier Tide",
        names=_names("T-shirt", "T-Shirt", "T-shirt", "Camiseta", "Camiseta", "Kaos"),
        benefits=_names(
            "Soft, breathable and cut to keep its shape wash after wash.",
            "Grammatur 180 g/m², Rundhalsausschnitt, bei 30 °C waschbar, formstabil.",
            "Une coupe nette et une matière douce, pour une allure naturelle.",
            "Suave, transpirable y mantiene la forma lavado tras lavado.",
            "Macia, respirável e mantém o caimento lavagem após lavagem.",
            "Lembut, menyerap keringat, dan tetap rapi meski sering dicuci.",
        ),
        lines=(
            Line("Basic", "organic-cotton", D("0.8")),
            Line("Pocket", "linen", D("1.1")),
            Line("Merino", "merino-wool", D("2")),
        ),
        usd=D("29"),
        weight_g=180,
        dimensions_mm=(300, 250, 20),
        variants="apparel",
        colours=("white", "black", "grey"),
    ),
    ProductType(
        key="hoodie",
        category="tops",
        brand="Atelier Tide",
        names=_names(
            "Hoodie",
            "Kapuzenpullover",
            "Sweat à capuche",
            "Sudadera con capucha",
            "Moletom com capuz",
            "Hoodie",
        ),
        benefits=_names(
            "Heavyweight fleece, a roomy hood and pockets that fit your phone.",
            "Baumwollfleece 340 g/m², doppellagige Kapuze, Kängurutasche.",
            "Un molleton épais et doux, pour un confort enveloppant.",
            "Felpa gruesa y suave, capucha amplia y bolsillos para el móvil.",
            "Moletom grosso e macio, capuz amplo e bolsos para o celular.",
            "Bahan fleece tebal, tudung lega, dan saku yang muat ponsel.",
        ),
        lines=(
            Line("Harbor", "organic-cotton", D("1")),
            Line("Summit", "recycled-polyester", D("1.1")),
            Line("Dune", "organic-cotton", D("1.25")),
        ),
        usd=D("69"),
        weight_g=620,
        dimensions_mm=(350, 300, 60),
        variants="apparel",
        colours=("grey", "green", "sand"),
    ),
    ProductType(
        key="tote-bag",
        category="bags",
        brand="Atelier Tide",
        names=_names(
            "Tote bag", "Shopper", "Sac cabas", "Bolso tote", "Bolsa tote", "Tas tote"
        ),
        benefits=_names(
            "Holds a full grocery run and still looks sharp.",
            "Tragkraft bis 15 kg, Innentasche mit Reißverschluss, Henkellänge 60 cm.",
            "Un cabas élégant et généreux, de la ville au marché.",
            "Cabe toda la compra y sigue luciendo genial.",
            "Cabe as compras da semana e continua lindo.",
            "Muat belanjaan sekali jalan dan tetap terlihat rapi.",
        ),
        lines=(
            Line("Market", "canvas", D("0.8")),
            Line("City", "leather", D("2.4")),
            Line("Weekend", "canvas", D("1.2")),
        ),
        usd=D("49"),
        weight_g=450,
        dimensions_mm=(420, 380, 150),
        variants="colours",
        colours=("sand", "black", "brown"),
    ),
    ProductType(
        key="wallet",
        category="bags",
        brand="Atelier Tide",
        names=_names(
            "Wallet", "Geldbörse", "Portefeuille", "Cartera", "Carteira", "Dompet"
        ),
        benefits=_names(
            "Slim enough for a front pocket, with RFID blocking built in.",
            "Acht Kartenfächer, Münzfach mit Druckknopf, RFID-Schutzfolie.",
            "Un cuir qui se patine joliment avec le temps.",
            "Fina para llevar en el bolsillo y con protección RFID.",
            "Fina para o bolso da frente e com proteção RFID.",
            "Cukup tipis untuk saku depan dan dilengkapi pelindung RFID.",
        ),
        lines=(
            Line("Slim", "leather", D("0.8")),
            Line("Classic", "leather", D("1")),
            Line("Travel", "leather", D("1.5")),
        ),
        usd=D("45"),
        weight_g=90,
        dimensions_mm=(110, 90, 15),
        variants="colours",
        colours=("brown", "black"),
    ),
    ProductType(
        key="sneakers",
        category="footwear",
        brand="Atelier Tide",
        names=_names(
            "Sneakers", "Sneaker", "Baskets", "Zapatillas", "Tênis", "Sepatu sneakers"
        ),
        benefits=_names(
            "All-day comfort with a cushioned sole and a clean, classic look.",
            "Herausnehmbare Einlegesohle, Laufsohle aus Gummi, atmungsaktives Futter.",
            "Une silhouette intemporelle et un confort qui dure toute la journée.",
            "Comodidad todo el día con suela acolchada y un estilo clásico.",
            "Conforto o dia todo com solado macio e visual clássico.",
            "Nyaman seharian dengan sol empuk dan tampilan klasik.",
        ),
        lines=(
            Line("Court", "leather", D("1")),
            Line("Runner", "mesh", D("0.9")),
            Line("Canvas Low", "canvas", D("0.7")),
        ),
        usd=D("99"),
        weight_g=720,
        dimensions_mm=(330, 210, 120),
        variants="shoes",
        colours=("white", "black"),
    ),
    ProductType(
        key="running-shoes",
        category="running",
        brand="Stride",
        names=_names(
            "Running shoes",
            "Laufschuhe",
            "Chaussures de running",
            "Zapatillas de running",
            "Tênis de corrida",
            "Sepatu lari",
        ),
        benefits=_names(
            "Responsive cushioning that keeps you going mile after mile.",
            "Sprengung 8 mm, Zwischensohle aus EVA-Schaum, reflektierende Details.",
            "Un amorti réactif et une silhouette légère, foulée après foulée.",
            "Amortiguación reactiva que te impulsa kilómetro tras kilómetro.",
            "Amortecimento responsivo para ir longe, quilômetro após quilômetro.",
            "Bantalan responsif yang membuatmu terus berlari kilometer demi kilometer.",
        ),
        lines=(
            Line("Tempo", "mesh", D("1")),
            Line("Trail", "mesh", D("1.1")),
            Line("Marathon", "mesh", D("1.3")),
        ),
        usd=D("129"),
        weight_g=540,
        dimensions_mm=(330, 210, 120),
        variants="shoes",
        colours=("blue", "red"),
    ),
    ProductType(
        key="insulated-bottle",
        category="running",
        brand="Stride",
        names=_names(
            "Insulated bottle",
            "Isolierflasche",
            "Gourde isotherme",
            "Botella térmica",
            "Garrafa térmica",
            "Botol termos",
        ),
        benefits=_names(
            "Keeps drinks cold for 24 hours or hot for 12.",
            "Doppelwandig vakuumisoliert: 24 h kalt, 12 h heiß; BPA-frei, "
            "auslaufsicher.",
            "Des lignes pures et des boissons fraîches toute la journée.",
            "Mantiene las bebidas frías 24 horas o calientes 12.",
            "Mantém bebidas geladas por 24 horas ou quentes por 12.",
            "Menjaga minuman tetap dingin 24 jam atau panas 12 jam.",
        ),
        lines=(
            Line(_litres("0.5"), "stainless-steel", D("0.85"), D("0.8"), volume_ml=500),
            Line(_litres("0.75"), "stainless-steel", D("1"), volume_ml=750),
            Line(_litres("1"), "stainless-steel", D("1.2"), D("1.25"), volume_ml=1000),
        ),
        usd=D("32"),
        weight_g=360,
        dimensions_mm=(75, 270, 75),
        variants="colours",
        colours=("green", "blue", "white"),
    ),
    ProductType(
        key="yoga-mat",
        category="yoga",
        brand="Stride",
        names=_names(
            "Yoga mat",
            "Yogamatte",
            "Tapis de yoga",
            "Esterilla de yoga",
            "Tapete de yoga",
            "Matras yoga",
        ),
        benefits=_names(
            "Non-slip grip and just the right cushioning for every pose.",
            "Rutschfest auch bei Schweiß, Maße 183 × 61 cm, schadstoffgeprüft.",
            "Une surface douce et une belle adhérence, pour une pratique sereine.",
            "Agarre antideslizante y la amortiguación justa para cada postura.",
            "Aderência antiderrapante e o amortecimento certo para cada postura.",
            "Permukaan anti selip dan bantalan yang pas untuk setiap pose.",
        ),
        lines=(
            Line("Grip 4", "natural-rubber", D("1")),
            Line("Grip 6", "natural-rubber", D("1.2"), D("1.4")),
            Line("Cork", "cork", D("1.4")),
        ),
        usd=D("59"),
        weight_g=2200,
        dimensions_mm=(1830, 610, 4),
        variants="colours",
        colours=("blue", "grey", "sand"),
    ),
    ProductType(
        key="face-cream",
        category="skincare",
        brand="Botanica",
        names=_names(
            "Face cream",
            "Gesichtscreme",
            "Crème visage",
            "Crema facial",
            "Creme facial",
            "Krim wajah",
        ),
        benefits=_names(
            "Hydrates for 24 hours and absorbs in seconds, with no greasy feel.",
            "Feuchtigkeit für 24 h, dermatologisch getestet, ohne Parfüm und "
            "Mineralöl.",
            "Une texture fondante qui laisse la peau douce et lumineuse.",
            "Hidrata durante 24 horas y se absorbe en segundos, sin sensación grasa.",
            "Hidrata por 24 horas e absorve em segundos, sem deixar a pele oleosa.",
            "Melembapkan hingga 24 jam dan cepat meresap tanpa rasa lengket.",
        ),
        lines=(
            Line("Aqua", "aloe", D("1"), volume_ml=50),
            Line("Repair", "shea", D("1.3"), volume_ml=50),
            Line("Calm", "aloe", D("1.1"), volume_ml=50),
        ),
        usd=D("28"),
        weight_g=120,
        dimensions_mm=(70, 50, 70),
        variants="single",
        colours=("white",),
    ),
    ProductType(
        key="natural-soap",
        category="skincare",
        brand="Botanica",
        names=_names(
            "Natural soap",
            "Naturseife",
            "Savon naturel",
            "Jabón natural",
            "Sabonete natural",
            "Sabun alami",
        ),
        benefits=_names(
            "Gentle, plant-based soap that lathers richly and rinses clean.",
            "Kaltgerührt, 100 % pflanzliche Öle, pH-hautneutral, ohne Palmöl.",
            "Un savon doux aux huiles végétales, pour un rituel tout en douceur.",
            "Jabón suave de origen vegetal que hace mucha espuma y se aclara "
            "fácilmente.",
            "Sabonete suave de origem vegetal, com espuma cremosa e enxágue fácil.",
            "Sabun nabati yang lembut dengan busa melimpah dan mudah dibilas.",
        ),
        lines=(
            Line("Lavandula", "olive-oil", D("1")),
            Line("Rosmarinus", "olive-oil", D("1")),
            Line("Avena", "shea", D("1.1")),
        ),
        usd=D("9"),
        weight_g=110,
        dimensions_mm=(85, 60, 30),
        variants="single",
        colours=("green",),
    ),
    ProductType(
        key="building-blocks",
        category="toys",
        brand="Little Oak",
        names=_names(
            "Wooden building blocks",
            "Holzbausteine",
            "Cubes de construction en bois",
            "Bloques de madera",
            "Blocos de montar de madeira",
            "Balok susun kayu",
        ),
        benefits=_names(
            "Smooth, solid blocks for endless towers, bridges and castles.",
            "Unbehandeltes Buchenholz, Kantenlänge 4 cm, geeignet ab 12 Monaten.",
            "Des cubes doux au toucher, pour construire des mondes à l'infini.",
            "Bloques lisos y resistentes para construir torres, puentes y castillos.",
            "Blocos lisos e resistentes para montar torres, pontes e castelos.",
            "Balok halus dan kokoh untuk membangun menara, jembatan, dan kastel.",
        ),
        lines=(
            Line(_pieces(30), "beech", D("0.6"), D("0.5")),
            Line(_pieces(60), "beech", D("1")),
            Line(_pieces(100), "beech", D("1.5"), D("1.6")),
        ),
        usd=D("35"),
        weight_g=1800,
        dimensions_mm=(300, 200, 150),
        variants="single",
        colours=("sand",),
    ),
    ProductType(
        key="balance-bike",
        category="toys",
        brand="Little Oak",
        names=_names(
            "Balance bike",
            "Laufrad",
            "Draisienne",
            "Bicicleta sin pedales",
            "Bicicleta de equilíbrio",
            "Sepeda keseimbangan",
        ),
        benefits=_names(
            "Builds balance and confidence before the first pedal bike.",
            "Sitzhöhe 29–40 cm verstellbar, Luftbereifung, geeignet ab 2 Jahren.",
            "Un premier vélo au design soigné, pour apprendre l'équilibre en douceur.",
            "Ayuda a ganar equilibrio y confianza antes de la primera bici con "
            "pedales.",
            "Desenvolve equilíbrio e confiança antes da primeira bicicleta com pedal.",
            "Melatih keseimbangan dan rasa percaya diri sebelum naik sepeda pedal.",
        ),
        lines=(
            Line("Mini", "beech", D("0.8")),
            Line("Classic", "beech", D("1")),
            Line("Explorer", "aluminium", D("1.3"), D("0.9")),
        ),
        usd=D("119"),
        weight_g=3200,
        dimensions_mm=(850, 550, 380),
        variants="colours",
        colours=("red", "blue", "green"),
    ),
)

# Shape drawn on the demo image, per top-level category.
CATEGORY_SHAPES = {
    "outdoor": ("triangle", (226, 236, 226)),
    "home-kitchen": ("circle", (242, 232, 218)),
    "electronics": ("rounded", (222, 228, 238)),
    "fashion": ("diamond", (242, 226, 230)),
    "sports": ("hexagon", (222, 238, 244)),
    "beauty": ("ellipse", (236, 228, 242)),
    "kids": ("squares", (246, 238, 206)),
}

DEMO_PASSWORD = "tradewind-demo"  # noqa: S105 - published demo logins


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    market: str
    language: str
    is_host: bool = False
    is_staff: bool = False


DEMO_ACCOUNTS = (
    DemoAccount("shopper@example.com", "Sam Shopper", "US", "en"),
    DemoAccount("host@example.com", "Hana Host", "DE", "de", is_host=True),
    DemoAccount("staff@example.com", "Stella Staff", "DE", "en", is_staff=True),
)

# --- Shipping ---------------------------------------------------------------------


@dataclass(frozen=True)
class ShippingMethodData:
    names: dict[str, str]
    carrier: str
    days: tuple[int, int]
    # Market code -> (price, free from items subtotal or None), in its currency.
    rates: dict[str, tuple[str, str | None]]


@dataclass(frozen=True)
class ShippingZoneData:
    names: dict[str, str]
    countries: tuple[str, ...]
    methods: tuple[ShippingMethodData, ...]


_STANDARD = _names("Standard", "Standard", "Standard", "Estándar", "Padrão", "Reguler")
_EXPRESS = _names("Express", "Express", "Express", "Exprés", "Expresso", "Kilat")

SHIPPING_ZONES = (
    ShippingZoneData(
        _names(
            "Germany & Austria",
            "Deutschland & Österreich",
            "Allemagne & Autriche",
            "Alemania y Austria",
            "Alemanha e Áustria",
            "Jerman & Austria",
        ),
        ("DE", "AT"),
        (
            ShippingMethodData(_STANDARD, "DHL", (1, 3), {"DE": ("4.90", "50.00")}),
            ShippingMethodData(
                _EXPRESS, "DHL Express", (1, 1), {"DE": ("12.90", None)}
            ),
        ),
    ),
    ShippingZoneData(
        _names(
            "France & Benelux",
            "Frankreich & Benelux",
            "France & Benelux",
            "Francia y Benelux",
            "França e Benelux",
            "Prancis & Benelux",
        ),
        ("FR", "BE", "LU"),
        (
            ShippingMethodData(
                _STANDARD, "Colissimo", (2, 4), {"FR": ("5.90", "60.00")}
            ),
            ShippingMethodData(_EXPRESS, "Chronopost", (1, 2), {"FR": ("14.90", None)}),
        ),
    ),
    ShippingZoneData(
        _names("Spain", "Spanien", "Espagne", "España", "Espanha", "Spanyol"),
        ("ES",),
        (
            ShippingMethodData(_STANDARD, "Correos", (2, 5), {"ES": ("4.50", "50.00")}),
            ShippingMethodData(_EXPRESS, "SEUR", (1, 2), {"ES": ("9.90", None)}),
        ),
    ),
    ShippingZoneData(
        _names(
            "United States",
            "Vereinigte Staaten",
            "États-Unis",
            "Estados Unidos",
            "Estados Unidos",
            "Amerika Serikat",
        ),
        ("US",),
        (
            ShippingMethodData(_STANDARD, "USPS", (3, 6), {"US": ("5.99", "75.00")}),
            ShippingMethodData(_EXPRESS, "UPS", (2, 2), {"US": ("14.99", None)}),
        ),
    ),
    ShippingZoneData(
        _names("Brazil", "Brasilien", "Brésil", "Brasil", "Brasil", "Brasil"),
        ("BR",),
        (
            ShippingMethodData(
                _STANDARD, "Correios PAC", (5, 12), {"BR": ("24.90", "299.00")}
            ),
            ShippingMethodData(
                _EXPRESS, "Correios SEDEX", (2, 5), {"BR": ("39.90", None)}
            ),
        ),
    ),
    ShippingZoneData(
        _names(
            "Indonesia",
            "Indonesien",
            "Indonésie",
            "Indonesia",
            "Indonésia",
            "Indonesia",
        ),
        ("ID",),
        (
            ShippingMethodData(
                _STANDARD, "JNE REG", (3, 8), {"ID": ("25000", "500000")}
            ),
            ShippingMethodData(_EXPRESS, "JNE YES", (1, 2), {"ID": ("45000", None)}),
        ),
    ),
)
