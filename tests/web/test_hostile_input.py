"""Whatever a user or a broken client sends, every page and every API operation answers with a page,
a redirect or a clear 4xx, never a server error, and a refused write leaves every record as it was.

The sweep runs on a small demo province (`ombud demo`: cases, evidence, measures at every stage,
a directive, meetings, a published outcome) as each of its users and as a visitor: each route with
the ids of real records and of missing ones, odd query strings, and for the forms and request bodies
the operation reads, values of the wrong type, out of range, too long or hostile."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.throttling import SimpleRateThrottle

from ombud.accounts.models import Membership, Role, User
from ombud.accounts.services import membership_grant, user_create
from ombud.audit.models import AuditEntry
from ombud.cases.models import Case
from ombud.intake.services import complaint_file
from ombud.org.models import Officer
from ombud.risk.models import EvaluationRequest
from tests.factories import AlertFactory, CaseTaskFactory
from tests.intake.conftest import complaint_about

pytestmark = pytest.mark.django_db

# Each id a route names, and the records it is drawn from.
ROUTE_IDS = {
    "alert_id": "risk.Alert",
    "allegation_id": "cases.Allegation",
    "case_id": "cases.Case",
    "complaint_id": "intake.Complaint",
    "directive_id": "reviews.Directive",
    "file_id": "intake.ComplaintFile",
    "follow_up_id": "discipline.FollowUp",
    "measure_id": "discipline.Measure",
    "meeting_id": "reviews.Meeting",
    "officer_id": "org.Officer",
    "outcome_id": "transparency.PublishedOutcome",
    "task_id": "cases.CaseTask",
    "unit_id": "org.Unit",
}
# The API's {id}, by the segment before it.
API_IDS = {
    "agenda-items": "reviews.AgendaItem",
    "memberships": "accounts.Membership",
    "users": "accounts.User",
    "allegations": "cases.Allegation",
    "cases": "cases.Case",
    "complaints": "intake.Complaint",
    "directives": "reviews.Directive",
    "evidence": "cases.EvidenceItem",
    "follow-ups": "discipline.FollowUp",
    "measures": "discipline.Measure",
    "meetings": "reviews.Meeting",
    "officers": "org.Officer",
    "outcomes": "transparency.PublishedOutcome",
    "tasks": "cases.CaseTask",
    "alerts": "risk.Alert",
    "evaluations": "risk.Evaluation",
    "evaluation-requests": "risk.EvaluationRequest",
    "rules": "risk.ThresholdRule",
}
MISSING = 2**31 - 7
# What a form's fields get, all at once (a form posts text).
FORM_HOSTILE = ["", "x" * 5000, str(2**70), "2021-02-30", "\u00b2", "<script>nul\x00byte</script>"]
# Every parameter a page or list reads, each with a value it cannot use: ids beyond 64 bits or
# written with a superscript ("²" passes ``str.isdigit``), impossible dates, unknown words.
ODD_QUERY = {
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
    "state": "zz",
    "language": "zz",
    "next": "//elsewhere.example/",
}
# A plain GET carries what a report needs to answer at all.
PLAIN_QUERY = {"since": "2020-01-01", "until": "2026-12-31"}
# Sent one at a time: DRF answers an unknown page or format with a 404 before the view runs, and
# a report refuses its dates before it reads its unit.
ODD_ALONE = [{"page": "x"}, {"format": "zz"}, {"since": "2020-01-01", "until": "2026-12-31", "unit": "B\x001"}]
# Leaving ends the sweep's session; the admin site is Django's own.
SKIPPED = ("admin/", "accounts/logout/", "api/")
REFUSED = (401, 403, 404)
FORM = re.compile(r"<form([^>]*method=\"post\"[^>]*)>(.*?)</form>", re.S | re.I)
ACTION = re.compile(r"action=\"([^\"]*)\"")
FIELD = re.compile(r"<(?:input|select|textarea)[^>]*name=\"([^\"]+)\"")
HIDDEN = re.compile(r"<input[^>]*type=\"hidden\"[^>]*>")
VALUE = re.compile(r"value=\"([^\"]*)\"")


@dataclass
class Province:
    users: list[User | None]  # None: a visitor
    receipt: str  # of a complaint filed on the portal, to reach what only its complainant sees


@pytest.fixture
def province(db: None, monkeypatch: pytest.MonkeyPatch) -> Province:
    # The public portal's throttles would answer most of the sweep with 429 before any validation
    # (tests/intake test them); their counts also outlive a test in the cache.
    monkeypatch.setattr(SimpleRateThrottle, "allow_request", lambda self, request, view: True)
    cache.clear()
    call_command("demo", no_serve=True, officers=150, years=3, seed=5, stdout=io.StringIO())
    station = Membership.objects.get(user__username="supervisor").unit
    AlertFactory(officer=Officer.objects.filter(unit=station).first())
    EvaluationRequest.objects.create(
        as_of=dt.date(2020, 12, 31),
        label="sustained",
        requested_by=User.objects.get(username="analyst"),
        requested_at=timezone.now(),
    )
    # Open tasks on the first and the last open case, which the sweep's ids are drawn from.
    for case in (Case.objects.filter(status="open").first(), Case.objects.filter(status="open").last()):
        CaseTaskFactory(case=case)
    filed = complaint_file(actor=None, data=complaint_about(Officer.objects.first()))
    # The last account and role, whose ids the sweep draws from: the administrator's sweep ends the
    # role and closes the account, and no persona loses the rights the rest of the sweep needs.
    spare = user_create(actor=None, username="spare", password=None)
    membership_grant(actor=None, user=spare, role=Role.ANALYST)
    return Province([*User.objects.order_by("pk"), None], filed.receipt)


def record_ids(label: str) -> list[int]:
    model = apps.get_model(label)
    ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
    return [*ids[:1], *ids[-1:], MISSING] if ids else [MISSING]


def row_counts() -> dict[str, int]:
    """Rows of every table a write could touch. The audit log is among them: every write goes
    through a service that audits it, so an UPDATE a refused request made shows there too. Its
    records of reads are left out: a refused form redraws the page it was on, and that showing of a
    complaint or a case is a read, audited as such."""
    tables = [
        m._meta.db_table
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_label not in {"sessions", "admin"} and not m._meta.proxy
    ]
    audit = AuditEntry._meta.db_table
    counted = [
        f"SELECT '{t}', COUNT(*) FROM {connection.ops.quote_name(t)}"
        + (" WHERE action NOT IN ('complaint.view', 'case.view')" if t == audit else "")
        for t in tables
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(counted))
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


def forms(response: HttpResponse, url: str) -> list[tuple[str, set[str], dict[str, str]]]:
    """The page's POST forms: where each posts to, the names of the fields a user fills in, and
    the hidden fields with their values (a form's prefix, the receipt it answers), kept as sent."""
    if response.status_code != 200 or response.streaming or "html" not in response.get("Content-Type", ""):
        return []
    found = []
    for attributes, body in FORM.findall(response.content.decode()):
        action = ACTION.search(attributes)
        target = urlsplit(html.unescape(action.group(1))).path if action and action.group(1) else url
        if target.startswith("/") and not target.startswith(("/accounts/logout/", "/i18n/")):
            hidden = {}
            for tag in HIDDEN.findall(body):
                name, value = FIELD.search(tag), VALUE.search(tag)
                if name:
                    hidden[name.group(1)] = html.unescape(value.group(1)) if value else ""
            found.append((target, set(FIELD.findall(body)) - set(hidden) - {"csrfmiddlewaretoken"}, hidden))
    return found


def post_forms(sweep: Sweep, client: Client, page: HttpResponse, url: str, who: str) -> None:
    """Each form of the page, sent empty and with each hostile value in every field a user fills."""
    for target, fields, hidden in forms(page, url):
        for bad in [None, *FORM_HOSTILE] if fields else [None]:
            body = {**hidden, **(dict.fromkeys(fields, bad) if bad is not None else {})}
            before = row_counts()
            sweep.check(client.post(target, body), f"{who} POST {target} {str(body)[:120]}", before)


class Sweep:
    """What the sweep met: failures, how often each status came back, and which routes answered
    someone with 200 (a sweep that reaches no page proves nothing)."""

    def __init__(self) -> None:
        self.failures: list[str] = []
        self.statuses: Counter[int] = Counter()
        self.answered: set[str] = set()
        # Routes that answered a user's GET with something to read (or a 403/404): each must
        # answer someone with 200, or the ids the sweep tries reach nothing.
        self.readable: set[str] = set()

    def check(self, response: HttpResponse, what: str, before: dict[str, int] | None = None) -> None:
        self.statuses[response.status_code] += 1
        if response.status_code >= 500 or response.status_code == 429:
            self.failures.append(f"{what}: {response.status_code}")
        elif before is not None and response.status_code >= 400 and (after := row_counts()) != before:
            changed = {table: (n, after[table]) for table, n in before.items() if after[table] != n}
            self.failures.append(f"{what}: refused with {response.status_code} but wrote {changed}")

    def get(self, client: Client, url: str, route: str, who: str) -> HttpResponse:
        response = client.get(url, PLAIN_QUERY)
        self.check(response, f"{who} GET {url}")
        if response.status_code == 200:
            self.answered.add(route)
        if who != "visitor" and response.status_code not in (302, 405):
            self.readable.add(route)
        # A download (a package, a PDF) reads no parameter; building it again would only be slow.
        if "attachment" not in response.get("Content-Disposition", ""):
            for query in [ODD_QUERY, *ODD_ALONE]:
                self.check(client.get(url, query), f"{who} GET {url}?{sorted(query)}")
        return response

    def verdict(self, exempt: tuple[str, ...] = ()) -> None:
        assert not self.failures, "\n".join(self.failures[:30])
        assert self.statuses[400], self.statuses
        unanswered = sorted(r for r in self.readable - self.answered if not any(e in r for e in exempt))
        assert not unanswered, f"never answered with 200: {unanswered}"


def test_no_page_answers_hostile_input_with_a_server_error_or_a_half_write(province: Province) -> None:
    sweep = Sweep()
    for user in province.users:
        client = client_for(user)
        who = user.username if user else "visitor"
        for route, names in pages():
            for url in fill(route, names):
                page = sweep.get(client, url, route, who)
                if page.status_code in REFUSED:
                    continue
                if page.status_code == 405:  # a route that only takes POST gets an empty one
                    before = row_counts()
                    sweep.check(client.post(url, {}), f"{who} POST {url} {{}}", before)
                # The page's forms post to their own actions (a note, a finding, a measure's next step).
                post_forms(sweep, client, page, url, who)
    # What a complainant sees once their receipt is given: their messages and files forms.
    visitor = client_for(None)
    status = visitor.post("/report/status/", {"receipt": province.receipt})
    assert status.status_code == 200 and forms(status, "/report/status/")
    post_forms(sweep, visitor, status, "/report/status/", "complainant")
    # The demo holds no file sent by a complainant; a new meeting is asked for a unit or a body; an
    # alert's answer address sends a GET to the alert on its list (its forms were posted above).
    sweep.verdict(exempt=("/files/", "meetings/new/", "/intervene/", "/dismiss/"))


def api_operations() -> Iterator[tuple[str, str, dict[str, Any], bool]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            properties: dict[str, Any] = {}
            contents = operation.get("requestBody", {}).get("content", {})
            for content in contents.values():
                body_schema = content.get("schema", {})
                while "$ref" in body_schema:
                    body_schema = components[body_schema["$ref"].rsplit("/", 1)[-1]]
                properties = body_schema.get("properties", {})
                break
            yield path, method, properties, bool(contents) and "application/json" not in contents


def wrong_values(spec: dict[str, Any]) -> list[Any]:
    """Values a field of this type must refuse, most likely to slip past a check first."""
    kind = spec.get("type")
    if kind == "integer":
        return ["\u00b2", 2**70, -1, "x", None]
    if kind == "array":
        return [[2**70], ["\u00b2"], [None], "x"]
    if kind == "string" and spec.get("format") == "date":
        return ["2021-02-30", "0001-01-01", 5, None]
    if kind == "string":
        return ["nul\x00byte", "x" * 5000, 5, None]
    return ["x", None, 2**70]


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


def test_no_api_operation_answers_hostile_input_with_a_server_error_or_a_half_write(province: Province) -> None:
    sweep = Sweep()
    validated = set()
    for user in province.users:
        client = client_for(user)
        who = user.username if user else "visitor"
        for path, method, properties, multipart in api_operations():
            urls = [path]
            if "{id}" in path:
                records = API_IDS[path.split("/{id}")[0].rsplit("/", 1)[-1]]
                urls = [path.replace("{id}", str(pk)) for pk in record_ids(records)]
            for url in urls:
                if method == "get":
                    sweep.get(client, url, path, who)
                    continue
                before = row_counts()
                first = client.generic(method.upper(), url, "{}", content_type="application/json")
                sweep.check(first, f"{who} {method} {url} {{}}", before)
                if first.status_code in REFUSED:
                    continue
                validated.add(f"{method} {path}")
                # A real receipt, so that the complainant's endpoints read what follows it.
                plain = {
                    name: province.receipt if name == "receipt" else plausible(spec)
                    for name, spec in properties.items()
                }
                bodies: list[Any] = [None, [], "a letter", "{not json"]
                for name, spec in properties.items():
                    bodies += [{**plain, name: bad} for bad in wrong_values(spec)]
                for body in bodies:
                    before = row_counts()
                    if multipart and isinstance(body, dict):
                        form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()}
                        response = client.post(url, form)
                    else:
                        data = body if body == "{not json" else json.dumps(body)
                        response = client.generic(method.upper(), url, data, content_type="application/json")
                    sweep.check(response, f"{who} {method} {url} {str(body)[:120]}", before)
    # The demo holds no file sent by a complainant.
    sweep.verdict(exempt=("/files/{file_id}/",))
    # Every write reached its validation for someone: a sweep refused at the door proves nothing.
    writes = {f"{method} {path}" for path, method, _properties, _multipart in api_operations() if method != "get"}
    assert not writes - validated, sorted(writes - validated)
