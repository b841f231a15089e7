"""Directives from a higher body to hold reviews, the meetings that answer them, who attended,
the agenda drawn from the records, and what was resolved."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    CONFERENCE = "conference", _("conference")
    REVIEW = "review", _("review meeting")
    GENERAL_ASSEMBLY = "general_assembly", _("general assembly")
    CELL_MEETING = "cell_meeting", _("cell meeting")


class Directive(models.Model):
    body = models.ForeignKey(
        "org.OversightBody", on_delete=models.PROTECT, related_name="directives", verbose_name=_("oversight body")
    )
    # The top of the subtree the directive cascades to: the body's seat unless it names a unit below.
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("issued to")
    )
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True)
    meeting_kind = models.CharField(_("meeting to hold"), max_length=20, choices=MeetingKind.choices)
    issued_at = models.DateTimeField(verbose_name=_("issued at"))
    due_on = models.DateField(_("hold by"))
    period_start = models.DateField(_("covering from"))
    period_end = models.DateField(_("covering until"))
    issued_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )

    class Meta:
        verbose_name = _("directive")
        verbose_name_plural = _("directives")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="directive_period"),
        ]

    def __str__(self) -> str:
        return self.title


class DirectiveTarget(models.Model):
    """One unit's duty under a directive, and how far it has complied."""

    class State(models.TextChoices):
        PENDING = "pending", _("not yet scheduled")
        SCHEDULED = "scheduled", _("scheduled")
        HELD = "held", _("held")
        MINUTES_FILED = "minutes_filed", _("minutes filed")
        OVERDUE = "overdue", _("overdue")

    directive = models.ForeignKey(
        Directive, on_delete=models.CASCADE, related_name="targets", verbose_name=_("directive")
    )
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING, verbose_name=_("state"))
    # The meeting was held after the directive's deadline.
    late = models.BooleanField(default=False, verbose_name=_("late"))

    class Meta:
        verbose_name = _("unit a directive reaches")
        verbose_name_plural = _("units a directive reaches")
        ordering = ["directive", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["directive", "unit"], name="directive_target_unique")]


class Meeting(models.Model):
    """A meeting held by a unit (a station's general assembly) or by a body (its review meeting).

    For a unit's meeting, ``body`` is the oversight body it answers to (the directive's body): its
    resolutions propose measures to that body, and its head signs the minutes off."""

    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("unit"),
    )
    body = models.ForeignKey(
        "org.OversightBody",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("oversight body"),
    )
    directive = models.ForeignKey(
        Directive,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("directive"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    period_start = models.DateField(_("record from"), null=True, blank=True)
    period_end = models.DateField(_("record until"), null=True, blank=True)
    minutes = models.TextField(_("general minutes"), blank=True)
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    # Set when attendance is recorded: the meeting took place.
    held_at = models.DateTimeField(null=True, blank=True, verbose_name=_("held at"))
    signed_off_at = models.DateTimeField(null=True, blank=True, verbose_name=_("signed off at"))
    signed_off_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed off by"),
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="meeting_dates"),
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(body__isnull=False), name="meeting_has_holder"
            ),
            models.CheckConstraint(
                condition=Q(signed_off_at__isnull=True) | Q(held_at__isnull=False),
                name="meeting_signed_after_held",
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True, period_end__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="meeting_period",
            ),
            # A unit answers a directive with one meeting (moved, not duplicated, if its date changes).
            models.UniqueConstraint(
                fields=["directive", "unit"],
                condition=Q(directive__isnull=False),
                name="meeting_one_per_directive_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def frozen(self) -> bool:
        return self.signed_off_at is not None


class Attendance(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("meeting")
    )
    officer = models.ForeignKey(
        "org.Officer", on_delete=models.PROTECT, related_name="attendance", verbose_name=_("officer")
    )
    present = models.BooleanField(null=True, verbose_name=_("present"))
    note = models.CharField(max_length=200, blank=True, verbose_name=_("note"))

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["officer__last_name", "officer__first_name", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "officer"], name="attendance_unique")]


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda", verbose_name=_("meeting")
    )
    officer = models.ForeignKey(
        "org.Officer", on_delete=models.PROTECT, related_name="agenda_items", verbose_name=_("officer")
    )
    position = models.PositiveSmallIntegerField(verbose_name=_("position"))
    # Why the rule put him on the agenda, and the compiled record for the period, frozen at sign-off.
    reasons = models.JSONField(default=list, verbose_name=_("reasons"))
    record = models.JSONField(default=dict, verbose_name=_("compiled record"))
    statement = models.TextField(_("officer's statement"), blank=True)
    criticisms = models.TextField(_("criticisms raised"), blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["meeting", "officer"], name="agenda_officer_unique")]


class Resolution(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="resolutions", verbose_name=_("meeting")
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="resolutions",
        verbose_name=_("agenda item"),
    )
    text = models.TextField(verbose_name=_("text"))
    measure = models.ForeignKey(
        "discipline.Measure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resolutions",
        verbose_name=_("measure"),
    )
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(null=True, blank=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["id"]
