"""The force as a tree of units, the places officers answer for, officers, local officials and
oversight bodies. History is temporal: an assignment or a post ends and a new one starts; nothing
is overwritten."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ombud.core.names import full_name


class UnitKind(models.Model):
    """A kind of unit (ministry, province, county branch, station; or headquarters, borough,
    precinct): data, not code, so any force's shape fits."""

    code = models.SlugField(max_length=40, unique=True, allow_unicode=True, verbose_name=_("code"))
    name = models.CharField(_("name"), max_length=100)
    # Depth in a typical tree (0 = top); used to order kinds in forms, not to enforce shape.
    level = models.PositiveSmallIntegerField(_("level"))
    is_station = models.BooleanField(_("officers serve here"), default=False)

    class Meta:
        ordering = ["level", "code"]
        verbose_name = _("unit kind")

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.ForeignKey(UnitKind, on_delete=models.PROTECT, related_name="units", verbose_name=_("kind"))
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    # Materialised path of ids ("/1/4/17/"), so a subtree is one indexed prefix query.
    path = models.CharField(max_length=255, db_index=True, editable=False, verbose_name=_("tree path"))
    depth = models.PositiveSmallIntegerField(editable=False, verbose_name=_("depth"))

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="unit_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this unit, inclusive."""
        return [int(part) for part in self.path.strip("/").split("/") if part]


class Place(models.Model):
    class Kind(models.TextChoices):
        VILLAGE = "village", _("village")
        HAMLET = "hamlet", _("hamlet")
        TOWN = "town", _("town")
        FARM = "farm", _("farm")
        DISTRICT = "district", _("district")
        OTHER = "other", _("other")

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.VILLAGE)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="places", verbose_name=_("unit"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("place")

    def __str__(self) -> str:
        return self.name


class Officer(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")
        STANDBY = "standby", _("on standby")
        DISMISSED = "dismissed", _("dismissed")
        RETIRED = "retired", _("retired")

    badge = models.CharField(_("badge"), max_length=32, blank=True, db_index=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, db_index=True)
    rank = models.CharField(_("rank"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    sex = models.CharField(_("sex"), max_length=16, blank=True)
    race = models.CharField(_("race"), max_length=32, blank=True)
    hired_on = models.DateField(_("hired on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    # Where the officer serves now: kept in step with StationAssignment by org.services, so lists
    # and access checks need no history walk. The history itself is the assignments.
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="officers", verbose_name=_("unit")
    )
    # Imported records keep their origin so a second import adds nothing.
    source = models.CharField(max_length=32, blank=True, verbose_name=_("source"))
    external_id = models.CharField(max_length=64, blank=True, verbose_name=_("id in the source"))

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("officer")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], condition=~Q(external_id=""), name="officer_source_unique"
            ),
            models.UniqueConstraint(fields=["badge"], condition=~Q(badge=""), name="officer_badge_unique"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(hired_on__isnull=True)
                | Q(left_on__gte=models.F("hired_on")),
                name="officer_left_after_hired",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return full_name(self.first_name, self.last_name)


class _Period(models.Model):
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        abstract = True

    def covers(self, day: dt.date) -> bool:
        return self.start_on <= day and (self.end_on is None or day < self.end_on)


def _period_check(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")), name=name
    )


class StationAssignment(_Period):
    """An officer serving at a unit for a period (end exclusive)."""

    officer = models.ForeignKey(
        Officer, on_delete=models.PROTECT, related_name="station_assignments", verbose_name=_("officer")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="station_assignments", verbose_name=_("unit")
    )

    class Meta:
        verbose_name = _("station assignment")
        verbose_name_plural = _("station assignments")
        ordering = ["start_on", "id"]
        constraints = [
            _period_check("station_assignment_period"),
            models.UniqueConstraint(
                fields=["officer"], condition=Q(end_on__isnull=True), name="one_open_station_assignment"
            ),
        ]


class PlaceAssignment(_Period):
    """An officer responsible for a village or hamlet for a period."""

    officer = models.ForeignKey(
        Officer, on_delete=models.PROTECT, related_name="place_assignments", verbose_name=_("officer")
    )
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("place"))

    class Meta:
        verbose_name = _("place assignment")
        verbose_name_plural = _("place assignments")
        ordering = ["start_on", "id"]
        constraints = [
            _period_check("place_assignment_period"),
            models.UniqueConstraint(
                fields=["officer", "place"], condition=Q(end_on__isnull=True), name="one_open_place_assignment"
            ),
        ]


class OfficialRole(models.Model):
    """A local office (farm management committee head, chief technician, village party secretary):
    data, not code."""

    code = models.SlugField(max_length=40, unique=True, allow_unicode=True, verbose_name=_("code"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("official's role")
        verbose_name_plural = _("officials' roles")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Official(models.Model):
    """A local official who is not a member of the force but can be named with officers."""

    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, db_index=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("local official")

    def __str__(self) -> str:
        return full_name(self.first_name, self.last_name)


class OfficialPost(_Period):
    official = models.ForeignKey(
        Official, on_delete=models.PROTECT, related_name="posts", verbose_name=_("official")
    )
    role = models.ForeignKey(OfficialRole, on_delete=models.PROTECT, related_name="posts", verbose_name=_("role"))
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="official_posts", verbose_name=_("place")
    )

    class Meta:
        verbose_name = _("official's post")
        verbose_name_plural = _("officials' posts")
        ordering = ["start_on", "id"]
        constraints = [_period_check("official_post_period")]


class OversightBody(models.Model):
    """A committee, inspector general or review board with jurisdiction over subtrees of units."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    # The depth of the unit the body sits at (0 = national): routing climbs by level.
    level = models.PositiveSmallIntegerField(_("level"))
    seat = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="bodies", verbose_name=_("seat"))
    jurisdiction: models.ManyToManyField[Unit, Jurisdiction] = models.ManyToManyField(
        Unit, through="Jurisdiction", related_name="overseen_by", verbose_name=_("jurisdiction")
    )
    ack_days = models.PositiveSmallIntegerField(_("days to acknowledge a complaint"), default=7)
    action_days = models.PositiveSmallIntegerField(_("days to act on a complaint"), default=30)

    class Meta:
        ordering = ["level", "name"]
        verbose_name = _("oversight body")
        verbose_name_plural = _("oversight bodies")

    def __str__(self) -> str:
        return self.name


class Jurisdiction(models.Model):
    body = models.ForeignKey(
        OversightBody, on_delete=models.CASCADE, related_name="jurisdictions", verbose_name=_("oversight body")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))

    class Meta:
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        constraints = [models.UniqueConstraint(fields=["body", "unit"], name="jurisdiction_unique")]
