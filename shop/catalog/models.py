"""The catalog: categories, attributes, products, images, specifications, variants."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """A node of the category tree; `path` holds its ancestry for one-query subtrees."""

    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["path"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("shop:category", kwargs={"slug": self.slug})


class Attribute(models.Model):
    """A dimension along which variants differ: size, colour, …"""

    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")

    def __str__(self) -> str:
        return self.name


class AttributeValue(models.Model):
    attribute = models.ForeignKey(
        Attribute, on_delete=models.CASCADE, related_name="values"
    )
    name = models.CharField(_("value"), max_length=60)
    slug = models.SlugField(_("slug"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["attribute__slug", "position", "slug"]
        verbose_name = _("attribute value")
        verbose_name_plural = _("attribute values")
        constraints = [
            models.UniqueConstraint(
                fields=["attribute", "slug"], name="shop_attrvalue_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.attribute}: {self.name}"


class Product(models.Model):
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    brand = models.CharField(_("brand"), max_length=80, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [models.Index(fields=["category", "is_active"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("shop:product", kwargs={"slug": self.slug})


def product_image_path(instance: "ProductImage", filename: str) -> str:
    return f"products/{instance.product_id}/{filename}"


class ProductImage(models.Model):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="images"
    )
    image = models.ImageField(_("image"), upload_to=product_image_path)
    thumbnail = models.ImageField(upload_to="thumbs/", blank=True, editable=False)
    thumbnail_large = models.ImageField(upload_to="thumbs/", blank=True, editable=False)
    alt_text = models.CharField(_("alternative text"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("product image")
        verbose_name_plural = _("product images")

    def __str__(self) -> str:
        return f"{self.product} #{self.position}"


class SpecificationKind(models.TextChoices):
    """What a specification measures; numbers are stored in SI base units."""

    TEXT = "text", _("Text")
    DIMENSIONS = "dimensions", _("Dimensions (mm)")
    LENGTH = "length", _("Length (mm)")
    WEIGHT = "weight", _("Weight (g)")
    VOLUME = "volume", _("Volume (ml)")
    POWER = "power", _("Power (W)")


class Specification(models.Model):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="specifications"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=SpecificationKind)
    label = models.CharField(_("label"), max_length=80)
    text_value = models.CharField(_("text value"), max_length=200, blank=True)
    value = models.DecimalField(
        _("value"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    value_2 = models.DecimalField(
        _("second value"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    value_3 = models.DecimalField(
        _("third value"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("specification")
        verbose_name_plural = _("specifications")

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        if self.kind == SpecificationKind.TEXT:
            if not self.text_value:
                raise ValidationError(
                    {"text_value": _("A text specification needs a text.")}
                )
        elif self.value is None:
            raise ValidationError(
                {"value": _("A measured specification needs a value.")}
            )
        elif self.kind == SpecificationKind.DIMENSIONS and (
            self.value_2 is None or self.value_3 is None
        ):
            raise ValidationError(
                {"value_3": _("Dimensions need width, height and depth.")}
            )


class Variant(models.Model):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="variants"
    )
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    values = models.ManyToManyField(
        AttributeValue,
        blank=True,
        related_name="variants",
        verbose_name=_("attributes"),
    )
    stock = models.PositiveIntegerField(_("stock"), default=0)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("variant")
        verbose_name_plural = _("variants")

    def __str__(self) -> str:
        return self.sku
