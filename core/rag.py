"""The RAG scale in two layers, as councils report it.

A *lifecycle* (not started, in progress, complete) and, for actions in progress, a *delivery
confidence* (red, amber, green). Together they give the BRAG rating shown everywhere: Blue means
complete. Each organisation words what every colour means (``RagDefinition``).
"""

from collections.abc import Iterable

from django.db import models


class Lifecycle(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"


class Confidence(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class Rating(models.TextChoices):
    """The combined BRAG rating (the order is the order of a legend)."""

    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    COMPLETE = "complete", "Blue"
    NOT_STARTED = "not_started", "Not started"


# Worst first: a roll-up never hides a red behind an average.
SEVERITY = {
    Rating.RED: 0,
    Rating.AMBER: 1,
    Rating.NOT_STARTED: 2,
    Rating.GREEN: 3,
    Rating.COMPLETE: 4,
}

DEFAULT_MEANINGS = {
    Rating.RED: "Off track: significant problems, the board's help or a decision is needed.",
    Rating.AMBER: "At risk: some slippage or problems, being managed by the service.",
    Rating.GREEN: "On track to be delivered by its timescale.",
    Rating.COMPLETE: "Complete: delivered, with evidence.",
    Rating.NOT_STARTED: "Not started yet.",
}


def combine(lifecycle: str, confidence: str | None) -> str:
    """The BRAG rating for a lifecycle and, when in progress, a delivery confidence."""
    if lifecycle == Lifecycle.COMPLETE:
        return Rating.COMPLETE
    if lifecycle == Lifecycle.NOT_STARTED:
        return Rating.NOT_STARTED
    if confidence in Confidence.values:
        return Rating(confidence)
    raise ValueError("An action in progress needs a red, amber or green confidence.")


def split(rating: str) -> tuple[str, str]:
    """The (lifecycle, confidence) pair for a BRAG rating; confidence is "" unless in progress."""
    if rating == Rating.COMPLETE:
        return Lifecycle.COMPLETE, ""
    if rating == Rating.NOT_STARTED:
        return Lifecycle.NOT_STARTED, ""
    return Lifecycle.IN_PROGRESS, Confidence(rating).value


def worst(ratings: Iterable[str]) -> str | None:
    """The most severe rating of an iterable, or None when it is empty."""
    ratings = list(ratings)
    return min(ratings, key=lambda r: SEVERITY[Rating(r)]) if ratings else None
