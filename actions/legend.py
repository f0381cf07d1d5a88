"""Keeping each organisation's copy of its RAG definitions (``Organisation.rag_legend``) up to
date. Reading and showing a legend is ``core.presentation`` (``legend_for``)."""


def legend_words(definitions) -> dict:
    """What ``Organisation.rag_legend`` holds for a set of RagDefinitions."""
    return {d.rating: {"label": d.label, "meaning": d.meaning} for d in definitions}


def refresh_rag_legends(organisation_ids) -> dict[int, dict]:
    """Copy the RAG definitions of the organisations onto them (``Organisation.rag_legend``) and
    return the copies by organisation id. Called whenever a definition is saved or deleted, and
    after bulk inserts (which send no signal)."""
    from actions.models import RagDefinition
    from core.models import Organisation

    ids = set(organisation_ids)
    by_org: dict[int, list] = {pk: [] for pk in ids}
    for d in RagDefinition.objects.filter(organisation_id__in=ids):
        by_org[d.organisation_id].append(d)
    legends = {pk: legend_words(found) for pk, found in by_org.items()}
    for pk, legend in legends.items():
        Organisation.objects.filter(pk=pk).update(rag_legend=legend)
    return legends


def remember_organisation(sender, instance, **kwargs) -> None:
    """Before a definition is saved: which organisation it belonged to, in case it moves."""
    instance._organisation_before = (
        sender.objects.filter(pk=instance.pk).values_list("organisation_id", flat=True).first()
        if instance.pk
        else None
    )


def on_definition_changed(sender, instance, **kwargs) -> None:
    # Fixtures (``raw``) too: loaddata sends no other signal that would refresh the copy.
    before = getattr(instance, "_organisation_before", None)
    organisations = {instance.organisation_id, before} - {None}
    legend = refresh_rag_legends(organisations)[instance.organisation_id]
    # The organisation object the definition was saved with (an admin form's, a test's) shows
    # the change too, not only the next one read from the database.
    if type(instance).organisation.is_cached(instance):
        instance.organisation.rag_legend = legend
