"""How labels and figures read in the portal's sentences."""

import pytest

from common import formatting


@pytest.mark.parametrize(
    "label, expected",
    [
        ("Corporate register", "corporate register"),
        ("Project register", "project register"),
        ("ICT register", "ICT register"),
        ("", ""),
    ],
)
def test_a_label_inside_a_sentence_keeps_only_an_acronym_capitalised(label, expected):
    assert formatting.in_sentence(label) == expected
