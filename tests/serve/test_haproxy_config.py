"""The HAProxy configuration ``make serve`` writes, checked by Debian's haproxy itself."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from lupserve.haproxy import INSTALL_HINT, config, haproxy_binary


@pytest.fixture(scope="module")
def haproxy() -> str:
    try:
        return haproxy_binary()
    except RuntimeError:
        pytest.fail(f"haproxy not found: {INSTALL_HINT}", pytrace=False)


def test_config_is_valid_and_sticky_by_cookie_never_by_ip(haproxy: str, tmp_path: Path) -> None:
    text = config("127.0.0.1:18080", [("r1", 18501), ("r2", 18502)], tmp_path / "haproxy.sock")
    path = tmp_path / "haproxy.cfg"
    path.write_text(text)
    checked = subprocess.run([haproxy, "-c", "-f", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    lines = [line.strip() for line in text.splitlines()]
    assert "option httpchk GET /_stcore/health" in lines
    assert "timeout tunnel 1h" in lines
    assert "option redispatch" in lines
    assert any(line.startswith("cookie SERVERID insert indirect nocache") for line in lines)
    assert "server r1 127.0.0.1:18501 cookie r1" in lines and "server r2 127.0.0.1:18502 cookie r2" in lines
    # client-IP stickiness would put a whole venue network (one NAT address) on one replica
    assert not any(line.startswith(("balance source", "stick on src", "stick-table", "hash-type")) for line in lines)
