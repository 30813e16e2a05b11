"""The coverage report pages, by topic: `dashboard`, `snapshots`, `coverage` (the exports); `common` helpers."""
