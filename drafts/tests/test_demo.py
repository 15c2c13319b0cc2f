"""The demo's texts import, and the second revision reflects what it was written to reflect."""

from drafts import demo, services
from drafts.diffing import compare, summary
from tests import builders


def test_the_demo_revisions_import_and_differ_as_written(process):
    text = builders.make_text(process)
    first = services.import_revision(
        text, actor=None, content=(demo.TEXTS / "revision-1.md").read_bytes(), title="1"
    )
    second = services.import_revision(
        text, actor=None, content=(demo.TEXTS / "revision-2.md").read_bytes(), title="2"
    )
    assert len(demo.ENTRIES) == 20
    assert {e[5] for e in demo.ENTRIES} >= {"ar", "es", "fr", "zh", "en"}
    counts = summary(compare(first, second))
    assert counts == {"unchanged": 5, "changed": 3, "renumbered": 5, "added": 1, "removed": 0}
