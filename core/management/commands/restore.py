from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive made by `consulta backup`: the database and the uploaded files, "
        "which MEDIA_ROOT then holds exactly. Refuses a database that already holds accounts or "
        "audit entries, or a MEDIA_ROOT with files, unless --force. Stop the application first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="The archive `consulta backup` wrote.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that already holds data, and the files in MEDIA_ROOT.",
        )
        parser.add_argument("--database", default="default", help="Database alias to restore.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = restore_backup(
                Path(options["archive"]), force=options["force"], alias=options["database"]
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the {summary.backend} database ({summary.database_bytes} bytes) and "
                f"{summary.media_files} uploaded files; removed {summary.media_removed} files "
                "that were not in the archive."
            )
        )
        self.stdout.write(
            "Next: `consulta migrate` if the archive is from an older version, then "
            "`consulta verify_audit` to check the audit chain."
        )
