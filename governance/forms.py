from django import forms

from common.forms import GDSDateField, GDSFormMixin
from common.roles import Role

from .models import ActionPlanItem, BusinessUnit, CorporateObjective, Objective, User


def _portal_users():
    return User.objects.filter(is_active=True, groups__name__in=[r.value for r in Role]).distinct()


class ObjectiveForm(GDSFormMixin, forms.ModelForm):
    submit_label = "Save objective"
    corporate_objectives = forms.ModelMultipleChoiceField(
        queryset=CorporateObjective.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Corporate objectives it serves",
    )

    class Meta:
        model = Objective
        fields = ["title", "description", "owner", "corporate_objectives"]
        labels = {"title": "Objective", "owner": "Owner (optional)"}
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _portal_users()


class ActionPlanItemForm(GDSFormMixin, forms.ModelForm):
    submit_label = "Save action-plan item"
    due_date = GDSDateField(
        required=False, require_all_fields=False, help_text="For example, 31 3 2027"
    )

    class Meta:
        model = ActionPlanItem
        fields = [
            "title",
            "description",
            "owner",
            "lead_unit",
            "due_date",
            "status",
            "rag",
            "progress",
        ]
        labels = {"title": "Action", "owner": "Owner (optional)"}
        help_texts = {
            "rag": "Red: will not be delivered as planned without intervention. "
            "Amber: at risk. Green: on track.",
            "progress": "A whole number from 0 to 100.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _portal_users()
        self.fields["lead_unit"].queryset = BusinessUnit.objects.filter(is_active=True)
        self.fields["lead_unit"].required = False
