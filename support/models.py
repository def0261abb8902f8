"""Support conversations: models arrive with the support work."""
