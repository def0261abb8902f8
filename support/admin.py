"""The staff admin of support; each part registers its own models."""

from support import conversations_admin, knowledge_admin

__all__ = ["conversations_admin", "knowledge_admin"]
