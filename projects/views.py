from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotFound, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import FormView, TemplateView

from common.errors import WorkflowError
from common.exports import csv_response
from common.files import stored_file_response
from common.formatting import local_datetime
from common.forms import add_service_errors
from common.fragments import Deferred
from common.lists import DeclaredListMixin
from common.permissions import RoleRequiredMixin
from common.roles import roles_of
from common.views import ObjectHistoryView, ServiceFormView
from governance.models import Meeting

from . import charts, lists, policies, scenarios, selectors, services, tcop, transparency
from .choices import APPROVED_STATUSES, AWAITING_DECISION, TRANSPARENCY_THRESHOLD, ProjectStatus
from .forms import (
    AgendaAddForm,
    AttachmentForm,
    BudgetForm,
    ClosureForm,
    CommentForm,
    ConfirmForm,
    ConflictForm,
    ContractForm,
    CriterionForm,
    DecisionForm,
    ProgressUpdateForm,
    ProposalForm,
    ProposalStartForm,
    ScenarioForm,
    ScenarioPaperForm,
    ScoreForm,
    TcopPointForm,
    ThresholdsForm,
)
from .models import AgendaItem, Attachment, Budget, Criterion, TcopPoint
from .workflow import TRANSITIONS

PAGE_SIZE = 25


class ProposalMixin:
    """Loads the proposal from the URL, narrowed to what the user may see (else 404)."""

    def load_objects(self):
        self.proposal = selectors.proposal_for_detail(self.request.user, self.kwargs["pk"])
        self.extra_context = {"proposal": self.proposal}

    def get_success_url(self, result=None):
        return self.proposal.get_absolute_url()


# --------------------------------------------------------------------------- proposals


