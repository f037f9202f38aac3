from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()

LABELS = {"green": "绿", "yellow": "黄", "red": "红"}


@register.simple_tag
def light(colour: str, reason: str = ""):
    """A warning light with its colour named in words, for people who cannot tell the colours."""
    names = {"green": _("Green"), "yellow": _("Yellow"), "red": _("Red")}
    return format_html(
        '<span class="light light-{}" title="{}"><span class="dot" aria-hidden="true"></span>{}</span>',
        colour,
        reason,
        names.get(colour, colour),
    )


@register.simple_tag
def progress_bar(value: int):
    value = max(0, min(100, int(value or 0)))
    return format_html(
        '<span class="bar" role="progressbar" aria-valuenow="{}" aria-valuemin="0" aria-valuemax="100">'
        '<span class="fill fill-{}"></span></span><span class="pct">{}%</span>',
        value,
        value // 10 * 10,
        value,
    )
