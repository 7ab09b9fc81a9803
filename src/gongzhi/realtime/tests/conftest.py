import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from gongzhi.core.pytest_browser import use_file_sqlite_test_db
from gongzhi.org.models import Center
from gongzhi.portal.auth import SESSION_KEY


def pytest_collection_modifyitems(session, config, items):
    # Other server processes open the test database: it must be a file.
    if any(item.get_closest_marker("redis") or item.get_closest_marker("server") for item in items):
        use_file_sqlite_test_db()


@pytest.fixture
def resident(district):
    """茹玉芳's portal account: registry-linked, bound to unit_a (the gridworker's unit)."""
    from gongzhi.portal.services import account_get_or_create

    return account_get_or_create(phone="13800001234")


@pytest.fixture
def resident_b(district):
    from gongzhi.portal.services import account_get_or_create

    return account_get_or_create(phone="13700002468")


@pytest.fixture
def community(district):
    center = Center.objects.get(grid=district.jinquan)
    center.duty_phone = "09372880000"
    center.save(update_fields=["duty_phone"])
    return center


def resident_session(account) -> str:
    store = SessionStore()
    store[SESSION_KEY] = account.pk
    store.create()
    return store.session_key


def staff_session(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@pytest.fixture
def resident_client(resident):
    client = Client()
    client.cookies["sessionid"] = resident_session(resident)
    return client


class WebsocketCommunicator:
    """channels.testing.WebsocketCommunicator's interface on asgiref's ApplicationCommunicator.

    (Importing channels.testing needs daphne, which this project does not install.)
    """

    def __init__(self, application, path: str, user=None):
        from asgiref.testing import ApplicationCommunicator

        self.scope = {
            "type": "websocket", "path": path, "headers": [], "subprotocols": [],
            "url_route": {"kwargs": {}},
        }  # fmt: skip
        if user is not None:
            self.scope["user"] = user
        self._app, self._comm = application, None
        self._factory = ApplicationCommunicator

    async def connect(self, timeout: float = 2):
        self._comm = self._factory(self._app, self.scope)
        await self._comm.send_input({"type": "websocket.connect"})
        response = await self._comm.receive_output(timeout)
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        return True, None

    async def send_json_to(self, data) -> None:
        import json

        await self._comm.send_input({"type": "websocket.receive", "text": json.dumps(data)})

    async def receive_json_from(self, timeout: float = 2):
        import json

        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", response
        return json.loads(response["text"])

    async def receive_output(self, timeout: float = 2) -> dict:
        return await self._comm.receive_output(timeout)

    async def receive_nothing(self, timeout: float = 0.2) -> bool:
        return await self._comm.receive_nothing(timeout)

    async def disconnect(self, code: int = 1000) -> None:
        await self._comm.send_input({"type": "websocket.disconnect", "code": code})
        await self._comm.wait(1)


def run_async(fn):
    """Run an async test body in its own thread: Playwright's sync API (session-wide in
    browser runs) leaves an event loop in the main thread, where async_to_sync refuses."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, fn()).result()
