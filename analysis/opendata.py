"""Votes out in the Polis open-data CSV layout (comments, votes, participants-votes, summary),
the layout of compdemocracy/openData, so that others' tools read ours.

Participants are numbered 0, 1, 2… in the order of their random ids, which says nothing of when
they joined; times of anonymous deliberations are to the day, as stored.
"""

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings

from core.exports import neutralise

from .choices import StatementStatus
from .models import Deliberation, Vote

FILES = ("comments", "votes", "participants-votes", "summary")
MODERATED = {StatementStatus.ACCEPTED: 1, StatementStatus.PENDING: 0, StatementStatus.REJECTED: -1}


def _csv(header: Sequence[str] | None, rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if header:
        writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return buffer.getvalue().encode()


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _when(moment: datetime) -> str:
    return moment.strftime("%a %b %d %H:%M:%S UTC %Y")


class Export:
    """The four files of one deliberation, read in a few queries."""

    def __init__(self, deliberation: Deliberation, groups: dict[str, int] | None = None) -> None:
        self.deliberation = deliberation
        self.statements = list(deliberation.statements.order_by("number"))
        self.votes = list(
            Vote.objects.filter(statement__deliberation=deliberation)
            .values_list("participant_id", "statement__number", "value", "modified")
            .order_by("modified", "statement__number")
        )
        ids = {str(p) for p, *_rest in self.votes} | {
            str(s.author_id) for s in self.statements if s.author_id
        }
        self.number = {pid: n for n, pid in enumerate(sorted(ids))}
        self.groups = groups or {}

    def file(self, name: str) -> bytes:
        return {
            "comments": self.comments,
            "votes": self.votes_csv,
            "participants-votes": self.participants_votes,
            "summary": self.summary,
        }[name]()

    def _author(self, statement: Any) -> Any:
        return self.number.get(str(statement.author_id), "") if statement.author_id else ""

    def comments(self) -> bytes:
        tally: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for _p, number, value, _m in self.votes:
            if value == 1:
                tally[number][0] += 1
            elif value == -1:
                tally[number][1] += 1
        header = ["timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees"]
        rows = [
            [
                _ms(s.created_at),
                _when(s.created_at),
                s.number,
                self._author(s),
                tally[s.number][0],
                tally[s.number][1],
                MODERATED[StatementStatus(s.status)],
                s.text,
            ]
            for s in sorted(self.statements, key=lambda s: -s.number)
        ]
        return _csv([*header, "moderated", "comment-body"], rows)

    def votes_csv(self) -> bytes:
        header = ["timestamp", "datetime", "comment-id", "voter-id", "vote"]
        rows = [
            [_ms(m), _when(m), number, self.number[str(p)], value]
            for p, number, value, m in self.votes
        ]
        return _csv(header, rows)

    def participants_votes(self) -> bytes:
        numbers = [s.number for s in self.statements]
        by_person: dict[str, dict[int, int]] = defaultdict(dict)
        for p, number, value, _m in self.votes:
            by_person[str(p)][number] = value
        written: dict[str, int] = defaultdict(int)
        for s in self.statements:
            if s.author_id:
                written[str(s.author_id)] += 1
        header = ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
        rows: list[list[Any]] = []
        for pid, n in sorted(self.number.items(), key=lambda item: item[1]):
            votes = by_person.get(pid, {})
            values = list(votes.values())
            rows.append(
                [
                    n,
                    self.groups.get(pid, ""),
                    written[pid],
                    len(values),
                    values.count(1),
                    values.count(-1),
                    *[votes.get(number, "") for number in numbers],
                ]
            )
        return _csv(header + [str(n) for n in numbers], rows)

    def summary(self) -> bytes:
        d = self.deliberation
        voters = {str(p) for p, *_rest in self.votes}
        rows: list[list[Any]] = [
            ["topic", d.title],
            ["url", f"{settings.SITE_URL.rstrip('/')}/deliberations/{d.slug}/"],
            ["views", len(self.number)],
            ["voters", len(voters)],
            ["voters-in-conv", len([p for p in voters if p in self.groups])],
            ["commenters", len({s.author_id for s in self.statements if s.author_id})],
            ["comments", len(self.statements)],
            ["groups", len(set(self.groups.values()))],
            ["conversation-description", d.question],
        ]
        return _csv(None, rows)
