"""Council B's records the demo does not make, for the matrix's council-B entries: an inspection
of Middlesbrough answered by its Early Help Strategy (one finding, the statutory deadlines) and a
self-evaluation. Made once per module with the demo data (``b_records``)."""

from datetime import date

from inspections.models import Inspection, SelfEvaluation
from inspections.services import deadlines_ensure


def b_records(b_plan) -> dict:
    organisation = b_plan.organisation
    inspection, made = Inspection.objects.get_or_create(
        organisation=organisation,
        title="Middlesbrough focused visit",
        defaults={
            "kind": Inspection.Kind.FULL,
            "inspectorate": "Ofsted",
            "on_site_start": date(2023, 3, 6),
            "on_site_end": date(2023, 3, 17),
            "report_received": date(2023, 4, 3),
        },
    )
    if made:
        inspection.plans.set([b_plan])
        inspection.recommendations.create(
            number="1", order=1, text="Middlesbrough: strengthen early help"
        )
        deadlines_ensure(inspection=inspection)
    self_evaluation, _ = SelfEvaluation.objects.get_or_create(
        organisation=organisation, year="2023/24", defaults={"know": "Middlesbrough knows"}
    )
    return {
        "b_inspection": inspection,
        "b_finding": inspection.recommendations.order_by("pk").first(),
        "b_deadline": inspection.deadlines.order_by("pk").first(),
        "b_self_evaluation": self_evaluation,
    }
