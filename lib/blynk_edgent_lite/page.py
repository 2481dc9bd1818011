# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition's page for a browser (``GET /`` in config mode): the networks around from
``/wifi_scan.json`` (or one typed in), the password and the auth token, sent to ``/config`` as
the Blynk app sends them; the device's answer shown in words. Loaded for that request only;
the HTML is in pieces, each a block of the heap a fragmented one has room for.
"""

PIECES = [
    b"<!DOCTYPE html><html><head><meta charset=utf-8><meta name=viewport content='width=device-width'>"
    b"<title>Blynk setup</title><style>body{font-family:sans-serif;margin:1em}input,select,button"
    b"{display:block;width:100%;box-sizing:border-box;margin:.4em 0;padding:.4em}"
    b".bad{color:#b00}.good{color:#070}</style>",
    b"</head><body><h3 id=title>Set up</h3><p id=sub></p><form id=form><select id=nets>"
    b"<option value=''>(a network around)</option></select><input id=ssid placeholder='or its name'>"
    b"<input id=pass type=password placeholder='WiFi password'>",
    b"<input id=blynk placeholder='Blynk auth token' maxlength=32><button id=go>Save</button></form>"
    b"<p id=out></p><script>const $=i=>document.getElementById(i);"
    b"fetch('/board_info.json').then(r=>r.json()).then(b=>{$('title').textContent='Set up '+b.board;"
    b"$('sub').textContent=b.ssid});",
    b"fetch('/wifi_scan.json').then(r=>r.json()).then(l=>{for(const n of l){const o=document."
    b"createElement('option');o.value=o.textContent=n.ssid;$('nets').append(o)}});"
    b"$('form').onsubmit=e=>{e.preventDefault();const s=$('ssid').value||$('nets').value,o=$('out');",
    b"fetch('/config?'+new URLSearchParams({ssid:s,pass:$('pass').value,blynk:$('blynk').value}))"
    b".then(r=>r.json()).then(a=>{const ok=a.status=='ok';o.className=ok?'good':'bad';o.textContent=ok?"
    b"'Saved: the device restarts and joins '+s+'.':a.msg+': '+a.reason})",
    b".catch(()=>{o.className='bad';o.textContent='No answer: is this phone still on the device"
    b"\\'s access point?'})}</script></body></html>",
]
