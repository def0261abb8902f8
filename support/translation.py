from modeltranslation.translator import TranslationOptions, register

from support.models import PolicyArticle


@register(PolicyArticle)
class PolicyArticleTranslation(TranslationOptions):
    fields = ("title", "summary", "body")
