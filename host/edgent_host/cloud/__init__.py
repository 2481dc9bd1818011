# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``edgent cloud``: a local Blynk-compatible cloud on asyncio, for development and tests.

- :mod:`.frames`: the binary protocol's frames (shared by the server and test clients);
- :mod:`.protocol`: the server side of the protocol, one session per device connection;
- :mod:`.devices`: what the cloud knows of each device;
- :mod:`.http_api`: Blynk's device HTTP API and the ``/emulator`` endpoints;
- :mod:`.ca`: the local CA and server certificate for TLS;
- :mod:`.server`: all of it as one object; :mod:`.command`: the command line (also ``python -m edgent_host.cloud``);
- :mod:`.testing`: ``running_cloud()``, the cloud in a background thread for tests.
"""
