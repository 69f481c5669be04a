"""The Administrator's pages, under governance's namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("accounts/", views.AccountListView.as_view(), name="account-list"),
    path("accounts/new/", views.AccountCreateView.as_view(), name="account-create"),
    path("accounts/<int:pk>/", views.AccountDetailView.as_view(), name="account-detail"),
    path("accounts/<int:pk>/edit/", views.AccountUpdateView.as_view(), name="account-update"),
    path("accounts/<int:pk>/history/", views.AccountHistoryView.as_view(), name="account-history"),
    path(
        "accounts/<int:pk>/password-link/",
        views.AccountPasswordLinkView.as_view(),
        name="account-password-link",
    ),
    path(
        "accounts/<int:pk>/second-factors/reset/",
        views.AccountSecondFactorResetView.as_view(),
        name="account-second-factor-reset",
    ),
    path("business-units/", views.BusinessUnitListView.as_view(), name="business-unit-list"),
    path(
        "business-units/new/",
        views.BusinessUnitCreateView.as_view(),
        name="business-unit-create",
    ),
    path(
        "business-units/<int:pk>/",
        views.BusinessUnitDetailView.as_view(),
        name="business-unit-detail",
    ),
    path(
        "business-units/<int:pk>/edit/",
        views.BusinessUnitUpdateView.as_view(),
        name="business-unit-update",
    ),
    path(
        "business-units/<int:pk>/history/",
        views.BusinessUnitHistoryView.as_view(),
        name="business-unit-history",
    ),
    path(
        "single-sign-on-groups/", views.GroupMappingListView.as_view(), name="group-mapping-list"
    ),
    path(
        "single-sign-on-groups/new/",
        views.GroupMappingCreateView.as_view(),
        name="group-mapping-create",
    ),
    path(
        "single-sign-on-groups/<int:pk>/edit/",
        views.GroupMappingUpdateView.as_view(),
        name="group-mapping-update",
    ),
    path(
        "single-sign-on-groups/<int:pk>/remove/",
        views.GroupMappingRemoveView.as_view(),
        name="group-mapping-remove",
    ),
    path(
        "single-sign-on-groups/<int:pk>/history/",
        views.GroupMappingHistoryView.as_view(),
        name="group-mapping-history",
    ),
]
