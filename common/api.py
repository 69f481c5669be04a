"""The REST API's shared parts: who is calling, what they may do, errors as RFC 9457
problem details, and the read endpoints of every declared list (common.lists).

Django REST framework with drf-spectacular rather than django-ninja: the portal is
Django views, forms and querysets throughout, and DRF reads those as they are (session
and token authentication side by side, django-filter FilterSets as query parameters,
throttles on Django's cache), while drf-spectacular writes the OpenAPI 3.1 schema from
the same classes. Ninja would want every list and filter written again as pydantic.

A list endpoint is its DeclaredList: the same scoped selector (the caller's policy),
the same FilterSet and the same columns as the list page and its downloads, so the API
can show no row and no value the page would not.
"""

import datetime
import functools
import re
from decimal import Decimal
from http import HTTPStatus

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import (
    exceptions,
    pagination,
    serializers,
)
from rest_framework.generics import GenericAPIView
from rest_framework.mixins import ListModelMixin, RetrieveModelMixin
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler

from .api_access import FeedKeyAuthentication
from .errors import WorkflowError
from .figures import Measure, Money
from .lists import DeclaredList, Kind, registered

PROBLEM_TYPE = "application/problem+json"
TOKEN_KEYWORDS = ("Bearer", "Token")


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


# ----------------------------------------------------------------- problem details


