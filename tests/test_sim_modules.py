# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The simulator's CircuitPython modules offer only what a board has, called as a board calls it,
and report what the code set (a static address).

Each module under ``host/edgent_host/sim/cp`` is read beside its ``circuitpython-stubs`` file: every
public name and class member must exist in the stub, and every function and method must take the
same parameters (names, and which are keyword-only). So a ``code.py`` that runs
under ``edgent sim`` does not lean on a name or keyword the board lacks.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
from collections.abc import Iterator
from importlib import metadata
from ipaddress import IPv4Address
from pathlib import Path
from typing import Any

import pytest

from edgent_host.sim.cp import MODULES

# Modules CircuitPython has but the stubs package does not ship (``ssl`` would shadow the host's,
# ``errno`` too; tests/test_sim_native.py checks errno's names and numbers against newlib's).
WITHOUT_STUB = {"ssl", "errno"}

# Members the simulator needs that no board lets code.py call, each with the reason.
SIMULATOR_ONLY = {
    # CircuitPython builds these objects itself; the simulator builds them from its world.
    "wifi.Network.__init__": "built from the world file's network",
    "socketpool.Socket.__init__": "built by SocketPool.socket() around a host socket",
    "wifi.ScannedNetworks.__init__": "built by start_scanning_networks() from the world's networks",
}

# Dunder methods compared like public ones (the rest belong to the Python object model).
COMPARED_DUNDERS = {"__init__", "__enter__", "__exit__", "__getitem__", "__setitem__", "__len__"}


def _members(body: list[ast.stmt]) -> dict[str, ast.AST]:
    found: dict[str, ast.AST] = {}
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            found.setdefault(node.name, node)  # an overload's first form is enough for the names
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            found[node.target.id] = node
        elif isinstance(node, ast.Assign):
            found.update((target.id, node) for target in node.targets if isinstance(target, ast.Name))
    return found


def _signature(function: ast.FunctionDef) -> tuple[object, ...]:
    """Parameters as a caller sees them: positional-only ones by count (None), others by name.

    Defaults are not compared: the stubs often leave out ones the C code has (``recv_into``'s
    ``bufsize``, ``set_ipv4_address``'s ``ipv4_dns``, both optional in their own docstrings).
    """
    args = function.args
    positional = tuple([None] * len(args.posonlyargs) + [arg.arg for arg in args.args])
    keyword_only = tuple(arg.arg for arg in args.kwonlyargs)
    return positional, keyword_only, args.vararg is not None, args.kwarg is not None


def _same_call(sim: ast.FunctionDef, stub: ast.FunctionDef) -> bool:
    if sim.name == "__exit__":  # stubs write __exit__(self); the context protocol passes three values
        return True
    sim_positional, *sim_rest = _signature(sim)
    stub_positional, *stub_rest = _signature(stub)
    if sim_rest != stub_rest or len(sim_positional) != len(stub_positional):
        return False
    # A parameter positional-only in the simulator (a C function of fixed arity) matches any name.
    return all(mine is None or mine == theirs for mine, theirs in zip(sim_positional, stub_positional, strict=True))


def _is_property(node: ast.AST) -> bool:
    return isinstance(node, ast.FunctionDef) and any(
        (isinstance(d, ast.Name) and d.id == "property") or (isinstance(d, ast.Attribute) and d.attr == "setter")
        for d in node.decorator_list
    )


def differences(module: str, sim_source: str, stub_source: str) -> list[str]:
    """What the simulator's ``module`` offers that the stub does not, or takes differently."""
    found = []
    sim, stub = _members(ast.parse(sim_source).body), _members(ast.parse(stub_source).body)
    for name, node in sim.items():
        if name.startswith("_"):
            continue
        if name not in stub:
            found.append(f"{module}.{name}: not in the stub")
            continue
        if isinstance(node, ast.FunctionDef) and isinstance(stub[name], ast.FunctionDef):
            if not _same_call(node, stub[name]):
                found.append(f"{module}.{name}: parameters differ from the stub")
        if not (isinstance(node, ast.ClassDef) and isinstance(stub[name], ast.ClassDef)):
            continue
        stub_class = stub[name]
        assert isinstance(stub_class, ast.ClassDef)
        stub_members = _members(stub_class.body)
        for member, member_node in _members(node.body).items():
            qualified = f"{module}.{name}.{member}"
            if (member.startswith("_") and member not in COMPARED_DUNDERS) or qualified in SIMULATOR_ONLY:
                continue
            if member not in stub_members:
                found.append(f"{qualified}: not in the stub")
            elif isinstance(member_node, ast.FunctionDef) and not _is_property(member_node):
                other = stub_members[member]
                if isinstance(other, ast.FunctionDef) and not _same_call(member_node, other):
                    found.append(f"{qualified}: parameters differ from the stub")
    return found


