"""What a freshly started process loads (issue 19, memory): Django's setup, the URL
configuration and the ASGI application (what a web server process imports) must not pull in
the libraries that only some requests need.

numpy and shapely (point look-ups, maps, boundary imports: ~18 MB), scikit-learn and SciPy
(training: ~80 MB), redis-py (only with REDIS_URL: ~7 MB) and cryptography (encrypted fields:
~6 MB) are imported by the functions that use them. Checked in a new interpreter, since the
test process has loaded them all.
"""

import json
import os
import subprocess
import sys

import pytest

LAZY = ("numpy", "shapely", "sklearn", "scipy", "redis", "openpyxl", "reportlab", "cryptography")

# One xdist worker runs the module: the probe process is started once, not once per worker.
pytestmark = pytest.mark.xdist_group("lean-imports")

PROBE = """
import json, sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns  # every app's urls and views
import gongzhi.asgi  # a web server process: HTTP and the WebSocket consumers
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


@pytest.fixture(scope="module")
def loaded() -> set[str]:
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "gongzhi.settings", "GONGZHI_MODE": "test"}
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_URL", None)
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_probe_sees_what_a_process_loads(loaded):
    assert {"django", "gongzhi", "rest_framework"} <= loaded


@pytest.mark.parametrize("library", LAZY)
def test_starting_a_process_does_not_load(loaded, library):
    assert library not in loaded, f"{library} is imported at start-up"
