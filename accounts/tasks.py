from smtplib import SMTPException

from celery import shared_task

from . import services
from .models import User


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
    time_limit=120,
    soft_time_limit=90,
)
def invitation_send(*, user_id: int, base_url: str, invited_by_name: str = "") -> bool:
    """Email one invitation. Safe to run twice: once the password is set, it sends nothing."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return False
    return services.invitation_email_send(user=user, base_url=base_url, invited_by_name=invited_by_name)
