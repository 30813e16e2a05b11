"""Courses' answers to what the org chart tells it (connected in CoursesConfig.ready())."""

from django.dispatch import receiver

from courses.services.assignments import enrolment_sync
from orgchart.signals import roster_changed


@receiver(roster_changed, dispatch_uid="courses.enrolments_follow_roster")
def enrolments_follow_roster(sender, *, effective_date, **kwargs) -> None:
    """Assignments are rules: joiners get their courses, movers keep their history (rule 2)."""
    enrolment_sync(on_date=effective_date)
