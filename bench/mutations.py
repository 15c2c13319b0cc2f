"""Mutation score: deliberate breaks of the rules, and how many of them the suite catches.

Each mutation removes one rule (an audit entry, a visibility condition, a permission, a state
check). The script checks out a revision into a scratch work tree, applies one mutation at a
time, runs the tests of the apps it touches (without the browser tests) until the first
failure, and prints whether the break was caught. A mutation lists the places where the rule has
lived in the project's history (its code moved when apps were reshaped): every pattern that
matches is applied; a mutation that matches nowhere in a revision is reported as "absent" and
left out of the score.

    .venv/bin/python bench/mutations.py [REV] [--only NAME]

REV defaults to the working tree's HEAD. Prints one line per mutation and the score.
"""

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOOP_AUDIT = "(lambda *_a, **_k: None)("


@dataclass(frozen=True)
class Mutation:
    name: str
    # (glob of files, regular expression, replacement); every one that matches is applied.
    edits: tuple[tuple[str, str, str], ...]


def _audit(app: str) -> Mutation:
    return Mutation(
        f"no audit entries in {app}",
        (
            (f"{app}/*.py", r"\baudit\.record\(", NOOP_AUDIT),
            (f"{app}/services/*.py", r"\baudit\.record\(", NOOP_AUDIT),
            (f"{app}/views/*.py", r"\baudit\.record\(", NOOP_AUDIT),
        ),
    )


MUTATIONS = [
    _audit("events"),
    _audit("consultations"),
    _audit("stakeholders"),
    _audit("accounts"),
    Mutation(
        "drafts shown in the events list",
        (
            (
                "events/selectors.py",
                r"condition = Q\(\) if staff is None else published \| Q\(process_id__in=staff\)",
                "condition = Q()",
            ),
            (
                "events/selectors.py",
                r"Event\.objects\.restrict\(viewer\)\.select_related\(",
                "Event.objects.all().select_related(",
            ),
        ),
    ),
    Mutation(
        "drafts shown in the consultations list",
        (
            ("consultations/selectors.py", r"qs = qs\.exclude\(status=Status\.DRAFT\)", "qs = qs"),
            (
                "consultations/querysets.py",
                r"& ~Q\(status=Status\.DRAFT\)",
                "",
            ),
        ),
    ),
    Mutation(
        "anyone withdraws anyone's floor request",
        (
            (
                "events/views.py",
                r"managing\s+or target\.organisation\s+in accredited_organisations_of\("
                r"request\.user, item\.event\.process\)",
                "True",
            ),
            (
                "events/permissions.py",
                r"(def _withdraw_floor_request\(user: Any, request: Any\) -> bool:\n"
                r'    """[^"]*"""\n)',
                r"\1    return request is not None\n",
            ),
        ),
    ),
    Mutation(
        "an unconfirmed registration is checked in",
        (
            ("events/services.py", r"if registration\.state != R\.CONFIRMED:", "if False:"),
            ("events/services/*.py", r"if registration\.state != R\.CONFIRMED:", "if False:"),
        ),
    ),
    Mutation(
        "anyone manages an event",
        (
            (
                "events/permissions.py",
                r"def _manage\(user: Any, event: Any\) -> bool:\n    return allows\(user, "
                r'"manage", event\)',
                "def _manage(user: Any, event: Any) -> bool:\n    return event is not None",
            ),
            (
                "events/permissions.py",
                r"def _manage\(user: Any, event: Any\) -> bool:\n    if event is None:\n"
                r"        return False\n",
                "def _manage(user: Any, event: Any) -> bool:\n    return event is not None\n",
            ),
        ),
    ),
    Mutation(
        "a place taken without locking the event",
        (
            (
                "events/services*.py",
                r"Event\.objects\.select_for_update\(\)\.get\(pk=event\.pk\)",
                "Event.objects.get(pk=event.pk)",
            ),
            (
                "events/services/*.py",
                r"Event\.objects\.select_for_update\(\)\.get\(pk=event\.pk\)",
                "Event.objects.get(pk=event.pk)",
            ),
        ),
    ),
    Mutation(
        "no cap per organisation in the room",
        (
            ("events/services.py", r"and event\.organisation_cap\n", "and False\n"),
            ("events/services/*.py", r"and event\.organisation_cap\n", "and False\n"),
        ),
    ),
    Mutation(
        "the draft is kept after submission",
        (
            (
                "consultations/*.py",
                r"Draft\.objects\.filter\(consultation=consultation, respondent=actor\)"
                r"\.delete\(\)",
                "None",
            ),
        ),
    ),
    Mutation(
        "unpublished results are shown to everyone it is addressed to",
        (
            (
                "consultations/permissions.py",
                r"consultation\.status == Status\.PUBLISHED and _view\(user, consultation\)",
                "_view(user, consultation)",
            ),
            (
                "consultations/querysets.py",
                r"return manage \| \(shown & Q\(status=Status\.PUBLISHED\)\)",
                "return manage | shown",
            ),
        ),
    ),
    Mutation(
        "anonymous responses keep their exact time",
        (
            (
                "consultations/*.py",
                r"if not consultation\.is_anonymous:\n        return moment",
                "if True:\n        return moment",
            ),
        ),
    ),
    Mutation(
        "the applications page opens to anyone signed in",
        (
            (
                "stakeholders/views.py",
                r"if not is_staff and not member_state_of\(request\.user\):",
                "if False:",
            ),
            (
                "stakeholders/permissions.py",
                r"if member_state_of\(user\):\n        return True\n    if process is None:",
                "if _authenticated(user):\n        return True\n    if process is None:",
            ),
        ),
    ),
    Mutation(
        "objections after the deadline",
        (
            (
                "stakeholders/services/accreditation.py",
                r"if application\.state not in \(S\.CIRCULATED, S\.OBJECTED\) or not "
                r"_deadline_open\(application\):",
                "if application.state not in (S.CIRCULATED, S.OBJECTED):",
            ),
        ),
    ),
    Mutation(
        "accredited with a standing objection",
        (
            (
                "stakeholders/services/accreditation.py",
                r"or application\.objections\.filter\(withdrawn_at__isnull=True\)\.exists\(\)",
                "or False",
            ),
        ),
    ),
]


