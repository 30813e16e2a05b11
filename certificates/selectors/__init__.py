"""Reads of the certificate register (`register`) and of bulk issue jobs (`bulk`). The register's selectors are
importable from here too."""

from certificates.selectors.register import (
    REGISTER_DETAIL_FIELDS,
    access_certificate,
    certificate_get_by_code,
    certificate_list_for_register,
    certificate_list_for_user,
    certificate_template_default,
    certificate_template_for_course,
    certificate_valid_for,
    completion_list_awaiting_certificate,
    course_issues_on_completion,
    membership_on,
    register_details_get,
    register_settings_get,
)

__all__ = [
    "REGISTER_DETAIL_FIELDS",
    "access_certificate",
    "certificate_get_by_code",
    "certificate_list_for_user",
    "certificate_list_for_register",
    "certificate_template_default",
    "certificate_template_for_course",
    "certificate_valid_for",
    "completion_list_awaiting_certificate",
    "course_issues_on_completion",
    "membership_on",
    "register_details_get",
    "register_settings_get",
]
