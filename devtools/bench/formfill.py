"""Read an HTML form the way a browser would and fill it in as an officer would.

Standard library only: the benchmark command (in the app's virtualenv) and the locust file (in
its own virtualenv, without Django) both use it. The benchmark posts whatever form the RAG update
page shows, so it keeps working when that form gains or renames fields: it sends every field with
its default (hidden fields such as the version and the CSRF token included) and fills in the ones
an officer types."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser

TEXT_ANSWERS = {
    "commentary": "Benchmark update: progress reviewed with the team this month.",
    "issue": "Benchmark: capacity in the team has delayed the work.",
    "mitigation": "Benchmark: a recovery plan is agreed with the Head of Service.",
    "evidence_of_impact": "Benchmark: audit results recorded in the QA log.",
    "proposed_timescale_reason": "Benchmark: delivered in practice; the closure report is due.",
}
DATE_ANSWERS = ("resolve_by",)
RATINGS = ("green", "amber", "red", "complete")
CONFLICT_MARKERS = ("someone else has updated", "updated by someone else")
ERROR_MARKER = "govuk-error-summary"


@dataclass
class Field:
    name: str
    kind: str  # input type, "textarea" or "select"
    value: str = ""
    checked: bool = False
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    action: str
    method: str
    fields: list[Field] = field(default_factory=list)

    def names(self) -> set[str]:
        return {f.name for f in self.fields}

    def options(self, name: str) -> list[str]:
        values = []
        for f in self.fields:
            if f.name != name:
                continue
            values.extend(f.options if f.kind == "select" else [f.value])
        return values


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: Field | None = None
        self._select: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
            return
        if self._form is None or ("disabled" in a and tag != "option"):
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            value = a.get("value", "on" if kind in ("checkbox", "radio") else "")
            self._form.fields.append(Field(a["name"], kind, value, "checked" in a))
        elif tag == "textarea" and a.get("name"):
            self._textarea = Field(a["name"], "textarea")
            self._form.fields.append(self._textarea)
        elif tag == "select" and a.get("name"):
            self._select = Field(a["name"], "select")
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select.options.append(value)
            if "selected" in a or not self._select.checked:
                self._select.value = value
                self._select.checked = "selected" in a

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data


def parse_forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def update_form(html: str) -> Form | None:
    """The RAG update form of a page: the POST form that asks for a rating."""
    posts = [f for f in parse_forms(html) if f.method == "post"]
    for form in posts:
        if {"rating", "lifecycle"} & form.names():
            return form
    return max(posts, key=lambda f: len(f.fields), default=None)


def defaults(form: Form) -> dict[str, str | list[str]]:
    """What a browser would send if the user changed nothing."""
    data: dict[str, str | list[str]] = {}
    for f in form.fields:
        if f.kind in ("checkbox", "radio"):
            if f.checked:
                data.setdefault(f.name, [])
                data[f.name].append(f.value)  # type: ignore[union-attr]
        else:
            data[f.name] = f.value
    return {k: (v[0] if isinstance(v, list) and len(v) == 1 else v) for k, v in data.items()}


def fill(form: Form, rating: str = "green", today: date | None = None) -> dict:
    """The form as an officer submits it: a rating, commentary, and the reason and evidence
    fields (sent whatever the rating: a form ignores those it does not need)."""
    data = defaults(form)
    names = form.names()
    if "rating" in names:
        choices = form.options("rating")
        data["rating"] = rating if rating in choices else (choices[0] if choices else rating)
    elif "lifecycle" in names:
        if rating == "complete":
            data["lifecycle"] = "complete"
        else:
            data["lifecycle"] = "in_progress"
            data["confidence"] = rating
    for name, text in TEXT_ANSWERS.items():
        if name in names:
            data[name] = text
    day = (today or date.today()) + timedelta(days=60)
    for name in DATE_ANSWERS:
        if name in names:
            data[name] = f"{day:%d/%m/%Y}"
        elif f"{name}-day" in names:  # a GOV.UK date input: day, month and year boxes
            data.update(
                {f"{name}-day": str(day.day), f"{name}-month": str(day.month)}
                | {f"{name}-year": str(day.year)}
            )
    return data


def classify(status: int, body: str) -> str:
    """What a response to the update POST means: "accepted", "conflict" (the optimistic check
    refused a stale form, deliberately), "invalid" (the form came back with errors) or "error"."""
    if status in (301, 302, 303):
        return "accepted"
    lowered = body.lower()
    if status == 409 or (status == 200 and any(m in lowered for m in CONFLICT_MARKERS)):
        return "conflict"
    if status in (200, 400, 422) and ERROR_MARKER in lowered:
        return "invalid"
    if status in (200, 201, 204):
        return "accepted"
    return "error"
