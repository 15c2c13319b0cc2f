"""The API reference at /api/v1/docs: server-rendered from the OpenAPI document.

Swagger UI weighs over a megabyte and needs inline scripts; this page stays within the page
budget and the content security policy, works without JavaScript, and with it lets a reader
try each endpoint with their own token.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from ninja.openapi.docs import DocsBase

METHODS = ("get", "post", "put", "patch", "delete")


def _schema_name(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"array of {_schema_name(schema.get('items', {}))}"
    if "anyOf" in schema:
        return " or ".join(_schema_name(s) for s in schema["anyOf"])
    return str(schema.get("type", "object"))


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    operations = []
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = [
                {
                    "name": p["name"],
                    "in": p["in"],
                    "required": p.get("required", False),
                    "type": _schema_name(p.get("schema", {})),
                    "description": p.get("description")
                    or p.get("schema", {}).get("description", ""),
                }
                for p in op.get("parameters", [])
            ]
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            responses = [
                {
                    "status": status,
                    "schema": _schema_name(
                        r.get("content", {}).get("application/json", {}).get("schema", {})
                    )
                    if r.get("content")
                    else "",
                    "description": r.get("description", ""),
                }
                for status, r in op.get("responses", {}).items()
            ]
            operations.append(
                {
                    "id": op.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "tags": op.get("tags", []),
                    "secured": bool(op.get("security")),
                    "params": params,
                    "body": _schema_name(body.get("schema", {})) if body else "",
                    "responses": responses,
                }
            )
    return operations


def _components(schema: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for name, comp in sorted(schema.get("components", {}).get("schemas", {}).items()):
        required = set(comp.get("required", []))
        fields = [
            {"name": f, "type": _schema_name(s), "required": f in required}
            for f, s in comp.get("properties", {}).items()
        ]
        out.append({"name": name, "fields": fields})
    return out


def _sections(operations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The operations grouped by their tag (an app's endpoints), in the order they come."""
    sections: dict[str, list[dict[str, Any]]] = {}
    for op in operations:
        sections.setdefault((op["tags"] or ["api"])[0], []).append(op)
    return [{"tag": tag, "slug": slugify(tag), "operations": ops} for tag, ops in sections.items()]


def _used_schemas(operations: list[dict[str, Any]], components: list[dict[str, Any]]) -> list:
    named = {op["body"] for op in operations} | {
        r["schema"] for op in operations for r in op["responses"]
    }
    return [c for c in components if any(c["name"] in n for n in named)]


class ReferenceDocs(DocsBase):
    """One page per group of endpoints (`?section=`), with every endpoint listed on each: the
    whole reference on one page outgrew the page budget."""

    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        schema = api.get_openapi_schema(path_params=kwargs)
        sections = _sections(_operations(schema))
        wanted = request.GET.get("section", "")
        current = next(
            (s for s in sections if s["slug"] == wanted), sections[0] if sections else None
        )
        operations = current["operations"] if current else []
        context = {
            "info": schema.get("info", {}),
            "sections": sections,
            "current": current,
            "operations": operations,
            "components": _used_schemas(operations, _components(schema)),
            "openapi_url": self.get_openapi_url(api, kwargs),
        }
        return render(request, "api/docs.html", context)
