"""Writes to the certificate register (`register`: issue, render and store the PDF, revoke, re-issue, the register
book) and bulk issue jobs (`bulk`). The register's services are importable from here too.

No service imports `certificates.tasks`: the tasks import the services, and a service enqueues a task by name
(`core.task_queue`), so the two modules never import each other.
"""

from certificates.services.register import (
    REGISTER_COLUMNS,
    REGISTER_FILE_NAME,
    certificate_code_new,
    certificate_issue,
    certificate_issue_for_completion,
    certificate_pdf_ensure,
    certificate_pdf_render,
    certificate_reissue,
    certificate_revoke,
    certificate_schedule_for_completion,
    file_name_safe,
    register_export_xlsx,
    serial_file_name,
    serial_format,
)

__all__ = [
    "REGISTER_COLUMNS",
    "REGISTER_FILE_NAME",
    "certificate_code_new",
    "certificate_issue",
    "certificate_issue_for_completion",
    "certificate_pdf_ensure",
    "certificate_pdf_render",
    "certificate_reissue",
    "certificate_revoke",
    "certificate_schedule_for_completion",
    "file_name_safe",
    "register_export_xlsx",
    "serial_file_name",
    "serial_format",
]
