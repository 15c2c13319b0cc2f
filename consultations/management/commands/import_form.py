from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.choices import Audience, Identity, Status
from consultations.exceptions import ConsultationError
from consultations.xlsform import FormError
from core.models import Process


class Command(BaseCommand):
    help = (
        "Create a consultation from an XLSForm file and print its address (or the form's errors)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="an XLSForm: .xlsx, .xls or .md")
        parser.add_argument("--process", required=True, help="the process's short name")
        parser.add_argument("--slug", required=True, help="the consultation's short name")
        parser.add_argument("--title", default="", help="defaults to the form's title")
        parser.add_argument("--audience", choices=Audience.values, default=Audience.PUBLIC)
        parser.add_argument("--identity", choices=Identity.values, default=Identity.CONFIDENTIAL)
        parser.add_argument("--days", type=int, default=30, help="how long it stays open")
        parser.add_argument("--open", action="store_true", help="open it for answers now")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        process = Process.objects.filter(slug=options["process"]).first()
        if process is None:
            raise CommandError(f"No process has the short name “{options['process']}”.")
        if options["days"] < 1:
            raise CommandError("--days must be at least 1.")
        content = path.read_bytes()
        try:
            form = services.load_xlsform(content, path.name)
            now = timezone.now()
            consultation = services.create_consultation_with_form(
                process,
                actor=None,
                slug=options["slug"],
                content=content,
                filename=path.name,
                title=options["title"] or form.title or options["slug"],
                opens_at=now,
                closes_at=now + timedelta(days=options["days"]),
                audience=options["audience"],
                identity=options["identity"],
            )
            if options["open"]:
                services.set_status(consultation, Status.OPEN, actor=None)
        except FormError as exc:
            raise CommandError(f"{path.name}: {exc}") from None
        except ValidationError as exc:
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise CommandError(problems) from None
        except ConsultationError as exc:
            raise CommandError(str(exc)) from None
        url = settings.SITE_URL + reverse("consultations:detail", args=[consultation.slug])
        self.stdout.write(url)
