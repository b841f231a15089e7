"""An officer moved to another unit or other places: by an administrator, from the page, the API
and the command line through one service; his earlier assignments stay on his record, and new
complaints about him are routed by where he serves now."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from ombud.accounts.models import Role
from ombud.accounts.services import membership_grant, user_create
from ombud.audit.models import AuditEntry
from ombud.intake.services import complaint_file
from ombud.org.models import Officer, PlaceAssignment, StationAssignment
from ombud.org.services import officer_move
from tests.conftest import Force, Login
from tests.intake.conftest import complaint_about

TODAY = timezone.localdate()


def posting(officer: Officer) -> tuple[str, list[str]]:
    """Where he serves and the places he answers for, as the database holds them now."""
    officer.refresh_from_db()
    places = PlaceAssignment.objects.filter(officer=officer, end_on__isnull=True).values_list(
        "place__code", flat=True
    )
    return (officer.unit.code if officer.unit else "", sorted(places))


def records() -> tuple[int, int, int]:
    return StationAssignment.objects.count(), PlaceAssignment.objects.count(), AuditEntry.objects.count()


def test_a_move_ends_the_old_assignments_starts_the_new_and_is_audited(force: Force) -> None:
    frank, day = force.officers["frank"], TODAY - dt.timedelta(days=3)
    move = officer_move(
        actor=force.users["admin"],
        officer=frank,
        unit=force.units["b1"],
        places=[force.places["b1_north"], force.places["b1_south"]],
        on=day,
    )
    assert posting(frank) == ("STN-B1", ["PL-B1-North", "PL-B1-South"])
    assert move.unit_before == force.units["a1"] and [p.code for p in move.places_ended] == ["PL-A1-North"]
    # History is kept: the old station and village end on the day, the new ones start on it.
    stations = list(StationAssignment.objects.filter(officer=frank).order_by("start_on"))
    assert [(s.unit.code, s.end_on) for s in stations] == [("STN-A1", day), ("STN-B1", None)]
    old = PlaceAssignment.objects.get(officer=frank, place=force.places["a1_north"])
    assert old.end_on == day
    entry = json.loads(AuditEntry.objects.filter(action="officer.move").get().payload)
    assert entry["on"] == day.isoformat() and entry["unit"] == [
        force.units["a1"].pk,
        force.units["b1"].pk,
    ]


def test_a_place_kept_goes_on_and_only_the_others_change(force: Force) -> None:
    frank = force.officers["frank"]
    kept = PlaceAssignment.objects.get(officer=frank, place=force.places["a1_north"])
    officer_move(
        actor=None,
        officer=frank,
        unit=None,
        places=[force.places["a1_north"], force.places["a1_south"]],
    )
    assert posting(frank) == ("STN-A1", ["PL-A1-North", "PL-A1-South"])
    kept.refresh_from_db()
    assert kept.end_on is None and StationAssignment.objects.filter(officer=frank).count() == 1


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"places": ["b1_north"]}, "Not in Station A1 or the units under it: North B1 village (PL-B1-North)."),
        ({"on": TODAY + dt.timedelta(days=1)}, "A move is recorded on the day it takes effect, not before."),
        ({"on": dt.date(2012, 2, 1)}, "He was hired on 2012-03-01, after that day."),
        ({"on": dt.date(2012, 3, 1), "unit": "b1", "places": []}, "His assignments last changed on"),
        ({"places": ["a1_north"]}, "Nothing changes: he already serves there and answers for these places."),
    ],
)
def test_a_move_that_cannot_be_is_refused_whole(force: Force, change: dict, said: str) -> None:  # type: ignore[type-arg]
    frank = force.officers["frank"]
    # A later change, so that a move dated before it would rewrite history.
    PlaceAssignment.objects.filter(officer=frank).update(start_on=dt.date(2020, 1, 1))
    before, where = records(), posting(frank)
    with pytest.raises(ValidationError) as refused:
        officer_move(
            actor=force.users["admin"],
            officer=frank,
            unit=force.units[change["unit"]] if "unit" in change else force.units["a1"],
            places=[force.places[key] for key in change.get("places", ["a1_north"])]
            if "places" in change
            else [force.places["a1_north"], force.places["a1_south"]],
            on=change.get("on", TODAY),
        )
    assert said in " ".join(refused.value.messages)
    assert records() == before and posting(frank) == where


def test_a_measure_holds_an_officer_to_no_place_and_who_left_is_not_moved(force: Force) -> None:
    gus = force.officers["gus"]
    Officer.objects.filter(pk=gus.pk).update(status=Officer.Status.SUSPENDED)
    with pytest.raises(ValidationError, match="he answers for no place"):
        officer_move(actor=None, officer=gus, unit=force.units["a2"], places=[force.places["a2_north"]])
    # His station may change while the measure holds (he serves somewhere when it ends).
    officer_move(actor=None, officer=gus, unit=force.units["a2"], places=[])
    assert posting(gus) == ("STN-A2", [])
    Officer.objects.filter(pk=gus.pk).update(status=Officer.Status.RETIRED)
    with pytest.raises(ValidationError, match="He has left the force"):
        officer_move(actor=None, officer=gus, unit=force.units["a1"], places=[])


def test_only_administrators_move_officers_and_nobody_moves_himself(force: Force) -> None:
    frank = force.officers["frank"]
    for name in ("alice", "dave", "erin", "frank"):
        with pytest.raises(PermissionDenied):
            officer_move(actor=force.users[name], officer=frank, unit=force.units["a2"], places=[])
    # An administrator who is also an officer: another administrator records his move.
    membership_grant(actor=None, user=force.users["frank"], role=Role.ADMINISTRATOR)
    user = force.users["frank"]
    user.__dict__.pop("_ombud_scope", None)
    with pytest.raises(PermissionDenied, match="nobody moves himself"):
        officer_move(actor=user, officer=frank, unit=force.units["a2"], places=[])
    assert posting(frank) == ("STN-A1", ["PL-A1-North"])


def test_a_complaint_after_the_move_is_routed_by_where_he_serves_now(force: Force) -> None:
    frank = force.officers["frank"]
    before = complaint_file(actor=None, data=complaint_about(frank)).complaint
    officer_move(actor=None, officer=frank, unit=force.units["b1"], places=[force.places["b1_north"]])
    after = complaint_file(actor=None, data=complaint_about(frank)).complaint
    assert before.routed_to == force.bodies["a"] and after.routed_to == force.bodies["b"]
    before.refresh_from_db()
    assert before.routed_to == force.bodies["a"]  # what was routed stays where it went


# --- the page ------------------------------------------------------------------------------------


def test_an_administrator_moves_an_officer_from_his_dossier(force: Force, login: Login) -> None:
    frank, client = force.officers["frank"], login("admin")
    dossier = client.get(reverse("officer_dossier", args=[frank.pk]))
    move_url = reverse("officer_move", args=[frank.pk])
    assert move_url in dossier.content.decode()
    page = client.get(move_url).content.decode()
    assert "Serves at Station A1." in page and "North A1 village" in page and "North B1 village" not in page
    # "Show its places" asks again with the unit chosen: its places are offered, nothing moves.
    shown = client.post(
        move_url, {"unit": force.units["b1"].pk, "shown": force.units["a1"].pk, "show": "1", "on": ""}
    ).content.decode()
    assert "North B1 village" in shown and "North A1 village (Station A1)" not in shown
    assert posting(frank) == ("STN-A1", ["PL-A1-North"])
    answer = client.post(
        move_url,
        {
            "unit": force.units["b1"].pk,
            "shown": force.units["b1"].pk,
            "places": [force.places["b1_south"].pk],
            "on": TODAY.isoformat(),
        },
        follow=True,
    )
    assert answer.redirect_chain[-1][0] == reverse("officer_dossier", args=[frank.pk])
    assert "Moved. His record keeps where he served before." in answer.content.decode()
    assert posting(frank) == ("STN-B1", ["PL-B1-South"])
    stations = answer.content.decode().split('id="stations"')[1].split("</section>")[0]
    assert "Station A1" in stations and "Station B1" in stations


def test_a_move_sent_with_another_unit_than_the_places_listed_lists_its_places_first(
    force: Force, login: Login
) -> None:
    frank, client = force.officers["frank"], login("admin")
    # The administrator chose Station B1 but sent the form with Station A1's village still ticked.
    answer = client.post(
        reverse("officer_move", args=[frank.pk]),
        {
            "unit": force.units["b1"].pk,
            "shown": force.units["a1"].pk,
            "places": [force.places["a1_north"].pk],
            "on": TODAY.isoformat(),
        },
    )
    page = answer.content.decode()
    assert answer.status_code == 200 and "The places below are those of Station B1" in page
    assert "South B1 village (Station B1)" in page and "is not one of the available choices" not in page
    assert posting(frank) == ("STN-A1", ["PL-A1-North"])


def test_a_unit_with_too_many_places_to_list_keeps_those_he_answers_for(
    force: Force, login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ombud.org.forms.PLACES_LISTED", 1)
    monkeypatch.setattr("ombud.org.views.PLACES_LISTED", 1)
    frank, client, county = force.officers["frank"], login("admin"), force.units["county_a"]
    url = reverse("officer_move", args=[frank.pk])
    page = client.post(url, {"unit": county.pk, "show": "1"}).content.decode()
    assert "4 places lie under this unit, too many to list" in page
    answer = client.post(url, {"unit": county.pk, "shown": county.pk, "on": TODAY.isoformat()})
    assert answer.status_code == 302
    assert posting(frank) == ("CTY-A", ["PL-A1-North"])


def test_a_move_undone_the_same_day_leaves_the_record_as_it_was(force: Force) -> None:
    frank = force.officers["frank"]
    before = list(StationAssignment.objects.filter(officer=frank).values_list("unit_id", "start_on", "end_on"))
    places = list(PlaceAssignment.objects.filter(officer=frank).values_list("place_id", "start_on", "end_on"))
    officer_move(actor=None, officer=frank, unit=force.units["b1"], places=[force.places["b1_north"]])
    officer_move(actor=None, officer=frank, unit=force.units["a1"], places=[force.places["a1_north"]])
    assert (
        list(StationAssignment.objects.filter(officer=frank).values_list("unit_id", "start_on", "end_on"))
        == before
    )
    assert (
        list(PlaceAssignment.objects.filter(officer=frank).values_list("place_id", "start_on", "end_on")) == places
    )
    assert AuditEntry.objects.filter(action="officer.move").count() == 2  # both moves stay in the log


def test_an_officer_who_left_is_offered_no_move(force: Force, login: Login) -> None:
    gus, client = force.officers["gus"], login("admin")
    Officer.objects.filter(pk=gus.pk).update(status=Officer.Status.RETIRED)
    assert (
        reverse("officer_move", args=[gus.pk])
        not in client.get(reverse("officer_dossier", args=[gus.pk])).content.decode()
    )
    assert client.get(reverse("officer_move", args=[gus.pk])).status_code == 404
    answer = APIClient()
    answer.force_authenticate(force.users["admin"])
    refused = answer.post(reverse("api-officer-move", args=[gus.pk]), {"places": []}, format="json")
    assert refused.status_code == 400 and "He has left the force" in str(refused.json())


def test_the_day_is_given_as_the_date_input_reads_it_in_every_language(force: Force, login: Login) -> None:
    client = login("admin")
    for language in ("en", "ko", "zh-hans"):
        client.cookies["django_language"] = language
        page = client.get(reverse("officer_move", args=[force.officers["frank"].pk])).content.decode()
        assert f'type="date" name="on" value="{TODAY.isoformat()}"' in page, language


def test_the_page_puts_a_refusal_on_its_field_and_changes_nothing(force: Force, login: Login) -> None:
    frank, client = force.officers["frank"], login("admin")
    before = records()
    answer = client.post(
        reverse("officer_move", args=[frank.pk]),
        {
            "unit": force.units["a1"].pk,
            "shown": force.units["a1"].pk,
            "places": [force.places["a1_north"].pk],
            "on": "2030-01-01",
        },
    )
    assert answer.status_code == 200
    assert "A move is recorded on the day it takes effect, not before." in answer.content.decode()
    assert records() == before
    a1 = force.units["a1"].pk
    bad = client.post(
        reverse("officer_move", args=[frank.pk]),
        {"unit": a1, "shown": a1, "places": ["99999999999999999999"], "on": TODAY.isoformat()},
    )
    assert bad.status_code == 200 and "is not one of the available choices" in bad.content.decode()
    assert records() == before


@pytest.mark.parametrize("name", ["alice", "dave", "erin", "frank"])
def test_others_do_not_find_the_page_nor_the_link(force: Force, login: Login, name: str) -> None:
    frank, client = force.officers["frank"], login(name)
    assert client.get(reverse("officer_move", args=[frank.pk])).status_code == 404
    assert client.post(reverse("officer_move", args=[frank.pk]), {"unit": force.units["b1"].pk}).status_code == 404
    dossier = client.get(reverse("officer_dossier", args=[frank.pk]))
    assert reverse("officer_move", args=[frank.pk]) not in dossier.content.decode()
    assert posting(frank) == ("STN-A1", ["PL-A1-North"])


# --- the API -------------------------------------------------------------------------------------


def api_for(force: Force, name: str) -> APIClient:
    api = APIClient()
    api.force_authenticate(force.users[name])
    return api


def test_the_api_moves_an_officer_by_codes_and_answers_where_he_serves(force: Force) -> None:
    frank = force.officers["frank"]
    url = reverse("api-officer-move", args=[frank.pk])
    answer = api_for(force, "admin").post(url, {"unit": "STN-A2", "places": ["PL-A2-North"]}, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"id": frank.pk, "unit": "STN-A2", "places": ["PL-A2-North"]}
    assert posting(frank) == ("STN-A2", ["PL-A2-North"])
    # Places alone: the unit stays.
    again = api_for(force, "admin").post(url, {"places": []}, format="json")
    assert again.json() == {"id": frank.pk, "unit": "STN-A2", "places": []}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"unit": "STN-NOPE", "places": []}, "unit"),
        ({"unit": "STN-B1"}, "places"),
        ({"unit": "STN-B1", "places": ["PL-NOPE"]}, "places"),
        ({"unit": "STN-B1", "places": ["PL-A1-North"]}, "places"),
        ({"unit": "STN-B1", "places": [], "on": "2016-02-30"}, "on"),
        ({"unit": "STN-B1", "places": [], "on": "2999-01-01"}, "on"),
    ],
)
def test_the_api_refuses_a_bad_move_with_400_and_changes_nothing(force: Force, body: dict, field: str) -> None:  # type: ignore[type-arg]
    frank = force.officers["frank"]
    before = records()
    answer = api_for(force, "admin").post(reverse("api-officer-move", args=[frank.pk]), body, format="json")
    assert answer.status_code == 400 and field in answer.json(), answer.content
    assert records() == before and posting(frank) == ("STN-A1", ["PL-A1-North"])


def test_the_api_answers_others_403_or_404_before_reading_the_body(force: Force) -> None:
    frank = force.officers["frank"]
    url = reverse("api-officer-move", args=[frank.pk])
    # The station's supervisor sees the officer, but does not move him; a body elsewhere does not see him.
    assert api_for(force, "dave").post(url, {"unit": "STN-B1", "places": []}, format="json").status_code == 403
    assert api_for(force, "dave").post(url, {"unit": 1}, format="json").status_code == 403
    assert api_for(force, "charlie").post(url, {"unit": "STN-B1", "places": []}, format="json").status_code == 404
    assert posting(frank) == ("STN-A1", ["PL-A1-North"])


# --- the command line ----------------------------------------------------------------------------


def move_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "rotation.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_command_moves_a_whole_rotation(force: Force, tmp_path: Path) -> None:
    out = StringIO()
    day = (TODAY - dt.timedelta(days=1)).isoformat()
    call_command(
        "officers",
        "move",
        move_file(
            tmp_path,
            f"badge,unit,places,on\nA1-001,STN-B1,PL-B1-North;PL-B1-South,{day}\nB1-001,STN-A1,PL-A1-North,\n",
        ),
        "--quiet",
        stdout=out,
    )
    assert "Moved 2 officers. Places taken up: 3; given up: 1." in out.getvalue()
    assert posting(force.officers["frank"]) == ("STN-B1", ["PL-B1-North", "PL-B1-South"])
    # The second row takes the first's place the same day it was left.
    assert posting(force.officers["ivan"]) == ("STN-A1", ["PL-A1-North"])
    assert AuditEntry.objects.filter(action="officer.move").count() == 2


def test_the_command_names_every_bad_row_and_moves_nobody(force: Force, tmp_path: Path) -> None:
    before = records()
    err = StringIO()
    path = move_file(
        tmp_path,
        "badge,unit,places\nA1-001,STN-B1,PL-B1-North\nNOBODY,STN-B1,\nB1-001,STN-A1,PL-B2-North\n",
    )
    with pytest.raises(CommandError, match=r"2 rows cannot be moved: nothing was changed\."):
        call_command("officers", "move", path, "--quiet", stderr=err)
    said = err.getvalue()
    assert f"{path}:3: No officer has the badge 'NOBODY'." in said
    assert f"{path}:4: Not in Station A1 or the units under it: North B2 village (PL-B2-North)." in said
    assert records() == before and posting(force.officers["frank"]) == ("STN-A1", ["PL-A1-North"])
    with pytest.raises(CommandError, match="1 row cannot be moved"):
        call_command(
            "officers", "move", move_file(tmp_path, "badge,unit,places\nA1-001,STN-B1\x00,\n"), stderr=err
        )
    assert "A cell holds a NUL character." in err.getvalue() and records() == before
    with pytest.raises(CommandError, match="the header lacks places"):
        call_command("officers", "move", move_file(tmp_path, "badge,unit\nA1-001,STN-B1\n"), stderr=err)


def test_a_user_of_no_role_never_reaches_the_page(force: Force, client) -> None:  # type: ignore[no-untyped-def]
    nobody = user_create(actor=None, username="nobody", password="a-long-password-1")
    client.force_login(nobody)
    assert client.get(reverse("officer_move", args=[force.officers["frank"].pk])).status_code == 404
