import re

import pytest
from django.urls import reverse


def _current(page: str) -> list[str]:
    return re.findall(r'aria-current="true">([^<]+)</a>', page)


@pytest.mark.parametrize(
    ("url_name", "item"),
    [
        ("home", "Home"),
        ("projects:portfolio", "Portfolio"),
        ("projects:proposal-list", "Proposals"),
        ("projects:project-list", "Projects"),
        ("governance:kpi-list", "KPIs"),
        ("governance:meeting-list", "Meetings"),
        ("governance:strategy-list", "Strategy"),
        ("risks:heat-map", "Risks"),
        ("reports:archive", "Reports"),
    ],
)
def test_the_menu_marks_the_section_of_the_page(url_name, item, head_of_ict, client_for, strategy):
    page = client_for(head_of_ict).get(reverse(url_name)).content.decode()
    assert _current(page) == [item]
