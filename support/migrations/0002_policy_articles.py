"""The first policy articles the assistant cites; staff edit them in the admin."""

from django.db import migrations

FIELD_SUFFIX = {"en": "en", "de": "de", "fr": "fr", "es": "es", "pt-br": "pt_br", "id": "ind"}

ARTICLES = [
    {
        "slug": "returns-and-withdrawal",
        "topic": "returns",
        "title": {
            "en": "Returns and withdrawal",
            "de": "Rücksendung und Widerruf",
            "fr": "Retours et rétractation",
            "es": "Devoluciones y desistimiento",
            "pt-br": "Devoluções e arrependimento",
            "id": "Pengembalian dan pembatalan",
        },
        "summary": {
            "en": "Send the item back unused in its original packaging; once it has arrived we refund you by the means of payment you used.",
            "de": "Senden Sie den Artikel unbenutzt in der Originalverpackung zurück; nach Eingang erstatten wir den Betrag über das Zahlungsmittel, mit dem Sie bezahlt haben.",
            "fr": "Renvoyez l'article non utilisé dans son emballage d'origine ; dès sa réception, nous vous remboursons par le moyen de paiement utilisé.",
            "es": "Envíe el artículo sin usar en su embalaje original; cuando llegue, le reembolsamos con el mismo medio de pago.",
            "pt-br": "Envie o produto sem uso na embalagem original; quando ele chegar, reembolsamos pelo mesmo meio de pagamento.",
            "id": "Kirim kembali barang yang belum dipakai dalam kemasan aslinya; setelah barang tiba, kami mengembalikan dana melalui metode pembayaran yang Anda gunakan.",
        },
    },
    {
        "slug": "shipping-and-delivery",
        "topic": "shipping",
        "title": {
            "en": "Shipping and delivery",
            "de": "Versand und Lieferung",
            "fr": "Expédition et livraison",
            "es": "Envío y entrega",
            "pt-br": "Envio e entrega",
            "id": "Pengiriman",
        },
        "summary": {
            "en": "Every parcel ships with tracking; you get the tracking link by email as soon as it leaves our warehouse.",
            "de": "Jedes Paket wird mit Sendungsverfolgung verschickt; den Link erhalten Sie per E-Mail, sobald es unser Lager verlässt.",
            "fr": "Chaque colis est suivi ; vous recevez le lien de suivi par e-mail dès qu'il quitte notre entrepôt.",
            "es": "Todos los paquetes se envían con seguimiento; recibirá el enlace por correo en cuanto salga de nuestro almacén.",
            "pt-br": "Todo pacote é enviado com rastreio; você recebe o link por e-mail assim que ele sai do nosso armazém.",
            "id": "Setiap paket dikirim dengan nomor pelacakan; tautannya kami kirim lewat email begitu paket keluar dari gudang kami.",
        },
    },
    {
        "slug": "payment-methods",
        "topic": "payment",
        "title": {
            "en": "Payment methods",
            "de": "Zahlungsarten",
            "fr": "Moyens de paiement",
            "es": "Métodos de pago",
            "pt-br": "Formas de pagamento",
            "id": "Metode pembayaran",
        },
        "summary": {
            "en": "You pay by credit or debit card at checkout; the card is charged when you place the order.",
            "de": "Sie bezahlen an der Kasse mit Kredit- oder Debitkarte; die Karte wird belastet, wenn Sie die Bestellung absenden.",
            "fr": "Vous payez par carte de crédit ou de débit lors de la commande ; la carte est débitée à la validation de la commande.",
            "es": "Paga con tarjeta de crédito o débito al finalizar la compra; el cargo se hace al realizar el pedido.",
            "pt-br": "Você paga com cartão de crédito ou débito no checkout; a cobrança é feita ao finalizar o pedido.",
            "id": "Anda membayar dengan kartu kredit atau debit saat checkout; kartu ditagih ketika pesanan dibuat.",
        },
    },
    {
        "slug": "warranty",
        "topic": "warranty",
        "title": {
            "en": "Warranty",
            "de": "Gewährleistung",
            "fr": "Garantie",
            "es": "Garantía",
            "pt-br": "Garantia",
            "id": "Garansi",
        },
        "summary": {
            "en": "Every product carries the legal warranty of your country: if it is defective, we repair or replace it, or refund you.",
            "de": "Für jedes Produkt gilt die gesetzliche Gewährleistung Ihres Landes: Ist es mangelhaft, reparieren oder ersetzen wir es oder erstatten den Preis.",
            "fr": "Chaque produit bénéficie de la garantie légale de votre pays : en cas de défaut, nous le réparons, le remplaçons ou vous remboursons.",
            "es": "Todos los productos tienen la garantía legal de su país: si es defectuoso, lo reparamos, lo sustituimos o le devolvemos el dinero.",
            "pt-br": "Todo produto tem a garantia legal do seu país: se tiver defeito, consertamos, trocamos ou devolvemos o valor.",
            "id": "Setiap produk bergaransi sesuai hukum negara Anda: jika cacat, kami memperbaiki, mengganti, atau mengembalikan dana.",
        },
    },
    {
        "slug": "discounts-and-offers",
        "topic": "discounts",
        "title": {
            "en": "Discounts and offers",
            "de": "Rabatte und Angebote",
            "fr": "Réductions et offres",
            "es": "Descuentos y ofertas",
            "pt-br": "Descontos e ofertas",
            "id": "Diskon dan penawaran",
        },
        "summary": {
            "en": "Reduced prices are shown on the product pages; we do not hand out individual discount codes.",
            "de": "Reduzierte Preise sehen Sie auf den Produktseiten; individuelle Rabattcodes vergeben wir nicht.",
            "fr": "Les prix réduits sont affichés sur les pages produits ; nous ne donnons pas de codes de réduction individuels.",
            "es": "Los precios rebajados se muestran en las páginas de producto; no damos códigos de descuento individuales.",
            "pt-br": "Os preços reduzidos aparecem nas páginas dos produtos; não oferecemos cupons individuais.",
            "id": "Harga diskon ditampilkan di halaman produk; kami tidak memberikan kode diskon perorangan.",
        },
    },
]


def articles_create(apps, schema_editor):
    PolicyArticle = apps.get_model("support", "PolicyArticle")
    for item in ARTICLES:
        fields = {"topic": item["topic"], "title": item["title"]["en"], "summary": item["summary"]["en"]}
        for language, suffix in FIELD_SUFFIX.items():
            fields[f"title_{suffix}"] = item["title"][language]
            fields[f"summary_{suffix}"] = item["summary"][language]
        PolicyArticle.objects.update_or_create(slug=item["slug"], defaults=fields)


def articles_delete(apps, schema_editor):
    PolicyArticle = apps.get_model("support", "PolicyArticle")
    PolicyArticle.objects.filter(slug__in=[item["slug"] for item in ARTICLES]).delete()


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]

    operations = [migrations.RunPython(articles_create, articles_delete)]
