"""The ASGI → WSGI bridge that `gongzhi serve` puts in front of Django (issue 19.1)."""

import asyncio
import io
import threading

from gongzhi.core.wsgi_bridge import SPOOL_BYTES, WsgiBridge


def _serve(app, *, method="GET", path="/", query=b"", headers=(), body_chunks=(b"",), trusted=None):
    from gongzhi.core.wsgi_bridge import TrustedProxies

    bridge = WsgiBridge(app, threads=2, trusted=TrustedProxies(trusted or "127.0.0.1"))
    scope = {
        "type": "http", "method": method, "path": path, "query_string": query,
        "headers": list(headers), "http_version": "1.1", "scheme": "http",
        "server": ("127.0.0.1", 8000), "client": ("10.0.0.7", 5555), "root_path": "",
    }  # fmt: skip
    chunks = list(body_chunks)

    async def receive():
        body = chunks.pop(0)
        return {"type": "http.request", "body": body, "more_body": bool(chunks)}

    sent = []

    async def send(message):
        sent.append(message)

    failure = []

    def serve():  # in a thread of its own: the test's thread may already run an event loop
        try:
            asyncio.run(bridge(scope, receive, send))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            failure.append(exc)

    thread = threading.Thread(target=serve)
    thread.start()
    thread.join(timeout=60)
    bridge.shutdown()
    assert not thread.is_alive(), "the bridge did not finish"
    if failure:
        raise failure[0]
    return sent


def test_a_whole_response_is_sent_as_one_body_with_its_status_and_headers():
    def app(environ, start_response):
        start_response("201 Created", [("Content-Type", "text/plain"), ("X-One", "1")])
        return [b"made ", b"it"]

    sent = _serve(app)

    assert sent[0] == {
        "type": "http.response.start",
        "status": 201,
        "headers": [(b"content-type", b"text/plain"), (b"x-one", b"1")],
    }
    assert sent[1:] == [{"type": "http.response.body", "body": b"made it"}]


def test_the_environ_carries_path_query_client_and_headers_as_wsgi_expects():
    seen = {}

    def app(environ, start_response):
        seen.update(environ)
        start_response("200 OK", [])
        return [b""]

    _serve(
        app,
        method="POST",
        path="/案件/",
        query=b"a=1&b=%E4%B8%AD",
        headers=[
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", b"3"),
            (b"x-forwarded-for", b"1.2.3.4"),
            (b"accept", b"text/html"),
            (b"accept", b"application/json"),
            (b"cookie", b"a=1"),
            (b"cookie", b"b=2"),
        ],
        body_chunks=[b"x=", b"1"],
    )

    assert seen["REQUEST_METHOD"] == "POST"
    assert seen["PATH_INFO"] == "/案件/".encode().decode("latin-1")  # PEP 3333
    assert seen["QUERY_STRING"] == "a=1&b=%E4%B8%AD"
    assert (seen["CONTENT_TYPE"], seen["CONTENT_LENGTH"]) == (
        "application/x-www-form-urlencoded",
        "3",
    )
    assert seen["HTTP_X_FORWARDED_FOR"] == "1.2.3.4"
    assert seen["HTTP_ACCEPT"] == "text/html,application/json"
    assert seen["HTTP_COOKIE"] == "a=1; b=2"
    assert (seen["REMOTE_ADDR"], seen["SERVER_PORT"]) == ("10.0.0.7", "8000")
    assert seen["wsgi.input"].read() == b"x=1"


