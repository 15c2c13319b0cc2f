from typing import Any

from django.core.management.base import BaseCommand

from stakeholders.services import close_objection_periods


class Command(BaseCommand):
    help = "Accredit applications whose non-objection period ended with no standing objection."

    def handle(self, *args: Any, **options: Any) -> None:
        accredited = close_objection_periods(actor=None)
        self.stdout.write(f"{len(accredited)} application(s) accredited.")
