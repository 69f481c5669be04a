from django.urls import path

from . import import_views, views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("account/", views.AccountView.as_view(), name="account"),
    path(
        "account/sign-out-everywhere/",
        views.SignOutEverywhereView.as_view(),
        name="sign-out-everywhere",
    ),
    path(
        "account/api-tokens/new/", views.AccessTokenCreateView.as_view(), name="access-token-create"
    ),
    path(
        "account/tokens/<int:pk>/revoke/",
        views.AccessTokenRevokeView.as_view(),
        name="access-token-revoke",
    ),
    path(
        "account/calendar-feed/new/",
        views.CalendarFeedCreateView.as_view(),
        name="calendar-feed-create",
    ),
    path("calendar/<str:key>.ics", views.CalendarFeedView.as_view(), name="calendar-feed"),
    path("accessibility/", views.AccessibilityStatementView.as_view(), name="accessibility"),
    path("health/", views.HealthView.as_view(), name="health"),
    path("system/tasks/", views.BackgroundTasksView.as_view(), name="background-tasks"),
    path("system/test-email/", views.SendTestEmailView.as_view(), name="send-test-email"),
    path("imports/", import_views.ImportIndexView.as_view(), name="imports"),
    path("imports/runs/<int:pk>/", import_views.ImportRunView.as_view(), name="import-run"),
    path(
        "imports/runs/<int:pk>/status/",
        import_views.ImportRunStatusView.as_view(),
        name="import-run-status",
    ),
    path(
        "imports/runs/<int:pk>/confirm/",
        import_views.ImportConfirmView.as_view(),
        name="import-confirm",
    ),
    path("imports/<slug:kind>/", import_views.ImportUploadView.as_view(), name="import-upload"),
    path(
        "imports/<slug:kind>/template/",
        import_views.ImportTemplateView.as_view(),
        name="import-template",
    ),
]
