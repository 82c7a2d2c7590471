"""The determination endpoint: thin, one call into the services.

The body is decoded and validated by the services (`licentia.rules.schema`), not by the
framework, so that every bad input, malformed JSON included, is a 422 naming its field in
the one error shape, exactly as the CLI and the public page report it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from licentia.determinations import services
from licentia.rules.schema import DeterminationDocument, TransactionDocument

router = Router()


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON Schema with its `$defs` written in place, for the OpenAPI request body."""
    definitions = schema.pop("$defs", {})

    def expand(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return expand(definitions[ref.removeprefix("#/$defs/")])
            return {key: expand(value) for key, value in node.items()}
        if isinstance(node, list):
            return [expand(value) for value in node]
        return node

    return dict(expand(schema))


_REQUEST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": _inline(TransactionDocument.model_json_schema())}
        },
    }
}


@router.post(
    "",
    response={200: DeterminationDocument},
    summary="Do I need a licence? Determine a transaction",
    openapi_extra=_REQUEST_BODY,
)
def determine(request: HttpRequest) -> dict[str, Any]:
    """The outcome, every legal basis with its citation, the competent authority, the Union
    general export authorisations, obligations, caveats and the step-by-step trace."""
    data = services.load_document(
        request.body.decode("utf-8", "replace"), source="body", allow_yaml=False
    )
    return services.determine(data=data)
