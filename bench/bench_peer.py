"""Side by side with the peer, django-helpdesk 2.6.1 (issue 19), interleaved in one run.

The peer is set up by the shared harness (`../shared/peer-helpdesk/setup.sh`, under
/tmp/peer-helpdesk) and served as its README says: gunicorn, 2 sync workers. gongzhi is
served by `gongzhi serve --workers 2 --task-workers 1` in production mode. Both run at the
same time on their own ports; ApacheBench drives them in turn, peer then gongzhi, round
after round (A/B/A/B), `ab -n N -c 16` as in the peer's bench.py:

- DB-free: peer GET /ping/ vs gongzhi GET /open311/v2/discovery.json;
- HTTP create: peer's public form POST (CSRF cookie + token, multipart, answered 302) vs
  an Open311 POST (form-encoded, one case each), with ab's 99th percentile;
- on PostgreSQL also gongzhi with 1 web worker, for the 2 ÷ 1 ratio;
- memory after the load: RSS and PSS summed over each server's processes (PSS counts
  pages shared between processes once; RSS counts them in every process). BENCH_OURS_PYTHON
  picks the interpreter (venv) that serves gongzhi.

SQLite, then PostgreSQL (BENCH_PEER_PG, a server URL; two databases on it are used:
BENCH_PEER_OURS_DB and BENCH_PEER_PEER_DB). Each figure is the median of
BENCH_PEER_ROUNDS rounds (default 3); BENCH_PEER_DATABASES=sqlite (or postgresql) runs one
of the two. Standalone: `python bench/bench_peer.py`.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ORDER = 90
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import free_port, stop_group  # noqa: E402

PEER_DIR = Path(os.environ.get("PEER_HARNESS", ROOT.parent / "shared" / "peer-helpdesk"))
if not PEER_DIR.exists():
    PEER_DIR = Path("/work/shared/peer-helpdesk")
PEER_ROOT = Path("/tmp/peer-helpdesk")
ROUNDS = int(os.environ.get("BENCH_PEER_ROUNDS", "3"))
N_FREE = int(os.environ.get("BENCH_PEER_N_FREE", "4000"))
N_CREATE = int(os.environ.get("BENCH_PEER_N_CREATE", "2000"))
CONC = 16
PG = os.environ.get("BENCH_PEER_PG", "postgres://postgres@127.0.0.1:5432")
OURS_PG_DB = os.environ.get("BENCH_PEER_OURS_DB", "gongzhi_peer_bench")
PEER_PG_DB = os.environ.get("BENCH_PEER_PEER_DB", "peer_helpdesk_bench")
DESCRIPTION = "基准测试:楼院杂草无人清理,影响通行"
# The interpreter that serves gongzhi: by default this one (the development venv); for the
# memory figure, a venv installed as `make run` installs it (requirements.lock only, no test
# tools), e.g. `python -m venv /tmp/prodvenv && /tmp/prodvenv/bin/pip install -r
# requirements.lock && /tmp/prodvenv/bin/pip install --no-deps -e .`.
OURS_PYTHON = os.environ.get("BENCH_OURS_PYTHON", sys.executable)


# ---- processes ------------------------------------------------------------------------


def _wait_up(url: str, proc: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server for {url} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server did not answer {url}")


def memory_mb(pgid: int) -> dict[str, float]:
    """RSS and PSS of every process in the group (a server and all it started), in MB."""
    rss = pss = 0
    count = 0
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) != pgid:  # the 5th field of stat: the process group
                continue
            rollup = (status.parent / "smaps_rollup").read_text()
        except (OSError, IndexError, ValueError):
            continue
        values = dict(re.findall(r"^(Rss|Pss):\s+(\d+) kB", rollup, re.M))
        rss += int(values.get("Rss", 0))
        pss += int(values.get("Pss", 0))
        count += 1
    return {"rss_mb": rss / 1024, "pss_mb": pss / 1024, "processes": count}


# ---- ApacheBench -----------------------------------------------------------------------


def _failures(out: str) -> int:
    """ab's failed requests, not counting "Length" ones: ab compares every body's length
    with the first's, and a case id that gains a digit (9999 -> 10000) is not a failure."""
    m = re.search(r"\(Connect: (\d+), Receive: (\d+), Length: \d+, Exceptions: (\d+)\)", out)
    return sum(int(x) for x in m.groups()) if m else 0


