"""The append-only, hash-chained audit log. Each entry's hash covers its own content and the hash
of the entry before it, so an edit, a deletion, an insertion or a reordering breaks the chain."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    # The position in the chain is the primary key, so it is bound into the entry's hash.
    seq = models.PositiveBigIntegerField(primary_key=True, verbose_name=_("sequence number"))
    at = models.DateTimeField(db_index=True, verbose_name=_("recorded at"))
    actor_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True, verbose_name=_("actor"))
    action = models.CharField(max_length=64, db_index=True, verbose_name=_("action"))
    object_type = models.CharField(max_length=64, verbose_name=_("object type"))
    object_id = models.CharField(max_length=64, blank=True, verbose_name=_("object id"))
    # Canonical JSON of the details, kept as the exact text that was hashed. Ids and codes only:
    # never a name, a contact or free text a complainant wrote.
    payload = models.TextField(default="{}", verbose_name=_("details"))
    prev_hash = models.TextField(verbose_name=_("previous hash"))
    hash = models.TextField(verbose_name=_("hash"))

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The single row holding the chain's latest position and hash. Writers lock it, so entries are
    appended one at a time in every database; verification compares the chain's end with it, so a
    deleted last entry shows too."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, verbose_name=_("id"))
    seq = models.PositiveBigIntegerField(default=0, verbose_name=_("sequence number"))
    hash = models.CharField(max_length=64, verbose_name=_("hash"))

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_singleton")]