class CountedPaginator(Paginator):
    """A Paginator whose count is `count()`: for rows that another, cheaper query
    counts the same."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count()


class ProposalListView(DeclaredListMixin, RoleRequiredMixin, TemplateView):
    declared = lists.proposal_list
    template_name = "projects/proposal_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page=Deferred(self.proposal_page),
            can_propose=policies.may_start_proposal(self.request.user),
            **kwargs,
        )

    def proposal_page(self):
        """One page of the filtered proposals as the values it shows, counted without
        the join to each proposal's unit that its rows need for the unit's name: every
        proposal has a unit, so the join cannot change the count, and counting thousands
        of proposals costs several times as much with it."""
        rows = selectors.proposal_list_rows(self.filterset.qs)
        paginator = CountedPaginator(rows, self.page_size, count=self.filterset.qs.count)
        return paginator.get_page(self.request.GET.get("page"))


class ProposalStartView(ServiceFormView):
    allowed_roles = policies.PROPOSERS
    form_class = ProposalStartForm
    template_name = "projects/proposal_start.html"
    success_message = "Draft proposal started. Fill in what you can and save; come back any time."

    def perform(self, form):
        return services.proposal_create(user=self.request.user, title=form.cleaned_data["title"])

    def get_success_url(self, result):
        return reverse("projects:proposal-edit", args=[result.pk])


class ProposalDetailView(RoleRequiredMixin, TemplateView):
    allowed_roles = policies.PROPOSAL_READERS
    template_name = "projects/proposal_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        proposal = selectors.proposal_for_page(user, self.kwargs["pk"])
        sees_scores = policies.may_see_scores(user, proposal)
        # Read once for both the route section and the financial case.
        years = Deferred(lambda: selectors.years_for_detail(proposal))
        # Worked out only when the page's route section is (it is remembered).
        routing = Deferred(lambda: selectors.proposal_routing(proposal, years=years()))
        # Read once for the decision panel and the business case stages.
        decisions = Deferred(lambda: selectors.decisions_for_detail(proposal))
        # The strategic case's four lists, read together.
        links = Deferred(lambda: selectors.strategic_links(proposal))
        assessments = Deferred(
            lambda: selectors.assessments_for_detail(proposal) if sees_scores else None
        )
        return super().get_context_data(
            proposal=proposal,
            whole_life_cost=Deferred(lambda: routing()[0]),
            risk=Deferred(lambda: routing()[1]),
            where=Deferred(lambda: routing()[2]),
            assurance_review_due=Deferred(
                lambda: policies.assurance_review_due(proposal, routing()[1].potential)
            ),
            case_versions=Deferred(lambda: selectors.case_versions_of(decisions())),
            # Shown only with the assessments, so only to a viewer who may see scores.
            scored=Deferred(lambda: selectors.score_summary(assessments())),
            theme_links=Deferred(lambda: links().theme_links),
            objectives=Deferred(lambda: links().objectives),
            corporate_objectives=Deferred(lambda: links().corporate_objectives),
            principles=Deferred(lambda: links().principles),
            years=years,
            tcop=Deferred(lambda: tcop.self_assessment(proposal)),
            events=Deferred(lambda: selectors.events_for_detail(proposal)),
            attachments=Deferred(lambda: selectors.attachments_for_detail(proposal)),
            decisions=decisions,
            assessments=assessments,
            scoring_refusal=policies.scoring_refusal(user, proposal),
            is_group_member=bool(roles_of(user) & policies.SCORERS),
            actions=[
                transition
                for transition in TRANSITIONS.values()
                if transition.action not in ("submit", "decide")
                and policies.may_take(user, proposal, transition)
            ],
            can_edit=policies.may_edit_proposal(user, proposal),
            project=Deferred(
                lambda: (
                    getattr(proposal, "project", None)
                    if proposal.status in APPROVED_STATUSES
                    else None
                )
            ),
            **kwargs,
        )


class ProposalEditView(ProposalMixin, RoleRequiredMixin, FormView):
    """The business case form: save a draft any time, or submit the whole case."""

    allowed_roles = policies.PROPOSERS
    template_name = "projects/proposal_form.html"

    def load_objects(self):
        super().load_objects()
        if not policies.acts_for_unit(self.request.user, self.proposal):
            raise Http404
        if not policies.may_edit_proposal(self.request.user, self.proposal):
            messages.error(
                self.request,
                f"This proposal is {self.proposal.get_status_display().lower()}, "
                "so it can no longer be edited.",
            )
            self.closed = True
        else:
            self.closed = False

    def get(self, request, *args, **kwargs):
        if self.closed:
            return redirect(self.proposal.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.closed:
            return redirect(self.proposal.get_absolute_url())
        return super().post(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return ProposalForm(**self.get_form_kwargs(), proposal=self.proposal)

    def form_valid(self, form):
        arguments = form.service_arguments()
        answer = arguments.pop("answer")
        try:
            services.proposal_save_draft(
                proposal=self.proposal, user=self.request.user, **arguments
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        except WorkflowError as error:
            messages.error(self.request, str(error))
            return redirect(self.proposal.get_absolute_url())
        if "submit_case" not in self.request.POST:
            messages.success(self.request, "Your draft is saved. You can come back to it any time.")
            return redirect(self.proposal.get_absolute_url())
        try:
            services.proposal_submit(proposal=self.proposal, user=self.request.user, answer=answer)
        except ValidationError as error:
            add_service_errors(form, error)
            self.extra_context["saved_but_incomplete"] = True
            return self.form_invalid(form)
        except WorkflowError as error:
            messages.error(self.request, str(error))
            return redirect(self.proposal.get_absolute_url())
        messages.success(
            self.request, "Your proposal has been submitted. The Head of ICT will triage it."
        )
        return redirect(self.proposal.get_absolute_url())


class ProposalTransitionView(ProposalMixin, ServiceFormView):
    """Start triage, return for information, send for assessment, withdraw, reopen."""

    template_name = "projects/proposal_transition.html"
    action: str = ""
    comment_label = "Comment (optional)"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Who may open the page is who may take the step (projects.workflow).
        cls.allowed_roles = frozenset({TRANSITIONS[cls.action].role})

    def get_form(self, form_class=None):
        transition = TRANSITIONS[self.action]
        return CommentForm(
            **self.get_form_kwargs(),
            label=self.comment_label,
            required=transition.comment_required,
            submit_label=transition.label,
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(transition=TRANSITIONS[self.action], **kwargs)

    def perform(self, form):
        service = {
            "start_triage": services.proposal_start_triage,
            "return": services.proposal_return,
            "accept": services.proposal_accept,
            "withdraw": services.proposal_withdraw,
            "reopen": services.proposal_reopen,
        }[self.action]
        arguments = {"proposal": self.proposal, "user": self.request.user}
        if self.action in ("return", "withdraw"):
            arguments["comment"] = form.cleaned_data["comment"]
        service(**arguments)
        self.success_message = f"Done: {TRANSITIONS[self.action].label.lower()}."
        return self.proposal


class ProposalReturnView(ProposalTransitionView):
    action = "return"
    comment_label = "The more information needed"


class ProposalStartTriageView(ProposalTransitionView):
    action = "start_triage"


class ProposalAcceptView(ProposalTransitionView):
    action = "accept"


class ProposalWithdrawView(ProposalTransitionView):
    action = "withdraw"
    comment_label = "Why is it being withdrawn? (optional)"


class ProposalReopenView(ProposalTransitionView):
    action = "reopen"


class ProposalHistoryView(ObjectHistoryView):
    allowed_roles = policies.PROPOSAL_READERS

    def get_queryset(self):
        return selectors.proposals_visible_to(self.request.user)


# ------------------------------------------------------------------------- attachments


class AttachmentUploadView(ProposalMixin, ServiceFormView):
    allowed_roles = policies.PROPOSERS
    form_class = AttachmentForm
    template_name = "projects/attachment_form.html"
    success_message = "Document uploaded."

    def perform(self, form):
        services.attachment_add(
            proposal=self.proposal, user=self.request.user, upload=form.cleaned_data["file"]
        )
        return self.proposal


class AttachmentDownloadView(RoleRequiredMixin, View):
    """Always a download with the server's content type, never shown inline."""

    allowed_roles = policies.PROPOSAL_READERS

    def get(self, request, pk):
        attachment = get_object_or_404(
            Attachment.objects.filter(proposal__in=selectors.proposals_visible_to(request.user)),
            pk=pk,
        )
        response = stored_file_response(
            attachment.file,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class AttachmentDeleteView(RoleRequiredMixin, View):
    allowed_roles = policies.PROPOSERS
    http_method_names = ["post"]

    def post(self, request, pk):
        attachment = get_object_or_404(
            Attachment.objects.filter(proposal__in=selectors.proposals_visible_to(request.user)),
            pk=pk,
        )
        try:
            services.attachment_remove(attachment=attachment, user=request.user)
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{attachment.original_name} removed.")
        return redirect(attachment.proposal.get_absolute_url())


# ---------------------------------------------------------------------------- scoring


class ScoreView(ProposalMixin, ServiceFormView):
    allowed_roles = policies.SCORERS
    template_name = "projects/score_form.html"
    success_message = "Your scores are recorded. You can now see the other members' scores."

    def load_objects(self):
        super().load_objects()
        self.criteria = list(Criterion.objects.filter(is_active=True))
        self.tcop = tcop.self_assessment(self.proposal)
        self.extra_context = {**(self.extra_context or {}), "tcop": self.tcop}

    def get(self, request, *args, **kwargs):
        refusal = policies.scoring_refusal(request.user, self.proposal)
        if refusal:
            messages.error(request, refusal)
            return redirect(self.proposal.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return ScoreForm(
            **self.get_form_kwargs(), criteria=self.criteria, tcop_rating=self.tcop.summary.rating
        )

    def perform(self, form):
        services.assessment_submit(
            proposal=self.proposal, user=self.request.user, ratings=form.ratings()
        )
        return self.proposal


class ConflictView(ProposalMixin, ServiceFormView):
    allowed_roles = policies.SCORERS
    form_class = ConflictForm
    template_name = "projects/conflict_form.html"
    success_message = "Your conflict of interest is recorded. You will not score this proposal."

    def perform(self, form):
        services.conflict_declare(
            proposal=self.proposal, user=self.request.user, note=form.cleaned_data["note"]
        )
        return self.proposal


class CriterionListView(RoleRequiredMixin, TemplateView):
    allowed_roles = policies.PORTFOLIO_READERS
    template_name = "projects/criterion_list.html"

    def get_context_data(self, **kwargs):
        criteria = list(Criterion.objects.all())
        total = sum(c.weight for c in criteria if c.is_active)
        return super().get_context_data(
            criteria=criteria,
            total_weight=total,
            tcop_criterion=next((c for c in criteria if c.from_tcop and c.is_active), None),
            tcop_rule=tcop.RULE,
            tcop_points=TcopPoint.objects.all(),
            **kwargs,
        )


class CriterionCreateView(ServiceFormView):
    allowed_roles = policies.PRIORITISATION_SETTERS
    form_class = CriterionForm
    template_name = "projects/criterion_form.html"
    success_message = "Criterion saved. Scores already given keep the weights they had."

    def perform(self, form):
        return services.criterion_save(user=self.request.user, fields=form.cleaned_data)

    def get_success_url(self, result):
        return reverse("projects:criterion-list")


class CriterionUpdateView(CriterionCreateView):
    def load_objects(self):
        self.criterion = get_object_or_404(Criterion, pk=self.kwargs["pk"])
        self.extra_context = {"criterion": self.criterion}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.criterion}

    def perform(self, form):
        return services.criterion_save(
            user=self.request.user, criterion=self.criterion, fields=form.cleaned_data
        )


# ---------------------------------------------------------------------- prioritisation


class TcopPointUpdateView(ServiceFormView):
    allowed_roles = policies.TCOP_POINT_EDITORS
    form_class = TcopPointForm
    template_name = "projects/tcop_point_form.html"
    success_message = "Point saved. Answers already given stay with it."

    def load_objects(self):
        self.point = get_object_or_404(TcopPoint, pk=self.kwargs["pk"])
        self.extra_context = {"point": self.point}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.point}

    def perform(self, form):
        return services.tcop_point_save(
            user=self.request.user, point=self.point, fields=form.cleaned_data
        )

    def get_success_url(self, result):
        return reverse("projects:criterion-list") + "#tcop-points"


