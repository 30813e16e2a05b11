"""Writes to the org chart: units and roster imports (`units`, `roster`) and staff records (`staff`)."""


class ChangeTally:
    """`add` for an import summary: keep the change and count it in the field named after its kind."""

    changes: list

    def add(self, change) -> None:
        self.changes.append(change)
        setattr(self, change.kind, getattr(self, change.kind) + 1)
