# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Host-side tools for blynk_edgent: the ``edgent`` command (simulator, local cloud, provisioning, deploy)."""
