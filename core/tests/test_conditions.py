"""The in-memory test of a visibility condition agrees with the database's."""

import pytest
from django.db.models import Q

from core.conditions import matches
from core.models import Process
from tests.builders import make_process

pytestmark = pytest.mark.django_db

CONDITIONS = [
    Q(status="active"),
    ~Q(status="active"),
    Q(status__in=["active", "draft"]) & Q(slug="one"),
    Q(status="draft") | Q(slug__in=["two"]),
    Q(predecessor__isnull=True),
    Q(predecessor__slug="one"),
    ~(Q(predecessor__isnull=False) & Q(status="active")),
]


@pytest.mark.parametrize("condition", CONDITIONS, ids=str)
def test_in_memory_and_in_the_database_agree(condition):
    one = make_process(slug="one", status="active")
    two = make_process(slug="two", status="draft", predecessor=one)
    three = make_process(slug="three", status="concluded", predecessor=two)
    for process in (one, two, three):
        fresh = Process.objects.get(pk=process.pk)
        in_db = Process.objects.filter(condition, pk=process.pk).exists()
        assert matches(condition, fresh) == in_db, process.slug


def test_a_lookup_it_does_not_know_fails_loudly():
    process = make_process(slug="one")
    with pytest.raises(ValueError, match="cannot be tested in memory"):
        matches(Q(slug__startswith="o"), process)
