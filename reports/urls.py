from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("reports/archive/", views.ArchiveView.as_view(), name="archive"),
    path("reports/archive/request/", views.ReportRequestView.as_view(), name="request"),
    path("reports/archive/<int:pk>/", views.ReportRunDetailView.as_view(), name="run-detail"),
    path(
        "reports/archive/<int:pk>/status/",
        views.ReportRunStatusView.as_view(),
        name="run-status",
    ),
    path(
        "reports/archive/<int:pk>/download/",
        views.ReportRunDownloadView.as_view(),
        name="run-download",
    ),
    path(
        "reports/schedules/<int:pk>/edit/",
        views.ScheduleUpdateView.as_view(),
        name="schedule-update",
    ),
    path("reports/committees/", views.CommitteeListView.as_view(), name="committee-list"),
    path("reports/committees/new/", views.CommitteeCreateView.as_view(), name="committee-create"),
    path(
        "reports/committees/<int:pk>/edit/",
        views.CommitteeChangeView.as_view(),
        name="committee-update",
    ),
    path(
        "reports/committees/<int:pk>/history/",
        views.CommitteeHistoryView.as_view(),
        name="committee-history",
    ),
    path(
        "reports/committee-reports/request/",
        views.CommitteeReportRequestView.as_view(),
        name="committee-report-request",
    ),
    path(
        "reports/committee-reports/<int:pk>/",
        views.CommitteeReportDetailView.as_view(),
        name="committee-report-detail",
    ),
    path(
        "reports/committee-reports/<int:pk>/files/<int:file_pk>/",
        views.CommitteeReportFileView.as_view(),
        name="committee-report-file",
    ),
    path("reports/annual/", views.AnnualReportListView.as_view(), name="annual-list"),
    path("reports/annual/start/", views.AnnualReportStartView.as_view(), name="annual-start"),
    path("reports/annual/<int:pk>/", views.AnnualReportDetailView.as_view(), name="annual-detail"),
    path(
        "reports/annual/<int:pk>/narrative/",
        views.AnnualReportNarrativeView.as_view(),
        name="annual-narrative",
    ),
    path(
        "reports/annual/<int:pk>/finalise/",
        views.AnnualReportFinaliseView.as_view(),
        name="annual-finalise",
    ),
    path(
        "reports/annual/<int:pk>/files/",
        views.AnnualReportProduceView.as_view(),
        name="annual-produce",
    ),
    path(
        "reports/annual/<int:pk>/files/<int:file_pk>/",
        views.AnnualReportFileView.as_view(),
        name="annual-file",
    ),
    path(
        "reports/annual/<int:pk>/history/",
        views.AnnualReportHistoryView.as_view(),
        name="annual-history",
    ),
]
