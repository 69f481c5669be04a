from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator

from common.forms import GDSFormMixin
from common.roles import Role

from .. import policies
from ..models import BusinessUnit, GroupMapping, User
from .selectors import unit_choices


class AccountForm(GDSFormMixin, forms.Form):
    """An account's details and roles. Which roles may change, and whether the account
    may be deactivated, is asked of governance.policies for this actor and person: a
    box the policy refuses is shown disabled with the reason, and its posted value is
    ignored."""

    submit_label = "Save account"
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(label="E-mail address", max_length=254)
    job_title = forms.CharField(max_length=120, required=False, label="Job title (optional)")
    business_unit = forms.ModelChoiceField(
        queryset=BusinessUnit.objects.none(),
        required=False,
        empty_label="No business unit",
        help_text="Officers propose for this unit; members do not score its proposals.",
    )
    roles = forms.MultipleChoiceField(
        choices=[(role.value, role.value) for role in Role],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
    )

    def __init__(self, *args, actor: User, person: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        units = unit_choices()
        if person is not None and person.business_unit_id:
            units = units | BusinessUnit.objects.filter(pk=person.business_unit_id)
        self.fields["business_unit"].queryset = units
        refusal = next(
            filter(None, (policies.role_change_refusal(actor, person, role) for role in Role)),
            None,
        )
        if refusal:
            self.fields["roles"].disabled = True
            self.fields["roles"].help_text = refusal

    def clean(self):
        data = super().clean()
        roles = set(data.get("roles", ()))
        refusal = policies.officer_unit_refusal(roles, data.get("business_unit"))
        if refusal and "business_unit" not in self.errors:
            self.add_error("business_unit", refusal)
        return data


class AccountCreateForm(AccountForm):
    submit_label = "Open the account"
    username = forms.CharField(
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text="What they type to sign in: letters, digits and @ . + - _ only.",
    )
    field_order = ["username", "first_name", "last_name", "email", "job_title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = "We send them a link to set their password here."


class AccountUpdateForm(AccountForm):
    is_active = forms.BooleanField(
        required=False,
        label="The account is active",
        help_text="A deactivated account cannot sign in, and holds its roles unused.",
    )

    def __init__(self, *args, actor: User, person: User, **kwargs):
        kwargs["initial"] = {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "job_title": person.job_title,
            "business_unit": person.business_unit_id,
            "roles": sorted(
                person.groups.filter(name__in=Role.values).values_list("name", flat=True)
            ),
            "is_active": person.is_active,
            **kwargs.get("initial", {}),
        }
        super().__init__(*args, actor=actor, person=person, **kwargs)
        if refusal := policies.deactivation_refusal(actor, person):
            self.fields["is_active"].disabled = True
            self.fields["is_active"].help_text = refusal

    def changes(self) -> dict:
        return {field: self.cleaned_data[field] for field in self.fields if field != "roles"}


class BusinessUnitForm(GDSFormMixin, forms.ModelForm):
    submit_label = "Save business unit"

    class Meta:
        model = BusinessUnit
        fields = ["name", "code"]
        labels = {"code": "Short code"}
        help_texts = {"code": "Lower-case letters, digits and hyphens, for example housing."}


class BusinessUnitUpdateForm(BusinessUnitForm):
    class Meta(BusinessUnitForm.Meta):
        fields = ["name", "code", "is_active"]
        labels = {**BusinessUnitForm.Meta.labels, "is_active": "The business unit is active"}
        help_texts = {
            **BusinessUnitForm.Meta.help_texts,
            "is_active": "A deactivated unit is no longer offered for new accounts or as "
            "the lead unit of an action; its record stays.",
        }


class GroupMappingForm(GDSFormMixin, forms.ModelForm):
    """What one group of the identity provider gives: a role or a business unit.
    The roles offered are those governance.policies lets this actor map; the units,
    the active ones (and the one the mapping already gives)."""

    submit_label = "Save group mapping"
    role = forms.ChoiceField(required=False, label="Role it gives")
    business_unit = forms.ModelChoiceField(
        queryset=BusinessUnit.objects.none(),
        required=False,
        empty_label="No business unit",
        label="Business unit it gives",
        help_text="Choose a role or a business unit, not both.",
    )
    error_names = {"claim_value": "the group claim value", "label": "a label for the group"}

    class Meta:
        model = GroupMapping
        fields = ["claim_value", "label", "role", "business_unit"]

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.role
        self.fields["role"].choices = [("", "No role")] + [
            (role.value, role.value)
            for role in Role
            if role.value == current or not policies.group_mapping_refusal(actor, role.value)
        ]
        units = unit_choices()
        if self.instance.business_unit_id:
            units = units | BusinessUnit.objects.filter(pk=self.instance.business_unit_id)
        self.fields["business_unit"].queryset = units