class BudgetView(ServiceFormView):
    allowed_roles = policies.PRIORITISATION_SETTERS
    form_class = BudgetForm
    template_name = "projects/budget_form.html"
    success_message = "Budget saved."

    def get_context_data(self, **kwargs):
        return super().get_context_data(budgets=Budget.objects.all(), **kwargs)

    def perform(self, form):
        return services.budget_set(user=self.request.user, **form.cleaned_data)

    def get_success_url(self, result):
        return reverse("projects:budgets")


class ThresholdsView(ServiceFormView):
    """The council's money thresholds that route proposals, set by the Head of ICT,
    with every change listed below the form (their history)."""

    allowed_roles = policies.THRESHOLD_SETTERS
    template_name = "projects/thresholds_form.html"
    success_message = "Thresholds saved. Proposals not yet decided at a gate follow them."

    def load_objects(self):
        self.thresholds = selectors.thresholds_current()
        self.extra_context = {"changes": selectors.threshold_changes()}

    def get_form(self, form_class=None):
        return ThresholdsForm(**self.get_form_kwargs(), instance=self.thresholds)

    def perform(self, form):
        return services.thresholds_set(user=self.request.user, fields=form.cleaned_data)

    def get_success_url(self, result):
        return reverse("projects:thresholds")


class PortfolioView(DeclaredListMixin, RoleRequiredMixin, TemplateView):
    """The ranked portfolio, cumulative cost against budget, and the recommended set."""

    declared = lists.portfolio_list
    template_name = "projects/portfolio.html"

    def get_context_data(self, **kwargs):
        portfolio = Deferred(
            self.declared.worked_out,
            self.request.user,
            self.filterset,
            self.request.GET.get("page"),
        )
        chart = Deferred(
            lambda: charts.portfolio_chart(
                portfolio()["summary"], recommended=portfolio()["recommendation"] is not None
            )
        )
        return super().get_context_data(portfolio=portfolio, chart=chart, **kwargs)


