"""Fixtures of negotiating texts: a published text with one revision, accredited people."""

from pathlib import Path

import pytest

from tests import builders

# A copy of ../shared/data/treaty-texts/ kept with the tests (see data/SOURCE.md).
ETS_185 = Path(__file__).resolve().parent / "data" / "BWBV0001839_convention_on_cybercrime_en_nl.md"


@pytest.fixture
def text(process):
    return builders.make_text(process)


@pytest.fixture
def revision(text):
    return builders.make_revision(text)


@pytest.fixture
def accredited(process):
    """A representative of an organisation accredited to the process, and the organisation."""
    return builders.make_accredited_representative(process)


@pytest.fixture
def moderator(process):
    return builders.make_user("moderator@example.org", role="moderator", process=process)
