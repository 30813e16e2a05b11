"""Models arrive with issue 5."""
