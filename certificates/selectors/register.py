"""Reads of the certificate register."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from certificates.defaults import DEFAULT_TEMPLATE_NAME, REGISTER_DEFAULTS, default_template_css, default_template_html
from certificates.models import (
    Certificate,
    CertificateStatus,
    CertificateTemplate,
    CourseCertificateSetting,
    RegisterSettings,
)
from courses.models import Assignment, Completion
from orgchart.models import Membership, Unit
from orgchart.queries import active_on_q, within_units_q
from orgchart.selectors import staff_visible_to


def register_settings_get() -> RegisterSettings:
    """The register's details (one row, created with the department's defaults on first use)."""
    settings_row = RegisterSettings.objects.order_by("pk").first()
    if settings_row is None:
        settings_row, _created = RegisterSettings.objects.get_or_create(pk=1, defaults=REGISTER_DEFAULTS)
    return settings_row


REGISTER_DETAIL_FIELDS = ("parent_agency", "agency", "certifier", "place", "serial_suffix")


def register_details_get() -> dict[str, str]:
    """The register's details a certificate's page prints (`certificates.rendering` takes them as a dict)."""
    register = register_settings_get()
    return {field: getattr(register, field) for field in REGISTER_DETAIL_FIELDS}


def certificate_template_default() -> CertificateTemplate:
    template = CertificateTemplate.objects.filter(is_default=True).first()
    if template is None:
        template, _created = CertificateTemplate.objects.get_or_create(
            name=DEFAULT_TEMPLATE_NAME,
            defaults={"html": default_template_html(), "css": default_template_css(), "is_default": True},
        )
    return template


def certificate_template_for_course(*, course_id: int) -> CertificateTemplate:
    setting = CourseCertificateSetting.objects.select_related("template").filter(course_id=course_id).first()
    if setting is not None and setting.template is not None:
        return setting.template
    return certificate_template_default()


def course_issues_on_completion(*, course_id: int) -> bool:
    return CourseCertificateSetting.objects.filter(course_id=course_id, issue_on_completion=True).exists()


def certificate_get_by_code(*, code: str) -> Certificate | None:
    """The certificate with this verification code, or None (also for malformed codes)."""
    # With its holder: the download checks the holder's account and renders their date of birth.
    return Certificate.objects.select_related("staff").filter(code=code).first()


def access_certificate(*, user, code: str) -> Certificate:
    """The certificate with this code if `user` may have its PDF: the holder, the heads of the holder's
    units (today's memberships), the Office. Anyone else, and unknown codes: 404 (nothing leaks)."""
    certificate = certificate_get_by_code(code=code)
    if certificate is None or not staff_visible_to(user=user).filter(pk=certificate.staff_id).exists():
        raise Http404
    return certificate


def certificate_valid_for(*, staff_id: int, course_id: int) -> Certificate | None:
    return Certificate.objects.filter(staff_id=staff_id, course_id=course_id, status=CertificateStatus.VALID).first()


def membership_on(*, staff_id: int, on_date: dt.date) -> Membership | None:
    """The person's membership on a date, else their latest one before it, else their first one after."""
    memberships = Membership.objects.filter(staff_id=staff_id).select_related("unit")
    return (
        memberships.filter(active_on_q(on_date)).order_by("-valid_from", "-pk").first()
        or memberships.filter(valid_from__lte=on_date).order_by("-valid_from", "-pk").first()
        or memberships.order_by("valid_from", "pk").first()
    )


def completion_list_awaiting_certificate(*, assignment: Assignment, unit: Unit | None = None) -> list[Completion]:
    """Completions to certify for an assignment: one per enrolled person of its course who has no valid certificate.

    A person's earliest completion of the course is the one certified. With `unit`, only
    people who were in that unit or its sub-units on that completion's date (the unit the
    certificate names). Three queries whatever the size.
    """
    certified = Certificate.objects.filter(
        staff_id=OuterRef("staff_id"), course_id=OuterRef("course_id"), status=CertificateStatus.VALID
    )
    candidates = (
        Completion.objects.filter(course_id=assignment.course_id, staff__enrolments__assignment=assignment)
        .filter(~Exists(certified))
        .order_by("staff_id", "completed_on", "pk")
        .values_list("pk", "staff_id")
    )
    earliest: dict[int, int] = {}
    for completion_id, staff_id in candidates:
        earliest.setdefault(staff_id, completion_id)
    completions = Completion.objects.filter(pk__in=list(earliest.values())).select_related("staff", "course")
    if unit is not None:
        in_unit_then = Membership.objects.filter(
            active_on_q(OuterRef("completed_on")), within_units_q([unit.path]), staff_id=OuterRef("staff_id")
        )
        completions = completions.filter(Exists(in_unit_then))
    return list(completions.order_by("staff__sort_key", "staff__code"))


def certificate_list_for_register(*, year: int | None = None) -> QuerySet[Certificate]:
    """The register book in serial order (rows for the xlsx export; iterate, do not load the PDFs)."""
    certificates = Certificate.objects.select_related("staff", "replaces").order_by("year", "number")
    if year is not None:
        certificates = certificates.filter(year=year)
    return certificates


def certificate_list_for_user(*, user) -> list[Certificate]:
    """The certificates of the person linked to the account (none without one), newest first, valid before
    revoked (one query)."""
    if not user.is_authenticated:
        return []
    return list(
        Certificate.objects.filter(staff__user_id=user.pk)
        .only("pk", "serial", "code", "course_title", "issued_on", "completed_on", "status", "revoked_at")
        .order_by("-status", "-issued_on", "-pk")
    )