def ab(
    url: str,
    n: int,
    *,
    expect_non2xx: int = 0,
    post: tuple[str, str] | None = None,
    cookie: str = "",
) -> dict[str, float]:
    """`ab -n n -c 16`: requests per second and the 99th percentile in ms."""
    cmd = ["ab", "-q", "-n", str(n), "-c", str(CONC), "-s", "60"]
    if post:
        cmd += ["-p", post[0], "-T", post[1]]
    if cookie:
        cmd += ["-C", cookie]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout

    def num(label: str) -> float:
        m = re.search(rf"^{label}:\s+([\d.]+)", out, re.M)
        return float(m[1]) if m else 0.0

    if (
        num("Complete requests") != n
        or _failures(out)
        or (num("Non-2xx responses") != expect_non2xx)
    ):
        raise RuntimeError(f"ab {url}: unexpected replies\n{out}")
    p99 = re.search(r"^\s+99%\s+(\d+)", out, re.M)
    return {"rps": num("Requests per second"), "p99_ms": float(p99[1]) if p99 else 0.0}


# ---- the peer --------------------------------------------------------------------------


def peer_setup(database_url: str | None) -> None:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    subprocess.run(
        ["bash", str(PEER_DIR / "setup.sh")], env=env, check=True, stdout=subprocess.DEVNULL
    )


def peer_start(port: int, database_url: str | None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"DJANGO_SETTINGS_MODULE": "peerdesk.settings", "PYTHONDONTWRITEBYTECODE": "1"}
    if database_url:
        env["DATABASE_URL"] = database_url
    log = (PEER_ROOT / "gunicorn-bench.log").open("w")
    proc = subprocess.Popen(  # as the peer's own bench.py starts it
        [
            str(PEER_ROOT / "venv/bin/gunicorn"),
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            "--pythonpath",
            str(PEER_DIR),
            "django.core.wsgi:get_wsgi_application()",
        ],
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    _wait_up(f"http://127.0.0.1:{port}/ping/", proc)
    return proc


def peer_submit_request(base: str) -> tuple[tuple[str, str], str]:
    """The public form's POST as a browser sends it: (body file, content type), cookie."""
    with urllib.request.urlopen(f"{base}/tickets/submit/", timeout=30) as resp:  # noqa: S310
        html = resp.read().decode()
        cookie = re.search(r"csrftoken=([^;]+)", resp.headers.get("Set-Cookie", ""))[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    queue = re.search(r'<option value="(\d+)"[^>]*>\s*Bench', html)
    fields = {"csrfmiddlewaretoken": token, "queue": queue[1] if queue else "1",
              "title": "Printer jam", "priority": "3", "due_date": "",
              "body": "The printer on floor 2 jams on every duplex job.\nTried a new cartridge.",
              "submitter_email": "user@example.com"}  # fmt: skip
    b = "peerbenchboundary"
    body = "".join(
        f'--{b}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
        for k, v in fields.items()
    )
    body += (
        f'--{b}\r\nContent-Disposition: form-data; name="attachment"; filename=""\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n\r\n--{b}--\r\n"
    )
    path = PEER_ROOT / "submit-bench.body"
    path.write_text(body, newline="")
    return (str(path), f"multipart/form-data; boundary={b}"), f"csrftoken={cookie}"


# ---- gongzhi ---------------------------------------------------------------------------


def _bench_keys() -> dict[str, str]:
    """Production refuses weak keys: random ones, kept in var/bench so that runs agree."""
    import secrets

    path = ROOT / "var" / "bench" / "keys.json"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        keys = {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "FIELD_ENCRYPTION_KEYS": secrets.token_urlsafe(40),
        }
        path.write_text(json.dumps(keys))
    return json.loads(path.read_text())


def ours_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "REDIS_URL"))}
    return env | {
        "GONGZHI_MODE": "production",
        **_bench_keys(),
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "GONGZHI_OPEN311_RATE": "100000000/60",
        "DJANGO_SETTINGS_MODULE": "gongzhi.settings",
        "GONGZHI_VAR_DIR": str(ROOT / "var" / "bench" / "peer-var"),
    }


