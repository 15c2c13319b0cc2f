"""The `consulta` command: the project's manage.py."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # A configuration mistake is the operator's to fix: say what it is, without a traceback.
        sys.stderr.write(f"consulta: configuration error: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
