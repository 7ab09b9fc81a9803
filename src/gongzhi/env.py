"""Typed readers for environment settings. A bad value fails loudly at start-up."""

import os

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name} must be one of {sorted(_TRUE | _FALSE)}, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be an integer, not {raw!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default).strip().lower()
    if value not in choices:
        raise ValueError(f"{name} must be one of {choices}, not {value!r}")
    return value


def env_weights(name: str) -> dict[str, float] | None:
    """A {name: weight} map, as "a=2,b=1" or a JSON object; None when unset."""
    import json

    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        if raw.startswith("{"):
            value = json.loads(raw)
        else:
            value = dict(part.split("=", 1) for part in raw.split(",") if part.strip())
        weights = {str(k).strip(): float(v) for k, v in value.items()}
    except (ValueError, AttributeError, TypeError):
        raise ValueError(f"{name} must look like 'satisfaction=2,in_grid=1', not {raw!r}") from None
    if not weights or any(w < 0 or w != w for w in weights.values()):
        raise ValueError(f"{name} needs at least one weight, none negative: {raw!r}")
    return weights
