# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

# Runs every test_* function of the pure test modules under MicroPython and prints one line per
# test ("PASS module.name" / "FAIL module.name: error") and a final "RESULT passed failed".
# run.mjs copies: tests/pure -> /t, tests/shims -> /shims, tests/micropython -> /mp, lib -> /lib.
import os
import sys

sys.path[:0] = ["/mp", "/shims", "/lib", "/t"]

passed = 0
failed = 0
for filename in sorted(os.listdir("/t")):
    if not (filename.startswith("test_") and filename.endswith(".py")):
        continue
    name = filename[:-3]
    module = __import__(name)
    for attr in sorted(dir(module)):
        if not attr.startswith("test_"):
            continue
        try:
            getattr(module, attr)()
        except Exception as error:  # every failure is reported, none stops the run
            failed += 1
            print("FAIL %s.%s: %r" % (name, attr, error))
            sys.print_exception(error)
        else:
            passed += 1
            print("PASS %s.%s" % (name, attr))
print("RESULT %d %d" % (passed, failed))
