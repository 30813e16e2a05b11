"""Certificate tasks: each takes an id, calls one service, and is safe to run twice."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

_OPTIONS = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 10,
    "max_retries": 3,
    "acks_late": True,
    "soft_time_limit": 60,
    "time_limit": 90,
}


@shared_task(name="certificates.tasks.certificate_issue_for_completion", **_OPTIONS)
def certificate_issue_for_completion(completion_id: int) -> str | None:
    """After a completion commits: the certificate, if its course issues one on completion."""
    certificate = services.certificate_issue_for_completion(completion_id=completion_id, only_if_course_says_so=True)
    return certificate.serial if certificate else None


@shared_task(name="certificates.tasks.certificate_render", **_OPTIONS)
def certificate_render(certificate_id: int) -> str | None:
    """Render and store one certificate's PDF if it is missing."""
    from .models import Certificate

    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is None:
        return None
    return services.certificate_pdf_ensure(certificate=certificate).pdf_sha256
