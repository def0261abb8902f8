"""Template tags of the live video pages."""

import json

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def live_ice_servers() -> str:
    """The STUN/TURN URLs browsers use for the show's video, as JSON."""
    return json.dumps(list(settings.LIVE_ICE_SERVERS))
