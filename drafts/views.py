"""Pages of negotiating texts (placeholder while the pages are built)."""

from django.http import HttpRequest, HttpResponse


def text_list(request: HttpRequest, slug: str) -> HttpResponse:
    return HttpResponse("")


text_detail = import_revision = revision_detail = text_list
