from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("proposals/", views.ProposalListView.as_view(), name="proposal-list"),
    path("proposals/new/", views.ProposalStartView.as_view(), name="proposal-start"),
    path("proposals/<int:pk>/", views.ProposalDetailView.as_view(), name="proposal-detail"),
    path("proposals/<int:pk>/edit/", views.ProposalEditView.as_view(), name="proposal-edit"),
    path(
        "proposals/<int:pk>/history/", views.ProposalHistoryView.as_view(), name="proposal-history"
    ),
    path(
        "proposals/<int:pk>/start-triage/",
        views.ProposalStartTriageView.as_view(),
        name="proposal-start-triage",
    ),
    path("proposals/<int:pk>/return/", views.ProposalReturnView.as_view(), name="proposal-return"),
    path("proposals/<int:pk>/accept/", views.ProposalAcceptView.as_view(), name="proposal-accept"),
    path(
        "proposals/<int:pk>/withdraw/",
        views.ProposalWithdrawView.as_view(),
        name="proposal-withdraw",
    ),
    path("proposals/<int:pk>/reopen/", views.ProposalReopenView.as_view(), name="proposal-reopen"),
    path("proposals/<int:pk>/score/", views.ScoreView.as_view(), name="proposal-score"),
    path("proposals/<int:pk>/conflict/", views.ConflictView.as_view(), name="proposal-conflict"),
    path(
        "proposals/<int:pk>/attachments/add/",
        views.AttachmentUploadView.as_view(),
        name="attachment-add",
    ),
    path(
        "attachments/<int:pk>/download/",
        views.AttachmentDownloadView.as_view(),
        name="attachment-download",
    ),
    path(
        "attachments/<int:pk>/delete/",
        views.AttachmentDeleteView.as_view(),
        name="attachment-delete",
    ),
    path("criteria/", views.CriterionListView.as_view(), name="criterion-list"),
    path("criteria/add/", views.CriterionCreateView.as_view(), name="criterion-create"),
    path("criteria/<int:pk>/edit/", views.CriterionUpdateView.as_view(), name="criterion-update"),
    path(
        "criteria/tcop-points/<int:pk>/edit/",
        views.TcopPointUpdateView.as_view(),
        name="tcop-point-update",
    ),
    path("budgets/", views.BudgetView.as_view(), name="budgets"),
    path("thresholds/", views.ThresholdsView.as_view(), name="thresholds"),
    path("portfolio/", views.PortfolioView.as_view(), name="portfolio"),
    path("meetings/<int:pk>/agenda/add/", views.AgendaAddView.as_view(), name="agenda-add"),
    path(
        "agenda-items/<int:pk>/up/",
        views.AgendaItemActionView.as_view(operation="up"),
        name="agenda-up",
    ),
    path(
        "agenda-items/<int:pk>/down/",
        views.AgendaItemActionView.as_view(operation="down"),
        name="agenda-down",
    ),
    path(
        "agenda-items/<int:pk>/remove/",
        views.AgendaItemActionView.as_view(operation="remove"),
        name="agenda-remove",
    ),
    path("agenda-items/<int:pk>/decide/", views.DecisionView.as_view(), name="decide"),
    path("projects/", views.ProjectListView.as_view(), name="project-list"),
    path("projects/<int:pk>/", views.ProjectDetailView.as_view(), name="project-detail"),
    path(
        "projects/<int:pk>/updates/new/",
        views.ProgressUpdateCreateView.as_view(),
        name="progress-update-create",
    ),
    path("projects/<int:pk>/close/", views.ProjectCloseView.as_view(), name="project-close"),
    path("projects/<int:pk>/history/", views.ProjectHistoryView.as_view(), name="project-history"),
    path(
        "projects/<int:pk>/contracts/add/",
        views.ContractCreateView.as_view(),
        name="contract-create",
    ),
    path(
        "projects/<int:pk>/contracts/<int:contract_pk>/edit/",
        views.ContractUpdateView.as_view(),
        name="contract-update",
    ),
    path(
        "projects/<int:pk>/contracts/<int:contract_pk>/remove/",
        views.ContractRemoveView.as_view(),
        name="contract-remove",
    ),
    path("transparency/", views.TransparencyView.as_view(), name="transparency"),
    path(
        "transparency/publish/",
        views.TransparencyPublishView.as_view(),
        name="transparency-publish",
    ),
    path(
        "transparency/contracts.csv",
        views.PublishedContractsView.as_view(file_format="csv"),
        name="transparency-csv",
    ),
    path(
        "transparency/contracts.json",
        views.PublishedContractsView.as_view(file_format="json"),
        name="transparency-json",
    ),
]

urlpatterns += [
    path("scenarios/", views.ScenarioListView.as_view(), name="scenario-list"),
    path("scenarios/new/", views.ScenarioCreateView.as_view(), name="scenario-create"),
    path("scenarios/<int:pk>/", views.ScenarioDetailView.as_view(), name="scenario-detail"),
    path("scenarios/<int:pk>/edit/", views.ScenarioUpdateView.as_view(), name="scenario-update"),
    path("scenarios/<int:pk>/share/", views.ScenarioShareView.as_view(), name="scenario-share"),
    path(
        "scenarios/<int:pk>/paper/", views.ScenarioPaperAddView.as_view(), name="scenario-paper-add"
    ),
]
