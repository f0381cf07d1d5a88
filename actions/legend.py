"""The RAG legend: what each colour means to an organisation (its own words, or defaults)."""

from dataclasses import dataclass

from .rag import COLOURS, DEFAULT_MEANINGS, Rating


@dataclass(frozen=True)
class LegendEntry:
    rating: str
    label: str
    meaning: str
    colour: str


class Legend:
    def __init__(self, entries: dict[str, LegendEntry]):
        self._entries = entries

    def __iter__(self):
        return iter(self._entries[r.value] for r in Rating)

    def label(self, rating) -> str:
        return self._entries[Rating(rating).value].label

    def meaning(self, rating) -> str:
        return self._entries[Rating(rating).value].meaning


def legend_for(organisation, definitions=None) -> Legend:
    """The legend of an organisation. Pass ``definitions`` (already fetched RagDefinitions) to
    avoid a query; otherwise they are read from the organisation."""
    entries = {
        r.value: LegendEntry(r.value, r.label, DEFAULT_MEANINGS[r], COLOURS[r][0]) for r in Rating
    }
    if organisation is not None:
        if definitions is None:
            definitions = organisation.rag_definitions.all()
        for d in definitions:
            entries[d.rating] = LegendEntry(
                d.rating, d.label, d.meaning, COLOURS[Rating(d.rating)][0]
            )
    return Legend(entries)
