"""Run a management command the way `manage.py` does, in-process, on the test database."""

from django.core.management import ManagementUtility


def run(*argv: str, capsys) -> tuple[int, str, str]:
    """`manage.py <argv>`: returns (exit status, stdout, stderr), as a shell would see them.

    Through `ManagementUtility`, the entry point `manage.py` calls: argument parsing, the
    `CommandError` → message on stderr and non-zero exit, output on stdout. It closes the
    database connections when done, as a process would: use it in
    `django_db(transaction=True)` tests.
    """
    try:
        ManagementUtility(["manage.py", *argv]).execute()
        status = 0
    except SystemExit as exit_:
        status = exit_.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err
