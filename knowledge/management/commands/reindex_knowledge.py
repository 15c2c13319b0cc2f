"""Rebuild the search index of every published record (after an upgrade changes what is
indexed, or to repair it); prints how many records were indexed."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from knowledge.models import Record, SearchEntry
from knowledge.search import index_record


class Command(BaseCommand):
    help = "Rebuild the knowledge base's search index."

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        with transaction.atomic():
            SearchEntry.objects.exclude(record__state="published").delete()
            for record in Record.objects.filter(state="published").iterator(chunk_size=500):
                index_record(record)
                count += 1
        self.stdout.write(f"Indexed {count} published records.")
