"""Whatever a user or a broken client sends, every page and every API operation answers with a page,
a redirect or a clear 4xx, never a server error, and a refused write leaves every record as it was.

The sweep runs on a small demo province (`ombud demo`: cases, evidence, measures at every stage,
a directive, meetings, a published outcome) as each of its users and as a visitor: each route with
the ids of real records and of missing ones, odd query strings, and for the forms and request bodies
the operation reads, values of the wrong type, out of range, too long or hostile."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

from ombud.accounts.models import Membership, User
from ombud.org.models import Officer
from tests.factories import AlertFactory

pytestmark = pytest.mark.django_db

# Each id a route names, and the records it is drawn from.
ROUTE_IDS = {
    "alert_id": "risk.Alert",
    "allegation_id": "cases.Allegation",
    "case_id": "cases.Case",
    "complaint_id": "intake.Complaint",
    "directive_id": "reviews.Directive",
    "file_id": "intake.ComplaintFile",
    "measure_id": "discipline.Measure",
    "meeting_id": "reviews.Meeting",
    "officer_id": "org.Officer",
    "outcome_id": "transparency.PublishedOutcome",
    "unit_id": "org.Unit",
}
# The API's {id}, by the segment before it.
API_IDS = {
    "allegations": "cases.Allegation",
    "cases": "cases.Case",
    "complaints": "intake.Complaint",
    "directives": "reviews.Directive",
    "evidence": "cases.EvidenceItem",
    "measures": "discipline.Measure",
    "meetings": "reviews.Meeting",
    "alerts": "risk.Alert",
    "evaluations": "risk.Evaluation",
}
MISSING = 2**31 - 7
HOSTILE = [
    None,
    "",
    "x" * 5000,
    -1,
    2**70,
    1.5e308,
    [],
    {"a": {"b": 1}},
    "2021-02-30",
    "9999-12-31",
    "nul\x00byte",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    True,
    "\uff11\uff12",
]
# What a form's fields get, all at once (a form posts text).
FORM_HOSTILE = [
    "",
    "x" * 5000,
    "-1",
    str(2**70),
    "2021-02-30",
    "nul\x00byte",
    "\u00b2",
    "<script>alert(1)</script>",
]
# Every parameter a page or list reads, each with a value it cannot use: ids beyond 64 bits or
# written with a superscript ("²" passes ``str.isdigit``), impossible dates, unknown words.
ODD_QUERY = {
    "page": "-1",
    "q": "\x00",
    "status": "zz",
    "overdue": "²",
    "body": str(2**70),
    "officer": "²",
    "complaint": [str(2**70), "²", "\uff11\uff12"],
    "unit": str(2**70),
    "years": "²",
    "evaluation": "²",
    "as_of": "2021-13-40",
    "since": "0000-01-01",
    "until": "9999-99-99",
    "format": "zz",
    "state": "zz",
    "language": "zz",
    "next": "//elsewhere.example/",
}
# Leaving ends the sweep's session; the admin site is Django's own.
SKIPPED = ("admin/", "accounts/logout/", "api/")
REFUSED = (401, 403, 404, 405)
FORM = re.compile(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", re.S | re.I)
FIELD = re.compile(r"<(?:input|select|textarea)[^>]*name=\"([^\"]+)\"")


@pytest.fixture
def province(db: None) -> list[User | None]:
    call_command("demo", no_serve=True, officers=150, years=3, seed=5, stdout=io.StringIO())
    station = Membership.objects.get(user__username="supervisor").unit
    AlertFactory(officer=Officer.objects.filter(unit=station).first())
    return [*User.objects.order_by("pk"), None]


def record_ids(label: str) -> list[int]:
    model = apps.get_model(label)
    ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
    return [*ids[:1], *ids[-1:], MISSING] if ids else [MISSING]


def row_counts() -> dict[str, int]:
    """Rows of every table a write could touch (the audit log may record a refused attempt)."""
    tables = [
        m._meta.db_table
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_label not in {"audit", "sessions", "admin"} and not m._meta.proxy
    ]
    sql = " UNION ALL ".join(f"SELECT '{t}', COUNT(*) FROM {connection.ops.quote_name(t)}" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


def client_for(user: User | None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def pages() -> Iterator[tuple[str, list[str]]]:
    def walk(patterns: list[Any], prefix: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    for route in walk(get_resolver().url_patterns, ""):
        if not route.startswith(SKIPPED):
            yield route, re.findall(r"<int:(\w+)>", route)


def fill(route: str, names: list[str]) -> list[str]:
    """The route with the ids of the first and the last record it shows (and of the records they
    belong to), and with ids of nothing."""
    urls = []
    if names:
        last = names[-1]
        label = ROUTE_IDS.get(last) or ("reviews.AgendaItem" if "meetings" in route else "cases.EvidenceItem")
        rows = list(apps.get_model(label).objects.order_by("pk"))
        for row in [*rows[:1], *rows[-1:]]:
            path = route
            for name in names:
                path = path.replace(f"<int:{name}>", str(row.pk if name == last else getattr(row, name)), 1)
            urls.append("/" + path)
    urls.append("/" + re.sub(r"<int:\w+>", str(MISSING), route))
    return list(dict.fromkeys(urls))


def form_fields(response: HttpResponse) -> set[str]:
    if response.status_code != 200 or response.streaming or "html" not in response.get("Content-Type", ""):
        return set()
    fields = set()
    for form in FORM.findall(response.content.decode()):
        fields |= set(FIELD.findall(form))
    return fields - {"csrfmiddlewaretoken"}


class Sweep:
    """What the sweep met: failures, and how often each status came back."""

    def __init__(self) -> None:
        self.failures: list[str] = []
        self.statuses: Counter[int] = Counter()

    def check(self, response: HttpResponse, what: str, before: dict[str, int] | None = None) -> None:
        self.statuses[response.status_code] += 1
        if response.status_code >= 500:
            self.failures.append(f"{what}: {response.status_code}")
        elif before is not None and response.status_code >= 400 and (after := row_counts()) != before:
            changed = {table: (n, after[table]) for table, n in before.items() if after[table] != n}
            self.failures.append(f"{what}: refused with {response.status_code} but wrote {changed}")

    def verdict(self) -> None:
        assert not self.failures, "\n".join(self.failures[:30])
        # A sweep that rendered no page or met no validation would prove nothing.
        assert self.statuses[200] and self.statuses[400], self.statuses


def test_no_page_answers_hostile_input_with_a_server_error_or_a_half_write(province: list[User | None]) -> None:
    sweep = Sweep()
    for user in province:
        client = client_for(user)
        who = user.username if user else "visitor"
        for route, names in pages():
            for url in fill(route, names):
                sweep.check(client.get(url, ODD_QUERY), f"{who} GET {url}?odd")
                page = client.get(url)
                sweep.check(page, f"{who} GET {url}")
                if page.status_code in REFUSED:
                    continue
                fields = form_fields(page)
                bodies = [{}] + [dict.fromkeys(fields, bad) for bad in FORM_HOSTILE]
                for body in bodies if fields else [{}]:
                    before = row_counts()
                    sweep.check(client.post(url, body), f"{who} POST {url} {str(body)[:120]}", before)
    sweep.verdict()


def api_operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            properties: dict[str, Any] = {}
            for content in operation.get("requestBody", {}).get("content", {}).values():
                body_schema = content.get("schema", {})
                while "$ref" in body_schema:
                    body_schema = components[body_schema["$ref"].rsplit("/", 1)[-1]]
                properties = body_schema.get("properties", {})
                break
            yield path, method, properties


def plausible(spec: dict[str, Any]) -> Any:
    """A value of the type the schema names, so that one wrong field at a time meets validation."""
    kind = spec.get("type")
    if "enum" in spec:
        return spec["enum"][0]
    return {
        "integer": 1,
        "number": 1.5,
        "boolean": True,
        "array": [],
        "object": {},
    }.get(kind or "", "2021-01-01" if spec.get("format") == "date" else "text")


def test_no_api_operation_answers_hostile_input_with_a_server_error_or_a_half_write(
    province: list[User | None],
) -> None:
    sweep = Sweep()
    for user in province:
        client = client_for(user)
        who = user.username if user else "visitor"
        for path, method, properties in api_operations():
            urls = [path]
            if "{id}" in path:
                records = API_IDS[path.split("/{id}")[0].rsplit("/", 1)[-1]]
                urls = [path.replace("{id}", str(pk)) for pk in record_ids(records)]
            for url in urls:
                if method == "get":
                    sweep.check(client.get(url, ODD_QUERY), f"{who} GET {url}?odd")
                    continue
                before = row_counts()
                first = client.generic(method.upper(), url, "{}", content_type="application/json")
                sweep.check(first, f"{who} {method} {url} {{}}", before)
                if first.status_code in REFUSED:
                    continue
                plain = {name: plausible(spec) for name, spec in properties.items()}
                bodies: list[Any] = [None, [], "a letter", "{not json"]
                for index, name in enumerate(properties):
                    for bad in (HOSTILE[index % len(HOSTILE)], HOSTILE[(index + 7) % len(HOSTILE)]):
                        bodies.append({**plain, name: bad})
                for body in bodies:
                    data = body if body == "{not json" else json.dumps(body)
                    before = row_counts()
                    response = client.generic(method.upper(), url, data, content_type="application/json")
                    sweep.check(response, f"{who} {method} {url} {str(body)[:120]}", before)
    sweep.verdict()
