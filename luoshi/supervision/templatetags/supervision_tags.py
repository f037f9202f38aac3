"""``{% supervision_panel task %}``: the task page's supervision box (notices, "issue a notice")."""

from django import template

register = template.Library()


@register.inclusion_tag("supervision/_task_panel.html", takes_context=True)
def supervision_panel(context, task):
    from luoshi.supervision import selectors, services
    from luoshi.tasks.selectors import assignments_visible_to

    user = context["request"].user
    assignments = assignments_visible_to(user).filter(task=task, status="active").select_related("unit")
    return {
        "notices": selectors.notices_for_task(user, task.pk),
        "can_issue": [a for a in assignments if services.can_issue_notice(user, a)],
        "request": context["request"],
    }
