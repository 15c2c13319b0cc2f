from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.selectors import find_user_by_email
from accounts.services import create_api_token


class Command(BaseCommand):
    help = "Create a personal API token for an account and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="command line", help="What the token is for.")

    def handle(self, *args: Any, email: str, name: str, **options: Any) -> None:
        user = find_user_by_email(email)
        if user is None:
            raise CommandError(f"No account uses the e-mail address {email!r}.")
        if not user.is_active:
            raise CommandError(f"The account {email!r} is deactivated.")
        _token, raw = create_api_token(user, actor=None, name=name)
        self.stdout.write(raw)
