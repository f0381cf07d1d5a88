"""Matrix entries for what is written into a board pack (issue 14): the summary and key
messages (plan owners and administrators; the demo loads no plan owner), questions (asked by
board members, answered by the action's lead), decisions and actions arising (plan owners and
administrators), and the pack as a Word document. An empty POST is refused (403) to those who
may not write, and shows the form again with its errors (200) to those who may."""

from boards.models import BoardDecision, BoardQuestion
from tests.matrix import NOT_ALLOWED_METHOD, Entry, statuses

ADMIN_ONLY_FORM = statuses(403, administrator=200, superuser=200)
# board_member and partner both sit on the Good and Beyond Board.
ASK = statuses(403, board_member=200, partner=200, administrator=200, superuser=200)
ANSWER = statuses(
    403, officer=200, administrator=200, superuser=200
)  # officer: jane.smith leads the action


def _question(o) -> dict:
    from django.contrib.auth import get_user_model

    question, _ = BoardQuestion.objects.get_or_create(
        meeting=o["meeting"],
        action=o["action"],
        defaults={
            "question": "When?",
            "asked_by": get_user_model().objects.get(username="councillor"),
        },
    )
    return {"pk": o["meeting"].pk, "question": question.pk}


def _decision(o) -> dict:
    from django.contrib.auth import get_user_model

    decision, _ = BoardDecision.objects.get_or_create(
        meeting=o["meeting"],
        text="Report back",
        defaults={
            "owner": "Head of Service",
            "recorded_by": get_user_model().objects.get(username="admin"),
        },
    )
    return {"pk": o["meeting"].pk, "decision": decision.pk}


MATRIX = [
    Entry(
        "plans:meeting_docx",
        kwargs=lambda o: {"pk": o["meeting"].pk},
        get=statuses(200, b_officer=403),  # council B reads no council A meeting
    ),  # fmt: skip
    Entry(
        "plans:meeting_brief",
        kwargs=lambda o: {"pk": o["meeting"].pk},
        get=ADMIN_ONLY_FORM,
        post=ADMIN_ONLY_FORM,
    ),  # fmt: skip
    Entry(
        "plans:meeting_questions",
        kwargs=lambda o: {"pk": o["meeting"].pk},
        get=statuses(200, b_officer=403),
        post=ASK,
    ),  # fmt: skip
    Entry("plans:question_answer", kwargs=_question, get=ANSWER, post=ANSWER),
    Entry(
        "plans:meeting_decisions",
        kwargs=lambda o: {"pk": o["meeting"].pk},
        get=statuses(200, b_officer=403),
        post=ADMIN_ONLY_FORM,
    ),  # fmt: skip
    Entry(
        "plans:decision_close",
        kwargs=_decision,
        get=NOT_ALLOWED_METHOD,
        post=statuses(403, administrator=302, superuser=302),
    ),  # fmt: skip
]