# ---------------------------------------------------------------------------- agenda


class MeetingObjectMixin:
    def load_objects(self):
        self.meeting = get_object_or_404(Meeting, pk=self.kwargs["pk"])
        self.extra_context = {"meeting": self.meeting}

    def get_success_url(self, result=None):
        return self.meeting.get_absolute_url()


class AgendaAddView(MeetingObjectMixin, ServiceFormView):
    allowed_roles = policies.AGENDA_KEEPERS
    template_name = "projects/agenda_add.html"
    success_message = "Added to the agenda."

    def get(self, request, *args, **kwargs):
        return self._refused() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._refused() or super().post(request, *args, **kwargs)

    def _refused(self):
        """Once the agenda is fixed, there is no form to fill in: back to the meeting."""
        refusal = policies.agenda_refusal(self.request.user, self.meeting)
        if refusal is None:
            return None
        messages.error(self.request, refusal)
        return redirect(self.meeting.get_absolute_url())

    def get_form(self, form_class=None):
        proposals = selectors.proposals_ready_for_decision(self.request.user).exclude(
            agenda_items__meeting=self.meeting
        )
        return AgendaAddForm(**self.get_form_kwargs(), proposals=proposals)

    def perform(self, form):
        services.agenda_add(
            meeting=self.meeting, proposal=form.cleaned_data["proposal"], user=self.request.user
        )
        return self.meeting


