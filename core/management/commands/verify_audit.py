from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.audit import find_first_broken


class Command(BaseCommand):
    help = "Check the audit log's hash chain; exit non-zero naming the first broken entry."

    def handle(self, *args: Any, **options: Any) -> None:
        checked, broken = find_first_broken()
        if broken is not None:
            raise CommandError(
                f"Audit log broken at entry #{broken.seq}: {broken.reason} "
                f"({checked} entries read)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit log intact: {checked} entries verified."))
