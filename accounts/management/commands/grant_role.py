from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.choices import Role
from accounts.exceptions import InvalidRoleGrant
from accounts.selectors import find_user_by_email
from accounts.services import grant_role
from core.models import Process


class Command(BaseCommand):
    help = "Grant a role to an account, for one process or platform-wide (the first secretariat)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("--process", default="", help="Slug of the process; omit for all.")
        parser.add_argument("--member-state", default="", help="ISO code, for delegates (US).")

    def handle(
        self, *args: Any, email: str, role: str, process: str, member_state: str, **options: Any
    ) -> None:
        user = find_user_by_email(email)
        if user is None:
            raise CommandError(f"No account uses the e-mail address {email!r}.")
        target = None
        if process:
            target = Process.objects.filter(slug=process).first()
            if target is None:
                raise CommandError(f"No process has the short name {process!r}.")
        try:
            grant_role(
                user, actor=None, role=role, process=target, member_state=member_state.upper()
            )
        except InvalidRoleGrant as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Granted {role} to {email}."))
