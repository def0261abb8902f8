"""Personal-data registry, consent and requests: models arrive with the privacy work."""
