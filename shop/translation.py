from modeltranslation.translator import TranslationOptions, register

from .models import (
    AccessibilityStatement,
    Attribute,
    AttributeValue,
    Category,
    CertificateKind,
    Market,
    Product,
    ProductImage,
    ProductSafety,
    ShippingMethod,
    ShippingZone,
    Specification,
)


@register(Market)
class MarketTranslation(TranslationOptions):
    fields = ("name",)


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name",)


@register(Attribute)
class AttributeTranslation(TranslationOptions):
    fields = ("name",)


@register(AttributeValue)
class AttributeValueTranslation(TranslationOptions):
    fields = ("name",)


@register(Product)
class ProductTranslation(TranslationOptions):
    fields = ("name", "description")


@register(ProductImage)
class ProductImageTranslation(TranslationOptions):
    fields = ("alt_text",)


@register(Specification)
class SpecificationTranslation(TranslationOptions):
    fields = ("label", "text_value")


@register(ShippingZone)
class ShippingZoneTranslation(TranslationOptions):
    fields = ("name",)


@register(ShippingMethod)
class ShippingMethodTranslation(TranslationOptions):
    fields = ("name",)


@register(ProductSafety)
class ProductSafetyTranslation(TranslationOptions):
    fields = ("warnings",)


@register(CertificateKind)
class CertificateKindTranslation(TranslationOptions):
    fields = ("name",)


@register(AccessibilityStatement)
class AccessibilityStatementTranslation(TranslationOptions):
    fields = ("body",)
