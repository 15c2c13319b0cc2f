from django.db import connection, models
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as consulta_urls


def ok(request: HttpRequest) -> HttpResponse:
    """The baseline: the same server and middleware, no work in the view."""
    return HttpResponse("ok", content_type="text/plain")


class BenchRow(models.Model):
    """A table for the write baseline only; created when the benchmark's server starts."""

    body = models.TextField()

    class Meta:
        app_label = "core"
        db_table = "bench_row"
        managed = False


def _create_table() -> None:
    if "bench_row" not in connection.introspection.table_names():
        with connection.schema_editor() as editor:
            editor.create_model(BenchRow)


@csrf_exempt
def insert(request: HttpRequest) -> HttpResponse:
    """The baseline for writes: a Django view that inserts one row with the ORM."""
    row = BenchRow.objects.create(body=request.body.decode())
    return JsonResponse({"id": row.pk}, status=201)


_create_table()
urlpatterns = [path("bench/ok", ok), path("bench/insert", insert), *consulta_urls]
