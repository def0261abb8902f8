from modeltranslation.translator import TranslationOptions, register

from .models import Show


@register(Show)
class ShowTranslation(TranslationOptions):
    fields = ("title", "description")
