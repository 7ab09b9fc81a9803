"""A state machine as one declarative table: (state, action) → next state.

Each domain keeps its table in its own workflow.py (deliberation, hall tickets, counselling
appointments, bind requests, disputes); services ask the table before they write, so an
illegal move is refused with one clear Chinese message and nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise


@dataclass(frozen=True)
class StateTable:
    states: type[models.TextChoices]
    transitions: Mapping[tuple[str, str], str]
    # action → what it does, as a Chinese verb phrase ("开始办理")
    actions: Mapping[str, str | Promise]
    # The refusal, with %(status)s (the current state's label) and %(action)s, plus any
    # context the caller passes (a ticket's number): lazily translated.
    refusal: str | Promise
    # The form field the refusal belongs to (None: the whole form).
    field: str | None = None

    def __post_init__(self) -> None:
        for (state, action), target in self.transitions.items():
            if state not in self.states.values or target not in self.states.values:
                raise ValueError(f"unknown state in transition {(state, action)!r} → {target!r}")
            if action not in self.actions:
                raise ValueError(f"action {action!r} has no label")

    def allows(self, status: str, action: str) -> bool:
        return (status, action) in self.transitions

    def sources(self, action: str) -> list[str]:
        """The states `action` may start from (for conditional UPDATEs over many rows)."""
        return [state for (state, act) in self.transitions if act == action]

    def target(self, action: str) -> str:
        """The one state `action` leads to from every state it may start from."""
        targets = {t for (_state, act), t in self.transitions.items() if act == action}
        if len(targets) != 1:
            raise ValueError(f"action {action!r} leads to {sorted(targets)!r}, not one state")
        return targets.pop()

    def next_status(self, status: str, action: str, **context: Any) -> str:
        """The state after `action`, or a ValidationError naming the current state."""
        try:
            return self.transitions[(status, action)]
        except KeyError:
            label = self.states(status).label if status in self.states.values else status
            text = str(self.refusal) % {
                "status": label,
                "action": self.actions.get(action, action),
                **context,
            }
            raise ValidationError({self.field: text} if self.field else text) from None
