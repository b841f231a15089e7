"""The API's entry at /api/v1/: the address of each collection and of the OpenAPI schema that
describes every operation, so that a client (or a person in the browsable API) starts somewhere."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView


class ApiRoot(APIView):
    """The collections of the API and its schema, by name. What each answers a caller, the
    collection's own gate decides: this list is the same for everyone and says nothing of the data."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, summary="The API's collections and its schema")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        from ombud.api_urls import urlpatterns  # the urls import this module

        names = [p.name for p in urlpatterns if p.name and p.name != "api-root" and "<" not in str(p.pattern)]
        return Response({name.removeprefix("api-"): reverse(name, request=request) for name in names})
