from modeltranslation.translator import TranslationOptions, register

from privacy.models import LegalPageVersion


@register(LegalPageVersion)
class LegalPageVersionTranslation(TranslationOptions):
    fields = ("title", "body")
