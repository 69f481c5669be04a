"""The Django admin: a break-glass tool for the council's IT operators, not a way round
the portal's rules.

Only superusers (technical accounts made with `createsuperuser`) may use it; the
Administrator role manages accounts, roles and units in the portal's own pages. Even
for superusers the portal's own records are read-only here, since their adds and
changes go through services that check them and write history, which the admin would
bypass; and each list shows only what the same person may see in the portal, by the
same policies (`visible`).
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from .models import OutboundEmail
from .permissions import may_open

STORED_FILE = "stored_file"


class ReadOnlyMixin:
    # Django's admin links a file to its storage URL: from an object store, a signed
    # URL that serves the file to whoever holds it, past the portal's access checks.
    # The admin names the file instead; the portal's own pages download it.
    def _file_fields(self) -> set[str]:
        return {f.name for f in self.model._meta.fields if isinstance(f, models.FileField)}

    def get_fields(self, request, obj=None):
        files = self._file_fields()
        fields = super().get_fields(request, obj)
        return list(dict.fromkeys(STORED_FILE if name in files else name for name in fields))

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return [*readonly, STORED_FILE] if self._file_fields() else readonly

    @admin.display(description="stored file")
    def stored_file(self, obj) -> str:
        names = [getattr(obj, name).name for name in sorted(self._file_fields())]
        return ", ".join(name for name in names if name) or "-"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PortalModelAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    """One of the portal's own models: read-only, and listing only what the viewer may
    see in the portal. Subclasses where a policy exists override `visible`."""

    def visible(self, user) -> Q:
        return Q()

    def get_queryset(self, request):
        return super().get_queryset(request).filter(self.visible(request.user))

    def _in_scope(self, request, object_id) -> None:
        # django-simple-history's history pages would otherwise show an object outside
        # the list from its history records.
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Its POST reverts the object to an old version whatever the change permission.
        if request.method != "GET":
            raise PermissionDenied
        self._in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


def as_page(url_name: str):
    """A `visible` for records that a portal page shows whole to whoever may open it:
    all of them to those the page lets in, none to anyone else."""

    def visible(self, user) -> Q:
        return Q() if may_open(user, url_name) else Q(pk__in=[])

    return visible


class PortalInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """What a superuser needs to chase an e-mail that did not go: to whom, about what,
    how far it got and why not. Never the body: it can hold a link that signs its
    reader in or sets their password."""

    fields = ("recipient", "subject", "status", "attempts", "created_at", "sent_at", "last_error")
    readonly_fields = fields
    list_display = ("subject", "recipient", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status",)
    search_fields = ("recipient", "subject")
