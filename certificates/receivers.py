"""Certificates' answers to what courses tells it (connected in CertificatesConfig.ready())."""

from django.dispatch import receiver

from certificates.services import certificate_schedule_for_completion
from courses.signals import completion_recorded


@receiver(completion_recorded, dispatch_uid="certificates.certificate_for_completion")
def certificate_for_completion(sender, *, completion, **kwargs) -> None:
    """Issue the certificate after commit, if the course issues one on completion."""
    certificate_schedule_for_completion(completion=completion)
