import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from core import audit
from core.exceptions import AuditLogIsAppendOnly
from core.models import AuditEntry
from tests.builders import make_process


def _tamper(sql: str, params: list) -> None:
    # An attacker with database access goes around the ORM.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_every_entry_is_chained_to_the_previous_one():
    make_process(slug="one")
    make_process(slug="two")
    first, second = AuditEntry.objects.order_by("seq")
    assert first.prev_hash == audit.GENESIS_HASH
    assert second.prev_hash == first.hash
    assert audit.find_first_broken() == (2, None)


@pytest.mark.django_db
def test_verify_audit_passes_on_an_intact_log(capsys):
    make_process(slug="one")
    call_command("verify_audit")
    assert "1 entries verified" in capsys.readouterr().out


@pytest.mark.django_db
def test_an_altered_row_is_named_by_verify_audit():
    for slug in ("one", "two", "three"):
        make_process(slug=slug)
    target = AuditEntry.objects.get(seq=2)
    _tamper(
        f"UPDATE {AuditEntry._meta.db_table} SET action = %s WHERE id = %s",
        ["core.process.deleted", target.pk],
    )
    with pytest.raises(CommandError, match=r"entry #2: its content does not match"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_a_rehashed_row_breaks_the_next_link():
    for slug in ("one", "two", "three"):
        make_process(slug=slug)
    target = AuditEntry.objects.get(seq=2)
    target.data = {"forged": True}
    forged_hash = audit.compute_hash(target)
    _tamper(
        f"UPDATE {AuditEntry._meta.db_table} SET data = %s, hash = %s WHERE id = %s",
        ['{"forged": true}', forged_hash, target.pk],
    )
    checked, broken = audit.find_first_broken()
    assert broken is not None and broken.seq == 3
    assert "link" in broken.reason


@pytest.mark.django_db
def test_a_removed_row_is_named_by_verify_audit():
    for slug in ("one", "two", "three"):
        make_process(slug=slug)
    _tamper(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq = %s", [2])
    with pytest.raises(CommandError, match=r"entry #2: entry #2 is missing"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_entries_cannot_be_changed_or_deleted_through_the_orm():
    make_process(slug="one")
    entry = AuditEntry.objects.get()
    entry.action = "something.else"
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.update(action="x")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().action == "core.process.created"


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent connections are exercised on PostgreSQL")
    errors: list[Exception] = []

    def write(n: int) -> None:
        try:
            for i in range(5):
                audit.record("test.concurrent", actor=None, data={"writer": n, "i": i})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert audit.find_first_broken() == (30, None)


@pytest.mark.django_db
def test_removing_the_newest_entries_is_detected():
    for slug in ("one", "two", "three"):
        make_process(slug=slug)
    _tamper(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq >= %s", [2])
    with pytest.raises(CommandError, match=r"entry #2: entries #2 to #3 are missing"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_a_chain_rewritten_without_the_key_is_detected(settings):
    for slug in ("one", "two"):
        make_process(slug=slug)
    # Someone with only database access rewrites entry 2 and re-seals it with a key they chose.
    target = AuditEntry.objects.get(seq=2)
    target.action = "core.process.forged"
    settings.AUDIT_KEY = "the attacker's guess"
    forged = audit.compute_hash(target)
    _tamper(
        f"UPDATE {AuditEntry._meta.db_table} SET action = %s, hash = %s WHERE id = %s",
        ["core.process.forged", forged, target.pk],
    )
    _tamper("UPDATE core_audithead SET hash = %s", [forged])
    settings.AUDIT_KEY = "audit:" + settings.SECRET_KEY
    checked, broken = audit.find_first_broken()
    assert broken is not None and broken.seq == 2


# The sealed head and the external anchor ---------------------------------------------------------


def _three_entries() -> list[AuditEntry]:
    for slug in ("one", "two", "three"):
        make_process(slug=slug)
    return list(AuditEntry.objects.order_by("seq"))


@pytest.mark.django_db
def test_truncating_the_newest_entries_and_rewriting_the_head_is_detected():
    first, *_ = _three_entries()
    _tamper(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq >= %s", [2])
    # The attacker points the head at what is left; without the key they cannot seal it.
    _tamper("UPDATE core_audithead SET seq = %s, hash = %s", [1, first.hash])
    with pytest.raises(CommandError, match=r"entry #2: the head of the log is not validly sealed"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_deleting_every_entry_and_the_head_is_detected():
    _three_entries()
    _tamper(f"DELETE FROM {AuditEntry._meta.db_table}", [])
    _tamper("DELETE FROM core_audithead", [])
    with pytest.raises(CommandError, match=r"entry #1: the head of the log is missing"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_a_head_forged_without_the_key_is_detected(settings):
    entries = _three_entries()
    # A head that looks right in every column but the seal, which needs AUDIT_KEY.
    _tamper(
        "UPDATE core_audithead SET seq = %s, hash = %s, seal = %s",
        [3, entries[-1].hash, "0" * 64],
    )
    checked, broken = audit.find_first_broken()
    assert checked == 3
    assert broken is not None and broken.seq == 4 and "not validly sealed" in broken.reason


@pytest.mark.django_db
def test_a_gap_in_the_middle_is_named_even_with_the_head_intact():
    _three_entries()
    _tamper(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq = %s", [2])
    checked, broken = audit.find_first_broken()
    assert broken == audit.ChainBreak(2, "entry #2 is missing")


@pytest.mark.django_db
def test_writing_after_a_truncation_keeps_the_break_visible():
    _three_entries()
    _tamper(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq >= %s", [2])
    # The application keeps writing; the new entry must not paper over the removal.
    make_process(slug="four")
    checked, broken = audit.find_first_broken()
    assert broken is not None and broken.seq == 2


@pytest.mark.django_db
def test_writing_after_the_head_was_deleted_keeps_the_break_visible():
    _three_entries()
    _tamper(f"DELETE FROM {AuditEntry._meta.db_table}", [])
    _tamper("DELETE FROM core_audithead", [])
    make_process(slug="four")
    checked, broken = audit.find_first_broken()
    assert checked == 1
    assert broken is not None and "not validly sealed" in broken.reason


@pytest.mark.django_db
def test_an_empty_log_is_intact():
    assert audit.find_first_broken() == (0, None)


@pytest.mark.django_db
def test_verify_audit_prints_the_anchor_of_an_intact_log(capsys):
    entries = _three_entries()
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "3 entries verified" in out
    assert f"3:{entries[-1].hash}" in out


@pytest.mark.django_db
@pytest.mark.parametrize("form", ["hash", "seq:hash"])
def test_verify_audit_accepts_an_anchor_still_in_the_log(capsys, form):
    entries = _three_entries()
    anchor = entries[1].hash if form == "hash" else f"2:{entries[1].hash}"
    call_command("verify_audit", expect=[anchor])
    assert "anchor 2:" in capsys.readouterr().out


@pytest.mark.django_db
def test_verify_audit_fails_when_a_published_anchor_is_gone():
    entries = _three_entries()
    published = f"3:{entries[-1].hash}"
    # Truncated back past the anchor, and the old sealed head of entry #2 put back: the chain
    # itself reads as whole, only the published anchor tells.
    head = audit.head_seal(2, entries[1].hash)
    _tamper(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq = %s", [3])
    _tamper("UPDATE core_audithead SET seq = %s, hash = %s, seal = %s", [2, entries[1].hash, head])
    assert audit.find_first_broken() == (2, None)
    with pytest.raises(CommandError, match=r"anchor 3:[0-9a-f]{8}.* is not in the log"):
        call_command("verify_audit", expect=[published])


@pytest.mark.django_db
def test_verify_audit_fails_when_the_anchor_sits_at_another_sequence():
    entries = _three_entries()
    with pytest.raises(CommandError, match="is not in the log"):
        call_command("verify_audit", expect=[f"1:{entries[1].hash}"])


@pytest.mark.django_db
def test_verify_audit_refuses_a_malformed_anchor():
    _three_entries()
    with pytest.raises(CommandError, match="not an anchor"):
        call_command("verify_audit", expect=["nonsense"])


# What the log says about people ------------------------------------------------------------------


@pytest.mark.django_db
def test_entries_about_a_person_store_no_name_or_address():
    from accounts.services import update_profile
    from tests.builders import make_user

    person = make_user("amina@example.org")
    update_profile(person, actor=person, display_name="Amina Protected", at_risk=True)
    entries = AuditEntry.objects.filter(object_type="accounts.user", object_id=str(person.pk))
    assert entries.count() == 2
    for entry in entries:
        assert entry.object_repr == f"accounts.user#{person.pk}"
        assert "Amina" not in str(entry.data) and "amina@" not in str(entry.data)
