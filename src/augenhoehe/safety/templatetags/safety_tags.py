from __future__ import annotations

from django import template

from augenhoehe.safety.web import pop_support

register = template.Library()


@register.inclusion_tag("safety/_support_card.html", takes_context=True)
def support_card(context):
    """Shows a pending support card once (the no-JavaScript path, see safety/web.py)."""
    request = context.get("request")
    return {"card": pop_support(request) if request is not None else None}
