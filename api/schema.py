"""How the OpenAPI schema describes the API's authentication (drf-spectacular extensions,
registered by importing this module in ``ApiConfig.ready``)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiKeyAuthentication"
    name = ["bearerKey", "headerKey", "queryKey"]

    def get_security_requirement(self, auto_schema):
        # Any one of the three (OR).
        return [{name: []} for name in self.name]

    def get_security_definition(self, auto_schema):
        return [
            {
                "type": "http",
                "scheme": "bearer",
                "description": "An API key: `Authorization: Bearer ipt_…`.",
            },
            {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            {
                "type": "apiKey",
                "in": "query",
                "name": "api_key",
                "description": "Read-only keys, GET only: for Power BI's scheduled refresh. "
                "The address (and so the key) may be kept in logs.",
            },
        ]


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ReadOnlySessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


ERROR = {
    "type": "object",
    "description": 'Why the request was refused: `{"detail": "..."}`, or for bad filters the '
    "message for each parameter.",
    "additionalProperties": True,
}
ERRORS = {
    "400": "A filter, page size or body that is not valid.",
    "401": "No key, or a key that is unknown, revoked or expired (or sent where it may not be).",
    "403": "The key or user may not do this (writing with a read-only key or a session).",
    "404": "A page cursor that is not valid (copy `next` as given).",
    "429": "Too many requests this minute for this key: wait for Retry-After seconds.",
}


def _error_content(csv: bool) -> dict:
    content = {"application/json": {"schema": ERROR}}
    if csv:
        content["text/csv"] = {"schema": {"type": "string"}}
    return content


def tidy(result, generator, request, public):
    """Post-processing hook: a page as CSV is text, not the JSON page object; writes take a key
    in a header only; every refusal the API can give is documented."""
    for path, path_item in result.get("paths", {}).items():
        for method, operation in path_item.items():
            responses = operation.setdefault("responses", {})
            if not path.endswith("/schema/"):
                csv = any("text/csv" in r.get("content", {}) for r in responses.values())
                for code, description in ERRORS.items():
                    responses.setdefault(
                        code, {"description": description, "content": _error_content(csv)}
                    )
                if method == "get":
                    responses.setdefault("304", {"description": "Not modified (ETag or date)."})
            for response in responses.values():
                content = response.get("content", {})
                if "text/csv" in content:
                    content["text/csv"] = {"schema": {"type": "string"}}
            if method != "get":
                operation["security"] = [
                    item
                    for item in operation.get("security", [])
                    if not ({"session", "queryKey"} & set(item))
                ]
                operation["parameters"] = [
                    p for p in operation.get("parameters", []) if p.get("name") != "format"
                ]
    return result
