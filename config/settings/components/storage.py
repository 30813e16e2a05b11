"""Where stored files live (certificates, bulk ZIPs, semiannual PDFs, nomination certificates, lesson files).

Django's `STORAGES["default"]`, from the environment, so another store is configuration only:

- the file system under `LANTOA_MEDIA_ROOT` (the default);
- an S3-compatible store (MinIO on the intranet) with django-storages (`pip install
  django-storages[s3]`): `LANTOA_STORAGE_BACKEND=storages.backends.s3.S3Storage` and
  `LANTOA_STORAGE_OPTIONS='{"bucket_name": "lantoa", "endpoint_url": "https://minio.so-tu-phap.local:9000",
  "access_key": "…", "secret_key": "…", "default_acl": "private", "querystring_auth": true,
  "file_overwrite": false}'`.

Nothing is ever served from the storage directly: views check who asks, then `core.files` streams the
file, or (file system behind nginx) hands it over with `X-Accel-Redirect` when
`LANTOA_FILES_X_ACCEL_PREFIX` names nginx's `internal` location (README, "Stored files").
"""

import environ

env = environ.Env()

STORAGES = {
    "default": {
        "BACKEND": env("LANTOA_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"),
        "OPTIONS": env.json("LANTOA_STORAGE_OPTIONS", default={}),
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# e.g. "/protected/": an nginx location with `internal; alias <MEDIA_ROOT>/;`. Empty: Django streams.
LANTOA_FILES_X_ACCEL_PREFIX = env("LANTOA_FILES_X_ACCEL_PREFIX", default="")
