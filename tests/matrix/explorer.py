"""Matrix entries for the actions explorer: every signed-in user may open it (board members see
only the actions of the plans their boards oversee) and download the filtered rows."""

from tests.matrix import READ_ALL, Entry

MATRIX = [
    Entry("explorer:actions", get=READ_ALL),
    Entry("explorer:actions", get=READ_ALL, query="?rating=red&sort=-rating", label="filtered"),
    Entry("explorer:actions", get=READ_ALL, query="?_export=csv", label="csv"),
    Entry("explorer:actions", get=READ_ALL, query="?_export=xlsx", label="xlsx"),
]
