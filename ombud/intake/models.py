"""Complaints as they arrive: who and what they name, who filed them (encrypted), where they were
routed and why, and their history. Nothing a complainant submits is deleted."""

from __future__ import annotations

import functools
import importlib

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def category_label(name: str) -> str:
    """A category's name for display: the names every instance starts with (which the catalogues
    know) in the reader's language, any other as it was entered (an imported "Open" is not a button)."""
    return gettext(name) if name in _seeded_names() else name


@functools.cache
def _seeded_names() -> frozenset[str]:
    seeds = importlib.import_module("ombud.intake.migrations.0002_seed_categories")
    return frozenset(name for _code, name, _bribery in seeds.CATEGORIES)


class Category(models.Model):
    """A kind of wrongdoing (bribery, collusion, grain diversion...): data, not code."""

    code = models.SlugField(max_length=40, unique=True, allow_unicode=True, verbose_name=_("code"))
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    # Bribery categories ask what was given and its value.
    is_bribery = models.BooleanField(default=False, verbose_name=_("bribery"))
    ordering = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))

    class Meta:
        ordering = ["ordering", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return category_label(self.name)


class Complainant(models.Model):
    """Who filed a complaint. Name and contact are only ever stored encrypted (AEAD, key outside
    the database); an anonymous complainant has none stored."""

    anonymous = models.BooleanField(_("anonymous"), default=True)
    name_sealed = models.BinaryField(null=True, blank=True, verbose_name=_("name (encrypted)"))
    contact_sealed = models.BinaryField(null=True, blank=True, verbose_name=_("contact (encrypted)"))
    key_id = models.CharField(max_length=32, blank=True, verbose_name=_("encryption key"))
    # A keyed hash of the identity, so complaints by the same person count once in "many voices"
    # without anyone reading the identity.
    identity_digest = models.CharField(max_length=64, blank=True, db_index=True, verbose_name=_("identity digest"))

    class Meta:
        verbose_name = _("complainant")
        verbose_name_plural = _("complainants")
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False) | (Q(name_sealed__isnull=True) & Q(contact_sealed__isnull=True)),
                name="anonymous_complainant_has_no_identity",
            ),
        ]


class Complaint(models.Model):
    class Channel(models.TextChoices):
        PORTAL = "portal", _("public portal")
        PAPER = "paper", _("paper form")
        PHONE = "phone", _("telephone")
        LETTER = "letter", _("letter")
        VISIT = "visit", _("in person")
        IMPORT = "import", _("imported record")

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        INVESTIGATING = "investigating", _("under investigation")
        CLOSED = "closed", _("closed")

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    received_at = models.DateTimeField(_("received"), db_index=True)
    occurred_on = models.DateField(_("occurred on"), null=True, blank=True)
    place = models.ForeignKey(
        "org.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("place")
    )
    place_text = models.CharField(_("place as described"), max_length=200, blank=True)
    description = models.TextField(_("what happened"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    categories = models.ManyToManyField(
        Category, related_name="complaints", blank=True, verbose_name=_("categories")
    )
    complainant = models.ForeignKey(
        Complainant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("complainant"),
    )
    # The body the complainant chose to address, if higher than routing would pick.
    addressee = models.ForeignKey(
        "org.OversightBody",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("addressee"),
    )
    routed_to = models.ForeignKey(
        "org.OversightBody",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("routed to"),
    )
    routing_reason = models.JSONField(_("routing reason"), default=dict, blank=True)
    ack_due_at = models.DateTimeField(null=True, blank=True, verbose_name=_("acknowledgement due"))
    action_due_at = models.DateTimeField(null=True, blank=True, db_index=True, verbose_name=_("action due"))
    acknowledged_at = models.DateTimeField(null=True, blank=True, verbose_name=_("acknowledged at"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed at"))
    escalations = models.PositiveSmallIntegerField(default=0, verbose_name=_("escalations"))
    # Only a keyed hash of the receipt is kept; the receipt itself is shown once.
    receipt_digest = models.CharField(
        max_length=64, null=True, blank=True, unique=True, verbose_name=_("receipt digest")
    )
    idempotency_key = models.CharField(
        max_length=80, null=True, blank=True, unique=True, verbose_name=_("idempotency key")
    )
    source = models.CharField(max_length=32, blank=True, verbose_name=_("source"))
    external_id = models.CharField(max_length=64, blank=True, verbose_name=_("id in the source"))

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("complaint")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], condition=~Q(external_id=""), name="complaint_source_unique"
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=models.F("received_at")),
                name="complaint_closed_after_received",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class ComplaintSubject(models.Model):
    """Who a complaint names: an officer, a local official, or someone only described."""

    class Kind(models.TextChoices):
        OFFICER = "officer", _("officer")
        OFFICIAL = "official", _("local official")
        UNIDENTIFIED = "unidentified", _("unidentified person")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, related_name="subjects", verbose_name=_("complaint")
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, verbose_name=_("kind"))
    officer = models.ForeignKey(
        "org.Officer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaint_subjects",
        verbose_name=_("officer"),
    )
    official = models.ForeignKey(
        "org.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaint_subjects",
        verbose_name=_("official"),
    )
    description = models.CharField(max_length=300, blank=True, verbose_name=_("description"))
    # The unit the officer served in when the complaint was filed: routing and the "own unit"
    # exclusion use it even after he moves.
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )

    class Meta:
        verbose_name = _("person complained about")
        verbose_name_plural = _("people complained about")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="officer", officer__isnull=False, official__isnull=True)
                    | Q(kind="official", official__isnull=False, officer__isnull=True)
                    | Q(kind="unidentified", officer__isnull=True, official__isnull=True) & ~Q(description="")
                ),
                name="complaint_subject_kind_matches",
            ),
        ]


