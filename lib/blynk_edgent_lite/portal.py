# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition's config-mode answers: the Blynk app's API (``/board_info.json``,
``/wifi_scan.json``, ``/config``, ``/reset``, ``/reboot``; blynk-edgent-protocol.md section 3),
from a request's first line to the answer's bytes. The two JSON pages do not change while config
mode lasts: :mod:`~blynk_edgent_lite.pages` writes them once. ``/config``'s form is read and
checked by :mod:`~blynk_edgent_lite.form`, loaded for that request only: held with config mode it
would leave less room for every other request.
"""

from blynk_edgent_lite import forget


def answer(request, device):
    """``(status, body, then)`` for a request's first line (``GET /path?query HTTP/1.1``) to config
    mode ``device`` (its pages ``board_info`` and ``wifi_scan``): the body is a sequence of bytes
    pieces, sent one after the other (a small heap has room for pieces, not always for their
    sum in one block); ``then`` is None, ``b"save"`` (``device.pending`` holds the
    configuration), ``b"erase"`` or ``b"reboot"``."""
    # found in place: each slice is a copy, and a request comes when the heap is tightest
    if not request.startswith(b"GET "):
        return 405, (b'{"status":"error","msg":"GET only"}',), None
    end = request.find(b" ", 4)
    end = len(request) if end < 0 else end
    mark = request.find(b"?", 4, end)
    path = request[4 : end if mark < 0 else mark]
    if path == b"/board_info.json":
        return 200, device.board_info, None
    if path == b"/wifi_scan.json":
        return 200, device.wifi_scan, None
    if path == b"/config":
        from blynk_edgent_lite.form import configuration

        try:
            device.pending = configuration(request[mark + 1 : end] if mark >= 0 else b"")
        except ValueError as error:
            # the reasons are the form's own words, which need no JSON escapes
            reason = bytes(str(error), "utf-8")
            return 500, (b'{"status":"error","msg":"Configuration invalid","reason":"', reason, b'"}'), None
        finally:
            del configuration
            forget("form")
        return 200, (b'{"status":"ok","msg":"Configuration saved"}',), b"save"
    if path == b"/reset":
        return 200, (b'{"status":"ok","msg":"Configuration reset"}',), b"erase"
    if path == b"/reboot":
        return 200, (b'{"status":"ok","msg":"Rebooting"}',), b"reboot"
    return 404, (b'{"status":"error","msg":"Not found"}',), None
