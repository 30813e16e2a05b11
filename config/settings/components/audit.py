"""django-auditlog: the audit trail of the Office's changes (issue 11 item 8; README "Audit trail").

The models are registered here, not in the apps: every save and delete of them through
the ORM writes a `LogEntry` with who (the signed-in account, set by `AuditlogMiddleware`;
a command sets it with `auditlog.context.set_actor`), when, and each changed field's
value before and after (JSON). Bulk writes (`QuerySet.update`, `bulk_create`, the plain
SQL of `*/sql.py`) are not seen by it.
"""

AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {"model": "orgchart.Unit", "exclude_fields": ["numchild"]},
    {"model": "orgchart.Staff", "exclude_fields": ["sort_key", "search_text"]},  # derived indexes
    "orgchart.UnitVersion",  # a unit's dated name, kind and parent (written one by one by the admin's unit form)
    "orgchart.Membership",
    "courses.AttemptGrant",
    "courses.Assignment",
    "courses.AssignmentUnit",
    "courses.AssignmentPerson",
    "courses.Completion",
    "reports.Exemption",
    "certificates.Certificate",
)
# Changes as JSON values (not JSON text), so they can be read back field by field.
AUDITLOG_STORE_JSON_CHANGES = True
# Who is the signed-in account; auditlog's address is the leftmost X-Forwarded-For, which any client can
# forge, so no address is stored (the trusted-proxy client address is the project's own concern).
AUDITLOG_DISABLE_REMOTE_ADDR = True
# The correlation id (`LogEntry.cid`) ties an import's entries to its `core.ImportRecord` (core/audit.py); no
# client header may set it.
AUDITLOG_CID_HEADER = None
