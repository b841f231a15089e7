"""Property tests: whatever a hostile or broken client sends to the public endpoints, the answer is
a clear 4xx or a filed complaint, never a server error, and nothing half-written."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from ombud.intake.models import Complaint, ComplaintSubject
from tests.intake.conftest import Force

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=300),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
field_names = st.sampled_from(
    [
        "description",
        "occurred_on",
        "place",
        "place_text",
        "subjects",
        "categories",
        "anonymous",
        "name",
        "contact",
        "addressee",
        "idempotency_key",
        "receipt",
    ]
)
hostile = st.sampled_from(
    [
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "\x00\x01",
        "../../etc/passwd",
        "\U0001d518\U0001d52b" * 100,
        "9" * 400,
        "{{7*7}}",
    ]
)
bodies = st.dictionaries(field_names, json_values | hostile, max_size=8)
slow = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def _consistent() -> None:
    # Every complaint that exists is whole: routed, with deadlines, and its subjects intact.
    assert not Complaint.objects.filter(routed_to__isnull=True).exists()
    assert not Complaint.objects.filter(action_due_at__isnull=True).exists()
    assert ComplaintSubject.objects.exclude(complaint__in=Complaint.objects.all()).count() == 0


@slow
@given(body=bodies)
def test_any_json_body_to_the_filing_endpoint_is_answered_without_a_server_error(
    api: APIClient, force: Force, body: dict[str, Any]
) -> None:
    cache.clear()
    response = api.post("/api/v1/public/complaints/", body, format="json")
    assert response.status_code in (201, 400), response.content[:300]
    if response.status_code == 400:
        assert isinstance(response.json(), dict) and response.json()
    _consistent()


@slow
@given(raw=st.binary(max_size=500))
def test_raw_bytes_to_the_filing_endpoint_are_refused_cleanly(api: APIClient, force: Force, raw: bytes) -> None:
    cache.clear()
    before = Complaint.objects.count()
    response = api.generic("POST", "/api/v1/public/complaints/", raw, content_type="application/json")
    assert response.status_code in (201, 400)
    if response.status_code == 400:
        assert Complaint.objects.count() == before


@slow
@given(receipt=json_values | hostile)
def test_any_receipt_gets_404_or_400_never_more(api: APIClient, force: Force, receipt: object) -> None:
    cache.clear()
    response = api.post("/api/v1/public/complaints/status/", {"receipt": receipt}, format="json")
    assert response.status_code in (400, 404)


@slow
@given(q=st.text(max_size=200) | hostile)
def test_any_search_text_is_answered(api: APIClient, force: Force, q: str) -> None:
    cache.clear()
    for path in ("/api/v1/public/officers/", "/api/v1/public/places/"):
        assert api.get(path, {"q": q}).status_code == 200
