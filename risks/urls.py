from django.urls import path

from . import views

app_name = "risks"

urlpatterns = [
    path("risks/", views.RiskListView.as_view(), name="risk-list"),
    path("risks/export.csv", views.RiskExportView.as_view(file_format="csv"), name="export-csv"),
    path("risks/export.xlsx", views.RiskExportView.as_view(file_format="xlsx"), name="export-xlsx"),
    path("risks/new/", views.RiskCreateView.as_view(), name="risk-create"),
    path("risks/heat-map/", views.HeatMapView.as_view(), name="heat-map"),
    path("risks/overdue/", views.ReviewsDueView.as_view(), name="overdue"),
    path("risks/settings/", views.SettingsView.as_view(), name="settings"),
    path("risks/settings/matrix/", views.MatrixUpdateView.as_view(), name="matrix-update"),
    path("risks/settings/appetite/", views.AppetiteUpdateView.as_view(), name="appetite-update"),
    path(
        "risks/settings/review-frequency/",
        views.ReviewFrequencyUpdateView.as_view(),
        name="frequency-update",
    ),
    path("risks/<int:pk>/", views.RiskDetailView.as_view(), name="risk-detail"),
    path("risks/<int:pk>/edit/", views.RiskUpdateView.as_view(), name="risk-update"),
    path("risks/<int:pk>/review/", views.RiskReviewView.as_view(), name="risk-review"),
    path("risks/<int:pk>/exemption/", views.RiskExemptionView.as_view(), name="risk-exemption"),
    path("risks/<int:pk>/close/", views.RiskCloseView.as_view(), name="risk-close"),
    path("risks/<int:pk>/escalate/", views.RiskEscalateView.as_view(), name="risk-escalate"),
    path(
        "risks/<int:pk>/score-difference/",
        views.RiskDifferenceView.as_view(),
        name="risk-difference",
    ),
    path("risks/<int:pk>/history/", views.RiskHistoryView.as_view(), name="risk-history"),
    path("risks/<int:pk>/actions/add/", views.ActionCreateView.as_view(), name="action-create"),
    path("risk-actions/<int:pk>/edit/", views.ActionUpdateView.as_view(), name="action-update"),
    path("risks/<int:pk>/controls/add/", views.ControlCreateView.as_view(), name="control-create"),
    path("risk-controls/<int:pk>/edit/", views.ControlUpdateView.as_view(), name="control-update"),
    path(
        "risk-controls/<int:pk>/remove/", views.ControlRemoveView.as_view(), name="control-remove"
    ),
]