def stub_source(module: str) -> str:
    """The text of ``module``'s stub in the installed circuitpython-stubs."""
    site = Path(str(metadata.distribution("circuitpython-stubs").locate_file("")))
    return (site / f"{module}-stubs" / "__init__.pyi").read_text()


@pytest.mark.parametrize("module", sorted(set(MODULES) - WITHOUT_STUB))
def test_simulated_module_matches_circuitpython_stubs(module: str) -> None:
    spec = importlib.util.find_spec(MODULES[module])
    assert spec is not None and spec.origin is not None
    assert differences(module, Path(spec.origin).read_text(), stub_source(module)) == []


def test_the_comparison_catches_an_invented_name_and_a_renamed_keyword() -> None:
    stub = "class Radio:\n    def connect(self, ssid: str, password: str = '', *, timeout: float = 0) -> None: ...\n"
    sim = (
        "class Radio:\n"
        "    def connect(self, ssid, password='', *, wait=0): ...\n"
        "    def teleport(self): ...\n"
        "def claim(pin): ...\n"
    )
    assert sorted(differences("wifi", sim, stub)) == [
        "wifi.Radio.connect: parameters differ from the stub",
        "wifi.Radio.teleport: not in the stub",
        "wifi.claim: not in the stub",
    ]
    same = "class Radio:\n    def connect(self, ssid, password='', *, timeout=0): ...\n"
    assert differences("wifi", same, stub) == []


@pytest.fixture
def native_wifi(tmp_path: Path) -> Iterator[Any]:
    """The simulator's ``wifi`` module on a native-WiFi board, in this process, in the default world."""
    from edgent_host.sim import boards, runtime
    from edgent_host.sim.world import World

    previous = runtime._current
    runtime.install(
        runtime.Runtime(
            board=boards.get("adafruit_feather_esp32s3_4mbflash_2mbpsram"),
            state_dir=tmp_path,
            code_dir=tmp_path,
            cloud=("127.0.0.1", 9),
            world=World(),
            portal=("127.0.0.1", 9),
        )
    )
    saved = sys.modules.pop(MODULES["wifi"], None)
    try:
        yield importlib.import_module(MODULES["wifi"])
    finally:
        sys.modules.pop(MODULES["wifi"], None)
        if saved is not None:
            sys.modules[MODULES["wifi"]] = saved
        runtime._current = previous


def test_a_static_address_is_what_the_radio_reports(native_wifi: Any) -> None:
    radio = native_wifi.radio
    radio.connect("HomeNet", "correct horse battery")
    assert (str(radio.ipv4_gateway), str(radio.ipv4_subnet), str(radio.ipv4_dns)) == (
        "192.168.1.1",
        "255.255.255.0",
        "192.168.1.1",
    )
    radio.stop_dhcp()
    radio.set_ipv4_address(
        ipv4=IPv4Address("10.0.0.20"),
        netmask=IPv4Address("255.255.0.0"),
        gateway=IPv4Address("10.0.0.1"),
        ipv4_dns=IPv4Address("1.1.1.1"),
    )
    radio.connect("HomeNet", "correct horse battery")
    assert [str(a) for a in (radio.ipv4_address, radio.ipv4_gateway, radio.ipv4_subnet, radio.ipv4_dns)] == [
        "10.0.0.20",
        "10.0.0.1",
        "255.255.0.0",
        "1.1.1.1",
    ]
    # Without a DNS server the one in use stays, as on CircuitPython; DHCP brings the router's back.
    radio.set_ipv4_address(
        ipv4=IPv4Address("10.0.0.21"), netmask=IPv4Address("255.0.0.0"), gateway=IPv4Address("10.0.0.1")
    )
    assert str(radio.ipv4_dns) == "1.1.1.1"
    with pytest.raises(TypeError):
        radio.ipv4_dns = "8.8.8.8"
    radio.start_dhcp()
    assert str(radio.ipv4_dns) == "192.168.1.1" and str(radio.ipv4_gateway) == "192.168.1.1"
    radio.stop_station()
    assert radio.ipv4_gateway is None and radio.ipv4_dns is None
