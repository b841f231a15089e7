"""The REST API under /api/v1/, described by its OpenAPI schema at /api/v1/schema/."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from ombud.intake import api as intake_api

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("public/officers/", intake_api.PublicOfficerSearch.as_view(), name="api-public-officers"),
    path("public/places/", intake_api.PublicPlaceSearch.as_view(), name="api-public-places"),
    path("public/complaints/", intake_api.PublicComplaintCreate.as_view(), name="api-public-complaints"),
    path("public/complaints/status/", intake_api.PublicComplaintStatus.as_view(), name="api-public-status"),
    path("public/complaints/messages/", intake_api.PublicComplaintMessage.as_view(), name="api-public-message"),
    path("public/complaints/files/", intake_api.PublicComplaintFiles.as_view(), name="api-public-files"),
    path("complaints/", intake_api.StaffInbox.as_view(), name="api-complaints"),
    path("complaints/<int:pk>/", intake_api.StaffComplaintDetail.as_view(), name="api-complaint"),
    path(
        "complaints/<int:pk>/acknowledge/", intake_api.StaffComplaintAcknowledge.as_view(), name="api-complaint-ack"
    ),
    path("complaints/<int:pk>/messages/", intake_api.StaffComplaintMessage.as_view(), name="api-complaint-message"),
    path(
        "complaints/<int:pk>/identity/", intake_api.StaffComplainantIdentity.as_view(), name="api-complaint-identity"
    ),
]
