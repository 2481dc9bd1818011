# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Config mode under load, as issue 14 holds it: the figures the heap table cannot give.

Measured on the host (CPython) with the library's own code, since they are about what the code
does, not what it costs in RAM:

* the longest ``poll()`` of the portal's server, and the wait of a real request, among 8 slow
  clients (a byte a second), 8 silent ones and 1 that never reads (tests/slow_clients.py, real
  loopback sockets with a board's send buffer);
* the NVM writes a real Edgent makes in config mode while a phone floods it with ``/config``
  and ``/reset`` for ten minutes (virtual clock, the stand-in radio of tests/pure, the
  erase-first NVM that counts each block write), and its longest ``poll()`` meanwhile.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for folder in ("tests", "tests/pure", "host", "lib"):
    if str(ROOT / folder) not in sys.path:
        sys.path.insert(0, str(ROOT / folder))

# What issue 14 holds config mode to.
TARGETS = {"longest_poll_ms": 50, "real_request_ms": 3000, "nvm_writes_per_minute": 4}
FLOOD_MINUTES = 10
TOKEN = "abcdefghijklmnopqrstuvwxyzAB12_-"


def slow_clients() -> dict[str, Any]:
    """The portal's server among slow, silent and non-reading clients."""
    from slow_clients import measure_slow_clients

    return measure_slow_clients()


def flood() -> dict[str, Any]:
    """A phone alternating ``/config`` (a wrong password: each attempt fails and is stored) and
    ``/reset`` as fast as the device answers, for FLOOD_MINUTES virtual minutes."""
    from blynk_edgent.config import Config
    from blynk_edgent.edgent import Edgent
    from blynk_edgent.store import ConfigStore
    from support import Clock, FakeNVM, FakeRadio

    radio = FakeRadio(join_codes=[722] * 100000)
    nvm = FakeNVM(8192)
    ConfigStore(nvm).save(Config(ssid="HomeNet", password="correct horse", token=TOKEN, provisioned=True))
    clock = Clock()
    device = Edgent(
        "TMPL4abcd123", "Device", "0.1.0", radio=radio, nvm=nvm, tls=True, log=lambda line: None,
        clock=clock, led=False, button=False, screen=False,
    )  # fmt: skip
    device.reset_config()  # config mode, with a configuration stored
    device.poll()
    writes_at_start = nvm.writes
    query = "/config?ssid=HomeNet&pass=wrong+password+1&blynk=" + TOKEN
    end = clock.now + FLOOD_MINUTES * 60000
    longest = 0.0
    requests = answers = 0
    phone = None
    while clock.now < end:
        if phone is None or phone.answer or phone.closed:
            if phone is not None and phone.answer:
                answers += 1
            requests += 1
            phone = radio.phone(query if requests % 2 else "/reset")
        started = time.perf_counter()
        device.poll()
        longest = max(longest, time.perf_counter() - started)
        clock.now += 10
    writes = nvm.writes - writes_at_start
    return {
        "requests": requests,
        "answered": answers,
        "nvm_writes": writes,
        "nvm_writes_per_minute": round(writes / FLOOD_MINUTES, 2),
        "longest_device_poll_ms": round(longest * 1000, 2),
    }


def measure() -> dict[str, Any]:
    """Every figure of this module, with the targets."""
    return {"slow_clients": slow_clients(), "flood": flood(), "targets": TARGETS}


def table(field: dict[str, Any]) -> list[str]:
    """The figures as a Markdown table."""
    slow, flooded, targets = field["slow_clients"], field["flood"], field["targets"]

    def verdict(value: float, limit: float) -> str:
        return f"{limit:,}: {'met' if value <= limit else 'NOT MET'}"

    return [
        "",
        "| config mode under load (CPython, issue 14) | figure | target |",
        "|---|---:|---|",
        f"| longest `poll()` of the portal's server among 8 slow, 8 silent and 1 non-reading client | "
        f"{slow['longest_poll_ms']} ms | {verdict(slow['longest_poll_ms'], targets['longest_poll_ms'])} ms |",
        f"| wait of a real request among them ({slow['real_requests_complete']} of 4 answered whole) | "
        f"{slow['real_request_ms']} ms | {verdict(slow['real_request_ms'], targets['real_request_ms'])} ms |",
        f"| NVM writes under a /config + /reset flood ({flooded['requests']:,} requests in "
        f"{FLOOD_MINUTES} min) | {flooded['nvm_writes_per_minute']} a minute | "
        f"{verdict(flooded['nvm_writes_per_minute'], targets['nvm_writes_per_minute'])} a minute |",
        f"| longest `Edgent.poll()` during that flood | {flooded['longest_device_poll_ms']} ms | |",
    ]


if __name__ == "__main__":
    import json

    figures = measure()
    print(json.dumps(figures, indent=2))
    print("\n".join(table(figures)))
