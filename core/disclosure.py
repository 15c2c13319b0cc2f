"""Small-cell suppression, the one rule every published figure follows.

No count under 5 is shown: it reads "<5". Where cells add up to a total that is shown, one
suppressed cell could be found by subtraction, so a second one is hidden too (secondary
suppression); it reads "…", since it is not under 5 and "<5" would be untrue.
"""

THRESHOLD = 5
SUPPRESSED = "<5"
HIDDEN = "…"
Cell = int | str


def suppress(value: int, active: bool = True) -> Cell:
    return SUPPRESSED if active and value < THRESHOLD else value


def protect(matrix: list[list[int]], totals: list[int], *, additive: bool) -> list[list[Cell]]:
    """Suppress small cells, and never leave one suppressed cell alone where it adds up to a
    total that is shown: down a column when the rows are exclusive (`additive`), and along a
    row always, since the groups of a breakdown (columns after the first) share out its total.
    """
    shown: list[list[Cell]] = [[suppress(v) for v in row] for row in matrix]
    lines: list[list[tuple[int, int]]] = []
    if additive:
        lines += [
            [(r, c) for r in range(len(matrix))]
            for c, total in enumerate(totals)
            if total >= THRESHOLD
        ]
    if len(totals) > 1:
        lines += [[(r, c) for c in range(1, len(totals))] for r in range(len(matrix))]
    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden = [cell for cell in line if shown[cell[0]][cell[1]] in (SUPPRESSED, HIDDEN)]
            visible = [cell for cell in line if shown[cell[0]][cell[1]] not in (SUPPRESSED, HIDDEN)]
            if len(hidden) == 1 and visible:
                r, c = min(visible, key=lambda cell: matrix[cell[0]][cell[1]])
                shown[r][c] = HIDDEN
                changed = True
    return shown
