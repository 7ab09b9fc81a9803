"""Type aliases shared by the typed modules (services, selectors, core, cases)."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest

# What `request.user` is: a signed-in account or the anonymous visitor. Services and
# selectors take it as is and decide through core.access (role_of, require, restrict).
AnyUser: TypeAlias = User | AnonymousUser

# The author of a write: services run for a signed-in account (views reach them behind
# login_required, tasks and commands pass a real user).
Actor: TypeAlias = User


class AuthedRequest(HttpRequest):
    """A request behind login_required: its user is a signed-in account."""

    user: User
