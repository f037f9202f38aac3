"""Background jobs, on Django's tasks framework (the django-tasks backport on Django 5.2, with
django-tasks-db storing the queue in the application's database; ``django.tasks`` on 6.0+)."""

from __future__ import annotations

try:  # Django 6.0+
    from django.tasks import task
except ImportError:  # Django 5.2: the backport
    from django_tasks import task


@task()
def send_notification(notification_id: int) -> str:
    """Send one delivery (a no-op when it was sent already or is not due)."""
    from .outbox import deliver

    return deliver(notification_id)
