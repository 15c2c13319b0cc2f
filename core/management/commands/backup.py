from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write the database (SQLite or PostgreSQL) and the uploaded files (MEDIA_ROOT) into one "
        "archive with a manifest; `consulta restore ARCHIVE` brings them back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="Where to write the archive, e.g. consulta.tar.gz.")
        parser.add_argument("--database", default="default", help="Database alias to back up.")

    def handle(self, *args: Any, **options: Any) -> None:
        archive = Path(options["archive"])
        try:
            summary = create_backup(archive, alias=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up the {summary.backend} database ({summary.database_bytes} bytes) and "
                f"{summary.media_files} uploaded files to {archive}."
            )
        )
