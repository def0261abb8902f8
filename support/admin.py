"""The staff admin of support; each part registers its own models."""

from support import knowledge_admin

__all__ = ["knowledge_admin"]
