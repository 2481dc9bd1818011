# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition's config-mode answers: the Blynk app's API (``/board_info.json``,
``/wifi_scan.json``, ``/config``, ``/reset``, ``/reboot``; blynk-edgent-protocol.md section 3),
from a request's first line to the answer. The two JSON pages do not change while config mode
lasts: :mod:`~blynk_edgent_lite.pages` writes them once, and config mode holds where they are.
So is the page for browsers (``/``). ``/config``'s form is read, checked and answered by
:mod:`~blynk_edgent_lite.form`. Config mode
loads this module for a request, and the form in its place for ``/config``: held together, or
held while config mode lasts, they would leave less room for every request.
"""


def answer(request, device):
    """``(status, body, then)`` for a request's first line (``GET /path?query HTTP/1.1``) to config
    mode ``device``: the body is the answer's bytes, or one of its pages ``page`` (for
    browsers), ``board_info`` and ``wifi_scan`` as config mode holds them; ``then`` is None,
    ``b"erase"``, ``b"reboot"``, or ``b"form"`` for ``/config``, whose query (the body: its
    start and end in ``request``) :func:`~blynk_edgent_lite.form.answer` judges once this module
    has left the heap."""
    # found in place: each slice is a copy, and a request comes when the heap is tightest
    if not request.startswith(b"GET "):
        return 405, b'{"status":"error","msg":"GET only"}', None
    end = request.find(b" ", 4)
    end = len(request) if end < 0 else end
    mark = request.find(b"?", 4, end)
    path = request[4 : end if mark < 0 else mark]
    if path == b"/":
        return 200, device.page, None
    if path == b"/board_info.json":
        return 200, device.board_info, None
    if path == b"/wifi_scan.json":
        return 200, device.wifi_scan, None
    if path == b"/config":
        return None, (mark + 1, end) if mark >= 0 else (end, end), b"form"  # the query, found in place
    if path == b"/reset":
        return 200, b'{"status":"ok","msg":"Configuration reset"}', b"erase"
    if path == b"/reboot":
        return 200, b'{"status":"ok","msg":"Rebooting"}', b"reboot"
    return 404, b'{"status":"error","msg":"Not found"}', None
