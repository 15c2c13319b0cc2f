"""The pages of the registry and of accreditation, by page group."""

from .accreditation import (
    accreditation,
    accreditation_settings,
    accredited_export,
    applications,
    apply,
    carry_over,
)
from .application import (
    application_action,
    application_detail,
    download_document,
    remove_document,
    upload_document,
)
from .objections import object_to, withdraw_objection
from .people import accept_invitation, people, protect_person, remove_person
from .registry import (
    directory,
    directory_export,
    organisation_create,
    organisation_detail,
    organisation_edit,
    thematic_areas,
)

__all__ = [
    "accept_invitation",
    "accreditation",
    "accreditation_settings",
    "accredited_export",
    "application_action",
    "application_detail",
    "applications",
    "apply",
    "carry_over",
    "directory",
    "directory_export",
    "download_document",
    "object_to",
    "organisation_create",
    "organisation_detail",
    "organisation_edit",
    "people",
    "protect_person",
    "remove_document",
    "remove_person",
    "thematic_areas",
    "upload_document",
    "withdraw_objection",
]
