"""Small helpers for the page tests: which residents and tags a response shows."""

import re

from django.urls import reverse


def shown_residents(response) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-resident="(\d+)"', response.content.decode())}


def shown_tags(response) -> set[str]:
    return set(re.findall(r'data-tag="(\w+)"', response.content.decode()))


def list_url(**params) -> str:
    from urllib.parse import urlencode

    url = reverse("people:resident_list")
    return f"{url}?{urlencode(params)}" if params else url
