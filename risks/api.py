"""Recording a risk review through the API, by the same service as the review page
(so the same checks, history, escalation e-mails and data version)."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from . import lists, services


class RiskReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    reviewed_on = serializers.DateField(required=False, help_text="Today if left out.")
    residual_likelihood = serializers.IntegerField(min_value=1, max_value=5)
    residual_impact = serializers.IntegerField(min_value=1, max_value=5)
    note = serializers.CharField(max_length=5000, help_text="What the review found.")
    residual_score = serializers.IntegerField(read_only=True)
    residual_level = serializers.CharField(read_only=True)
    outside_appetite = serializers.BooleanField(read_only=True)


class RiskReviewCreateAPI(GenericAPIView):
    """Record a review of a risk you own (or, as Head of ICT, any)."""

    serializer_class = RiskReviewSerializer

    @extend_schema(
        responses={201: RiskReviewSerializer},
        summary="Record a risk review",
        tags=[lists.risk_list.title],
    )
    def post(self, request, pk):
        if not lists.risk_list.allows(request.user):
            self.permission_denied(request, "Your role does not give you the risk register.")
        risk = get_object_or_404(lists.risk_list.scoped(request.user), pk=pk)
        serializer = RiskReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        review = services.risk_review(
            user=request.user,
            risk=risk,
            residual_likelihood=data["residual_likelihood"],
            residual_impact=data["residual_impact"],
            note=data["note"],
            reviewed_on=data.get("reviewed_on") or timezone.localdate(),
        )
        return Response(RiskReviewSerializer(review).data, status=status.HTTP_201_CREATED)


ACTIONS = [("risks/<int:pk>/reviews/", RiskReviewCreateAPI, "risk-review-create")]
