from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.audit import current_anchor, find_anchor, find_first_broken, parse_anchor


class Command(BaseCommand):
    help = (
        "Check the audit log's hash chain and its sealed head; exit non-zero naming the first "
        "problem. On success, print the anchor (SEQ:HASH) to publish outside the database; "
        "--expect checks that a published anchor is still in the log."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--expect",
            action="append",
            default=[],
            metavar="[SEQ:]HASH",
            help="An anchor printed earlier; fail unless the log still holds that entry. "
            "May be given more than once.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            expected = [parse_anchor(text) for text in options["expect"]]
        except ValueError as exc:
            raise CommandError(f"{exc} is not an anchor: give HASH or SEQ:HASH.") from None
        checked, broken = find_first_broken()
        if broken is not None:
            raise CommandError(
                f"Audit log broken at entry #{broken.seq}: {broken.reason} "
                f"({checked} entries read)."
            )
        for anchor in expected:
            found = find_anchor(anchor)
            if found is None:
                raise CommandError(
                    f"Audit log broken: the published anchor {anchor} is not in the log; "
                    "entries were removed or rewritten since it was published."
                )
            self.stdout.write(f"The log still holds anchor {found}.")
        self.stdout.write(self.style.SUCCESS(f"Audit log intact: {checked} entries verified."))
        self.stdout.write(f"Anchor (publish it outside the database): {current_anchor()}")
