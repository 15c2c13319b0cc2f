from django.db import models
from django.utils.translation import gettext_lazy as _


class TextStatus(models.TextChoices):
    DRAFT = "draft", _("Draft: only the secretariat sees it")
    PUBLISHED = "published", _("Published")


class ElementKind(models.TextChoices):
    PREAMBLE = "preamble", _("Preamble")
    CHAPTER = "chapter", _("Chapter")
    SECTION = "section", _("Section")
    TITLE = "title", _("Title")
    ARTICLE = "article", _("Article")
    PARAGRAPH = "paragraph", _("Paragraph")
    POINT = "point", _("Sub-paragraph")
    CONCLUSIONS = "conclusions", _("Final clause")


# Akoma Ntoso's abbreviations in eIds (the AKN naming convention).
EID_PREFIX = {
    ElementKind.CHAPTER: "chp",
    ElementKind.SECTION: "sec",
    ElementKind.TITLE: "title",
    ElementKind.ARTICLE: "art",
    ElementKind.PARAGRAPH: "para",
    ElementKind.POINT: "point",
}


class SubmissionKind(models.TextChoices):
    WRITTEN = "written", _("Written submission")
    AMENDMENT = "amendment", _("Amendment")


class Operation(models.TextChoices):
    INSERT = "insert", _("Insert")
    REPLACE = "replace", _("Replace")
    DELETE = "delete", _("Delete")


class SubmissionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Awaiting moderation")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Not published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AnchorStatus(models.TextChoices):
    EXACT = "exact", _("Found as written")
    FUZZY = "fuzzy", _("Found, slightly changed")
    ORPHANED = "orphaned", _("Not found")


class Verdict(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    PARTLY = "partly", _("Partly reflected")
    NOT_REFLECTED = "not_reflected", _("Not reflected")


# Constituency of a Member State's own submissions (organisations use their kind).
STATE_CONSTITUENCY = "state"
