"""The opinion map as drawn: participants' positions scaled into an SVG, groups lettered as
Polis letters them (A, B, C…), each with a colour and a shape so that colour is never the only
sign, and the tables that say the same in text."""

from typing import Any

SIZE = 360
MARGIN = 16
LETTERS = "ABCDE"
# Okabe-Ito colours, told apart with any colour vision; each group has its own shape too.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00")
SHAPES = ("circle", "square", "triangle", "diamond", "cross")


def letter(group: int) -> str:
    return LETTERS[group] if 0 <= group < len(LETTERS) else str(group)


def _scale(points: list[list[float]]) -> tuple[float, float, float]:
    xs = [p[1] for p in points] or [0.0]
    ys = [p[2] for p in points] or [0.0]
    reach = max(max(abs(v) for v in xs), max(abs(v) for v in ys), 1e-9)
    half = (SIZE - 2 * MARGIN) / 2
    return half / reach, SIZE / 2, SIZE / 2


def _mark(shape: str, x: float, y: float) -> str:
    """An SVG path of a 7-pixel mark centred on (x, y)."""
    r = 3.5
    if shape == "square":
        return f"M{x - r:.1f},{y - r:.1f}h{2 * r}v{2 * r}h{-2 * r}z"
    if shape == "triangle":
        top, side = y - r - 0.5, r + 0.5
        return f"M{x:.1f},{top:.1f}L{x + side:.1f},{y + r:.1f}L{x - side:.1f},{y + r:.1f}z"
    if shape == "diamond":
        d = r + 1
        return f"M{x:.1f},{y - d:.1f}L{x + d:.1f},{y:.1f}L{x:.1f},{y + d:.1f}L{x - d:.1f},{y:.1f}z"
    if shape == "cross":
        w = 1.2
        return (
            f"M{x - w:.1f},{y - r:.1f}h{2 * w}v{r - w:.1f}h{r - w:.1f}v{2 * w}h{w - r:.1f}"
            f"v{r - w:.1f}h{-2 * w}v{w - r:.1f}h{w - r:.1f}v{-2 * w}h{r - w:.1f}z"
        )
    return f"M{x - r:.1f},{y:.1f}a{r},{r} 0 1,0 {2 * r},0a{r},{r} 0 1,0 {-2 * r},0"


def map_context(result: dict[str, Any], texts: dict[int, str]) -> dict[str, Any]:
    """What map.html draws from a stored result."""
    points = result.get("points", [])
    scale, cx, cy = _scale(points)
    groups = []
    for group in result.get("groups", []):
        g = group["id"]
        mine = [p for p in points if p[0] == g]
        shape, colour = SHAPES[g % len(SHAPES)], COLOURS[g % len(COLOURS)]
        centre = (
            (sum(p[1] for p in mine) / len(mine), sum(p[2] for p in mine) / len(mine))
            if mine
            else (0.0, 0.0)
        )
        groups.append(
            {
                "id": g,
                "letter": letter(g),
                "size": group["size"],
                "colour": colour,
                "shape": shape,
                "centre": (round(centre[0], 2), round(centre[1], 2)),
                "path": "".join(_mark(shape, cx + p[1] * scale, cy - p[2] * scale) for p in mine),
                "legend": _mark(shape, 8, 8),
                "representative": [
                    {**r, "text": texts.get(r["statement"], "")} for r in group["representative"]
                ],
            }
        )
    consensus = {
        direction: [{**c, "text": texts.get(c["statement"], "")} for c in items]
        for direction, items in result.get("consensus", {}).items()
    }
    informed = sorted(
        ((float(v), int(s)) for s, v in result.get("group_consensus", {}).items()), reverse=True
    )[:5]
    return {
        "size": SIZE,
        "groups": groups,
        "points": [{"group": letter(p[0]), "x": p[1], "y": p[2]} for p in points],
        "consensus": consensus,
        "informed": [
            {"statement": s, "value": round(v, 3), "text": texts.get(s, "")} for v, s in informed
        ],
        "k": result.get("k", 0),
        "in_conversation": result.get("in_conversation", 0),
        "participants": result.get("participants", 0),
        "silhouettes": result.get("silhouettes", {}),
    }
