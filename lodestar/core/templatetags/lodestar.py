from django import template

from lodestar.core.forms import style_widgets

register = template.Library()


@register.filter
def bootstrap(form):
    """Give a form made elsewhere (allauth's) the Bootstrap classes of our own forms."""
    style_widgets(form)
    return form
