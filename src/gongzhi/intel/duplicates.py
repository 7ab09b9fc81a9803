"""「已有人反映?」: open cases that are probably the same problem as a new text.

Candidates: open cases reported in the last INTEL_DUPLICATE_DAYS days in the same or a
neighbouring grid (a unit's or building's siblings under the same parent), or — when both
have a point — within INTEL_DUPLICATE_DISTANCE_M metres.

Score, with a trained model: the cosine of the two texts in the model's idf-weighted
character n-gram space, and the model must put both texts in the same category ("路灯坏了"
and "电梯坏了" share most characters, not the problem). Before any model: the cosine of
character bi/trigram counts, against a stricter threshold. Only scores at or above
INTEL_DUPLICATE_THRESHOLD are shown: a wrong "already reported" costs a resident's trust
more than a missed one (precision first; docs/decisions.md).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet

from gongzhi.cases.models import Case
from gongzhi.cases.workflow import OPEN_STATES
from gongzhi.core import clock
from gongzhi.core.paths import subtree_q
from gongzhi.grids.models import Grid, Level

from .ngrams import cosine, shingles

MAX_CANDIDATES = 300  # newest first; a building rarely has this many open cases in a month
MAX_AREA_GRIDS = 200  # a larger neighbourhood is filtered by path instead of by ids
COLD_START_MIN = 0.5  # without a model, bigram overlap alone must be this high
MAX_RESULTS = 5
METRES_PER_DEGREE = 111_320.0


@dataclass
class Duplicate:
    case_id: int
    number: str
    title: str
    score: float
    is_public: bool
    category_id: int
    created_at: dt.datetime
    state: str


def case_text(title: str, description: str) -> str:
    """A post's title is the first 30 characters of its text: count them once."""
    title, description = title or "", description or ""
    return description if description.startswith(title) else f"{title} {description}"


def neighbourhood(grid: Grid) -> Grid:
    """The grid whose subtree counts as "the same or neighbouring": a unit's or building's
    parent; a larger grid stands for itself."""
    if grid.level >= Level.BUILDING:
        parent = Grid.objects.get_parent(grid)
        return parent or grid
    return grid


def _area_q(grid: Grid | None, lat: float | None, lng: float | None) -> Q | None:
    q = Q()
    if grid is not None:
        # The neighbourhood's grid ids first: then each is one range of the (grid,
        # created_at) index, instead of a join to the grid table on every case.
        area = Grid.objects.filter(subtree_q("path", neighbourhood(grid).path))
        ids = list(area.values_list("pk", flat=True)[: MAX_AREA_GRIDS + 1])
        if len(ids) > MAX_AREA_GRIDS:
            q |= subtree_q("grid__path", neighbourhood(grid).path)
        else:
            q |= Q(grid_id__in=ids)
    if lat is not None and lng is not None:
        radius = settings.INTEL_DUPLICATE_DISTANCE_M
        dlat = radius / METRES_PER_DEGREE
        dlng = radius / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
        q |= Q(lat__range=(lat - dlat, lat + dlat), lng__range=(lng - dlng, lng + dlng))
    return q or None


def duplicates_for(
    *,
    text: str,
    grid: Grid | None = None,
    lat: float | None = None,
    lng: float | None = None,
    within: QuerySet[Case] | None = None,
    exclude: int | None = None,
    threshold: float | None = None,
    limit: int = MAX_RESULTS,
) -> list[Duplicate]:
    """Open cases likely the same problem, best first. `within` is the reader's scope
    (restrict()); a caller without one sees every case, so only services pass none."""
    area = _area_q(grid, lat, lng)
    if area is None or not shingles(text):
        return []
    threshold = settings.INTEL_DUPLICATE_THRESHOLD if threshold is None else threshold
    since = clock.now() - dt.timedelta(days=settings.INTEL_DUPLICATE_DAYS)
    qs = within if within is not None else Case.objects.all()
    qs = qs.filter(area, state__in=OPEN_STATES, created_at__gte=since)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    found_rows = qs.order_by("-created_at").values(
        "pk", "number", "title", "description", "is_public", "category_id", "created_at", "state"
    )[:MAX_CANDIDATES]
    rows = list(found_rows)
    scores = _scores(text, [case_text(r["title"], r["description"]) for r in rows])
    found = []
    for row, score in zip(rows, scores, strict=True):
        if score is not None and score >= threshold:
            found.append(
                Duplicate(
                    case_id=row["pk"],
                    number=row["number"],
                    title=row["title"],
                    score=round(score, 3),
                    is_public=row["is_public"],
                    category_id=row["category_id"],
                    created_at=row["created_at"],
                    state=row["state"],
                )
            )
    found.sort(key=lambda d: -d.score)
    return found[:limit]


def _scores(text: str, others: list[str]) -> list[float | None]:
    """Similarity of `text` to each of `others`; None where the model sees another problem."""
    from .suggest import active_model

    if not others:
        return []
    model = active_model()
    if model is None:
        words = shingles(text)
        sims = [cosine(words, shingles(o)) for o in others]
        return [sim if sim >= COLD_START_MIN else None for sim in sims]
    pipeline = model[1]
    steps = pipeline.named_steps
    X = steps["select"].transform(steps["hash"].transform([text, *others]))
    codes = steps["model"].predict(X)
    sims = (X[1:] @ X[0].T).toarray().ravel()
    return [
        float(sim) if code == codes[0] else None for sim, code in zip(sims, codes[1:], strict=True)
    ]
