"""Forms of the knowledge base. They check the shape of what is sent and turn it into a
record's content; the rules (which organisations, areas and articles exist, the period's order)
are the services' (content.clean_content), whose errors come back onto these fields."""

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from stakeholders.choices import OrganisationKind, Region
from stakeholders.models import Organisation
from stakeholders.protection import display_name, is_anonymised

from .choices import ActorRole, Language, Licence, Mechanism, RecordType, Sector
from .content import MAX_TEXT
from .exceptions import InvalidRecord

MAX_ACTOR_ROWS = 12


class LongSelectMultiple(forms.SelectMultiple):
    """A multiple <select> for long lists, written directly (see core.widgets.LongSelect)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        selected = {str(v) for v in (value or [])}
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(v), " selected" if str(v) in selected else "", label)
                for v, label in self.choices
            ),
        )
        return format_html("<select multiple{}>{}</select>", flatatt(final), options)


def _blank(label: Any, choices: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


class RecordForm(forms.Form):
    record_type = forms.ChoiceField(label=_("Type"), choices=RecordType.choices)
    title = forms.CharField(label=_("Title"), max_length=250)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the practice is and how it works. Markdown: **bold**, *italics*, lists."),
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=_blank(_("— choose —"), Sector.choices))
    mechanism = forms.ChoiceField(
        label=_("Mechanism"), choices=_blank(_("— choose —"), Mechanism.choices)
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        required=False,
        choices=[],
        widget=LongSelectMultiple(attrs={"size": 6}),
        help_text=_("Where it took place. Their UN regional groups are added for you."),
    )
    regions = forms.MultipleChoiceField(
        label=_("UN regional groups"),
        required=False,
        choices=Region.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For practices that cover a whole region."),
    )
    started_in = forms.IntegerField(
        label=_("Started in (year)"), required=False, min_value=1980, max_value=2100
    )
    ended_in = forms.IntegerField(
        label=_("Ended in (year)"),
        required=False,
        min_value=1980,
        max_value=2100,
        help_text=_("Leave empty if it is still running."),
    )
    outcomes = forms.CharField(
        label=_("Outcomes"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What it achieved, with figures where there are any. Markdown."),
    )
    areas = forms.MultipleChoiceField(
        label=_("Thematic areas"), required=False, choices=[], widget=forms.CheckboxSelectMultiple
    )
    articles = forms.MultipleChoiceField(
        label=_("Articles of the negotiating text"),
        required=False,
        choices=[],
        widget=LongSelectMultiple(attrs={"size": 6}),
    )
    links = forms.CharField(
        label=_("Evidence: links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr"}),
        help_text=_("One per line: the address, then a space and a label (optional)."),
    )
    document = forms.FileField(
        label=_("Evidence: a PDF"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        help_text=_("PDF only, 10 MB at most, without scripts or embedded files."),
    )
    keep_documents = forms.MultipleChoiceField(
        label=_("PDFs kept"), required=False, choices=[], widget=forms.CheckboxSelectMultiple
    )
    licence = forms.ChoiceField(
        label=_("Licence"),
        choices=Licence.choices,
        initial=Licence.CC_BY,
        help_text=_("Records are open data: choose the open licence under which it is shared."),
    )
    language = forms.ChoiceField(label=_("Language of the record"), choices=Language.choices)
    note = forms.CharField(
        label=_("Note to the moderators"),
        required=False,
        max_length=300,
        help_text=_("What you changed, or anything they should know."),
    )

    def __init__(
        self,
        *args: Any,
        viewer: Any,
        areas: Any,
        articles: list[tuple[int, str]],
        documents: Any = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["countries"].choices = list(countries)
        self.fields["areas"].choices = [(a.slug, a.name) for a in areas]
        self.fields["articles"].choices = [(str(pk), label) for pk, label in articles]
        if not articles:
            del self.fields["articles"]
        documents = list(documents)
        if documents:
            self.fields["keep_documents"].choices = [
                (d.public_id, d.original_name) for d in documents
            ]
            self.fields["keep_documents"].initial = [d.public_id for d in documents]
        else:
            del self.fields["keep_documents"]
        self.actor_rows = ActorRows(
            self.data or None, viewer=viewer, initial=self.initial.get("actors")
        )

    def is_valid(self) -> bool:
        valid = super().is_valid()
        return self.actor_rows.is_valid() and valid

    def content(self) -> dict[str, Any]:
        """The record's content, as the services take it."""
        data = self.cleaned_data
        return {
            **{
                name: data.get(name)
                for name in ("record_type", "title", "summary", "sector", "mechanism")
            },
            "countries": data.get("countries", []),
            "regions": data.get("regions", []),
            "started_in": data.get("started_in"),
            "ended_in": data.get("ended_in"),
            "outcomes": data.get("outcomes", ""),
            "actors": self.actor_rows.actors(),
            "areas": data.get("areas", []),
            "articles": [int(pk) for pk in data.get("articles", [])],
            "links": _links(data.get("links", "")),
            "documents": data.get("keep_documents", []),
            "licence": data.get("licence"),
            "language": data.get("language"),
        }

    def add_service_errors(self, exc: InvalidRecord) -> None:
        for name, messages in exc.errors.items():
            for message in messages:
                if name == "actors":
                    self.actor_rows.errors.append(message)
                    self.add_error(None, message)
                elif name == "documents" and "keep_documents" not in self.fields:
                    self.add_error(None, message)
                else:
                    self.add_error(
                        "keep_documents"
                        if name == "documents"
                        else name
                        if name in self.fields
                        else None,
                        message,
                    )

    def clean_ended_in(self) -> int | None:
        start, end = self.cleaned_data.get("started_in"), self.cleaned_data.get("ended_in")
        if start and end and end < start:
            raise forms.ValidationError(_("The end comes before the start."))
        return end


