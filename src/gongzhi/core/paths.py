"""Prefix ranges over materialized paths.

`path LIKE 'p%'` cannot use a B-tree index on SQLite (Django adds ESCAPE) or on
PostgreSQL under a non-C collation. A half-open range [p, successor(p)) selects the same
rows and uses the plain index on both, because paths use only the alphabet 0-9A-Z.
"""

from django.db.models import Q

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def successor(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix`."""
    chars = list(prefix)
    for i in range(len(chars) - 1, -1, -1):
        pos = ALPHABET.index(chars[i])
        if pos + 1 < len(ALPHABET):
            chars[i] = ALPHABET[pos + 1]
            return "".join(chars[: i + 1])
    return prefix + "~"  # all "Z": nothing in the alphabet sorts after it


def subtree_q(lookup: str, path: str) -> Q:
    return Q(**{f"{lookup}__gte": path, f"{lookup}__lt": successor(path)})


def ancestor_paths(path: str, step: int) -> list[str]:
    """The paths of a node and all its ancestors, root first (each is a prefix of `path`)."""
    return [path[:n] for n in range(step, len(path) + 1, step)]
