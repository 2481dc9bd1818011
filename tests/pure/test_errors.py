# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""last_error codes: Blynk's numbers, each with words and a next step."""

from blynk_edgent import errors, messages
from support import raises


def test_codes_are_blynks():
    assert errors.NETWORK_NOT_FOUND == 720 and errors.NETWORK_AUTH == 722 and errors.NETWORK_NO_IP == 723
    assert errors.CLOUD_TOKEN == 703 and errors.NETWORK_TIMEOUT == 701
    assert errors.CLOUD_TIMEOUT == 702 and errors.CLOUD_DNS == 710 and errors.CLOUD_TLS == 711


def test_every_code_has_words_and_every_failure_a_remedy():
    for code in errors.CODES:
        assert errors.check_error_code(code) == code
        assert messages.describe(code).endswith(".")
        if code:
            assert messages.remedy(code)
    assert messages.describe(722) == "Wrong WiFi password."


def test_unknown_codes_are_refused_and_described():
    for bad in (1, 699, 799, -1, True, "722", None):
        assert str(raises(ValueError, errors.check_error_code, bad)).startswith("last_error:")
    assert messages.describe(799) == "Unknown error 799."
    assert messages.remedy(799) == ""