class AgendaItemActionView(RoleRequiredMixin, View):
    """Move an agenda item up or down, or drop it."""

    allowed_roles = policies.AGENDA_KEEPERS
    http_method_names = ["post"]
    operation = ""

    def post(self, request, pk):
        item = get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=pk)
        try:
            if self.operation == "remove":
                services.agenda_remove(item=item, user=request.user)
            else:
                services.agenda_move(item=item, user=request.user, up=self.operation == "up")
        except WorkflowError as error:
            messages.error(request, str(error))
        return redirect(item.meeting.get_absolute_url())


class DecisionView(ServiceFormView):
    """The chair records the decision on a proposal on the agenda.

    The page says first why a decision cannot be recorded now, if it cannot
    (policies.decision_refusal), and then offers no form. A decision refused when
    posted (the meeting became inquorate, another chair decided first) comes back on
    the form with the chair's reason and conditions as typed and the refusal at the
    top, so nothing typed is lost; they may try again once it is put right."""

    allowed_roles = policies.DECIDERS
    form_class = DecisionForm
    template_name = "projects/decision_form.html"
    success_message = "Decision recorded. Everyone concerned is being e-mailed."

    def load_objects(self):
        self.item = get_object_or_404(
            AgendaItem.objects.select_related("meeting__chair", "proposal__business_unit"),
            pk=self.kwargs["pk"],
        )
        self.extra_context = {"item": self.item, "proposal": self.item.proposal}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        proposal = self.item.proposal
        _, risk, where = selectors.proposal_routing(proposal)
        context.update(
            risk=risk,
            where=where,
            assurance_review_due=policies.assurance_review_due(proposal, risk.potential),
        )
        refusal = policies.decision_refusal(
            self.request.user, self.item.meeting, self.item.proposal
        )
        context["refusal"] = refusal
        context["show_form"] = refusal is None or context["form"].is_bound
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.proposal_decide(
                proposal=self.item.proposal,
                user=self.request.user,
                meeting=self.item.meeting,
                outcome=data["outcome"],
                rationale=data["rationale"],
                conditions=data["conditions"],
                revisit_date=data["revisit_date"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        except WorkflowError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.item.meeting.get_absolute_url())


# --------------------------------------------------------------------------- projects


class ProjectListView(DeclaredListMixin, RoleRequiredMixin, TemplateView):
    declared = lists.project_list
    template_name = "projects/project_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page=Deferred(lambda: self.paginate(self.filterset.qs)), **kwargs
        )


