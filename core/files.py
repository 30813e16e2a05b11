"""Stored files: random names, and handing a file to the client only after a view has checked who asks.

No URL serves `MEDIA_ROOT` (config/urls.py has no `static(MEDIA_URL)` route, in any mode): every
stored file — certificates, bulk ZIPs, semiannual PDFs, nomination certificates, lesson attachments
and videos — is sent by a view that applies the scope first and then calls `stored_file_response`.

How the bytes go out depends on one setting:

- `LANTOA_FILES_X_ACCEL_PREFIX` empty (the default): Django streams the file (`FileResponse`, in
  blocks; works with any storage backend).
- `LANTOA_FILES_X_ACCEL_PREFIX = "/protected/"`: the response is empty and carries
  `X-Accel-Redirect: /protected/<stored name>`; nginx serves the file from an `internal`
  location aliasing `MEDIA_ROOT` (see README, "Stored files"). nginx then also handles range
  requests (seeking in a video) and frees the Python worker at once. Only for the file-system storage.

Storage is Django's `STORAGES["default"]` (config/settings/components/storage.py): an S3-compatible
store (MinIO) is a matter of configuration with django-storages; the views only ever call
`FieldFile.open()`, never a path.

Stored names carry a random part (`RandomisedUploadTo`): a serial number or an upload's name is
not enough to guess where a file lives. Files stored before keep their names and stay readable
(the name is in the database).
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import posixpath
import secrets
from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse
from django.utils.deconstruct import deconstructible
from django.utils.http import content_disposition_header

# 16 random bytes, URL-safe base64: 22 characters, not guessable.
RANDOM_PART_BYTES = 16


@deconstructible
class RandomisedUploadTo:
    """`upload_to` for a FileField: "<prefix, strftime'd>/<subfolders of the name>/<random>/<file name>".

    The random part is a folder of its own, so that storage truncating a long name (max_length)
    shortens the file name, never the random part.
    """

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def __call__(self, instance, filename: str) -> str:
        folder, base = posixpath.split(filename.replace("\\", "/"))
        prefix = dt.datetime.now().strftime(self.prefix)
        return posixpath.join(prefix, folder, secrets.token_urlsafe(RANDOM_PART_BYTES), base)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomisedUploadTo) and other.prefix == self.prefix


def stored_file_response(
    field_file: FieldFile,
    *,
    filename: str,
    content_type: str | None = None,
    as_attachment: bool = True,
) -> HttpResponse:
    """The file, for a client the calling view has already let through; never cached by shared caches."""
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    prefix = getattr(settings, "LANTOA_FILES_X_ACCEL_PREFIX", "")
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = quote(prefix.rstrip("/") + "/" + field_file.name.lstrip("/"))
        response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    else:
        response = FileResponse(
            field_file.open("rb"), as_attachment=as_attachment, filename=filename, content_type=content_type
        )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
