"""Cases built by an oversight body: allegations (one subject, one category each) with findings
decided by someone other than their proposer, and evidence that cannot be altered once added."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The ``source`` of every record imported from a referral package begins with this (then the signer).
PACKAGE_SOURCE_PREFIX = "pkg:"


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")
        REFERRED = "referred", _("referred")

    number = models.CharField(_("number"), max_length=32, unique=True)
    body = models.ForeignKey(
        "org.OversightBody", on_delete=models.PROTECT, related_name="cases", verbose_name=_("oversight body")
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    complaints = models.ManyToManyField(
        "intake.Complaint", related_name="cases", blank=True, verbose_name=_("complaints")
    )
    lead = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead investigator"),
    )
    opened_at = models.DateTimeField(_("opened"), db_index=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Why the body closed it (or referred it for prosecution): shown on the case and in its package.
    closing_reason = models.TextField(_("reason for closing"), blank=True)
    source = models.CharField(max_length=32, blank=True, verbose_name=_("source"))
    external_id = models.CharField(max_length=64, blank=True, verbose_name=_("id in the source"))

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("case")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], condition=~Q(external_id=""), name="case_source_unique"
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=models.F("opened_at")),
                name="case_closed_after_opened",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class Goods(models.TextChoices):
    """What a bribe was paid in (an allegation's particulars)."""

    MONEY = "money", _("money")
    CIGARETTES = "cigarettes", _("cigarettes")
    LIQUOR = "liquor", _("liquor")
    GRAIN = "grain", _("grain")
    OTHER = "other", _("other")


def choice_label(choices: type[models.TextChoices], code: object) -> str:
    """A stored code in the reader's words; a code these choices do not know, as it was written (a
    referral package from another instance, an import)."""
    return str(choices(str(code)).label) if code in choices.values else str(code or "")


def goods_label(code: object) -> str:
    return choice_label(Goods, code)


class Finding(models.TextChoices):
    SUSTAINED = "sustained", _("sustained")
    NOT_SUSTAINED = "not_sustained", _("not sustained")
    UNFOUNDED = "unfounded", _("unfounded")
    EXONERATED = "exonerated", _("exonerated")
    CLOSED = "closed", _("closed without finding")


class Allegation(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="allegations", verbose_name=_("case"))
    officer = models.ForeignKey(
        "org.Officer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allegations",
        verbose_name=_("officer"),
    )
    official = models.ForeignKey(
        "org.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allegations",
        verbose_name=_("official"),
    )
    category = models.ForeignKey(
        "intake.Category", on_delete=models.PROTECT, related_name="allegations", verbose_name=_("category")
    )
    # For bribery: {"goods": "grain", "value": 300}; free particulars otherwise.
    particulars = models.JSONField(default=dict, blank=True, verbose_name=_("particulars"))
    occurred_on = models.DateField(_("occurred on"), null=True, blank=True, db_index=True)
    # When it was added to a case already open (the early-warning features must not know it before).
    # Empty for allegations that came with their case (imported, simulated, from a package): known
    # since the case was opened.
    added_at = models.DateTimeField(_("added"), null=True, blank=True)
    # Four eyes: one person proposes a finding, another decides it.
    proposed_finding = models.CharField(
        max_length=16, choices=Finding.choices, blank=True, verbose_name=_("proposed finding")
    )
    proposed_reason = models.TextField(blank=True, verbose_name=_("proposed reason"))
    proposed_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("proposed at"))
    finding = models.CharField(_("finding"), max_length=16, choices=Finding.choices, blank=True, db_index=True)
    finding_reason = models.TextField(blank=True, verbose_name=_("finding reason"))
    decided_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))
    # The finding as the source recorded it, for imported data.
    finding_raw = models.CharField(max_length=120, blank=True, verbose_name=_("finding as the source gave it"))
    external_id = models.CharField(max_length=64, blank=True, verbose_name=_("id in the source"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("allegation")
        constraints = [
            models.CheckConstraint(
                condition=Q(officer__isnull=False, official__isnull=True)
                | Q(officer__isnull=True, official__isnull=False),
                name="allegation_has_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("proposed_by")),
                name="allegation_four_eyes",
            ),
            models.CheckConstraint(
                condition=Q(finding="") | Q(decided_at__isnull=False),
                name="allegation_finding_is_decided",
            ),
        ]


class EvidenceItem(models.Model):
    """A file held as evidence: addressed by its SHA-256 and never changed. A correction is a new
    item that supersedes the old one."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("case"))
    sha256 = models.CharField(max_length=64, db_index=True, verbose_name=_("SHA-256 digest"))
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100, verbose_name=_("content type"))
    size = models.PositiveBigIntegerField(verbose_name=_("size"))
    description = models.TextField(_("description"), blank=True)
    received_from = models.CharField(_("received from"), max_length=200, blank=True)
    added_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(verbose_name=_("added at"))
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("evidence item")
        constraints = [
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="evidence_sha256_hex"),
        ]

    @property
    def neutral_name(self) -> str:
        """The name shown to those who do not read who handed the item in: a file's own name is
        often a witness's ("Statement of ..."). The complainants' files are stored so named."""
        suffix = PurePosixPath(self.name).suffix.lower()
        return f"evidence-{self.pk}" + (suffix if suffix[1:].isalnum() and len(suffix) <= 10 else "")


class CustodyEntry(models.Model):
    class Action(models.TextChoices):
        RECEIVED = "received", _("received")
        TRANSFERRED = "transferred", _("transferred")
        VIEWED = "viewed", _("viewed")
        DOWNLOADED = "downloaded", _("downloaded")
        PACKAGED = "packaged", _("packaged for referral")
        IMPORTED = "imported", _("imported from a package")

    item = models.ForeignKey(
        EvidenceItem, on_delete=models.PROTECT, related_name="custody", verbose_name=_("evidence item")
    )
    action = models.CharField(max_length=16, choices=Action.choices, verbose_name=_("action"))
    at = models.DateTimeField(verbose_name=_("when"))
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("actor")
    )
    from_party = models.CharField(max_length=200, blank=True, verbose_name=_("handed over by"))
    to_party = models.CharField(max_length=200, blank=True, verbose_name=_("received by"))
    note = models.TextField(blank=True, verbose_name=_("note"))

    class Meta:
        verbose_name = _("custody entry")
        verbose_name_plural = _("custody entries")
        ordering = ["at", "id"]


class CaseNote(models.Model):
    class Kind(models.TextChoices):
        NOTE = "note", _("note")
        INTERVIEW = "interview", _("interview")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes", verbose_name=_("case"))
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.NOTE, verbose_name=_("kind"))
    text = models.TextField(verbose_name=_("text"))
    author = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    at = models.DateTimeField(verbose_name=_("written at"))

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["at", "id"]


class CaseTask(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("case"))
    title = models.CharField(max_length=200, verbose_name=_("title"))
    due_on = models.DateField(verbose_name=_("due on"))
    assignee = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assignee"),
    )
    done_at = models.DateTimeField(null=True, blank=True, verbose_name=_("done at"))

    class Meta:
        verbose_name = _("case task")
        verbose_name_plural = _("case tasks")
        ordering = ["due_on", "id"]
