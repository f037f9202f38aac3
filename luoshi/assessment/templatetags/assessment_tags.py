from django import template

from luoshi.assessment.tables import movement_text

register = template.Library()


@register.filter
def movement(value):
    """Places moved since the previous period, as words (上升2位 / 下降1位 / 持平 / —)."""
    return movement_text(value)


@register.filter
def sign(value):
    """CSS class for a movement or a difference: as-up, as-down or nothing."""
    if value is None or value == 0:
        return ""
    return "as-up" if value > 0 else "as-down"
