"""The append-only, hash-chained audit log. Each entry's hash covers its own content and the hash
of the entry before it, so an edit, a deletion, an insertion or a reordering breaks the chain."""

from __future__ import annotations

from django.db import models


class AuditEntry(models.Model):
    # The position in the chain is the primary key, so it is bound into the entry's hash.
    seq = models.PositiveBigIntegerField(primary_key=True)
    at = models.DateTimeField(db_index=True)
    actor_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    # Canonical JSON of the details, kept as the exact text that was hashed. Ids and codes only:
    # never a name, a contact or free text a complainant wrote.
    payload = models.TextField(default="{}")
    prev_hash = models.TextField()
    hash = models.TextField()

    class Meta:
        ordering = ["seq"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The single row holding the chain's latest position and hash. Writers lock it, so entries are
    appended one at a time in every database; verification compares the chain's end with it, so a
    deleted last entry shows too."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_singleton")]