class ProjectMixin:
    lead_only = False  # only the project manager and the Head of ICT

    def load_objects(self):
        self.project = get_object_or_404(
            selectors.projects_visible_to(self.request.user), pk=self.kwargs["pk"]
        )
        if self.lead_only and not policies.may_lead_project(self.request.user, self.project):
            raise PermissionDenied("Only the project manager or the Head of ICT can do this.")
        self.extra_context = {"project": self.project, "proposal": self.project.proposal}

    def get_success_url(self, result=None):
        return self.project.get_absolute_url()


class ProjectDetailView(ProjectMixin, RoleRequiredMixin, TemplateView):
    allowed_roles = policies.PROPOSAL_READERS
    template_name = "projects/project_detail.html"

    def get_context_data(self, **kwargs):
        project = self.project
        user = self.request.user
        planned = {y.financial_year: y.cashable_savings for y in project.proposal.years.all()}
        realised = {b.financial_year: b.cashable_savings for b in project.benefits.all()}
        benefits = [
            {"year": year, "planned": planned.get(year, 0), "realised": realised.get(year)}
            for year in sorted(set(planned) | set(realised))
        ]
        is_lead = policies.may_lead_project(user, project)
        return super().get_context_data(
            updates=project.updates.select_related("author"),
            benefits=benefits,
            can_update=is_lead and project.status == ProjectStatus.IN_DELIVERY,
            contracts=selectors.contracts_of(project),
            can_keep_contracts=policies.may_keep_contracts(user, project),
            threshold=TRANSPARENCY_THRESHOLD,
            update_overdue=selectors.projects_needing_update().filter(pk=project.pk).exists(),
            **kwargs,
        )


class ProgressUpdateCreateView(ProjectMixin, ServiceFormView):
    allowed_roles = policies.PROPOSAL_READERS
    lead_only = True
    form_class = ProgressUpdateForm
    template_name = "projects/progress_update_form.html"
    success_message = "Progress update posted."

    def perform(self, form):
        services.progress_update_add(
            project=self.project, user=self.request.user, fields=form.cleaned_data
        )
        return self.project


class ProjectCloseView(ProjectMixin, ServiceFormView):
    allowed_roles = policies.PROPOSAL_READERS
    lead_only = True
    template_name = "projects/project_close.html"
    success_message = "Project closed with its benefits review."

    def get_form(self, form_class=None):
        planned = {y.financial_year: y.cashable_savings for y in self.project.proposal.years.all()}
        return ClosureForm(**self.get_form_kwargs(), planned=planned)

    def perform(self, form):
        services.project_close(
            project=self.project,
            user=self.request.user,
            summary=form.cleaned_data["summary"],
            non_cashable_realised=form.cleaned_data["non_cashable_realised"],
            realised=form.realised(),
        )
        return self.project


class ProjectHistoryView(ObjectHistoryView):
    allowed_roles = policies.PROPOSAL_READERS

    def get_queryset(self):
        return selectors.projects_visible_to(self.request.user)


# ------------------------------------------------------------ contracts, transparency


class ContractMixin(ProjectMixin):
    """The project (and, for an edit or removal, its contract) from the URL, narrowed to
    what the user may see (else 404); only who keeps its contracts may go on (else 403)."""

    allowed_roles = policies.PROPOSAL_READERS
    template_name = "projects/contract_form.html"

    def load_objects(self):
        super().load_objects()
        if not policies.may_keep_contracts(self.request.user, self.project):
            raise PermissionDenied("Only the project manager or the Head of ICT can do this.")
        self.contract = None
        if "contract_pk" in self.kwargs:
            self.contract = selectors.contract_for_edit(
                self.request.user, self.project.pk, self.kwargs["contract_pk"]
            )
        self.extra_context["contract"] = self.contract


class ContractCreateView(ContractMixin, ServiceFormView):
    success_message = "Contract added."

    def get_form(self, form_class=None):
        return ContractForm(**self.get_form_kwargs(), project=self.project)

    def perform(self, form):
        services.contract_add(
            project=self.project, user=self.request.user, fields=_contract_fields(form)
        )
        return self.project


