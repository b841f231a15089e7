"""The ``ombud`` console script: Django's management command line with ombud's settings."""

from __future__ import annotations

import os
import sys

# ombud's own commands that need no database, or set it up themselves (``demo`` migrates first;
# ``keys new`` is run to configure an instance before it has one).
WITHOUT_DATABASE = frozenset({"demo", "keys"})
# Verbs that only check a file against a signature, which another body runs on whatever instance
# it has, set up or not.
VERIFIERS = frozenset({("case", "verify-package"), ("receipt", "verify")})


def _unmigrated_command(argv: list[str]) -> str | None:
    """The ombud command about to run against a database that is not set up, if it is one."""
    if len(argv) < 2 or any(arg in ("-h", "--help") for arg in argv[2:]):
        return None
    name = argv[1]
    from django.core.management import get_commands

    app = get_commands().get(name, "")
    if (
        not app.startswith("ombud")
        or name in WITHOUT_DATABASE
        or (name, argv[2] if len(argv) > 2 else "") in VERIFIERS
    ):
        return None
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return name if executor.migration_plan(executor.loader.graph.leaf_nodes()) else None


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ombud.settings")
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    name = _unmigrated_command(sys.argv)
    if name:
        from django.conf import settings
        from django.utils.translation import gettext as _

        database = settings.DATABASES["default"]
        sys.stderr.write(
            _(
                "The database (%(where)s) is not set up, or was set up by an older ombud. "
                "Run `ombud migrate` first, then `ombud %(command)s` again.\n"
            )
            % {"where": database.get("NAME") or database.get("HOST"), "command": name}
        )
        sys.exit(2)
    try:
        execute_from_command_line(sys.argv)
        sys.stdout.flush()  # inside the try: what is still buffered may meet the closed pipe too
    except BrokenPipeError:
        # The reader of the output went away (`ombud case list --json | head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    except OSError as exc:
        # A file named on the command line that cannot be read or written (no such folder, no
        # permission, a full disk) is the user's to fix: say which and why, not where in ombud.
        # Anything else (a refused connection) keeps its traceback, as does --traceback.
        if not exc.filename or "--traceback" in sys.argv:
            raise
        from django.utils.translation import gettext as _

        reason = exc.strerror or str(exc)
        sys.stderr.write(_("ombud: %(file)s: %(reason)s") % {"file": exc.filename, "reason": reason} + "\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