def ours_prepare(database_url: str) -> tuple[str, str]:
    """Migrate, a district when empty, a fresh API key: (unit code, raw key)."""
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--prepare"],
        env=ours_env(database_url) | {"GONGZHI_MODE": "test"},
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return data["unit"], data["key"]


def ours_start(port: int, database_url: str, workers: int) -> subprocess.Popen:
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [
            OURS_PYTHON,
            "-m",
            "gongzhi",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--task-workers",
            "1",
            "--skip-checks",
        ],
        env=ours_env(database_url),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=(ROOT / "var" / "bench" / f"serve-{port}.log").open("w"),
    )
    _wait_up(f"http://127.0.0.1:{port}/healthz", proc)
    return proc


def ours_post_body(unit: str, key: str) -> tuple[str, str]:
    form = {"api_key": key, "service_code": "0102", "address_id": unit, "description": DESCRIPTION}
    path = ROOT / "var" / "bench" / "open311-post.body"
    path.write_bytes(urllib.parse.urlencode(form).encode())
    return str(path), "application/x-www-form-urlencoded"


# ---- one database -----------------------------------------------------------------------


def run_database(kind: str) -> dict:
    sqlite = kind == "sqlite"
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    ours_url = (
        f"sqlite:///{ROOT / 'var' / 'bench' / 'peer-ours.sqlite3'}"
        if sqlite
        else f"{PG}/{OURS_PG_DB}"
    )
    peer_url = None if sqlite else f"{PG}/{PEER_PG_DB}"
    if not sqlite:
        _pg_create(OURS_PG_DB)
        _pg_create(PEER_PG_DB)
    peer_setup(peer_url)
    unit, key = ours_prepare(ours_url)
    ports = {"peer": free_port(), "ours": free_port(), "ours1": free_port()}
    servers = {"peer": peer_start(ports["peer"], peer_url)}
    try:
        servers["ours"] = ours_start(ports["ours"], ours_url, 2)
        if not sqlite:
            servers["ours1"] = ours_start(ports["ours1"], ours_url, 1)
        base = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        peer_post, peer_cookie = peer_submit_request(base["peer"])
        our_post = ours_post_body(unit, key)
        free = {
            "peer": f"{base['peer']}/ping/",
            "ours": f"{base['ours']}/open311/v2/discovery.json",
        }
        create = {name: f"{base[name]}/open311/v2/requests.json" for name in ("ours", "ours1")}
        runs: dict[str, list[dict]] = {}

        def record(name: str, result: dict) -> None:
            runs.setdefault(name, []).append(result)
            print(
                f"    {kind} {name}: {result['rps']:.0f} req/s, p99 {result['p99_ms']:.0f} ms",
                flush=True,
            )

        # warm-up: every server answers both kinds of request before anything is timed
        ab(free["peer"], 200)
        ab(free["ours"], 200)
        ab(
            f"{base['peer']}/tickets/submit/",
            100,
            expect_non2xx=100,
            post=peer_post,
            cookie=peer_cookie,
        )
        for name in create if not sqlite else ("ours",):
            ab(create[name], 100, post=our_post)
        for _ in range(ROUNDS):
            record("free_peer", ab(free["peer"], N_FREE))
            record("free_ours", ab(free["ours"], N_FREE))
            record(
                "create_peer",
                ab(
                    f"{base['peer']}/tickets/submit/",
                    N_CREATE,
                    expect_non2xx=N_CREATE,
                    post=peer_post,
                    cookie=peer_cookie,
                ),
            )
            record("create_ours", ab(create["ours"], N_CREATE, post=our_post))
            if not sqlite:
                record("create_ours1", ab(create["ours1"], N_CREATE, post=our_post))
        memory = {"peer": memory_mb(servers["peer"].pid), "ours": memory_mb(servers["ours"].pid)}
    finally:
        for proc in servers.values():
            stop_group(proc)
    med = {
        name: {m: statistics.median(r[m] for r in results) for m in ("rps", "p99_ms")}
        for name, results in runs.items()
    }
    return {"median": med, "runs": runs, "memory": memory}


