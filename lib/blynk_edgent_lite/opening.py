# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Opening config mode: the access point's name, what the NINA module is asked once (a scan, the
access point, the portal's server socket) and config mode's pages written, each by a helper
module let go before the next one loads (a board loads a module's code into its heap). Held only
while config mode opens, and config mode's own code loads after it: what stays takes the lowest
holes the helpers leave (the collector never moves a block).
"""

from blynk_edgent_lite import forget


def open_config_mode(device):
    """Open config mode for ``device`` (an :class:`~blynk_edgent_lite.edgent.Edgent`): keep the
    page for browsers, name the access point, scan (before the access point: a scan on 1.x drops
    it), open it, listen on port 80, write the JSON pages. Returns ``(ap_ssid, server socket,
    pages)``, what :class:`~blynk_edgent_lite.configmode.ConfigMode` takes."""
    nina = device.nina
    # first, while the heap is most whole (its module is the opening's largest): the page for
    # browsers, the same at every opening, written only when the file store does not hold it
    # already (no flash worn for nothing)
    from blynk_edgent_lite.keep import keep, kept
    from blynk_edgent_lite.page import FILE, PIECES

    page = kept(nina, FILE, PIECES) or keep(nina, FILE, PIECES)
    del keep, kept, PIECES
    forget("page", "keep", "files")
    from blynk_edgent_lite.apname import ap_ssid

    ssid = bytes(ap_ssid(str(device.template[1], "utf-8"), device.mac), "utf-8")
    del ap_ssid
    forget("apname", "crc")
    from blynk_edgent_lite.access import listen, scan, start_ap

    networks = scan(nina)
    start_ap(nina, ssid)
    server = nina.socket()
    listen(nina, server, 80)
    del listen, scan, start_ap
    forget("access")
    from blynk_edgent_lite.pages import write

    pages = write(device, ssid, networks)
    del write, networks
    forget("pages", "keep", "files")
    return ssid, server, pages + (page,)
