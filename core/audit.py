"""The audit trail of bulk writes, and the import record that ties an import's entries to its file.

django-auditlog (`config/settings/components/audit.py`) records a save or delete of a
registered model through the ORM's signals; `bulk_create`, `bulk_update`,
and `QuerySet.update()` send none (`QuerySet.delete()` does: it deletes row by row when a
model has delete receivers, so auditlog records it), and the imports and syncs write
with them (one query per thousand rows instead of one per row). The services that write
registered models in bulk call the functions here instead: they write the same rows and
then the same `LogEntry` rows django-auditlog would have written, one per changed record
with its values before and after (auditlog's own `model_instance_diff`, so both kinds of
entries read alike), the same actor (`auditlog.context.set_actor`, or the signed-in
account through `AuditlogMiddleware`), in one `bulk_create` per batch.

An import that writes opens `import_recording`: an `ImportRecord` (who, when, the file's
name and SHA-256, the effective date, the options, the result) whose correlation id
(`LogEntry.cid`) every entry written meanwhile carries, the single saves included. The
snapshot comparison reads it to say which import changed a past fact.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
from collections.abc import Iterable, Iterator, Sequence

from auditlog.cid import correlation_id
from auditlog.context import auditlog_disabled
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.db.models.signals import pre_save
from django.utils.encoding import smart_str
from django.utils.translation import gettext as _

from core.models import ImportRecord

BATCH_SIZE = 1000


def _stamped(entry: LogEntry) -> LogEntry:
    """What auditlog's context (`set_actor`, `AuditlogMiddleware`) adds to an entry as it is saved: the actor.

    Auditlog adds it from a `pre_save` receiver connected only while the context is open, which
    `bulk_create` does not call: sent here for each entry.
    """
    pre_save.send(sender=LogEntry, instance=entry, raw=False, using=None, update_fields=None)
    return entry


def audit_actor():
    """The account the current changes are made by (None: a command run without `set_actor`)."""
    return _stamped(LogEntry()).actor


def _is_recorded(model: type[Model]) -> bool:
    return auditlog.contains(model) and not auditlog_disabled.get()


def _entries(
    *, model: type[Model], pairs: Iterable[tuple[Model | None, Model | None]], action: int, fields: Sequence[str] | None
) -> list[LogEntry]:
    """Auditlog's entries for (before, after) pairs: what its signal receivers would write, one per changed record."""
    content_type = ContentType.objects.get_for_model(model)
    cid = correlation_id.get()
    entries = []
    for before, after in pairs:
        changes = model_instance_diff(
            before, after, fields_to_check=fields, use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES
        )
        if not changes:
            continue
        instance = after if after is not None else before
        entries.append(
            _stamped(
                LogEntry(
                    content_type=content_type,
                    object_pk=smart_str(instance.pk),
                    object_id=instance.pk if isinstance(instance.pk, int) else None,
                    object_repr=smart_str(instance),
                    action=action,
                    changes=changes,
                    cid=cid,
                )
            )
        )
    return entries


def _write_entries(entries: list[LogEntry]) -> None:
    if entries:
        LogEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)


def audited_bulk_create(model: type[Model], objs: Sequence[Model], *, batch_size: int = BATCH_SIZE) -> list[Model]:
    """`bulk_create`, and a "created" entry per row (the backend must return the new ids: PostgreSQL, SQLite ≥ 3.35)."""
    created = model._default_manager.bulk_create(objs, batch_size=batch_size)
    if _is_recorded(model):
        if any(obj.pk is None for obj in created):
            raise RuntimeError(f"bulk_create of {model.__name__} returned no ids: its audit entries cannot be written")
        _write_entries(
            _entries(model=model, pairs=((None, obj) for obj in created), action=LogEntry.Action.CREATE, fields=None)
        )
    return created


def audit_before(model: type[Model], pks: Iterable[object]) -> dict[object, Model]:
    """The rows as they are now, for `audited_bulk_update(before=…)` when a service writes them in two steps."""
    return model._default_manager.in_bulk(list(pks)) if _is_recorded(model) else {}


def audited_bulk_update(
    model: type[Model],
    objs: Sequence[Model],
    fields: Sequence[str],
    *,
    batch_size: int = BATCH_SIZE,
    before: dict[object, Model] | None = None,
) -> int:
    """`bulk_update`, and an "updated" entry per row whose `fields` changed (one more query per `batch_size` rows).

    `before`: the rows as they were before the change began (`audit_before`), when an earlier step of the same
    change already wrote them; by default they are read here.
    """
    if not objs:
        return 0
    if not _is_recorded(model):
        return model._default_manager.bulk_update(objs, fields, batch_size=batch_size)
    updated = 0
    for start in range(0, len(objs), batch_size):
        batch = objs[start : start + batch_size]
        old = before if before is not None else model._default_manager.in_bulk([obj.pk for obj in batch])
        updated += model._default_manager.bulk_update(batch, fields, batch_size=batch_size)
        _write_entries(
            _entries(
                model=model,
                pairs=((old.get(obj.pk), obj) for obj in batch),
                action=LogEntry.Action.UPDATE,
                fields=fields,
            )
        )
    return updated


def audited_update(queryset: QuerySet, **values: object) -> int:
    """`queryset.update(**values)`, and an "updated" entry per row it changed (the rows are read before and after)."""
    model = queryset.model
    if not _is_recorded(model):
        return queryset.update(**values)
    before = {obj.pk: obj for obj in queryset}
    if not before:
        return 0
    updated = model._default_manager.filter(pk__in=list(before)).update(**values)
    after = model._default_manager.in_bulk(list(before))
    _write_entries(
        _entries(
            model=model,
            pairs=((old, after[pk]) for pk, old in before.items() if pk in after),
            action=LogEntry.Action.UPDATE,
            fields=list(values),
        )
    )
    return updated


def _actor_label(actor) -> str:
    if actor is not None:
        return actor.get_full_name() or actor.email
    return _("%(user)s on the server (management command)") % {"user": getpass.getuser()}


@contextlib.contextmanager
def import_recording(
    *,
    kind: str,
    file: object = None,
    effective_date: dt.date | None = None,
    options: dict | None = None,
) -> Iterator[ImportRecord]:
    """Record an import that writes: call inside its transaction; every audit entry written inside carries its cid.

    `file` is what `core.importing.read_table` read (its name and SHA-256 are kept), or None (rows given in code).
    The caller sets the result (`record.summary`), which is stored as the block ends; a refused import rolls the
    record back with everything else.
    """
    actor = audit_actor()
    record = ImportRecord.objects.create(
        kind=kind,
        filename=(getattr(file, "filename", "") or "")[: ImportRecord._meta.get_field("filename").max_length],
        sha256=getattr(file, "sha256", "") or "",
        effective_date=effective_date,
        options={name: value for name, value in (options or {}).items() if value is not None},
        actor=actor,
        actor_label=_actor_label(actor),
    )
    token = correlation_id.set(record.cid)
    try:
        yield record
        record.save(update_fields=["summary"])
    finally:
        correlation_id.reset(token)
