from common import slots


def _counting():
    """A figure that says how many times it has been worked out."""
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return compute


def test_a_shared_figure_is_worked_out_once_for_the_sections_of_a_page(monkeypatch):
    compute = _counting()
    monkeypatch.setattr(slots, "roles_of", lambda user: frozenset())
    section = slots.Section(
        title="t",
        template="x.html",
        context=lambda *, user: {"n": slots.shared("k", compute)},
        roles=None,
    )
    monkeypatch.setitem(slots._registry, slots.Slot.HOME, [section, section])

    first = slots.sections_for(slots.Slot.HOME, user=None)
    assert [s["n"] for s in first] == [1, 1]
    second = slots.sections_for(slots.Slot.HOME, user=None)
    assert [s["n"] for s in second] == [2, 2], "nothing is remembered from one page to the next"


def test_a_shared_figure_outside_a_page_is_simply_worked_out():
    compute = _counting()
    assert (slots.shared("k", compute), slots.shared("k", compute)) == (1, 2)
