"""Users, the roles they hold and where they hold them. A role is held for a body (clerk,
investigator, head), for a unit subtree (supervisor, analyst) or everywhere (administrator);
an officer's own account is tied to his officer record."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ombud.core.names import full_name


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("administrator")
    INTAKE_CLERK = "intake_clerk", _("intake clerk")
    INVESTIGATOR = "investigator", _("investigator")
    BODY_HEAD = "body_head", _("body head")
    SUPERVISOR = "supervisor", _("supervisor")
    ANALYST = "analyst", _("analyst")
    OFFICER = "officer", _("officer")


# The roles an account is given; an officer's own comes with his officer record (the admin).
GRANTED_ROLES = [(role.value, role.label) for role in Role if role != Role.OFFICER]
BODY_ROLES = frozenset({Role.INTAKE_CLERK, Role.INVESTIGATOR, Role.BODY_HEAD})
UNIT_ROLES = frozenset({Role.SUPERVISOR, Role.ANALYST})


class User(AbstractUser):
    officer = models.OneToOneField(
        "org.Officer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user",
        verbose_name=_("officer"),
    )

    class Meta:
        verbose_name = _("user")

    def get_full_name(self) -> str:
        return full_name(self.first_name, self.last_name)


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    body = models.ForeignKey(
        "org.OversightBody",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("oversight body"),
    )
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["start_on", "id"]
        constraints = [
            # Body roles are held in a body; supervisor and analyst in a unit subtree (analyst may
            # be force-wide); administrator and officer need neither.
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(r.value for r in BODY_ROLES), body__isnull=False, unit__isnull=True)
                    | Q(role=Role.SUPERVISOR, body__isnull=True, unit__isnull=False)
                    | Q(role=Role.ANALYST, body__isnull=True)
                    | Q(role__in=[Role.ADMINISTRATOR, Role.OFFICER], body__isnull=True, unit__isnull=True)
                ),
                name="membership_scope_matches_role",
            ),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="membership_period",
            ),
        ]

    def __str__(self) -> str:
        where = self.body or self.unit or _("everywhere")
        return f"{self.user} — {self.get_role_display()} @ {where}"
