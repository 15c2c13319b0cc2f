"""Demo loaders: each app registers one in its AppConfig.ready(); `consulta demo` runs them in
order after the core's processes and accounts exist. Each loader must be safe to run again, and
must change nothing (and so write no audit entry) when what it would load is already there.

Also what loaders share: the demo's people (invented names from every UN region, with e-mail
addresses made from them) and a clock, so that the demo's past (a committee that met from 2022
to 2024) is written by the same services as its present, on the dates it happened.
"""

import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.utils import timezone

Loader = Callable[..., list[str]]
_loaders: list[tuple[int, str, Loader]] = []

DEMO_DOMAIN = "demo.consulta.org"


def register_loader(name: str, loader: Loader, *, order: int = 100) -> None:
    """Add `loader(actor=..., password=...)`, which loads a part of the demo and returns lines."""
    if all(existing != name for _o, existing, _l in _loaders):
        _loaders.append((order, name, loader))


def run_loaders(**kwargs: Any) -> list[str]:
    lines: list[str] = []
    for _order, _name, loader in sorted(_loaders, key=lambda item: item[0]):
        lines.extend(loader(**kwargs))
    return lines


@contextmanager
def as_of(moment: datetime) -> Iterator[None]:
    """Run what is inside as if it were `moment`: every `timezone.now()` (services, audit
    entries, auto_now fields) reads `moment` plus the time elapsed since, never later than now."""
    real = timezone.now
    started = real()
    if moment > started:
        moment = started

    def now() -> datetime:
        return moment + (real() - started)

    timezone.now = now
    try:
        yield
    finally:
        timezone.now = real


# People of the demo -------------------------------------------------------------------------------
# Invented: given name, family name, gender. Listed so that any run of them mixes the regions.
PEOPLE: list[tuple[str, str, str]] = [
    ("Amina", "Diallo", "woman"),
    ("Priya", "Raman", "woman"),
    ("Marta", "Nowak", "woman"),
    ("Mateo", "Rodríguez", "man"),
    ("Sophie", "Martin", "woman"),
    ("Kwame", "Mensah", "man"),
    ("Hiroshi", "Tanaka", "man"),
    ("Luka", "Petrović", "man"),
    ("Camila", "Souza", "woman"),
    ("Lukas", "Becker", "man"),
    ("Chiamaka", "Eze", "woman"),
    ("Siti", "Rahmawati", "woman"),
    ("Ana", "Beridze", "woman"),
    ("Diego", "Morales", "man"),
    ("Emma", "Johansson", "woman"),
    ("Tendai", "Moyo", ""),
    ("Farhan", "Chowdhury", "man"),
    ("Katarina", "Horvat", "woman"),
    ("Ximena", "Quispe", "woman"),
    ("Liam", "O'Connor", "man"),
    ("Fatoumata", "Traoré", "woman"),
    ("Jin-woo", "Park", "man"),
    ("Andrei", "Popescu", "man"),
    ("Valentina", "Gómez", "woman"),
    ("Chiara", "Bianchi", "woman"),
    ("Yohannes", "Tesfaye", "man"),
    ("Layla", "Haddad", "woman"),
    ("Irina", "Volkova", "woman"),
    ("Kadeem", "Williams", "man"),
    ("Pieter", "de Vries", "man"),
    ("Nomvula", "Dlamini", "woman"),
    ("Bilal", "Qureshi", "man"),
    ("Jana", "Novotná", "woman"),
    ("Carlos", "Mendoza", "man"),
    ("Claire", "Dubois", "woman"),
    ("Ibrahim", "Abdullahi", "man"),
    ("Dewi", "Kusuma", "woman"),
    ("Mihai", "Ionescu", "man"),
    ("Gabriela", "Santos", "woman"),
    ("Henrik", "Larsen", "man"),
    ("Wanjiru", "Kamau", "woman"),
    ("Kenji", "Watanabe", "man"),
    ("Liis", "Tamm", ""),
    ("Andrés", "Castillo", "man"),
    ("Hannah", "Schmidt", "woman"),
    ("Moussa", "Keïta", "man"),
    ("Maryam", "Karimi", "woman"),
    ("Armen", "Sargsyan", "man"),
    ("Renata", "Oliveira", "woman"),
    ("Matthew", "Clarke", "man"),
    ("Aïcha", "Benali", "woman"),
    ("Sione", "Taufa", "man"),
    ("Gintarė", "Kazlauskaitė", "woman"),
    ("João", "Pereira", "man"),
    ("Aroha", "Ngata", "woman"),
    ("Kofi", "Boateng", "man"),
    ("Ayesha", "Siddiqui", "woman"),
    ("Dmitri", "Sokolov", "man"),
    ("Sofía", "Herrera", "woman"),
    ("Isabel", "García", "woman"),
    ("Zainab", "Bello", "woman"),
    ("Ramon", "Dela Cruz", "man"),
    ("Elena", "Georgieva", "woman"),
    ("Alicia", "Baptiste", "woman"),
    ("Noah", "Cohen", "man"),
    ("Thabo", "Nkosi", "man"),
    ("Tsetseg", "Bold", "woman"),
    ("Tomasz", "Wiśniewski", "man"),
    ("Marisol", "Jiménez", "woman"),
    ("Olivia", "Brown", "woman"),
    ("Halima", "Osman", "woman"),
    ("Mei Lin", "Tan", "woman"),
    ("Milan", "Kovačević", "man"),
    ("Esteban", "Vargas", "man"),
    ("Ingrid", "Nilsen", "woman"),
    ("Sékou", "Camara", "man"),
    ("Rashid", "Al-Mansouri", "man"),
    ("Oksana", "Melnyk", "woman"),
    ("Lucía", "Fernández", "woman"),
    ("Jonas", "Weber", "man"),
]


def email_for(given: str, family: str, domain: str = DEMO_DOMAIN) -> str:
    """given.family@domain in plain letters: Liam O'Connor → liam.oconnor@…"""

    def plain(text: str) -> str:
        ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return "".join(c for c in ascii_text.lower() if c.isalnum() or c == "-")

    return f"{plain(given)}.{plain(family)}@{domain}"


def demo_people(count: int, *, skip: int = 0) -> list[tuple[str, str, str]]:
    """`count` people of the demo as (name, e-mail, gender), after the first `skip`."""
    chosen = PEOPLE[skip : skip + count]
    if len(chosen) < count:
        raise ValueError(f"the demo has {len(PEOPLE)} people, not {skip + count}")
    return [(f"{given} {family}", email_for(given, family), g) for given, family, g in chosen]