def checkout(rev: str, into: Path) -> None:
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-f", str(into), rev],
        check=True,
        capture_output=True,
    )


def apply(tree: Path, mutation: Mutation) -> int:
    changed = 0
    for pattern, regex, replacement in mutation.edits:
        for path in sorted(tree.glob(pattern)):
            if "/tests/" in str(path.relative_to(tree)) + "/":
                continue
            text = path.read_text()
            new, count = re.subn(regex, replacement, text)
            if count:
                path.write_text(new)
                changed += count
    return changed


def suite(tree: Path, mutation: Mutation) -> tuple[bool, float]:
    """Whether the suite of the apps the break touches fails (the break is caught), and how long
    it took. Each app's own tests are where its rules are pinned; the rest of the suite would
    only take longer to say the same."""
    started = time.monotonic()
    apps = sorted({pattern.split("/")[0] for pattern, _regex, _new in mutation.edits})
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-x",
            "-q",
            "-p",
            "no:cacheprovider",
            "--ignore=tests/e2e",
            "-o",
            "addopts=",
            *apps,
        ],
        cwd=tree,
        capture_output=True,
        text=True,
        env={"CONSULTA_DEMO": "1", "PATH": "/usr/bin:/bin", "HOME": str(tree)},
    )
    return result.returncode != 0, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rev", nargs="?", default="HEAD")
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    caught = tried = 0
    scratch = Path(tempfile.mkdtemp(prefix="consulta-mutants-"))
    tree = scratch / "tree"
    try:
        checkout(args.rev, tree)
        clean = subprocess.run(["git", "-C", str(tree), "stash", "list"], capture_output=True)
        assert clean.returncode == 0
        for mutation in MUTATIONS:
            if args.only and args.only not in mutation.name:
                continue
            subprocess.run(["git", "-C", str(tree), "checkout", "-q", "--", "."], check=True)
            if not apply(tree, mutation):
                print(f"absent    {mutation.name}", flush=True)
                continue
            failed, seconds = suite(tree, mutation)
            tried += 1
            caught += failed
            verdict = "caught" if failed else "SURVIVED"
            print(f"{verdict:9} {mutation.name} ({seconds:.0f} s)", flush=True)
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
            capture_output=True,
        )
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"mutation score at {args.rev}: {caught} caught of {tried} tried")


if __name__ == "__main__":
    main()
