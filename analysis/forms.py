from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import Audience, Identity
from .models import STATEMENT_MAX


class DeliberationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Short name"),
        max_length=80,
        help_text=_("Letters, digits and hyphens; its address."),
    )
    question = forms.CharField(label=_("Question"), max_length=2000, widget=forms.Textarea)
    audience = forms.ChoiceField(label=_("Who may take part"), choices=Audience.choices)
    identity = forms.ChoiceField(label=_("Identity mode"), choices=Identity.choices)
    participants_write = forms.BooleanField(
        label=_("Participants may add statements (moderated)"), required=False, initial=True
    )
    seeds = forms.CharField(
        label=_("Seed statements"),
        help_text=_("One a line."),
        widget=forms.Textarea,
        required=False,
    )

    def clean_seeds(self) -> list[str]:
        lines = [" ".join(line.split()) for line in self.cleaned_data["seeds"].splitlines()]
        too_long = [n for n, line in enumerate(lines, 1) if len(line) > STATEMENT_MAX]
        if too_long:
            raise forms.ValidationError(
                _("Line %(n)s is longer than %(max)s characters.")
                % {"n": too_long[0], "max": STATEMENT_MAX}
            )
        return [line for line in lines if line]


class StatementForm(forms.Form):
    text = forms.CharField(
        label=_("Your statement"),
        max_length=STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One idea, in a sentence others can agree or disagree with."),
    )


class VoteForm(forms.Form):
    statement = forms.IntegerField(min_value=0)
    vote = forms.ChoiceField(
        choices=[("agree", "agree"), ("disagree", "disagree"), ("pass", "pass")]
    )


class CampaignForm(forms.Form):
    threshold = forms.FloatField(
        label=_("Jaccard similarity threshold"), min_value=0.5, max_value=1.0, initial=0.7
    )


class ThemeRunForm(forms.Form):
    question = forms.ChoiceField(label=_("Free-text question"))

    def __init__(self, *args: Any, questions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = questions


class ThemeStartForm(forms.Form):
    """Nothing to choose: a revision's submissions or a deliberation's statements are read."""
