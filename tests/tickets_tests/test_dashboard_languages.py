"""The deflection dashboard in German: words, dates and decimal commas in the text, while
the charts' SVG coordinates stay plain numbers (a "12,5" would break the drawing)."""

import re

import pytest
from django.urls import reverse

from .test_dashboard import DASHBOARD, TODAY, agent_client, spread_over_days  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("whoosh_index")


def test_the_dashboard_speaks_german_and_keeps_svg_numbers_plain(use_language, agent_client, clock, spread_over_days, settings):  # noqa: F811
    use_language("de")
    clock(TODAY)
    html = agent_client.get(reverse("tickets:dashboard"), {"days": 7}).content.decode()
    assert "Dashboard Selbsthilfe" in html
    assert "Besucher: 6 insgesamt, höchstens 4 (17. Jun)" in html
    assert "Letzte 7 Tage" in html and "Nach Woche" in html
    assert re.search(r"\d+,\d %", html)  # a rate with a decimal comma ("33,3 %")
    for svg in re.findall(r"<svg.*?</svg>", html, re.DOTALL):
        for name, value in re.findall(r'\s(x|y|x1|x2|y1|y2|width|height|cx|cy)="([^"]*)"', svg):
            assert re.fullmatch(r"-?\d+(\.\d+)?%?", value), (name, value)
        for points in re.findall(r'points="([^"]*)"', svg):  # "x,y x,y ...": a comma per pair only
            assert re.fullmatch(r"(\d+(\.\d+)?,\d+(\.\d+)?)( \d+(\.\d+)?,\d+(\.\d+)?)*", points), points
