"""Celery tasks of the quiz: closing attempts whose time ran out (the learner may never come back)."""

from celery import shared_task

from quizzes import selectors, services


@shared_task(name="quizzes.tasks.attempt_close_expired", time_limit=60, soft_time_limit=50)
def attempt_close_expired(attempt_id: int) -> str:
    """Close one attempt if its time is over; a no-op for one already closed (safe to run twice)."""
    return services.attempt_close_expired(attempt_id=attempt_id).status


@shared_task(name="quizzes.tasks.attempt_close_expired_all", time_limit=10 * 60, soft_time_limit=9 * 60)
def attempt_close_expired_all() -> int:
    """Close every in-progress attempt past its deadline plus grace, each in its own transaction.

    Returns how many were found; an attempt closed meanwhile (submitted, or by another run) is left alone.
    """
    attempt_ids = selectors.attempt_ids_past_grace()
    for attempt_id in attempt_ids:
        services.attempt_close_expired(attempt_id=attempt_id)
    return len(attempt_ids)