class ComplaintEvent(models.Model):
    """The history a complainant and staff see: filed, routed, acknowledged, escalated, closed."""

    class Kind(models.TextChoices):
        FILED = "filed", _("filed")
        ROUTED = "routed", _("routed")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        ESCALATED = "escalated", _("escalated")
        CASE_OPENED = "case_opened", _("case opened")
        EVIDENCE_ADDED = "evidence_added", _("evidence added")
        CLOSED = "closed", _("closed")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, related_name="events", verbose_name=_("complaint")
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=_("kind"))
    at = models.DateTimeField(verbose_name=_("when"))
    body = models.ForeignKey(
        "org.OversightBody",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oversight body"),
    )
    # Shown to the complainant: never names staff or other complainants. A closing without a case
    # keeps its reason's code, read in the reader's language (``shown_note``).
    note = models.TextField(blank=True, verbose_name=_("note"))

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["at", "id"]

    @property
    def shown_note(self) -> str:
        if self.kind == self.Kind.CLOSED and self.note in ClosingReason.values:
            return str(ClosingReason(self.note).label)
        return self.note


class ClosingReason(models.TextChoices):
    """Why a body closes a complaint without opening a case (``intake.services.complaint_close``)."""

    OUTSIDE_REMIT = (
        "outside_remit",
        _("It is not about the conduct of an officer or official this system oversees."),
    )
    DUPLICATE = "duplicate", _("It is the same matter as another complaint, which is dealt with there.")
    WITHDRAWN = "withdrawn", _("The complainant withdrew it.")
    NOTHING_TO_LOOK_INTO = (
        "nothing_to_look_into",
        _("Nothing in it can be looked into: no person, place or event could be identified."),
    )


class Message(models.Model):
    """A message between the complainant (through the receipt) and the investigating body."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, related_name="messages", verbose_name=_("complaint")
    )
    from_complainant = models.BooleanField(verbose_name=_("from the complainant"))
    author = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(verbose_name=_("message"))
    at = models.DateTimeField(verbose_name=_("sent at"))

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(from_complainant=True, author__isnull=True)
                | Q(from_complainant=False, author__isnull=False),
                name="message_author_matches_side",
            ),
        ]


class ComplaintFile(models.Model):
    """A file submitted with a complaint, stored content-addressed after metadata is stripped."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, related_name="files", verbose_name=_("complaint")
    )
    sha256 = models.CharField(max_length=64, db_index=True, verbose_name=_("SHA-256 digest"))
    name = models.CharField(max_length=200, verbose_name=_("name"))
    content_type = models.CharField(max_length=100, verbose_name=_("content type"))
    size = models.PositiveBigIntegerField(verbose_name=_("size"))
    added_at = models.DateTimeField(verbose_name=_("added at"))

    class Meta:
        verbose_name = _("complaint file")
        verbose_name_plural = _("complaint files")
