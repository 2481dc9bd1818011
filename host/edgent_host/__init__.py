"""Host-side tools for blynk_edgent: the ``edgent`` command (simulator, local cloud, provisioning, deploy)."""
