"""Load the demo world. Safe to run again: what exists is kept, nothing is duplicated, and a
second run with the same password changes nothing (and writes no audit entry)."""

import secrets
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.choices import Role
from accounts.models import RoleGrant, User
from accounts.selectors import find_user_by_email
from accounts.services import create_account, grant_role, set_password
from core.demo import DEMO_DOMAIN, as_of, run_loaders
from core.models import Process
from core.services import create_process

# When each process was set up (the demo's history is written on those dates).
SET_UP = {
    "ahc-cybercrime": datetime(2021, 1, 18, 9, 0, tzinfo=UTC),
    "ccpcj-33": datetime(2024, 1, 22, 9, 0, tzinfo=UTC),
    "cosp-cybercrime": datetime(2025, 2, 3, 9, 0, tzinfo=UTC),
}

PROCESSES = [
    {
        "slug": "ahc-cybercrime",
        "name": "Ad Hoc Committee on the Convention against Cybercrime",
        "convening_body": "United Nations General Assembly",
        "status": "concluded",
        "description": (
            "The Ad Hoc Committee to Elaborate a Comprehensive International Convention on "
            "Countering the Use of Information and Communications Technologies for Criminal "
            "Purposes was set up by General Assembly resolution 74/247. It met from 2022 to 2024 "
            "and agreed the text of the **United Nations Convention against Cybercrime**.\n\n"
            "Non-governmental organisations in consultative status with ECOSOC took part on "
            "request; other organisations, universities and companies were admitted through a "
            "list circulated to Member States on a non-objection basis. Accredited stakeholders "
            "spoke at the end of each agenda item and took part in intersessional consultations."
        ),
    },
    {
        "slug": "ccpcj-33",
        "name": "Commission on Crime Prevention and Criminal Justice, 33rd session",
        "convening_body": "Commission on Crime Prevention and Criminal Justice (ECOSOC)",
        "status": "concluded",
        "description": (
            "The 33rd session of the Commission met in Vienna from 13 to 17 May 2024. At its side "
            "event *Fostering Joint Stakeholder Actions Against Cybercrime Through Inclusive "
            "Partnerships*, more than fifty participants from civil society, the private sector "
            "and governments discussed vulnerability disclosure, digital literacy and "
            "public-private partnerships."
        ),
    },
    {
        "slug": "cosp-cybercrime",
        "name": "Conference of the States Parties to the Convention against Cybercrime",
        "convening_body": "Conference of the States Parties",
        "status": "active",
        "predecessor": "ahc-cybercrime",
        "description": (
            "The Conference of the States Parties to the United Nations Convention against "
            "Cybercrime follows the Ad Hoc Committee. Organisations accredited to the Committee "
            "can be carried over."
        ),
    },
]

ACCOUNTS = [
    ("secretariat@demo.consulta.org", "Demo Secretariat", Role.SECRETARIAT, ""),
    ("delegate.us@demo.consulta.org", "Delegate of the United States", Role.DELEGATE, "US"),
    ("delegate.do@demo.consulta.org", "Delegate of the Dominican Republic", Role.DELEGATE, "DO"),
    ("rep.accessnow@demo.consulta.org", "Access Now representative", Role.STAKEHOLDER, ""),
    ("moderator@demo.consulta.org", "Demo Moderator", Role.MODERATOR, ""),
]


class Command(BaseCommand):
    help = "Load the demo world (processes and one account per role); safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", help="Password for every demo account (default: random).")
        parser.add_argument(
            "--force", action="store_true", help="Load the demo even outside demo or debug mode."
        )

    def handle(
        self, *args: Any, password: str | None = None, force: bool = False, **options: Any
    ) -> None:
        if not (settings.DEMO or settings.DEBUG or force):
            raise CommandError(
                "This looks like a production site (neither CONSULTA_DEMO nor DEBUG is set): the "
                "demo would add a platform secretariat with a known address. Use --force to do it."
            )
        password = password or secrets.token_urlsafe(12)
        started = timezone.now()
        # Loading the demo walks applications through every step: nobody is to be e-mailed.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            transaction.atomic(),
        ):
            with as_of(SET_UP["ahc-cybercrime"]):
                secretariat = self._accounts(password)
            self._processes(secretariat)
            lines = run_loaders(actor=secretariat, password=password)
            self._passwords(password, joined_before=started)
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Demo world loaded. Accounts (password for all):"))
        for email, _name, role, state in ACCOUNTS:
            self.stdout.write(f"  {email:38} {role}{' ' + state if state else ''}")
        self.stdout.write(f"  password: {password}")

    def _accounts(self, password: str) -> Any:
        first = None
        for email, name, role, state in ACCOUNTS:
            user = find_user_by_email(email)
            if user is None:
                user = create_account(
                    email, actor=None, password=password, display_name=name, verified=True
                )
            if not RoleGrant.objects.filter(user=user, role=role, process__isnull=True).exists():
                grant_role(user, actor=None, role=role, member_state=state)
            first = first or user
        return first

    def _passwords(self, password: str, *, joined_before: datetime) -> None:
        """Give every demo account made before this run the password (if it has another)."""
        earlier = User.objects.filter(
            email__iendswith=f"@{DEMO_DOMAIN}", date_joined__lt=joined_before
        ).order_by("pk")
        for user in earlier:
            if not user.check_password(password):
                set_password(user, actor=None, password=password)

    def _processes(self, actor: Any) -> None:
        for spec in PROCESSES:
            if Process.objects.filter(slug=spec["slug"]).exists():
                continue
            fields = dict(spec)
            predecessor = fields.pop("predecessor", None)
            with as_of(SET_UP[spec["slug"]]):
                create_process(
                    actor=actor,
                    predecessor=Process.objects.get(slug=predecessor) if predecessor else None,
                    **fields,
                )
