"""Users and their roles through the API, for administrators: list them, give an account a role
(creating it, with a password shown once), end a role, close an account. The same services as
``ombud user`` and the admin."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import transaction
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from ombud.accounts.models import GRANTED_ROLES, Membership, Role, User
from ombud.accounts.selectors import users_listed
from ombud.accounts.services import (
    administrator_required,
    membership_end,
    membership_grant,
    new_password,
    user_create,
    user_deactivate,
)
from ombud.cases.api import ListAnswers, StaffView
from ombud.core.access import NotFoundForUser
from ombud.core.api_fields import CalendarDateField, SafeSlugRelatedField, TextField
from ombud.org.models import OversightBody, Unit


class MembershipSerializer(serializers.ModelSerializer[Membership]):
    body = serializers.CharField(source="body.code", allow_null=True, default=None, help_text="The body's code")
    unit = serializers.CharField(source="unit.code", allow_null=True, default=None, help_text="The unit's code")

    class Meta:
        model = Membership
        fields = ["id", "role", "body", "unit", "start_on", "end_on"]


class UserSerializer(serializers.ModelSerializer[User]):
    memberships = MembershipSerializer(many=True, read_only=True, help_text="Its roles, ended ones too")

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "is_active", "officer", "memberships"]


class RoleSerializer(serializers.Serializer[dict[str, Any]]):
    role = serializers.ChoiceField(choices=GRANTED_ROLES)
    body = SafeSlugRelatedField(
        slug_field="code",
        queryset=OversightBody.objects.all(),
        required=False,
        allow_null=True,
        help_text="For intake clerks, investigators and body heads: the body's code",
    )
    unit = SafeSlugRelatedField(
        slug_field="code",
        queryset=Unit.objects.all(),
        required=False,
        allow_null=True,
        help_text="For a supervisor (and an analyst who is not force-wide): the unit's code",
    )


class NewUserSerializer(RoleSerializer):
    username = TextField(max_length=150, validators=[UnicodeUsernameValidator()])
    first_name = TextField(max_length=150, required=False, default="")
    last_name = TextField(max_length=150, required=False, default="")

    def validate_username(self, value: str) -> str:
        # As the login form reads a name (NFKC): one typed in full-width letters would never log in.
        return str(User.normalize_username(value))


class RoleEndSerializer(serializers.Serializer[dict[str, Any]]):
    on = CalendarDateField(required=False, help_text="The day it ends (default today; never a day past)")


def _listed(pk: int) -> Any:
    """The account as the list gives it, read again after a change."""
    return UserSerializer(users_listed().get(pk=pk)).data


def _user(pk: int) -> User:
    user = User.objects.filter(pk=pk).first()
    if user is None:
        raise NotFoundForUser
    return user


class AdministratorView(StaffView):
    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # Asked before anything is read: others learn nothing from the checks.
        administrator_required(request.user)


class UserListCreate(ListAnswers, AdministratorView):
    """Every account with its roles; a POST gives a role to an account, creating it if new."""

    @extend_schema(responses={200: UserSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return self.listed(request, UserSerializer, users_listed())

    @extend_schema(
        request=NewUserSerializer,
        responses={
            201: inline_serializer(
                "UserCreated",
                {"user": UserSerializer(), "password": serializers.CharField(help_text="Shown once")},
            )
        },
    )
    def post(self, request: Request) -> Response:
        given = NewUserSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        with transaction.atomic():
            password = new_password()
            user = user_create(
                actor=request.user,
                username=data["username"],
                password=password,
                first_name=data["first_name"],
                last_name=data["last_name"],
            )
            membership_grant(
                actor=request.user,
                user=user,
                role=Role(data["role"]),
                body=data.get("body"),
                unit=data.get("unit"),
            )
        return Response({"user": _listed(user.pk), "password": password}, status=status.HTTP_201_CREATED)


class UserRoles(AdministratorView):
    """Another role for an existing account."""

    @extend_schema(request=RoleSerializer, responses={201: UserSerializer})
    def post(self, request: Request, pk: int) -> Response:
        user = _user(pk)
        given = RoleSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        membership_grant(
            actor=request.user, user=user, role=Role(data["role"]), body=data.get("body"), unit=data.get("unit")
        )
        return Response(_listed(user.pk), status=status.HTTP_201_CREATED)


class MembershipEnd(AdministratorView):
    """A role ended from a day on (today by default); it stays on record with its days."""

    @extend_schema(request=RoleEndSerializer, responses={200: UserSerializer})
    def post(self, request: Request, pk: int) -> Response:
        membership = Membership.objects.filter(pk=pk).first()
        if membership is None:
            raise NotFoundForUser
        given = RoleEndSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        membership_end(actor=request.user, membership=membership, on=given.validated_data.get("on"))
        return Response(_listed(membership.user_id))


class UserDeactivate(AdministratorView):
    """An account closed: no login, no API token; its record stays."""

    @extend_schema(request=None, responses={200: UserSerializer})
    def post(self, request: Request, pk: int) -> Response:
        user = user_deactivate(actor=request.user, user=_user(pk))
        return Response(_listed(user.pk))
