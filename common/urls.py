from django.urls import path

from . import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("account/", views.AccountView.as_view(), name="account"),
    path(
        "account/sign-out-everywhere/",
        views.SignOutEverywhereView.as_view(),
        name="sign-out-everywhere",
    ),
    path("accessibility/", views.AccessibilityStatementView.as_view(), name="accessibility"),
    path("health/", views.HealthView.as_view(), name="health"),
    path("system/tasks/", views.BackgroundTasksView.as_view(), name="background-tasks"),
    path("system/test-email/", views.SendTestEmailView.as_view(), name="send-test-email"),
]
