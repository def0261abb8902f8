"""Every model of the support app, defined in its module and gathered here."""

from support.models.knowledge import ArticleTopic, PolicyArticle, ProductVector

__all__ = ["ArticleTopic", "PolicyArticle", "ProductVector"]