class ContractUpdateView(ContractMixin, ServiceFormView):
    success_message = "Contract saved."

    def get_form(self, form_class=None):
        return ContractForm(**self.get_form_kwargs(), instance=self.contract, project=self.project)

    def perform(self, form):
        services.contract_update(
            contract=self.contract, user=self.request.user, fields=_contract_fields(form)
        )
        return self.project


def _contract_fields(form) -> dict:
    return {name: form.cleaned_data[name] for name in ContractForm.Meta.fields}


class ContractRemoveView(ContractMixin, ServiceFormView):
    template_name = "projects/contract_remove.html"
    success_message = "Contract removed. Its history keeps what it held."

    def get_form(self, form_class=None):
        return ConfirmForm(
            **self.get_form_kwargs(), submit_label="Remove the contract", warning=True
        )

    def perform(self, form):
        services.contract_remove(contract=self.contract, user=self.request.user)
        return self.project


class TransparencyView(RoleRequiredMixin, TemplateView):
    """What the contracts dataset would publish now, beside what is published."""

    allowed_roles = policies.TRANSPARENCY_PUBLISHERS
    template_name = "projects/transparency.html"

    def get_context_data(self, **kwargs):
        now = [transparency.frozen_row(c) for c in selectors.transparency_contracts()]
        published = selectors.transparency_published()
        return super().get_context_data(
            now=now,
            now_shown=[transparency.shown_row(row) for row in now],
            published=published,
            published_shown=[transparency.shown_row(row) for row in published.rows]
            if published
            else [],
            published_when=local_datetime(published.published_at) if published else "",
            changes=transparency.changes(now, published.rows if published else []),
            threshold=TRANSPARENCY_THRESHOLD,
            form=ConfirmForm(submit_label="Publish the dataset"),
            **kwargs,
        )


class TransparencyPublishView(ServiceFormView):
    allowed_roles = policies.TRANSPARENCY_PUBLISHERS
    http_method_names = ["post"]
    template_name = "projects/transparency.html"
    success_message = "The contracts dataset is published."

    def get_form(self, form_class=None):
        return ConfirmForm(**self.get_form_kwargs(), submit_label="Publish the dataset")

    def perform(self, form):
        return services.transparency_publish(user=self.request.user)

    def get_success_url(self, result):
        return reverse("projects:transparency")


# The published files are open data: anyone may fetch them, and proxies may keep them
# a few minutes, since they change only when the Head of ICT publishes.
PUBLIC_CACHE = "public, max-age=300"
NOT_PUBLISHED = "The council has not published its contracts dataset yet."


class PublishedContractsView(View):
    """The latest publication of the contracts dataset, as CSV or JSON, no sign-in."""

    http_method_names = ["get", "head"]
    file_format = "json"

    def get(self, request):
        publication = selectors.transparency_published()
        if publication is None:
            return HttpResponseNotFound(NOT_PUBLISHED, content_type="text/plain; charset=utf-8")
        published = timezone.localtime(publication.published_at)
        if self.file_format == "csv":
            response = csv_response(
                f"contracts-{published:%Y-%m-%d}.csv",
                transparency.csv_header(),
                [transparency.csv_row(row) for row in publication.rows],
            )
        else:
            response = JsonResponse(
                {
                    "council": settings.COUNCIL_NAME,
                    "dataset": "Contracts over £5,000 (Local Government Transparency Code 2015)",
                    "published": published.isoformat(timespec="seconds"),
                    "contracts": [transparency.json_row(row) for row in publication.rows],
                },
                json_dumps_params={"ensure_ascii": False, "indent": 2},
            )
        if not request.user.is_authenticated:
            response["Cache-Control"] = PUBLIC_CACHE
        return response


# --------------------------------------------------------------------------- scenarios


def _scenario_form_inputs(user) -> dict:
    """What a scenario form offers: the live budgets, the active criteria and the
    proposals awaiting a decision that the person may see in the portfolio."""
    return {
        "budgets": {b.financial_year: b.amount for b in Budget.objects.all()},
        "criteria": list(Criterion.objects.filter(is_active=True)),
        "proposals": list(
            selectors.proposals_visible_to(user)
            .filter(status__in=AWAITING_DECISION)
            .only("title")
            .order_by("pk")
        ),
    }