def _pg_create(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


# ---- the report ---------------------------------------------------------------------------


def main(report) -> None:
    load_before = os.getloadavg()
    kinds = os.environ.get("BENCH_PEER_DATABASES", "sqlite,postgresql").split(",")
    results = {kind: run_database(kind) for kind in kinds}
    load_after = os.getloadavg()
    for kind, res in results.items():
        med, mem = res["median"], res["memory"]
        tag = "SQLite" if kind == "sqlite" else "PostgreSQL"
        report(f"{kind}_free_ours_rps", med["free_ours"]["rps"], "req/s", "GET discovery.json")
        report(f"{kind}_free_peer_rps", med["free_peer"]["rps"], "req/s", "GET /ping/")
        report(
            f"{kind}_free_ratio",
            med["free_ours"]["rps"] / med["free_peer"]["rps"],
            "x",
            f"{tag}; target ≥ 0.5",
        )
        report(f"{kind}_create_ours_rps", med["create_ours"]["rps"], "req/s", "Open311 POST")
        report(f"{kind}_create_peer_rps", med["create_peer"]["rps"], "req/s", "public submit")
        report(
            f"{kind}_create_ratio",
            med["create_ours"]["rps"] / med["create_peer"]["rps"],
            "x",
            f"{tag}; target ≥ 1.5",
        )
        report(f"{kind}_create_p99_ours", med["create_ours"]["p99_ms"], "ms", "")
        report(f"{kind}_create_p99_peer", med["create_peer"]["p99_ms"], "ms", "target: ours ≤ peer")
        report(
            f"{kind}_memory_ours_rss",
            mem["ours"]["rss_mb"],
            "MB",
            f"2 web + 1 task worker + serve, {mem['ours']['processes']} processes; PSS "
            f"{mem['ours']['pss_mb']:.0f} MB; target ≤ 300",
        )
        report(
            f"{kind}_memory_peer_rss",
            mem["peer"]["rss_mb"],
            "MB",
            f"gunicorn 2 workers; PSS {mem['peer']['pss_mb']:.0f} MB",
        )
        if "create_ours1" in med:
            report(
                f"{kind}_create_2_vs_1",
                med["create_ours"]["rps"] / med["create_ours1"]["rps"],
                "x",
                "2 web workers ÷ 1; target ≥ 1.6",
            )
    report(
        "load_average", load_before[0], "", f"1-min load before {load_before}, after {load_after}"
    )
    out = ROOT / "bench" / "out" / "peer-runs.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"load": [load_before, load_after], **results}, indent=1))


def _prepare_main() -> None:
    from bench.harness import configure_environment

    configure_environment()
    import django

    django.setup()
    from bench.bench_open311 import _prepare

    unit, key = _prepare()
    print(json.dumps({"unit": unit, "key": key}))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--prepare"]:
        _prepare_main()
    else:

        def _print(name, value, unit, note=""):
            print(f"{name:28} {value:10.2f} {unit:6} {note}", flush=True)

        main(_print)
