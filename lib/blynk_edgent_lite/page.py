# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition's page for a browser (``GET /`` in config mode): the networks around from
``/wifi_scan.json`` (or one typed in), the password and the auth token, sent to ``/config`` as
the Blynk app sends them; the device's answer shown in words. Loaded only as config mode opens,
while the heap is most whole, to be kept in the NINA module's file store (see
:func:`~blynk_edgent_lite.opening.open_config_mode`), from which config mode streams it: loaded
for each request, it found no room in about one of three on an MKR WiFi 1010 at 17 KB. The HTML
is in pieces of at most 108 bytes, each a block of the heap a fragmented one has room for.
"""

FILE = b"/fs/edgent.html"  # where it is kept (config mode tells HTML from JSON by the name's end)

PIECES = [
    b"<!DOCTYPE html><html><head><meta charset=utf-8><meta name=viewport content='width=device-width'><title>",
    b"Blynk setup</title><style>body{font-family:sans-serif;margin:1em}input,select,button{display:block;",
    b"width:100%;box-sizing:border-box;margin:.4em 0;padding:.4em}.bad{color:#b00}.good{color:#070}</style></head>",
    b"<body><h3 id=title>Set up</h3><p id=sub></p><form id=form><select id=nets><option value=''>",
    b"(a network around)</option></select><input id=ssid placeholder='or its name'>",
    b"<input id=pass type=password placeholder='WiFi password'>",
    b"<input id=blynk placeholder='Blynk auth token' maxlength=32><button id=go>Save</button></form><p id=out></p>",
    b"<script>const $=i=>document.getElementById(i);fetch('/board_info.json').then(r=>r.json()).then(b=>",
    b"{$('title').textContent='Set up '+b.board;$('sub').textContent=b.ssid});fetch('/wifi_scan.json').then(r=>",
    b"r.json()).then(l=>{for(const n of l){const o=document.createElement('option');o.value=o.textContent=n.ssid;",
    b"$('nets').append(o)}});$('form').onsubmit=e=>{e.preventDefault();",
    b"const s=$('ssid').value||$('nets').value,o=$('out');",
    b"fetch('/config?'+new URLSearchParams({ssid:s,pass:$('pass').value,blynk:$('blynk').value})).then(r=>",
    b"r.json()).then(a=>{const ok=a.status=='ok';o.className=ok?'good':'bad';",
    b"o.textContent=ok?'Saved: the device restarts and joins '+s+'.':a.msg+': '+a.reason}).catch(()=>",
    b"{o.className='bad';o.textContent='No answer: is this phone still on the device\\'s access point?'})}</script>",
    b"</body></html>",
]
