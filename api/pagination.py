"""Page pagination: ?page=N&page_size=M, with the total and links to the neighbouring pages."""

import math
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

MAX_PAGE_SIZE = 100
MAX_PAGE = 1_000_000


class PagePagination(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
        page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description="Items per page (1-100).")

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        pages: int
        next: str | None
        previous: str | None

    def paginate_queryset(
        self, queryset: Any, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        size = pagination.page_size
        count = self._items_count(queryset)
        pages = max(1, math.ceil(count / size))
        offset = (pagination.page - 1) * size
        return {
            "items": list(queryset[offset : offset + size]),
            "count": count,
            "page": pagination.page,
            "pages": pages,
            "next": _page_link(request, pagination.page + 1) if pagination.page < pages else None,
            "previous": _page_link(request, pagination.page - 1) if pagination.page > 1 else None,
        }


def _page_link(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return f"{request.path}?{query.urlencode()}"
