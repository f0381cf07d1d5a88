"""Measures that a statistics table names but that do not exist yet: a code, title, unit,
polarity and frequency proposed from the name as written, which the administrator can change in
the preview (``options["new_measures"]``, keyed by the name in the file) before the import
creates them."""

from __future__ import annotations

import re

from measures.models import Measure

POLARITY_LOWER = (
    "looked after",
    "child protection plan",
    "re-referral",
    "rereferral",
    "repeat",
    "second or subsequent",
    "missing",
    "absence",
    "absent",
    "neet",
    "not in education",
    "exclusion",
    "excluded",
    "placement moves",
    "3 or more placements",
    "three or more placements",
    "offend",
    "caseload",
    "vacancy",
    "agency",
    "turnover",
)
POLARITY_HIGHER = (
    "within",
    "timeliness",
    "timely",
    "on time",
    "attainment",
    "good level",
    "good or outstanding",
    "stability",
    "same placement",
    "in education, employment",
    "suitable accommodation",
    "participation",
    "up to date",
    "take-up",
    "take up",
    "progress 8",
    "attainment 8",
)


def propose_code(name: str, taken: set[str]) -> str:
    """Initials of the words ("Children looked after per 10,000" -> "CLAP10000"), made unique."""
    words = re.findall(r"[A-Za-z]+|\d+", name)
    if len(words) == 1 or (len(name) <= 12 and re.fullmatch(r"[\w\- ]+", name)):
        base = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").upper()
    else:
        base = "".join(w if w.isdigit() else w[0] for w in words).upper()
    base = (base or "MEASURE")[:26]
    code, n = base, 2
    while code.upper() in taken:
        code, n = f"{base}-{n}", n + 1
    return code


def propose_unit(name: str) -> str:
    text = name.lower()
    if "10,000" in text or "10000" in text or "10 000" in text:
        return Measure.Unit.RATE_PER_10000
    if "%" in text or "percent" in text or "proportion" in text or text.startswith("pct"):
        return Measure.Unit.PERCENTAGE
    if re.search(r"\bdays\b", text):
        return Measure.Unit.DAYS
    if "score" in text or "average" in text:
        return Measure.Unit.SCORE
    if "number" in text or "count" in text or text.startswith("no "):
        return Measure.Unit.COUNT
    return Measure.Unit.NUMBER


def propose_polarity(name: str) -> str:
    text = name.lower()
    if any(word in text for word in POLARITY_LOWER):
        return Measure.Polarity.LOWER
    if any(word in text for word in POLARITY_HIGHER):
        return Measure.Polarity.HIGHER
    return Measure.Polarity.MONITOR


def propose(name: str, taken: set[str], frequency: str) -> dict:
    title = " ".join(name.replace("_", " ").split())
    title = title[:1].upper() + title[1:]
    return {
        "code": propose_code(name, taken),
        "title": title[:300],
        "unit": propose_unit(name),
        "polarity": propose_polarity(name),
        "frequency": frequency,
    }


def check(proposal: dict, *, existing_codes: set[str], others: set[str]) -> list[str]:
    """What is wrong with a proposal as the administrator left it ([] when nothing)."""
    problems = []
    code = proposal.get("code", "")
    if not code or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,29}", code):
        problems.append(
            f'The code "{code[:40]}" must be 1 to 30 letters, digits, dots, dashes or underscores.'
        )
    elif code.upper() in existing_codes:
        problems.append(f'A measure with the code "{code}" exists already: choose another code.')
    elif code.upper() in others:
        problems.append(f'Two new measures would both have the code "{code}".')
    if not proposal.get("title"):
        problems.append("Give the new measure a name.")
    if proposal.get("unit") not in Measure.Unit.values:
        problems.append("Choose the new measure's unit.")
    if proposal.get("polarity") not in Measure.Polarity.values:
        problems.append("Choose whether higher or lower is better.")
    if proposal.get("frequency") not in Measure.Frequency.values:
        problems.append("Choose how often the measure is published.")
    return problems
