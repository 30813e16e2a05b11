"""Writes of the notifications app: the reminder emails (`reminders`)."""
