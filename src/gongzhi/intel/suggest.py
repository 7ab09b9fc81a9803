"""The category suggestion every form and the API use: the active trained model, loaded
once per process and reloaded when another version becomes active; the portal's keyword
table when no model has been trained yet (cold start)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from django.conf import settings

from gongzhi.cases.models import Category

from .models import ModelVersion

KEYWORD_CONFIDENCE = 0.5  # a keyword hit is a rule, not a probability: shown as "medium"
MAX_ALTERNATIVES = 3
FALLBACK_CODE = "12"  # 其他

_lock = threading.Lock()
_loaded: tuple[int, int, object] | None = None  # (version pk, version number, pipeline)


@dataclass
class Choice:
    category: Category
    confidence: float

    @property
    def code(self) -> str:
        return self.category.code

    @property
    def name(self) -> str:
        return self.category.name


@dataclass
class Suggestion:
    """A top-level category (what the API's `category` is), the most likely sub-category
    under it when the model knows one, and up to three other top-level categories."""

    category: Category | None
    confidence: float
    subcategory: Category | None = None
    alternatives: list[Choice] = field(default_factory=list)
    source: str = "none"  # model / keywords / none
    version: int | None = None

    @property
    def best(self) -> Category | None:
        """The most specific category: the sub-category when there is one."""
        return self.subcategory or self.category


def active_model():
    """(version number, pipeline) of the active version, or None. One indexed query per
    call; the artefact itself is read and unpickled only when the active version changed."""
    global _loaded
    row = ModelVersion.objects.filter(active=True).values_list("pk", "number").first()
    if row is None:
        return None
    loaded = _loaded
    if loaded is not None and loaded[0] == row[0]:
        return loaded[1], loaded[2]
    from . import classifier  # scikit-learn is imported by the first suggestion, not at start

    with _lock:
        if _loaded is None or _loaded[0] != row[0]:
            blob = ModelVersion.objects.filter(pk=row[0]).values_list("artefact", flat=True)
            _loaded = (row[0], row[1], classifier.loads(blob.get()))
        return _loaded[1], _loaded[2]


def forget_model() -> None:
    """Drop the process's loaded model (tests; a reload happens on the next call anyway)."""
    global _loaded
    _loaded = None


def suggest_category(text: str) -> Suggestion:
    text = (text or "").strip()
    if not text:
        return Suggestion(category=None, confidence=0.0)
    model = active_model()
    if model is not None:
        suggestion = _from_model(text, *model)
        if suggestion.category is not None:
            return suggestion
    return _from_keywords(text)


def _from_model(text: str, version: int, pipeline) -> Suggestion:
    from . import classifier

    ranked = classifier.rank(pipeline, text)
    best_per_top: dict[str, tuple[str, float]] = {}
    for code, p in ranked:  # most likely first: the first code seen under a top wins
        best_per_top.setdefault(code[:2], (code, p))
    wanted = {c for c, _p in best_per_top.values()} | set(best_per_top)
    cats = {c.code: c for c in Category.objects.filter(code__in=wanted, active=True)}
    tops = [(top, code, p) for top, (code, p) in best_per_top.items() if top in cats]
    if not tops:
        return Suggestion(category=None, confidence=0.0)
    top, code, p = tops[0]
    sub = cats.get(code) if code != top else None
    return Suggestion(
        category=cats[top],
        confidence=round(p, 4),
        subcategory=sub,
        source="model",
        version=version,
        alternatives=[Choice(cats[t], round(q, 4)) for t, _c, q in tops[1 : MAX_ALTERNATIVES + 1]],
    )


def _from_keywords(text: str) -> Suggestion:
    from gongzhi.portal.services import category_suggest_keywords  # portal builds on intel

    category = category_suggest_keywords(text)
    if category is not None:
        return Suggestion(category=category, confidence=KEYWORD_CONFIDENCE, source="keywords")
    other = Category.objects.filter(code=FALLBACK_CODE, active=True).first()
    return Suggestion(category=other, confidence=0.0, source="none")


def usable_for_resident(suggestion: Suggestion) -> Category | None:
    """A category a resident's report may carry without answering questions: the
    sub-category when it asks nothing required, else its top-level category."""
    sub = suggestion.subcategory
    if sub is not None and not any(f.get("required") for f in sub.extra_fields):
        return sub
    return suggestion.category


def open311_category(category: Category, description: str) -> Category:
    """For a generic service_code (settings.INTEL_GENERIC_SERVICE_CODES), the category the
    description suggests, when confident and answerable without attributes; else unchanged."""
    if category.code not in settings.INTEL_GENERIC_SERVICE_CODES:
        return category
    suggestion = suggest_category(description)
    if (
        suggestion.source != "model"
        or suggestion.confidence < settings.INTEL_OPEN311_MIN_CONFIDENCE
    ):
        return category
    chosen = usable_for_resident(suggestion)
    if chosen is None or (not chosen.parent_id and chosen.children.filter(active=True).exists()):
        return category  # a top-level group is not an Open311 service
    return chosen
