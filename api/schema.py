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


def tidy(result, generator, request, public):
    """Post-processing hook: a page as CSV is text, not the JSON page object; writes take a key
    in a header only."""
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            for response in operation.get("responses", {}).values():
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
