from django.urls import include, path

from . import views

app_name = "governance"

urlpatterns = [
    path("strategy/", views.CurrentStrategyView.as_view(), name="strategy-current"),
    path("strategies/", views.StrategyListView.as_view(), name="strategy-list"),
    path("strategies/<int:pk>/", views.StrategyDetailView.as_view(), name="strategy-detail"),
    path(
        "strategies/<int:pk>/history/",
        views.StrategyHistoryView.as_view(),
        name="strategy-history",
    ),
    path("themes/<int:pk>/", views.ThemeDetailView.as_view(), name="theme-detail"),
    path("themes/<int:pk>/history/", views.ThemeHistoryView.as_view(), name="theme-history"),
    path(
        "themes/<int:pk>/objectives/add/",
        views.ObjectiveCreateView.as_view(),
        name="objective-create",
    ),
    path("principles/<int:pk>/", views.PrincipleDetailView.as_view(), name="principle-detail"),
    path(
        "principles/<int:pk>/history/",
        views.PrincipleHistoryView.as_view(),
        name="principle-history",
    ),
    path("objectives/<int:pk>/", views.ObjectiveDetailView.as_view(), name="objective-detail"),
    path(
        "objectives/<int:pk>/edit/",
        views.ObjectiveUpdateView.as_view(),
        name="objective-update",
    ),
    path(
        "objectives/<int:pk>/history/",
        views.ObjectiveHistoryView.as_view(),
        name="objective-history",
    ),
    path(
        "objectives/<int:pk>/action-items/add/",
        views.ActionPlanItemCreateView.as_view(),
        name="action-item-create",
    ),
    path(
        "action-items/<int:pk>/",
        views.ActionPlanItemDetailView.as_view(),
        name="action-item-detail",
    ),
    path(
        "action-items/<int:pk>/edit/",
        views.ActionPlanItemUpdateView.as_view(),
        name="action-item-update",
    ),
    path(
        "action-items/<int:pk>/history/",
        views.ActionPlanItemHistoryView.as_view(),
        name="action-item-history",
    ),
]

urlpatterns += [
    path("meetings/", views.MeetingListView.as_view(), name="meeting-list"),
    path("meetings/new/", views.MeetingCreateView.as_view(), name="meeting-create"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path("meetings/<int:pk>/edit/", views.MeetingUpdateView.as_view(), name="meeting-update"),
    path("meetings/<int:pk>/open/", views.MeetingOpenView.as_view(), name="meeting-open"),
    path("meetings/<int:pk>/close/", views.MeetingCloseView.as_view(), name="meeting-close"),
    path("meetings/<int:pk>/cancel/", views.MeetingCancelView.as_view(), name="meeting-cancel"),
    path(
        "meetings/<int:pk>/attendance/", views.AttendanceView.as_view(), name="meeting-attendance"
    ),
    path("meetings/<int:pk>/minutes/", views.MeetingMinutesView.as_view(), name="meeting-minutes"),
    path(
        "meetings/<int:pk>/minutes/draft/",
        views.MinutesDraftView.as_view(),
        name="meeting-minutes-draft",
    ),
    path(
        "meetings/<int:pk>/minutes/approve/",
        views.MinutesApproveView.as_view(),
        name="meeting-minutes-approve",
    ),
    path(
        "meetings/<int:pk>/minutes.pdf",
        views.MinutesDownloadView.as_view(file_format="pdf"),
        name="meeting-minutes-pdf",
    ),
    path(
        "meetings/<int:pk>/minutes.docx",
        views.MinutesDownloadView.as_view(file_format="docx"),
        name="meeting-minutes-docx",
    ),
    path("meetings/<int:pk>/history/", views.MeetingHistoryView.as_view(), name="meeting-history"),
    path("meetings/terms/", views.TermsOfReferenceView.as_view(), name="meeting-terms"),
    path(
        "meetings/terms/edit/",
        views.TermsOfReferenceUpdateView.as_view(),
        name="meeting-terms-update",
    ),
    path(
        "meetings/terms/history/",
        views.TermsOfReferenceHistoryView.as_view(),
        name="meeting-terms-history",
    ),
]

urlpatterns += [
    path("kpis/", views.KPIListView.as_view(), name="kpi-list"),
    path("kpis/new/", views.KPICreateView.as_view(), name="kpi-create"),
    path("kpis/<int:pk>/", views.KPIDetailView.as_view(), name="kpi-detail"),
    path("kpis/<int:pk>/edit/", views.KPIUpdateView.as_view(), name="kpi-update"),
    path("kpis/<int:pk>/values/add/", views.KPIMeasurementView.as_view(), name="kpi-value"),
    path("kpis/<int:pk>/targets/set/", views.KPITargetView.as_view(), name="kpi-target"),
    path(
        "kpis/<int:pk>/comparators/set/",
        views.KPIComparatorView.as_view(),
        name="kpi-comparator",
    ),
    path(
        "kpis/values/<int:pk>/approve/",
        views.KPIValueApproveView.as_view(),
        name="kpi-value-approve",
    ),
    path("kpis/<int:pk>/history/", views.KPIHistoryView.as_view(), name="kpi-history"),
    path("", include("governance.accounts.urls")),
]
