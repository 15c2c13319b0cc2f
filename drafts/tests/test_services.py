"""The rules of submissions and amendments, enforced by the services."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from drafts import services
from drafts.exceptions import (
    DeadlinePassed,
    InvalidAnchor,
    InvalidDocument,
    NotAllowed,
    StepNotAllowed,
    TooLong,
)
from drafts.models import Submission
from drafts.services import Draft
from drafts.wordcount import count_words
from tests import builders
from tests.access import audited

PASSAGE = "without right"


def amendment(organisation, **overrides):
    fields = {
        "kind": "amendment",
        "speaks_for": f"org:{organisation.public_id}",
        "language": "en",
        "title": "Require dishonest intent",
        "body": "Good-faith security research must not be criminalised.",
        "element": "chp_2__art_3__para_1",
        "operation": "replace",
        "quote": PASSAGE,
        "proposed_text": "without right and with dishonest intent",
    }
    fields.update(overrides)
    return Draft(**fields)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Les États parties s’engagent à l’article 5, peut-être aujourd’hui.", 9),
        ("تعتمد كل دولة طرف ما قد يلزم من تدابير تشريعية", 10),
        ("كَتَبَ الطَّالِبُ الدَّرْسَ", 3),  # vowel marks stay inside their words
        ("各缔约国应采取必要的立法措施。", 14),  # each Han character is a word
        ("各缔约国 shall adopt 2,000 measures.", 8),
        ("The 2,000-word limit, 3.5 per cent; e-mail", 7),
        ("", 0),
    ],
)
def test_words_are_counted_as_a_person_would(text, words):
    assert count_words(text) == words


def test_a_stakeholder_amendment_waits_for_a_moderator(revision, accredited):
    user, organisation = accredited
    with audited("drafts.submission.created"):
        submission = services.create_submission(revision, actor=user, draft=amendment(organisation))
    assert submission.state == "draft"
    element_text = submission.element.texts.get().text
    start = element_text.index(PASSAGE)
    assert (submission.position_start, submission.position_end) == (start, start + len(PASSAGE))
    assert submission.quote_prefix == element_text[start - 32 : start]
    assert submission.quote_suffix == element_text[start + len(PASSAGE) :][:32]
    assert submission.constituency == "ngo" and submission.region == "african"
    with audited("drafts.submission.submitted"):
        submission = services.submit_submission(submission, actor=user)
    assert submission.state == "pending" and submission.published_at is None


def test_a_member_state_submission_is_published_at_once(revision, delegate):
    draft = Draft(kind="written", speaks_for="state:US", language="en", body="We support it.")
    submission = services.create_submission(revision, actor=delegate, draft=draft)
    submission = services.submit_submission(submission, actor=delegate)
    assert submission.state == "published" and submission.constituency == "state"
    assert submission.region == "weog"


def test_people_not_accredited_cannot_write(revision, stakeholder, delegate):
    draft = Draft(kind="written", speaks_for="state:FR", language="en", body="x")
    with pytest.raises(NotAllowed):
        services.create_submission(revision, actor=delegate, draft=draft)  # a US delegate
    other = builders.make_organisation(admin=stakeholder, name="Not accredited")
    with pytest.raises(NotAllowed):
        services.create_submission(revision, actor=stakeholder, draft=amendment(other))
    assert not Submission.objects.exists()


def test_the_deadline_is_enforced_with_its_date(revision, accredited):
    user, organisation = accredited
    submission = services.create_submission(revision, actor=user, draft=amendment(organisation))
    past = timezone.now() - timedelta(minutes=1)
    services.set_deadline(revision, actor=None, deadline=past)
    submission.revision.refresh_from_db()
    with pytest.raises(DeadlinePassed) as error:
        services.submit_submission(submission, actor=user)
    assert error.value.deadline == past
    with pytest.raises(DeadlinePassed):
        services.create_submission(revision, actor=user, draft=amendment(organisation))
    submission.refresh_from_db()
    assert submission.state == "draft" and Submission.objects.count() == 1


def test_over_two_thousand_words_is_refused(revision, accredited):
    user, organisation = accredited
    body = " ".join(["palabra"] * 1990) + " " + "各" * 11
    with pytest.raises(TooLong) as error:
        services.create_submission(
            revision, actor=user, draft=amendment(organisation, kind="written", body=body)
        )
    assert error.value.words == 2001
    assert not Submission.objects.exists()


def test_an_anchor_to_a_passage_that_is_not_there_is_refused(revision, accredited):
    user, organisation = accredited
    with pytest.raises(InvalidAnchor, match="not in the element"):
        services.create_submission(
            revision, actor=user, draft=amendment(organisation, quote="with malice")
        )
    with pytest.raises(InvalidAnchor, match="not at the position"):
        services.create_submission(
            revision, actor=user, draft=amendment(organisation, start=0, end=13)
        )
    assert not Submission.objects.exists()


def test_a_quote_that_matches_twice_is_refused_unless_the_context_says_which(revision, accredited):
    user, organisation = accredited
    draft = amendment(organisation, element="chp_1__art_2__point_a", quote="devic")
    with pytest.raises(InvalidAnchor, match="appears 2 times"):
        services.create_submission(revision, actor=user, draft=draft)
    assert not Submission.objects.exists()
    draft.prefix = "interconnected "
    submission = services.create_submission(revision, actor=user, draft=draft)
    text = submission.element.texts.get().text
    assert submission.position_start == text.index("interconnected devic") + len("interconnected ")


def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_stored(revision, accredited):
    user, organisation = accredited
    fake = SimpleUploadedFile("notes.pdf", b"<html>not a pdf</html>")
    with pytest.raises(InvalidDocument, match="not a PDF"):
        services.create_submission(
            revision, actor=user, draft=amendment(organisation), attachment=fake
        )
    assert not Submission.objects.exists()


def test_moderation_publishes_or_refuses_with_a_reason_and_tells_the_author(
    revision, accredited, moderator, django_capture_on_commit_callbacks
):
    user, organisation = accredited
    first = services.submit_submission(
        services.create_submission(revision, actor=user, draft=amendment(organisation)), actor=user
    )
    second = services.submit_submission(
        services.create_submission(
            revision, actor=user, draft=amendment(organisation, title="Second")
        ),
        actor=user,
    )
    with django_capture_on_commit_callbacks(execute=True), audited("drafts.submission.published"):
        services.moderate_submission(first, actor=moderator, decision="publish")
    with pytest.raises(Exception, match="reason"):
        services.moderate_submission(second, actor=moderator, decision="reject")
    with django_capture_on_commit_callbacks(execute=True), audited("drafts.submission.rejected"):
        services.moderate_submission(
            second, actor=moderator, decision="reject", reason="Off topic."
        )
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.state, second.state) == ("published", "rejected")
    assert second.moderation_reason == "Off topic."
    assert [m.to for m in mail.outbox] == [[user.email], [user.email]]
    assert "Off topic." in mail.outbox[1].body
    with pytest.raises(StepNotAllowed):
        services.moderate_submission(first, actor=moderator, decision="reject", reason="x")


def test_a_moderator_of_another_process_cannot_moderate(revision, accredited, other_process):
    user, organisation = accredited
    pending = services.submit_submission(
        services.create_submission(revision, actor=user, draft=amendment(organisation)), actor=user
    )
    outsider = builders.make_user("mod.other@example.org", role="moderator", process=other_process)
    with pytest.raises(NotAllowed):
        services.moderate_submission(pending, actor=outsider, decision="publish")
    pending.refresh_from_db()
    assert pending.state == "pending"


def test_withdrawal_takes_a_published_submission_out(revision, delegate):
    draft = Draft(kind="written", speaks_for="state:US", language="en", body="We support it.")
    submission = services.submit_submission(
        services.create_submission(revision, actor=delegate, draft=draft), actor=delegate
    )
    with audited("drafts.submission.withdrawn"):
        submission = services.withdraw_submission(submission, actor=delegate)
    assert submission.state == "withdrawn"
    with pytest.raises(StepNotAllowed):
        services.submit_submission(submission, actor=delegate)
