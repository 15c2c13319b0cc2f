"""The registry's changes that change what search finds: an organisation renamed, or choosing to
appear only by region (its name must then leave the index), and a thematic area renamed. The
registry does not know the knowledge base, so it is told through signals."""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save


def _reindex(filter_by: dict[str, Any]) -> None:
    from .models import Record
    from .search import index_record

    with transaction.atomic():
        for record in Record.objects.published().filter(**filter_by).distinct():
            index_record(record)


def _organisation_saved(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    if not created:
        transaction.on_commit(lambda: _reindex({"actors__organisation_id": instance.pk}))


def _area_saved(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    if not created:
        transaction.on_commit(lambda: _reindex({"thematic_areas": instance.pk}))


def connect() -> None:
    from stakeholders.models import Organisation, ThematicArea

    post_save.connect(
        _organisation_saved, sender=Organisation, dispatch_uid="knowledge.reindex_organisation"
    )
    post_save.connect(_area_saved, sender=ThematicArea, dispatch_uid="knowledge.reindex_area")
