"""Writes for the coverage reports, by topic: `exemptions`, `api_tokens`, `snapshots`."""