def problem_exception_handler(exc, context):
    """Every error as RFC 9457 problem details: type, title, status, detail and the
    request's path as instance; a validation error lists each field's messages."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, WorkflowError):
        exc = exceptions.APIException(str(exc))
        exc.status_code = HTTPStatus.CONFLICT
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None
    request = context["request"]
    response.data = problem(
        response.status_code,
        detail=_detail(exc),
        instance=request.path,
        errors=_field_errors(exc.detail) if isinstance(exc, exceptions.ValidationError) else None,
    )
    response.content_type = PROBLEM_TYPE
    # In JSON whatever the endpoint's own format (the schema's is YAML by default).
    request.accepted_renderer, request.accepted_media_type = JSONRenderer(), PROBLEM_TYPE
    return response


def problem(status: int, *, detail: str, instance: str, errors=None) -> dict:
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if errors:
        body["errors"] = errors
    return body


def _detail(exc) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "Some of what was sent is not valid: see errors."
    detail = getattr(exc, "detail", None)
    return str(detail) if detail else str(exc)


def _field_errors(detail, pointer="") -> list[dict]:
    """[{"pointer": "#/title", "detail": "Enter a title"}], after RFC 9457's example
    of an extension member; JSON Pointers to the fields sent."""
    if isinstance(detail, dict):
        found = []
        for field, value in detail.items():
            here = pointer if field in ("non_field_errors", "__all__") else f"{pointer}/{field}"
            found += _field_errors(value, here)
        return found
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return [{"pointer": f"#{pointer}", "detail": str(item)} for item in detail]
        found = []
        for index, item in enumerate(detail):
            found += _field_errors(item, f"{pointer}/{index}")
        return found
    return [{"pointer": f"#{pointer}", "detail": str(detail)}]


# --------------------------------------------------------------- declared lists


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "common.api_access.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token from your account page.",
        }


class ColumnField(serializers.Field):
    """One column of a declared list, as the API gives it: numbers as numbers, dates
    in ISO 8601, nothing as null (where a file says why, the API says null)."""

    def __init__(self, column, **kwargs):
        self.column = column
        super().__init__(source="*", read_only=True, label=column.header, **kwargs)

    def to_representation(self, row):
        value = self.column.value(row)
        if isinstance(value, Money):
            return value.amount
        if isinstance(value, Measure):
            return value.value
        if isinstance(value, datetime.datetime):
            # To the second: a row's times are for people and reports, not ordering.
            value = value.replace(microsecond=0)
            return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value
        if isinstance(value, datetime.date):
            return value.isoformat()
        if self.column.kind in (Kind.DECIMAL, Kind.MONEY, Kind.MEASURE, Kind.INTEGER):
            return value if isinstance(value, int | Decimal) else None
        return value


SCHEMA_TYPES = {
    Kind.TEXT: OpenApiTypes.STR,
    Kind.INTEGER: OpenApiTypes.INT,
    Kind.DECIMAL: OpenApiTypes.NUMBER,
    Kind.MONEY: OpenApiTypes.NUMBER,
    Kind.MEASURE: OpenApiTypes.NUMBER,
    Kind.BOOLEAN: OpenApiTypes.BOOL,
    Kind.DATE: OpenApiTypes.DATE,
    Kind.DATETIME: OpenApiTypes.DATETIME,
}
# A field class per kind, so the schema types each column.
_FIELD_CLASSES = {
    kind: extend_schema_field(schema)(type(f"{kind.value.title()}Column", (ColumnField,), {}))
    for kind, schema in SCHEMA_TYPES.items()
}


def _nested_serializer(name: str, nested) -> serializers.Serializer:
    """The parts a row holds (common.lists.Nested), as a read-only list of objects."""
    fields = {
        column.key: _FIELD_CLASSES[column.kind](column, allow_null=True)
        for column in nested.columns
    }
    child = type(f"{name}{nested.name.title()}Serializer", (serializers.Serializer,), fields)
    return child(many=True, read_only=True, source=nested.source)


@functools.cache
def serializer_for(declared: DeclaredList) -> type[serializers.Serializer]:
    """A read-only serializer of the list's columns, with the row's id, and the parts
    of each row it nests (DeclaredList.nested)."""
    fields = {"id": serializers.SerializerMethodField()}
    name = "".join(part.title() for part in declared.name.split("-"))
    for column in declared.columns:
        fields[column.key] = _FIELD_CLASSES[column.kind](column, allow_null=True)
    for nested in declared.nested:
        fields[nested.name] = _nested_serializer(name, nested)

    @extend_schema_field(OpenApiTypes.INT)
    def get_id(self, row):
        return row["proposal"].pk if isinstance(row, dict) else row.pk

    fields["get_id"] = get_id
    return type(f"{name}Serializer", (serializers.Serializer,), fields)


class DeclaredAPIView(GenericAPIView):
    """A declared list (common.lists) as the API serves it, to those its page allows."""

    declared: DeclaredList

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not self.declared.allows(request.user):
            raise exceptions.PermissionDenied("Your role does not give you access to this list.")

    def get_serializer_class(self):
        return serializer_for(self.declared)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the class
            return self.declared.filterset_class._meta.model.objects.none()
        return self.declared.scoped(self.request.user)

    def filterset(self):
        data = self.request.query_params.copy()
        for name in ("page", "page_size", "format"):
            data.pop(name, None)
        filterset = self.declared.filterset(self.request.user, data)
        if not filterset.is_valid():
            raise exceptions.ValidationError(filterset.errors)
        return filterset


class DeclaredListAPIView(ListModelMixin, DeclaredAPIView):
    """GET: the list's rows as its page shows them to the caller, filtered by the
    same query parameters, a page at a time."""

    pagination_class = Pagination

    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        rows = self.declared.rows(request.user, self.filterset())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class DeclaredDetailAPIView(RetrieveModelMixin, DeclaredAPIView):
    """GET one row of the list, found among the rows the caller may see (else 404)."""

    pagination_class = None

    def get(self, request, *args, **kwargs):
        return self.retrieve(request, *args, **kwargs)

    def retrieve(self, request, pk):
        row = self.declared.one(request.user, pk)
        if row is None:
            raise exceptions.NotFound()
        return Response(self.get_serializer(row).data)


@extend_schema(exclude=True)  # for Power BI, described in the README
class FeedView(DeclaredListAPIView):
    """A Power BI dataset: one declared list, every row the key's holder may see, in
    one JSON array at a fixed URL (/feeds/<list>.json); its query string filters as
    the list page's does. Read-only whatever the key."""

    authentication_classes = [FeedKeyAuthentication]
    pagination_class = None
    http_method_names = ["get", "head", "options"]

    def initial(self, request, *args, **kwargs):
        self.declared = registered().get(kwargs["name"])
        if self.declared is None:
            raise exceptions.NotFound("There is no such feed.")
        super().initial(request, *args, **kwargs)

    def filterset(self):
        data = self.request.query_params.copy()
        data.pop("key", None)
        filterset = self.declared.filterset(self.request.user, data)
        if not filterset.is_valid():
            raise exceptions.ValidationError(filterset.errors)
        return filterset

    def get(self, request, name):
        rows = self.declared.rows(request.user, self.filterset())
        return Response(self.get_serializer(rows, many=True).data)


