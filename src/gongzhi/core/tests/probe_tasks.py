"""A task for worker tests: it appends its key and the worker's pid to a file, so a test can
count how many times each task really ran."""

import os

from django_tasks import task


@task()
def probe(key: str, path: str) -> int:
    with open(path, "a", encoding="utf-8") as out:  # O_APPEND: short lines never interleave
        out.write(f"{key} {os.getpid()}\n")
    return os.getpid()
