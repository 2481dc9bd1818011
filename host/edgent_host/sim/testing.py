"""A simulated device for tests and the demo: :func:`running_sim` boots it and yields the Simulator.

Example::

    with running_cloud(tls=True, tokens=[TOKEN]) as cloud, running_sim(
        "examples/esp32s3/code.py", tmp_path, cloud, nvm={"ssid": "HomeNet", ...}
    ) as sim:
        sim.wait_for(lambda s: s["state"] == "RUNNING", 20)

The device runs in its own processes (one per boot) exactly as under ``edgent sim``; the test
sees it from outside: the panel's snapshot, its serial log, the portal's port, the NVM file.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from edgent_host.address import format_address
from edgent_host.sim.command import board_for
from edgent_host.sim.supervisor import Options, Simulator


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def free_udp_port() -> int:
    """A UDP port on 127.0.0.1 nobody uses now."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def seed_nvm(state_dir: Path, board: str, **fields: Any) -> None:
    """Store a provisioned configuration in ``state_dir/nvm.bin``, as ``edgent nvm write`` does."""
    from blynk_edgent.config import Config
    from blynk_edgent.store import ConfigStore
    from edgent_host.nvmfile import NVMFile
    from edgent_host.sim import boards

    size = boards.get(board).nvm_size
    assert size is not None
    ConfigStore(NVMFile(state_dir / "nvm.bin", size)).save(Config(provisioned=True, **fields))


@contextmanager
def running_sim(
    code: str | Path,
    state_dir: Path,
    cloud: Any,
    *,
    board: str | None = None,
    world: Path | None = None,
    nvm: dict[str, Any] | None = None,
    panel: bool = True,
    echo: Any = None,
    dns: bool = False,
    nina_firmware: str | None = None,
) -> Iterator[Simulator]:
    """Boot ``code`` on a simulated board talking to ``cloud`` (a RunningCloud); stop it on exit.

    ``nvm`` seeds a provisioned configuration first (host, port and TLS follow the cloud unless
    given). The portal gets a free port: ``sim.options.portal``. ``nina_firmware`` ("1.7.7",
    "3.3.0") overrides the NINA version of an AirLift board's emulated ESP32.
    """
    code = Path(code)
    board_id = board_for(code, board)
    state_dir.mkdir(parents=True, exist_ok=True)
    if nvm is not None:
        fields = dict(nvm)
        fields.setdefault("port", 443 if cloud.tls else 80)
        seed_nvm(state_dir, board_id, **fields)
    options = Options(
        code=code,
        state_dir=state_dir,
        board=board_id,
        cloud=format_address(cloud.device_address),
        ca=cloud.ca_dir,
        world=world,
        portal=f"127.0.0.1:{free_port()}",
        panel="127.0.0.1:0" if panel else None,
        echo=echo,
        dns=f"127.0.0.1:{free_udp_port()}" if dns else None,
        nina_firmware=nina_firmware,
    )
    sim = Simulator(options)
    sim.start()
    try:
        yield sim
    finally:
        sim.stop()
