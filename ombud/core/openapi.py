"""The errors every operation may answer, declared in the OpenAPI schema (a drf-spectacular
post-processing hook): the views raise them through DRF's own handling, which the schema
generator cannot see, and a client generated from the schema should know each one."""

from __future__ import annotations

from typing import Any

PUBLIC_PREFIX = "/api/v1/public/"
WRITES = {"post", "put", "patch", "delete"}
ERROR_SCHEMA = {
    "type": "object",
    "description": "`detail` for a refusal as a whole; otherwise each field named, with its messages.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


def _answer(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def declare_errors(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, operations in result.get("paths", {}).items():
        public = path.startswith(PUBLIC_PREFIX)
        for method, operation in operations.items():
            if method not in WRITES | {"get"}:
                continue
            errors: dict[str, str] = {}
            if method in WRITES or operation.get("parameters"):
                errors["400"] = "The request was refused as it stands: nothing was written."
            if not public:
                errors["401"] = "No account: log in, or send `Authorization: Token ...`."
                errors["403"] = "The account may not do this (its role, four eyes, or a suspension)."
            if "{" in path or (public and method in WRITES):
                errors["404"] = (
                    "Nothing this account may see has that id (or, for a receipt, no complaint matches)."
                )
            if "requestBody" in operation:
                errors["415"] = "The body's content type is not one this operation reads."
            if public:
                errors["429"] = "Too many requests from this client: wait for the time in `Retry-After`."
            responses = operation.setdefault("responses", {})
            for code, description in errors.items():
                responses.setdefault(code, _answer(description))
    return result
