"""Policy and FAQ articles, written and translated by staff."""

from django.contrib import admin
from modeltranslation.admin import TabbedTranslationAdmin

from support.models import PolicyArticle


@admin.register(PolicyArticle)
class PolicyArticleAdmin(TabbedTranslationAdmin):
    list_display = ("title", "topic", "slug", "is_published", "updated_at")
    list_filter = ("topic", "is_published")
    search_fields = ("title", "slug", "summary")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("markets",)