def _links(text: str) -> list[dict[str, str]]:
    links = []
    for line in (text or "").splitlines():
        parts = line.strip().split(None, 1)
        if parts:
            links.append({"url": parts[0], "label": parts[1] if len(parts) > 1 else ""})
    return links


def links_text(links: list[dict[str, str]]) -> str:
    return "\n".join(f"{link['url']} {link['label']}".strip() for link in links)


class ActorRows:
    """Rows of (organisation, role), named actor-N-organisation and actor-N-role: the existing
    actors and a few empty rows, as many as MAX_ACTOR_ROWS."""

    def __init__(self, data: Any, *, viewer: Any, initial: list[dict[str, str]] | None) -> None:
        self.data, self.errors = data, []
        self.choices = organisation_choices(viewer)
        known = list(initial or [])
        count = min(MAX_ACTOR_ROWS, max(len(known) + 3, 4))
        self.rows = [
            {
                "n": n,
                "organisation": (known[n]["organisation"] if n < len(known) else ""),
                "role": (known[n]["role"] if n < len(known) else ""),
            }
            for n in range(count)
        ]
        if data is not None:
            for row in self.rows:
                row["organisation"] = str(data.get(f"actor-{row['n']}-organisation", "")).strip()
                row["role"] = str(data.get(f"actor-{row['n']}-role", "")).strip()

    def is_valid(self) -> bool:
        known = {value for _group, options in self.choices for value, _label in options}
        for row in self.rows:
            if bool(row["organisation"]) != bool(row["role"]):
                self.errors.append(_("Give both the organisation and its role, on every row used."))
            elif row["organisation"] and row["organisation"] not in known:
                self.errors.append(_("Choose organisations from the list."))
            elif row["role"] and row["role"] not in ActorRole.values:
                self.errors.append(_("Choose a role from the list."))
        self.errors = list(dict.fromkeys(self.errors))
        return not self.errors

    def actors(self) -> list[dict[str, str]]:
        return [
            {"organisation": row["organisation"], "role": row["role"]}
            for row in self.rows
            if row["organisation"] and row["role"]
        ]

    def render_select(self, row: dict[str, Any], field: str) -> SafeString:
        name = f"actor-{row['n']}-{field}"
        if field == "role":
            options = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (v, " selected" if v == row["role"] else "", label)
                    for v, label in _blank(_("— role —"), ActorRole.choices)
                ),
            )
            return format_html('<select name="{}" id="id_{}">{}</select>', name, name, options)
        groups = format_html_join(
            "",
            '<optgroup label="{}">{}</optgroup>',
            (
                (
                    group,
                    format_html_join(
                        "",
                        '<option value="{}"{}>{}</option>',
                        (
                            (v, " selected" if v == row["organisation"] else "", label)
                            for v, label in options
                        ),
                    ),
                )
                for group, options in self.choices
            ),
        )
        empty = format_html('<option value="">{}</option>', _("— organisation —"))
        return format_html('<select name="{}" id="id_{}">{}{}</select>', name, name, empty, groups)

    def bound_rows(self) -> list[dict[str, Any]]:
        return [
            {
                **row,
                "organisation_select": self.render_select(row, "organisation"),
                "role_select": self.render_select(row, "role"),
            }
            for row in self.rows
        ]


def organisation_choices(viewer: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every organisation of the registry, grouped by kind (Member States among them), named as
    the viewer reads them and sorted so, those shown only by region last."""
    everyone = sorted(
        Organisation.objects.all(),
        key=lambda o: (is_anonymised(o, viewer), display_name(o, viewer).casefold(), o.public_id),
    )
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for kind, label in OrganisationKind.choices:
        options = [(o.public_id, display_name(o, viewer)) for o in everyone if o.kind == kind]
        if options:
            groups.append((str(label), options))
    return groups


class ContributeForm(RecordForm):
    """A new record: also the process it is contributed to and the organisation it comes from."""

    process = forms.ChoiceField(
        label=_("Process"),
        required=False,
        choices=[],
        help_text=_("The process it informs; that process's moderators review it."),
    )
    organisation = forms.ChoiceField(
        label=_("Contributed for"), required=False, choices=[], help_text=_("Your organisation.")
    )

    def __init__(self, *args: Any, processes: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["process"].choices = _blank(
            _("— none —"), [(p.slug, p.name) for p in processes]
        )
        self.fields["organisation"].choices = _blank(
            _("— none —"), [(o.public_id, o.name) for o in organisations]
        )
        self.order_fields(
            [
                "process",
                "organisation",
                *[f for f in self.fields if f not in ("process", "organisation")],
            ]
        )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=_blank(_("All types"), RecordType.choices)
    )
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=_blank(_("All regions"), Region.choices)
    )
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=_blank(_("All sectors"), Sector.choices)
    )
    area = forms.ChoiceField(label=_("Thematic area"), required=False, choices=[])
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=_blank(_("All languages"), Language.choices)
    )

    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = _blank(_("All areas"), [(a.slug, a.name) for a in areas])

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if k != "q" and v}


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("publish", _("Publish")), ("reject", _("Do not publish"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to refuse: the contributor is told it."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason: the contributor is told it."))
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The contributor is told it; the record's versions are kept."),
    )
