"""A portal page's own form as a browser reads it, for the tests that post every form
back (tests/test_unchanged_edits.py, tests/test_error_messages.py)."""

from dataclasses import dataclass

from tests.test_hostile_input import _PageFormReader


@dataclass
class ShownForm:
    """The page's own form, and what a browser would send from it untouched."""

    values: dict[str, list[str]]
    # name: "text", "textarea", "number", "date" (a GOV.UK date box), "file", "choice"
    # (radios and checkboxes) or "select"
    controls: dict[str, str]
    selected: set[str]  # selects with an option marked selected
    required: set[str]
    button: tuple[str, str] | None  # the first submit button: what Enter presses

    def answered(self, name: str) -> bool:
        kind = self.controls[name]
        if kind == "select":
            return name in self.selected
        if kind == "file":  # no browser shows the file a form already holds
            return True
        return any(value.strip() for value in self.values.get(name, []))

    @property
    def unanswered(self) -> list[str]:
        return sorted(name for name in self.controls if not self.answered(name))

    def with_button(self, data: dict[str, list[str]]) -> dict[str, list[str]]:
        return data | ({self.button[0]: [self.button[1]]} if self.button else {})

    def submission(self) -> dict[str, list[str]]:
        """What a browser sends when the form is submitted as the page shows it."""
        return self.with_button(dict(self.values))


class _ShownFormReader(_PageFormReader):
    """The hostile input test's reader, also noting each control's kind, which
    questions are required, which selects have a chosen option, and the first button."""

    def __init__(self):
        super().__init__()
        self.controls, self.selected, self.required, self.button = {}, set(), set(), None

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        attrs = dict(attrs)
        name = attrs.get("name")
        if not self.inside or name == "csrfmiddlewaretoken":
            return
        kind = attrs.get("type", "submit" if tag == "button" else "text").lower()
        if tag == "option" and self.select and "selected" in attrs:
            self.selected.add(self.select[0])
        if not name:
            return
        if kind == "submit" and tag in ("input", "button"):
            self.button = self.button or (name, attrs.get("value", ""))
            return
        if tag == "input" and kind == "hidden":
            return
        if "required" in attrs:
            self.required.add(name)
        if tag in ("select", "textarea"):
            self.controls[name] = tag
        elif tag == "input" and kind in ("checkbox", "radio"):
            self.controls[name] = "choice"
        elif tag == "input" and "govuk-date-input__input" in attrs.get("class", ""):
            self.controls[name] = "date"
        elif tag == "input":
            self.controls[name] = {"number": "number", "file": "file"}.get(kind, "text")


def shown_form(response) -> ShownForm | None:
    """The page's own form, or None if the response is no page with a form."""
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return None
    reader = _ShownFormReader()
    reader.feed(response.content.decode())
    if not reader.controls:
        return None
    return ShownForm(
        reader.form.values, reader.controls, reader.selected, reader.required, reader.button
    )
