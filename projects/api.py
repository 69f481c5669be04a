"""The writes people automate on proposals and projects, through the same services as
the pages (so the same rules, history, e-mails and data version): start and update a
proposal's draft, and post a project's progress update."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from common.api import list_views, serializer_for
from governance.models import CorporateObjective, Objective, Principle, Theme

from . import lists, selectors, services
from .choices import TcopAnswer
from .models import MAX_YEARS, ProgressUpdate, Proposal, TcopPoint
from .services import PROPOSAL_FIELDS

# The project manager is chosen on the page from the unit's people; by API only the
# business case itself.
DRAFT_FIELDS = sorted(PROPOSAL_FIELDS - {"project_manager"})


def _amount():
    return serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, default=0)


class YearSerializer(serializers.Serializer):
    financial_year = serializers.IntegerField(
        min_value=1990,
        max_value=2200,
        help_text="The year the financial year starts: 2026 for 2026/27.",
    )
    capital_cost = _amount()
    revenue_cost = _amount()
    cashable_savings = _amount()


class ThemeLinkSerializer(serializers.Serializer):
    theme = serializers.PrimaryKeyRelatedField(queryset=Theme.objects.all())
    how = serializers.CharField(allow_blank=True, default="", max_length=5000)


class TcopAnswerSerializer(serializers.Serializer):
    point = serializers.PrimaryKeyRelatedField(
        queryset=TcopPoint.objects.all(),
        help_text="A point of the Technology Code of Practice (1 to 13, by its id).",
    )
    answer = serializers.ChoiceField(choices=TcopAnswer.choices, allow_blank=True, default="")
    evidence = serializers.CharField(
        allow_blank=True,
        default="",
        max_length=5000,
        help_text="Needed before submission where the point is met or partly met.",
    )


class ProposalDraftSerializer(serializers.ModelSerializer):
    """A draft business case: every part optional, as on the page; the whole case is
    checked when the unit submits it there. Lists replace what the draft holds."""

    years = YearSerializer(many=True, required=False, max_length=MAX_YEARS)
    themes = ThemeLinkSerializer(many=True, required=False)
    corporate_objectives = serializers.PrimaryKeyRelatedField(
        queryset=CorporateObjective.objects.all(), many=True, required=False
    )
    principles = serializers.PrimaryKeyRelatedField(
        queryset=Principle.objects.all(), many=True, required=False
    )
    objectives = serializers.PrimaryKeyRelatedField(
        queryset=Objective.objects.all(), many=True, required=False
    )
    tcop = TcopAnswerSerializer(
        many=True,
        required=False,
        help_text="The Technology Code of Practice self-assessment: the points answered; "
        "a point left out is left unanswered.",
    )

    class Meta:
        model = Proposal
        fields = [*DRAFT_FIELDS, "years", "themes", "corporate_objectives", "principles",
                  "objectives", "tcop"]  # fmt: skip
        extra_kwargs = {name: {"required": False} for name in DRAFT_FIELDS}

    def service_arguments(self) -> dict:
        """The validated data in the shape proposal_save_draft takes; a list left out
        is left as it is."""
        data = dict(self.validated_data)
        arguments = {"fields": {k: v for k, v in data.items() if k in DRAFT_FIELDS}}
        for name in ("corporate_objectives", "principles", "objectives"):
            if name in data:
                arguments[name] = data[name]
        if "themes" in data:
            arguments["themes"] = {link["theme"].pk: link["how"] for link in data["themes"]}
        if "years" in data:
            years = [row["financial_year"] for row in data["years"]]
            if len(years) != len(set(years)):
                raise serializers.ValidationError({"years": "Give each financial year once."})
            arguments["years"] = {
                row.pop("financial_year"): row for row in (dict(r) for r in data["years"])
            }
        if "tcop" in data:
            points = [row["point"].pk for row in data["tcop"]]
            if len(points) != len(set(points)):
                raise serializers.ValidationError({"tcop": "Answer each point once."})
            # A list replaces the whole self-assessment, as the other lists do.
            arguments["tcop"] = {
                pk: ("", "") for pk in TcopPoint.objects.values_list("pk", flat=True)
            }
            arguments["tcop"] |= {
                row["point"].pk: (row["answer"], row["evidence"]) for row in data["tcop"]
            }
        return arguments


class ProposalStartSerializer(ProposalDraftSerializer):
    class Meta(ProposalDraftSerializer.Meta):
        extra_kwargs = {
            **ProposalDraftSerializer.Meta.extra_kwargs,
            "title": {"required": True, "allow_blank": False},
        }


ProposalRow = serializer_for(lists.proposal_list)
_ListView, _DetailView = list_views(lists.proposal_list)


class ProposalListAPI(_ListView):
    def get_serializer_class(self):
        return ProposalStartSerializer if self.request.method == "POST" else ProposalRow

    @extend_schema(
        request=ProposalStartSerializer,
        responses={201: ProposalRow},
        summary="Start a draft proposal for your business unit",
        operation_id="proposals_create",
        tags=[lists.proposal_list.title],
    )
    def post(self, request):
        serializer = ProposalStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        arguments = serializer.service_arguments()
        with transaction.atomic():  # a bad part of the draft leaves no proposal behind
            proposal = services.proposal_create(
                user=request.user, title=arguments["fields"].pop("title")
            )
            services.proposal_save_draft(proposal=proposal, user=request.user, **arguments)
        row = lists.proposal_list.one(request.user, proposal.pk)
        return Response(
            ProposalRow(row).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": request.build_absolute_uri(f"{request.path}{proposal.pk}/")},
        )


class ProposalDetailAPI(_DetailView):
    def get_serializer_class(self):
        return ProposalDraftSerializer if self.request.method == "PATCH" else ProposalRow

    @extend_schema(
        request=ProposalDraftSerializer,
        responses={200: ProposalRow},
        summary="Update a draft proposal of your business unit",
        operation_id="proposals_partial_update",
        tags=[lists.proposal_list.title],
    )
    def patch(self, request, pk):
        proposal = get_object_or_404(selectors.proposals_visible_to(request.user), pk=pk)
        serializer = ProposalDraftSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.proposal_save_draft(
            proposal=proposal, user=request.user, **serializer.service_arguments()
        )
        return Response(ProposalRow(lists.proposal_list.one(request.user, pk)).data)


class ProgressUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressUpdate
        fields = [
            "id", "reported_on", "rag_overall", "rag_time", "rag_cost", "rag_scope",
            "percent_complete", "actual_spend_to_date", "milestones_met", "narrative",
        ]  # fmt: skip
        read_only_fields = ["id"]


class ProgressUpdateCreateAPI(GenericAPIView):
    """Post a progress update on a project you manage (or, as Head of ICT, any)."""

    serializer_class = ProgressUpdateSerializer

    @extend_schema(
        request=ProgressUpdateSerializer,
        responses={201: ProgressUpdateSerializer},
        summary="Post a project's progress update",
        tags=[lists.project_list.title],
    )
    def post(self, request, pk):
        project = get_object_or_404(selectors.projects_visible_to(request.user), pk=pk)
        serializer = ProgressUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = {k: v for k, v in serializer.validated_data.items() if k != "id"}
        update = services.progress_update_add(project=project, user=request.user, fields=fields)
        return Response(ProgressUpdateSerializer(update).data, status=status.HTTP_201_CREATED)


VIEWS = {lists.proposal_list.name: (ProposalListAPI, ProposalDetailAPI)}
ACTIONS = [("projects/<int:pk>/updates/", ProgressUpdateCreateAPI, "project-update-create")]
