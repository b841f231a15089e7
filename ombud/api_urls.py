"""The REST API under /api/v1/, described by its OpenAPI schema at /api/v1/schema/."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from ombud.accounts import api as accounts_api
from ombud.audit import views as audit_views
from ombud.cases import api as cases_api
from ombud.core.api_root import ApiRoot
from ombud.discipline import api as discipline_api
from ombud.intake import api as intake_api
from ombud.org import api as org_api
from ombud.reviews import api as reviews_api

urlpatterns = [
    path("", ApiRoot.as_view(), name="api-root"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("public/officers/", intake_api.PublicOfficerSearch.as_view(), name="api-public-officers"),
    path("public/places/", intake_api.PublicPlaceSearch.as_view(), name="api-public-places"),
    path("public/complaints/", intake_api.PublicComplaintCreate.as_view(), name="api-public-complaints"),
    path("public/complaints/status/", intake_api.PublicComplaintStatus.as_view(), name="api-public-status"),
    path("public/complaints/messages/", intake_api.PublicComplaintMessage.as_view(), name="api-public-message"),
    path("public/complaints/review/", intake_api.PublicComplaintReview.as_view(), name="api-public-review"),
    path("public/complaints/files/", intake_api.PublicComplaintFiles.as_view(), name="api-public-files"),
    path("public/proofs/", intake_api.PublicProofCheck.as_view(), name="api-public-proof"),
    path("units/", org_api.UnitList.as_view(), name="api-units"),
    path("officers/<int:pk>/move/", org_api.OfficerMove.as_view(), name="api-officer-move"),
    path("users/", accounts_api.UserListCreate.as_view(), name="api-users"),
    path("users/<int:pk>/roles/", accounts_api.UserRoles.as_view(), name="api-user-roles"),
    path("users/<int:pk>/deactivate/", accounts_api.UserDeactivate.as_view(), name="api-user-deactivate"),
    path("memberships/<int:pk>/end/", accounts_api.MembershipEnd.as_view(), name="api-membership-end"),
    path("audit/head/", audit_views.AuditHeadView.as_view(), name="api-audit-head"),
    path("audit/verify/", audit_views.AuditVerifyView.as_view(), name="api-audit-verify"),
    path("complaints/", intake_api.StaffInbox.as_view(), name="api-complaints"),
    path("complaints/<int:pk>/", intake_api.StaffComplaintDetail.as_view(), name="api-complaint"),
    path(
        "complaints/<int:pk>/acknowledge/",
        intake_api.StaffComplaintAcknowledge.as_view(),
        name="api-complaint-ack",
    ),
    path("complaints/<int:pk>/close/", intake_api.StaffComplaintClose.as_view(), name="api-complaint-close"),
    path("complaints/<int:pk>/refer/", intake_api.StaffComplaintRefer.as_view(), name="api-complaint-refer"),
    path(
        "complaints/<int:pk>/messages/", intake_api.StaffComplaintMessage.as_view(), name="api-complaint-message"
    ),
    path(
        "complaints/<int:pk>/files/<int:file_id>/",
        intake_api.StaffComplaintFile.as_view(),
        name="api-complaint-file",
    ),
    path(
        "complaints/<int:pk>/identity/",
        intake_api.StaffComplainantIdentity.as_view(),
        name="api-complaint-identity",
    ),
]

# Casework: cases, allegations and findings, evidence and custody, measures (docs/casework.md).
urlpatterns += [
    path("cases/", cases_api.CaseListCreate.as_view(), name="api-cases"),
    path("cases/<int:pk>/", cases_api.CaseDetail.as_view(), name="api-case"),
    path("cases/<int:pk>/allegations/", cases_api.CaseAllegations.as_view(), name="api-case-allegations"),
    path("cases/<int:pk>/notes/", cases_api.CaseNotes.as_view(), name="api-case-notes"),
    path("cases/<int:pk>/tasks/", cases_api.CaseTasks.as_view(), name="api-case-tasks"),
    path("cases/<int:pk>/evidence/", cases_api.CaseEvidence.as_view(), name="api-case-evidence"),
    path("cases/<int:pk>/close/", cases_api.CaseClose.as_view(), name="api-case-close"),
    path("cases/<int:pk>/package/", cases_api.CasePackage.as_view(), name="api-case-package"),
    path("tasks/<int:pk>/done/", cases_api.TaskDone.as_view(), name="api-task-done"),
    path("cases/<int:pk>/measures/", discipline_api.CaseMeasures.as_view(), name="api-case-measures"),
    path(
        "allegations/<int:pk>/propose-finding/",
        cases_api.AllegationProposeFinding.as_view(),
        name="api-allegation-propose",
    ),
    path(
        "allegations/<int:pk>/decide-finding/",
        cases_api.AllegationDecideFinding.as_view(),
        name="api-allegation-decide",
    ),
    path("evidence/<int:pk>/", cases_api.EvidenceDetail.as_view(), name="api-evidence"),
    path("evidence/<int:pk>/download/", cases_api.EvidenceDownload.as_view(), name="api-evidence-download"),
    path("evidence/<int:pk>/custody/", cases_api.EvidenceCustody.as_view(), name="api-evidence-custody"),
    path("measures/<int:pk>/notify/", discipline_api.MeasureNotify.as_view(), name="api-measure-notify"),
    path("measures/<int:pk>/respond/", discipline_api.MeasureRespond.as_view(), name="api-measure-respond"),
    path("measures/<int:pk>/decide/", discipline_api.MeasureDecide.as_view(), name="api-measure-decide"),
    path("measures/<int:pk>/appeal/", discipline_api.MeasureAppeal.as_view(), name="api-measure-appeal"),
    path(
        "measures/<int:pk>/decide-appeal/",
        discipline_api.MeasureDecideAppeal.as_view(),
        name="api-measure-decide-appeal",
    ),
    path(
        "measures/<int:pk>/follow-ups/", discipline_api.MeasureFollowUps.as_view(), name="api-measure-follow-ups"
    ),
    path("follow-ups/<int:pk>/done/", discipline_api.FollowUpDone.as_view(), name="api-follow-up-done"),
    path("me/measures/", discipline_api.MyMeasures.as_view(), name="api-my-measures"),
    # The officer's two steps again under /me/, the prefix a suspended officer's session may still use.
    path("me/measures/<int:pk>/respond/", discipline_api.MeasureRespond.as_view(), name="api-my-measure-respond"),
    path("me/measures/<int:pk>/appeal/", discipline_api.MeasureAppeal.as_view(), name="api-my-measure-appeal"),
]

# Reviews: directives and compliance, meetings, the period report (docs/reviews.md, docs/reports.md).
urlpatterns += [
    path("directives/", reviews_api.DirectiveListCreate.as_view(), name="api-directives"),
    path("directives/<int:pk>/", reviews_api.DirectiveDetail.as_view(), name="api-directive"),
    path("directives/<int:pk>/meetings/", reviews_api.DirectiveMeetings.as_view(), name="api-directive-meetings"),
    path("officers/<int:pk>/dossier/", reviews_api.OfficerDossier.as_view(), name="api-officer-dossier"),
    path("meetings/", reviews_api.MeetingListCreate.as_view(), name="api-meetings"),
    path("meetings/<int:pk>/", reviews_api.MeetingDetail.as_view(), name="api-meeting"),
    path("meetings/<int:pk>/attendance/", reviews_api.MeetingAttendance.as_view(), name="api-meeting-attendance"),
    path("meetings/<int:pk>/agenda/", reviews_api.MeetingAgenda.as_view(), name="api-meeting-agenda"),
    path("meetings/<int:pk>/minutes/", reviews_api.MeetingMinutes.as_view(), name="api-meeting-minutes"),
    path(
        "meetings/<int:pk>/resolutions/", reviews_api.MeetingResolutions.as_view(), name="api-meeting-resolutions"
    ),
    path(
        "agenda-items/<int:pk>/minutes/", reviews_api.MeetingItemMinutes.as_view(), name="api-agenda-item-minutes"
    ),
    path("meetings/<int:pk>/sign-off/", reviews_api.MeetingSignOff.as_view(), name="api-meeting-sign-off"),
    path("reports/period/", reviews_api.PeriodReport.as_view(), name="api-period-report"),
    path("reports/period/csv/", reviews_api.PeriodReportFile.as_view(fmt="csv"), name="api-period-report-csv"),
    path("reports/period/pdf/", reviews_api.PeriodReportFile.as_view(fmt="pdf"), name="api-period-report-pdf"),
]

# Early warning: a supervisor's alerts and his answer to each (docs/early-warning.md).
from ombud.risk import api as risk_api  # noqa: E402

urlpatterns += [
    path("risk/alerts/", risk_api.AlertList.as_view(), name="api-risk-alerts"),
    path("risk/alerts/<int:pk>/intervene/", risk_api.AlertIntervene.as_view(), name="api-risk-alert-intervene"),
    path("risk/alerts/<int:pk>/dismiss/", risk_api.AlertDismiss.as_view(), name="api-risk-alert-dismiss"),
    path("risk/rules/", risk_api.RuleList.as_view(), name="api-risk-rules"),
    path("risk/rules/<int:pk>/", risk_api.RuleDetail.as_view(), name="api-risk-rule"),
    path("risk/evaluations/", risk_api.EvaluationList.as_view(), name="api-risk-evaluations"),
    path("risk/evaluations/pooled/", risk_api.EvaluationsPooled.as_view(), name="api-risk-evaluations-pooled"),
    path("risk/evaluations/<int:pk>/", risk_api.EvaluationDetail.as_view(), name="api-risk-evaluation"),
    path(
        "risk/evaluation-requests/", risk_api.EvaluationRequestList.as_view(), name="api-risk-evaluation-requests"
    ),
    path(
        "risk/evaluation-requests/<int:pk>/",
        risk_api.EvaluationRequestDetail.as_view(),
        name="api-risk-evaluation-request",
    ),
]

# Publication: outcomes drafted and published, and the public page's content (docs/reviews.md).
from ombud.transparency import api as transparency_api  # noqa: E402

urlpatterns += [
    path("outcomes/", transparency_api.OutcomeListCreate.as_view(), name="api-outcomes"),
    path("outcomes/<int:pk>/publish/", transparency_api.OutcomePublish.as_view(), name="api-outcome-publish"),
    path("public/outcomes/", transparency_api.PublicOutcomes.as_view(), name="api-public-outcomes"),
]
