"""Adding KPI values through the API, by the same service as the KPI's page (so the
same checks, history and data version)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from . import lists, services
from .models import KPIMeasurement


class KPIValueSerializer(serializers.ModelSerializer):
    period_end = serializers.DateField(help_text="The last day of the period measured.")
    value = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text="The value; for a rate, left out (it is worked out).",
    )
    numerator = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, help_text="For a rate."
    )
    denominator = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, help_text="For a rate: more than 0."
    )
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000, help_text="Commentary."
    )
    status = serializers.CharField(read_only=True, help_text="Awaiting approval until approved.")

    class Meta:
        model = KPIMeasurement
        fields = ["id", "period_end", "value", "numerator", "denominator", "note", "status"]
        read_only_fields = ["id", "status"]

    def validate_denominator(self, denominator):
        if denominator is not None and denominator <= 0:
            raise serializers.ValidationError("The denominator must be more than 0.")
        return denominator


class KPIValueCreateAPI(GenericAPIView):
    """Record (or correct) a KPI's value for a period. It awaits the Head of ICT's
    approval before anyone else sees it."""

    serializer_class = KPIValueSerializer

    @extend_schema(
        responses={201: KPIValueSerializer},
        summary="Add a KPI value",
        tags=[lists.kpi_list.title],
    )
    def post(self, request, pk):
        kpi = get_object_or_404(lists.kpi_list.scoped(request.user), pk=pk)
        serializer = KPIValueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        value = services.kpi_measurement_record(
            user=request.user, kpi=kpi, **serializer.validated_data
        )
        return Response(KPIValueSerializer(value).data, status=status.HTTP_201_CREATED)


ACTIONS = [("kpis/<int:pk>/values/", KPIValueCreateAPI, "kpi-value-create")]
