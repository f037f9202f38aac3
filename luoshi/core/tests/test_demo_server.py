"""The demo as a user meets it: `luoshi demo` on a fresh SQLite file, served by gunicorn."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

LUOSHI = [sys.executable, "-m", "luoshi.cli"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def demo_env(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env["LUOSHI_DATA_DIR"] = str(tmp_path)
    return env


def test_the_demo_serves_the_county_user_its_county_and_children(demo_env):
    setup = subprocess.run(
        [*LUOSHI, "demo", "--no-serve"], env=demo_env, capture_output=True, text=True, timeout=180
    )
    assert setup.returncode == 0, setup.stderr
    assert (Path(demo_env["LUOSHI_DATA_DIR"]) / "luoshi.sqlite3").exists()
    password = re.search(r"changan-reporter\s+\S+\s+\S+\s+(\S+)", setup.stdout).group(1)
    # Passwords are printed once only.
    again = subprocess.run(
        [*LUOSHI, "demo", "--no-serve"], env=demo_env, capture_output=True, text=True, timeout=180
    )
    assert password not in again.stdout and "--reset-passwords" in again.stdout

    port = _free_port()
    server = subprocess.Popen(
        [*LUOSHI, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=demo_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):  # up to 60 s: collectstatic and gunicorn start slowly on a busy machine
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        login_page = opener.open(base + "/accounts/login/").read().decode()
        assert "登录" in login_page
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": csrf, "username": "changan-reporter", "password": password}
        ).encode()
        request = urllib.request.Request(
            base + "/accounts/login/", data=form, headers={"Referer": base + "/accounts/login/"}
        )
        home = opener.open(request).read().decode()
        assert "长安区" in home and "建北街道" in home and "河北省" in home
        assert "桥西区" not in home
        css = re.search(r'href="(/static/luoshi/app\.[0-9a-f]+\.css)"', home).group(1)
        assert opener.open(base + css).status == 200
        with pytest.raises(urllib.error.HTTPError) as err:
            opener.open(base + "/units/130104000000/")  # 桥西区, a sibling
        assert err.value.code == 404
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_units_stats_prints_json(demo_env):
    subprocess.run([*LUOSHI, "units", "import"], env=demo_env, capture_output=True, check=False, timeout=120)
    # The database is not migrated yet: the import fails cleanly, without a traceback.
    result = subprocess.run(
        [*LUOSHI, "migrate", "-v0"], env=demo_env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0
    result = subprocess.run(
        [*LUOSHI, "units", "import", "--format", "json"],
        env=demo_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    import json

    stats = json.loads(
        subprocess.run(
            [*LUOSHI, "units", "stats", "--format", "json"],
            env=demo_env,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
    )
    assert stats["levels"]["city"]["division"] == 12
    assert stats["levels"]["county"]["division"] == 167


def test_a_bad_village_file_exits_non_zero_with_row_numbers(demo_env, tmp_path):
    subprocess.run([*LUOSHI, "migrate", "-v0"], env=demo_env, check=True, timeout=120)
    bad = tmp_path / "codes.csv"
    bad.write_text("统计用区划代码,名称\n12345,某村\n", encoding="utf-8")
    result = subprocess.run(
        [*LUOSHI, "units", "import", "--file", str(bad)],
        env=demo_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "第2行" in result.stderr and "Traceback" not in result.stderr
