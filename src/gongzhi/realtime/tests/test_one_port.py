"""`gongzhi serve` answers HTTP and WebSockets on one port, without Redis.

The call is POSTed over HTTP (Django's WSGI handler in a thread of the server) and its
alert reaches a staff socket held open on the same port (Channels on the server's event
loop): the in-memory channel layer works across that one thread hop.
"""

import json
import os

import pytest
from django.conf import settings

from gongzhi.realtime.models import OneKeyCall

from .conftest import resident_session, staff_session
from .test_redis import _call_through, _database_url, _free_port, _stop, _wait_up

pytestmark = pytest.mark.server


def _serve(port: int, db: dict):
    import subprocess
    import sys

    env = os.environ | {
        "GONGZHI_MODE": "test",
        "DATABASE_URL": _database_url(db),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "gongzhi.settings",
    }
    env.pop("REDIS_URL", None)  # the embedded default: in-memory channel layer
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "gongzhi", "serve", "--no-worker", "--port", str(port)],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_http_and_websocket_share_one_port_and_one_process(
    transactional_db, django_db_serialized_rollback, resident, community, district
):
    from websockets.sync.client import connect

    db = settings.DATABASES["default"]
    assert "memory" not in str(db["NAME"]), "the server needs a file or server database"
    port = _free_port()
    server = _serve(port, db)
    try:
        _wait_up(port, server, timeout=120)
        cookie = f"sessionid={staff_session(district.users['gridworker'])}"
        with connect(
            f"ws://127.0.0.1:{port}/ws/staff/",
            origin=f"http://127.0.0.1:{port}",
            additional_headers={"Cookie": cookie},
            open_timeout=30,
        ) as ws:
            assert json.loads(ws.recv(timeout=30))["type"] == "hello"
            assert _call_through(port, resident_session(resident)) == 200
            alert = json.loads(ws.recv(timeout=30))
        call = OneKeyCall.objects.get(account=resident)
        assert (alert["type"], alert["call"]) == ("call", call.pk)
    finally:
        _stop(server)
