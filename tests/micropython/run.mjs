// SPDX-FileCopyrightText: 2026 The blynk_edgent authors
//
// SPDX-License-Identifier: MIT

// Runs one Python script under MicroPython 1.27 for WebAssembly (npm
// @micropython/micropython-webassembly-pyscript), with host folders copied into its
// in-memory file system first (this build has no NODEFS).
//
//   node run.mjs SCRIPT HOSTDIR=/guest/dir [HOSTDIR=/guest/dir ...]
//
// The script's exit status is 1 when MicroPython raised, else 0.
import fs from "fs";
import path from "path";
import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";

const [script, ...mounts] = process.argv.slice(2);
const mp = await loadMicroPython({
  stdout: (s) => process.stdout.write(s + "\n"),
  stderr: (s) => process.stderr.write(s + "\n"),
});

function copy(src, dst) {
  mp.FS.mkdirTree(dst);
  for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
    if (entry.name === "__pycache__" || entry.name === "node_modules") continue;
    const from = path.join(src, entry.name);
    const to = dst + "/" + entry.name;
    if (entry.isDirectory()) copy(from, to);
    else if (entry.name.endsWith(".py")) mp.FS.writeFile(to, fs.readFileSync(from));
  }
}

for (const mount of mounts) {
  const at = mount.lastIndexOf("=");
  copy(mount.slice(0, at), mount.slice(at + 1));
}
try {
  mp.runPython(fs.readFileSync(script, "utf8"));
} catch (error) {
  process.stderr.write(String(error.message || error) + "\n");
  process.exit(1);
}
