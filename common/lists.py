"""Lists declared once: whose rows, how they are filtered, and what columns they have.

A list page, its CSV and Excel downloads, the REST API's list and a Power BI feed all
show the same thing, so each list is declared once as a `DeclaredList`:

- `scoped(user)`: the rows this person may see (the app's selector, which asks the
  app's policy), so no path out can show a row the page would not;
- `filterset_class`: a django-filter FilterSet, the one parser of the list's query
  string, whether it comes from the page's filter form or from an API call;
- `columns`: what each row shows, with a kind the API's schema and the spreadsheet read.

After NetBox's tables and filtersets, in one object rather than three registries: a
reader of one list finds all of it in one place.
"""

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import django_filters
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.text import slugify

from .exports import csv_response, xlsx_response
from .roles import ALL_ROLES, Role, roles_of


class Kind(enum.StrEnum):
    """What a column holds: how the API types it and how an import reads it."""

    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    MONEY = "money"  # a Money cell (common.figures); a number in the API
    MEASURE = "measure"  # a KPI value in its unit (common.figures.Measure)
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]
    kind: Kind = Kind.TEXT
    name: str = ""  # the API's field name; by default the header in snake case
    # What a file shows where the value is empty, such as why it is hidden; the API,
    # whose values are typed, gives null.
    note: Callable[[Any], str | None] | None = None

    def cell(self, row):
        value = self.value(row)
        if value is None and self.note is not None:
            return self.note(row)
        return value

    @property
    def key(self) -> str:
        return self.name or slugify(self.header.replace("%", "percent")).replace("-", "_")


@dataclass(frozen=True)
class Nested:
    """Parts of each row that the API gives as a list of objects inside the row (a
    risk's controls), read-only, each described by its own columns. Files leave them
    out of the row's columns: a list's extra_sheets may list them whole."""

    name: str  # the API's field name
    source: str  # the row's attribute path to them, as DRF reads it: "controls.all"
    columns: Sequence[Column]


class DeclaredList:
    """One list of the portal. Subclasses set the class attributes and `scoped`."""

    name: ClassVar[str]  # in file names, the API's URL and the Power BI feed's
    title: ClassVar[str]  # the worksheet's title and the API's description
    allowed_roles: ClassVar[frozenset[Role]] = ALL_ROLES
    filterset_class: ClassVar[type[django_filters.FilterSet]]
    columns: ClassVar[Sequence[Column]]
    nested: ClassVar[Sequence[Nested]] = ()
    has_detail: ClassVar[bool] = True  # whether the API offers each row at its own URL

    @classmethod
    def allows(cls, user) -> bool:
        return bool(roles_of(user) & cls.allowed_roles)

    def scoped(self, user):
        """The rows this user may see, before any filter."""
        raise NotImplementedError

    def filterset(self, user, data) -> django_filters.FilterSet:
        # Always bound, so a list's defaults (the open risks) apply with no filter asked.
        return self.filterset_class(data if data is not None else {}, queryset=self.scoped(user))

    def rows(self, user, filterset) -> Iterable:
        """The rows the filters choose, in the list's order. Lists whose rows are
        worked out beyond a queryset (a ranking, a latest value) override this."""
        return filterset.qs

    def one(self, user, pk: int):
        """The row of the object with this primary key, if this user may see it; with
        no filter applied (a closed risk is found, though the register lists open ones)."""
        rows = list(self.rows(user, self.unfiltered(self.scoped(user).filter(pk=pk))))
        return rows[0] if rows else None

    def unfiltered(self, queryset) -> django_filters.FilterSet:
        return self.filterset_class({}, queryset=queryset)

    def header(self) -> list[str]:
        return [column.header for column in self.columns]

    def cells(self, row) -> list:
        return [column.cell(row) for column in self.columns]

    def table(self, rows: Iterable) -> tuple[list[str], Iterable[list]]:
        return self.header(), (self.cells(row) for row in rows)

    def extra_sheets(self, user, rows: Sequence) -> list[tuple[str, list[str], Iterable[list]]]:
        """Worksheets an Excel download carries beside the list's own, as (title,
        header, rows): the parts of the listed rows that an import reads back (a
        KPI's values, a project's progress updates). None unless a list has some."""
        return []


def filename(declared: DeclaredList, extension: str) -> str:
    return f"{declared.name}-{timezone.localdate():%Y-%m-%d}.{extension}"


class DeclaredListMixin:
    """A list page from its DeclaredList: `?format=csv` and `?format=xlsx` download
    what the page lists (every page of it, with the same filters); the template gets
    the filter form as `filter` and the page of rows as `page`."""

    declared: ClassVar[DeclaredList]
    page_size = 25

    @classmethod
    def allows(cls, user) -> bool:
        return cls.declared.allows(user)

    def get(self, request, *args, **kwargs):
        file_format = request.GET.get("format")
        if file_format not in ("csv", "xlsx"):
            return super().get(request, *args, **kwargs)
        listed = self.declared.rows(request.user, self.filterset)
        if file_format == "xlsx":
            listed = list(listed)
            header, rows = self.declared.table(listed)
            sheets = [
                (self.declared.title, header, rows),
                *self.declared.extra_sheets(request.user, listed),
            ]
            return xlsx_response(filename(self.declared, "xlsx"), sheets)
        header, rows = self.declared.table(listed)
        return csv_response(filename(self.declared, "csv"), header, rows)

    def load_objects(self):
        super().load_objects()
        self.filterset = self.declared.filterset(self.request.user, self.filter_data())

    def filter_data(self):
        """The filters asked for: the query string less the page's own parameters."""
        data = self.request.GET.copy()
        for name in ("page", "format"):
            data.pop(name, None)
        return data

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)

    def paginate(self, rows) -> Any:
        return Paginator(rows, self.page_size).get_page(self.request.GET.get("page"))


_registry: dict[str, DeclaredList] = {}


def register(declared: DeclaredList) -> DeclaredList:
    """Lists offered beyond their page (the API, Power BI feeds) register here."""
    _registry[declared.name] = declared
    return declared


def registered() -> dict[str, DeclaredList]:
    """Every declared list, each app's `lists` module found as the admin finds each
    app's `admin` module."""
    autodiscover_modules("lists")
    return dict(_registry)