def list_views(declared: DeclaredList):
    """The list view and (where rows have one) the detail view of a declared list,
    documented in the schema under the list's title."""
    name, slug = declared.__class__.__name__, declared.name.replace("-", "_")

    @extend_schema(
        tags=[declared.title], summary=f"{declared.title} you may see", operation_id=f"{slug}_list"
    )
    def get_list(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    list_view = type(
        f"{name}API",
        (DeclaredListAPIView,),
        {
            "declared": declared,
            "filterset_class": declared.filterset_class,
            "filter_backends": [_FilterDocumentation],
            "get": get_list,
        },
    )
    if not declared.has_detail:
        return list_view, None

    @extend_schema(
        tags=[declared.title],
        summary=f"One row of {declared.title.lower()}, by its id",
        operation_id=f"{slug}_retrieve",
    )
    def get_one(self, request, *args, **kwargs):
        return self.retrieve(request, *args, **kwargs)

    detail_view = type(
        f"{name}DetailAPI", (DeclaredDetailAPIView,), {"declared": declared, "get": get_one}
    )
    return list_view, detail_view


class _FilterDocumentation(DjangoFilterBackend):
    """Lets drf-spectacular document a list's FilterSet as query parameters; the
    filtering itself is DeclaredListAPIView.filterset's, the page's own."""

    def filter_queryset(self, request, queryset, view):
        return queryset


def api_not_found(request):
    """Any other address under /api/: a 404 in the API's own error format."""
    body = problem(
        HTTPStatus.NOT_FOUND, detail="There is no such API endpoint.", instance=request.path
    )
    return JsonResponse(body, status=HTTPStatus.NOT_FOUND, content_type=PROBLEM_TYPE)


@functools.cache
def openapi_schema() -> dict:
    """The OpenAPI document, worked out once per process: it changes only with code."""
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def reference(schema: dict) -> list[dict]:
    """The schema as a reader wants it: per tag, each operation with its method, path,
    summary, query parameters and the fields it takes and gives."""
    components = schema.get("components", {}).get("schemas", {})

    def fields(body) -> list[dict]:
        if not body:
            return []
        ref = body.get("$ref") or body.get("items", {}).get("$ref")
        if not ref and "properties" in body:
            target = body
        else:
            target = components.get((ref or "").rsplit("/", 1)[-1], {})
        if "results" in target.get("properties", {}):
            return fields(target["properties"]["results"])
        required = set(target.get("required", []))
        return [
            {
                "name": name,
                "type": _type_of(spec, components),
                "required": name in required,
                "read_only": spec.get("readOnly", False),
                "description": spec.get("description", "") or spec.get("title", ""),
            }
            for name, spec in target.get("properties", {}).items()
        ]

    sections: dict[str, list] = {}
    for route, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            request = operation.get("requestBody", {}).get("content", {})
            responses = operation.get("responses", {})
            ok = next((responses[code] for code in ("200", "201") if code in responses), {})
            sections.setdefault(operation.get("tags", ["Other"])[0], []).append(
                {
                    "method": method.upper(),
                    "path": route,
                    "summary": operation.get("summary") or operation.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "type": _type_of(p.get("schema", {}), components),
                            "description": _plain(p.get("description", "")),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "takes": fields(request.get("application/json", {}).get("schema")),
                    "gives": fields(
                        ok.get("content", {}).get("application/json", {}).get("schema")
                    ),
                }
            )
    return [{"title": title, "operations": ops} for title, ops in sorted(sections.items())]


def _plain(description: str) -> str:
    """drf-spectacular lists a choice's values in Markdown ("* `open` - Open"); the
    type column already names them, so the page shows the labels only."""
    labels = re.findall(r"\* `[^`]*` - ([^*]+)", description)
    return "; ".join(label.strip() for label in labels) if labels else description


def _type_of(spec: dict, components: dict) -> str:
    if "$ref" in spec:
        target = components.get(spec["$ref"].rsplit("/", 1)[-1], {})
        if "enum" in target:
            return "one of " + ", ".join(str(v) for v in target["enum"] if v not in ("", None))
        return "object"
    for combined in ("oneOf", "anyOf", "allOf"):
        if combined in spec:
            kinds = [_type_of(s, components) for s in spec[combined]]
            return " or ".join(k for k in kinds if k != "null") or "null"
    if "enum" in spec:
        return "one of " + ", ".join(str(v) for v in spec["enum"] if v not in ("", None))
    kind = spec.get("type", "")
    if isinstance(kind, list):
        kind = " or ".join(k for k in kind if k != "null")
    if kind == "array":
        return f"list of {_type_of(spec.get('items', {}), components)}"
    return f"{kind} ({spec['format']})" if spec.get("format") else kind or "any"
