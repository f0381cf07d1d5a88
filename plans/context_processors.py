from django.conf import settings

from actions.rag import COLOURS, DEFAULT_MEANINGS, Rating


def council(request):
    """The council's name and service name for every page."""
    return {
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
    }


def default_legend():
    return [
        {
            "rating": r.value,
            "label": r.label,
            "meaning": DEFAULT_MEANINGS[r],
            "colour": COLOURS[r][0],
        }
        for r in Rating
    ]