class ScenarioListView(RoleRequiredMixin, TemplateView):
    allowed_roles = policies.SCENARIO_USERS
    template_name = "projects/scenario_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            scenarios=scenarios.scenarios_visible_to(self.request.user), **kwargs
        )


class ScenarioCreateView(ServiceFormView):
    allowed_roles = policies.SCENARIO_USERS
    template_name = "projects/scenario_form.html"
    success_message = "Scenario saved. The live portfolio is unchanged."
    scenario = None

    def get_form(self, form_class=None):
        return ScenarioForm(
            **self.get_form_kwargs(),
            scenario=self.scenario,
            **_scenario_form_inputs(self.request.user),
        )

    def perform(self, form):
        return scenarios.scenario_save(
            user=self.request.user, scenario=self.scenario, **form.adjustments()
        )


class ScenarioUpdateView(ScenarioCreateView):
    def load_objects(self):
        self.scenario = scenarios.scenario_for_edit(self.request.user, self.kwargs["pk"])
        self.extra_context = {"scenario": self.scenario}


class ScenarioDetailView(RoleRequiredMixin, TemplateView):
    """The scenario beside the baseline: which proposals change, the total score, and
    spend against budget per year, as a chart and a table."""

    allowed_roles = policies.SCENARIO_USERS
    template_name = "projects/scenario_detail.html"

    def load_objects(self):
        self.scenario = scenarios.scenario_for_detail(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        user, scenario = self.request.user, self.scenario
        comparison = scenarios.compare(scenario, viewer=user)
        return super().get_context_data(
            scenario=scenario,
            comparison=comparison,
            adjustments=scenarios.adjustments_shown(scenario, comparison.labels),
            chart=charts.scenario_chart(comparison) if comparison.years else None,
            can_edit=policies.may_edit_scenario(user, scenario),
            can_add_paper=policies.scenario_paper_refusal(user, scenario) is None,
            papers=list(scenario.papers.select_related("meeting")),
            **kwargs,
        )


class ScenarioShareView(RoleRequiredMixin, View):
    """Share the scenario with the Governance Group, or stop: a button on its page."""

    allowed_roles = policies.SCENARIO_USERS
    http_method_names = ["post"]

    def post(self, request, pk):
        scenario = scenarios.scenario_for_edit(request.user, pk)
        shared = request.POST.get("shared") == "yes"
        try:
            scenarios.scenario_share(user=request.user, scenario=scenario, shared=shared)
        except WorkflowError as error:
            messages.error(request, str(error))
            return redirect(scenario.get_absolute_url())
        messages.success(
            request,
            "Shared with the Governance Group." if shared else "No longer shared with the Group.",
        )
        return redirect(scenario.get_absolute_url())


class ScenarioPaperAddView(ServiceFormView):
    """Put a shared scenario to an upcoming Governance Group meeting as a paper."""

    allowed_roles = policies.SCENARIO_PAPER_KEEPERS
    template_name = "projects/scenario_paper_form.html"
    success_message = "The scenario is a paper for the meeting."

    def load_objects(self):
        self.scenario = scenarios.scenario_for_detail(self.request.user, self.kwargs["pk"])
        self.extra_context = {"scenario": self.scenario}

    def get(self, request, *args, **kwargs):
        return self._refused() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._refused() or super().post(request, *args, **kwargs)

    def _refused(self):
        refusal = policies.scenario_paper_refusal(self.request.user, self.scenario)
        if refusal is None:
            return None
        messages.error(self.request, refusal)
        return redirect(self.scenario.get_absolute_url())

    def get_form(self, form_class=None):
        return ScenarioPaperForm(**self.get_form_kwargs(), meetings=scenarios.upcoming_meetings())

    def perform(self, form):
        scenarios.scenario_paper_add(
            user=self.request.user, scenario=self.scenario, meeting=form.cleaned_data["meeting"]
        )
        return self.scenario

    def get_conflict_url(self):
        return self.scenario.get_absolute_url()
