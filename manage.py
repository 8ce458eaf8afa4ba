#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    from config.env import SettingsError

    try:
        execute_from_command_line(sys.argv)
    except SettingsError as error:
        # A setting from the environment is wrong: say which, without a traceback.
        sys.exit(f"Gigbox configuration error: {error}")


if __name__ == "__main__":
    main()