def test_a_large_body_is_spooled_to_a_file_and_read_back_whole():
    got = {}

    def app(environ, start_response):
        got["body"] = environ["wsgi.input"].read()
        got["spooled"] = not isinstance(environ["wsgi.input"], io.BytesIO)
        start_response("200 OK", [])
        return [b""]

    part = b"z" * (SPOOL_BYTES // 2 + 1)
    _serve(app, method="POST", body_chunks=[part, part, part])

    assert got == {"body": part * 3, "spooled": True}


class _Streaming:
    streaming = True

    def __init__(self, log):
        self.log = log

    def __iter__(self):
        yield b"one,"
        yield b""
        yield b"two"

    def close(self):
        self.log.append("closed")


def test_a_streaming_response_is_sent_chunk_by_chunk_and_closed():
    log = []

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/csv")])
        return _Streaming(log)

    sent = _serve(app)

    bodies = [m for m in sent if m["type"] == "http.response.body"]
    assert b"".join(m["body"] for m in bodies) == b"one,two"
    assert bodies[0]["more_body"] is True and bodies[-1].get("more_body", False) is False
    assert log == ["closed"]


def test_a_non_streaming_response_is_closed_in_the_request_thread():
    closed_in = []

    class Result(list):
        def close(self):
            closed_in.append(threading.current_thread().name)

    def app(environ, start_response):
        start_response("200 OK", [])
        return Result([b"ok"])

    _serve(app)

    assert len(closed_in) == 1 and closed_in[0].startswith("http")


def test_an_error_outside_django_is_a_plain_500_not_a_hang():
    def app(environ, start_response):
        raise RuntimeError("boom")

    sent = _serve(app)

    assert sent[0]["status"] == 500
    assert sent[1]["body"] == b"Internal Server Error"


def _seen_behind(client_host, headers, trusted="127.0.0.1"):
    from gongzhi.core.wsgi_bridge import TrustedProxies, apply_proxy_headers

    environ = {"REMOTE_ADDR": client_host, "wsgi.url_scheme": "http", **headers}
    apply_proxy_headers(environ, TrustedProxies(trusted))
    return environ["REMOTE_ADDR"], environ["wsgi.url_scheme"]


def test_behind_the_local_proxy_the_residents_address_and_https_are_seen():
    headers = {"HTTP_X_FORWARDED_FOR": "203.0.113.9", "HTTP_X_FORWARDED_PROTO": "https"}

    assert _seen_behind("127.0.0.1", headers) == ("203.0.113.9", "https")


def test_a_client_cannot_forge_its_address_to_the_left_of_the_proxys_entry():
    headers = {"HTTP_X_FORWARDED_FOR": "10.9.9.9, 203.0.113.9"}  # first part sent by the client

    assert _seen_behind("127.0.0.1", headers)[0] == "203.0.113.9"


def test_a_chain_of_trusted_proxies_is_walked_to_the_first_untrusted_address():
    headers = {"HTTP_X_FORWARDED_FOR": "203.0.113.9, 10.0.0.2"}

    assert _seen_behind("127.0.0.1", headers, "127.0.0.1,10.0.0.0/8")[0] == "203.0.113.9"


def test_headers_from_an_untrusted_peer_are_ignored():
    headers = {"HTTP_X_FORWARDED_FOR": "1.1.1.1", "HTTP_X_FORWARDED_PROTO": "https"}

    assert _seen_behind("198.51.100.4", headers) == ("198.51.100.4", "http")


def test_an_unknown_scheme_and_garbage_addresses_in_the_setting_change_nothing():
    headers = {"HTTP_X_FORWARDED_PROTO": "gopher"}

    assert _seen_behind("127.0.0.1", headers, "127.0.0.1, not-an-ip") == ("127.0.0.1", "http")


def test_the_bridge_applies_the_proxy_headers_to_what_django_sees():
    seen = {}

    def app(environ, start_response):
        seen.update(environ)
        start_response("200 OK", [])
        return [b""]

    bridge_headers = [(b"x-forwarded-for", b"203.0.113.9"), (b"x-forwarded-proto", b"https")]
    _serve(app, headers=bridge_headers)  # the scope's client is 10.0.0.7: not trusted

    assert (seen["REMOTE_ADDR"], seen["wsgi.url_scheme"]) == ("10.0.0.7", "http")

    _serve(app, headers=bridge_headers, trusted="10.0.0.7")  # now it is the proxy

    assert (seen["REMOTE_ADDR"], seen["wsgi.url_scheme"]) == ("203.0.113.9", "https")
