"""Live shows: models arrive with the live-shopping work."""
