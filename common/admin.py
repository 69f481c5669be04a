"""The Django admin: a break-glass tool for the council's IT operators, not a way round
the portal's rules.

Only superusers (technical accounts made with `createsuperuser`) may use it; the
Administrator role manages accounts, roles and units in the portal's own pages. Even
for superusers the portal's own records are read-only here, since their adds and
changes go through services that check them and write history, which the admin would
bypass; and each list shows only what the same person may see in the portal, by the
same policies (`visible`). The models that packages register here (sign-in, second
factors, single sign-on, Celery's schedules and results) are read-only too, and their
secrets are never shown (`read_only_third_party`).
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


# The portal's own apps, whose models are registered above and in each app's admin
# module. Every other app's models are registered by their packages.
PORTAL_APPS = frozenset({"common", "governance", "projects", "risks", "reports", "benchmarks"})

# Packages' models kept out of the admin: what they hold is a secret and little else.
HIDDEN_MODELS = frozenset({
    # An OAuth access and refresh token (token, token_secret) and its expiry; its
    # package's list shows each token's first 40 characters. The portal keeps none
    # (SOCIALACCOUNT_STORE_TOKENS), and there is nothing in one to chase.
    "socialaccount.SocialToken",
    # The key of a link that confirms an e-mail address, registered by allauth only
    # when it stores keys rather than signing them (ACCOUNT_EMAIL_CONFIRMATION_HMAC).
    "account.EmailConfirmation",
    # A signed-in session, whose data would let its reader act as the person: Django
    # does not register it, and should nothing else ever do so, it stays out.
    "sessions.Session",
})  # fmt: skip

# Packages' models shown without these fields: not on their pages, nor in their lists,
# filters or searches.
HIDDEN_FIELDS = {
    # A second factor's secret: the TOTP seed, the recovery codes' seed and which are
    # used, a passkey's credential. Whose it is, its kind and when it was set up and
    # last used are enough to chase a sign-in; an Administrator resets factors in the
    # portal.
    "mfa.Authenticator": ("data",),
    # The single sign-on client's secret and key, and its settings, where some
    # providers keep a private key (Apple's certificate_key); its name, provider and
    # client id stay. The portal's own client is in settings (SSO_CLIENT_SECRET), not here.
    "socialaccount.SocialApp": ("secret", "key", "settings"),
}
# The others hold nothing secret and show whole: e-mail addresses (account), the link
# of an account to its single sign-on subject with the claims the provider sent
# (socialaccount.SocialAccount: claims, not tokens), Celery beat's schedules and tasks
# and Celery's task results (the portal's tasks take ids and return counts or yes/no).


class ThirdPartyReadOnly(ReadOnlyMixin):
    """A package's admin made read-only, without the fields named in `hidden_fields`.

    Beat's schedules are the portal's to change: a report schedule's page changes its
    beat task and writes its history (reports.services.schedule_update); a change made
    here would bypass both, and the two would disagree."""

    hidden_fields: tuple[str, ...] = ()

    # A package's admin actions run whatever the permissions say (beat's enable,
    # disable and run tasks; allauth's mark as verified): read-only means none.
    def get_actions(self, request):
        return {}

    def _hidden(self, name) -> bool:
        # A field, a path through it (`data__secret`), or a search on it (`^data`).
        return isinstance(name, str) and name.lstrip("^=@").split("__")[0] in self.hidden_fields

    def _shown(self, names):
        """`names` without the hidden ones, also from within fields set on one line."""
        shown = []
        for name in names:
            if isinstance(name, list | tuple):
                name = type(name)(part for part in name if not self._hidden(part))
            if name and not self._hidden(name):
                shown.append(name)
        return shown

    def get_fields(self, request, obj=None):
        return self._shown(super().get_fields(request, obj))

    def get_fieldsets(self, request, obj=None):
        return [
            (title, {**options, "fields": self._shown(options["fields"])})
            for title, options in super().get_fieldsets(request, obj)
        ]

    def get_readonly_fields(self, request, obj=None):
        return self._shown(super().get_readonly_fields(request, obj))

    def get_list_display(self, request):
        return self._shown(super().get_list_display(request))

    def get_list_filter(self, request):
        # A filter is a field's name, a filter class, or a field with its filter class.
        return [
            spec
            for spec in super().get_list_filter(request)
            if not self._hidden(spec[0] if isinstance(spec, list | tuple) else spec)
        ]

    def get_search_fields(self, request):
        # A search on a secret would tell, one guess at a time, what it holds.
        return self._shown(super().get_search_fields(request))


def read_only_third_party(site: admin.AdminSite) -> None:
    """Register every package's model again, read-only and without its secrets, or not
    at all (HIDDEN_MODELS). Run once every app's admin module has registered its models
    (common.apps.PortalAdminConfig)."""
    for model, model_admin in list(site._registry.items()):
        if model._meta.app_label in PORTAL_APPS:
            continue
        site.unregister(model)
        if model._meta.label in HIDDEN_MODELS:
            continue
        package_admin = type(model_admin)
        read_only = type(
            f"ReadOnly{package_admin.__name__}",
            (ThirdPartyReadOnly, package_admin),
            {"hidden_fields": HIDDEN_FIELDS.get(model._meta.label, ())},
        )
        site.register(model, read_only)
