"""Importing a plan: the quirks of council tables, header synonyms and the mapping step, leads,
tags, sub-actions, RAG ratings, row-level errors, all-or-nothing commits, idempotence and updates
by action number."""

import pytest

from actions.models import Action, StatusUpdate, SubAction, Tag
from core.models import Person
from core.rag import Rating
from plans.models import Plan
from tests import factories
from tests.factories.transfer import (
    HEADER,
    csv_bytes,
    new_plan_options,
    simple_rows,
    structure,
    table_counts,
    xlsx_bytes,
)
from transfer.imports.headers import IGNORE, PLAN_FIELDS
from transfer.imports.plan_changes import ImportBlocked, PlanImporter
from transfer.imports.reading import read_table

pytestmark = pytest.mark.django_db


def importer(rows, options, *, filename="plan.xlsx"):
    content = xlsx_bytes(rows) if filename.endswith(".xlsx") else csv_bytes(rows)
    i = PlanImporter(table=read_table(filename=filename, content=content), options=options)
    i.prepare()
    return i


def messages(issues):
    return [(i["row"], i["message"]) for i in issues]


@pytest.fixture
def org():
    organisation = factories.organisation(name="Stockton-on-Tees Borough Council")
    factories.person(name="Jane Smith", organisation=organisation)
    factories.person(name="DCS", is_role=True, organisation=organisation)
    return organisation


QUIRKY = [
    ["Draft Improvement Plan"],
    ["April 2023"],
    HEADER,
    ["Improvement Area One : Our People"],
    ["Right people in the right place"],
    [
        "1.1 A stable workforce",
        "Enough capacity",
        "Develop a workforce plan",
        "Staff are recruited",
        "Jane Smith",
        "May 23",
        "",
        "People Strategy",
    ],
    ["", "", "Review supplements", "", "", "Sep 23", "", ""],  # blank lead: same as above
    HEADER,  # the header printed again on the next page
    [
        "",
        "Managers know their role",
        "Run a management programme\nOfsted Improvement Action 3",
        "",
        "DCS",
        "",
        "",
        "",
    ],
    ["Improvement Area Two : Our Partnerships"],
    [
        "",
        "",
        "Refresh the Early Help Strategy\n• strategy and approach\n• lead practitioner",
        "Framework in place",
        "DCS and key partner agencies\nAnd partnerships",
        "Sep 23",
        "",
        "Directorate Business Plan",
    ],
    [
        "",
        "",
        "Respond to system priorities\n• Inclusion strategy\n• Domestic abuse",
        "",
        "Dave Willingham",
        "Nov 23\nJun 23",
        "",
        "",
    ],
    ["", "", "• Integrated triage", "", "", "Oct 23", "", "Triage plan"],
]


def test_council_table_quirks_are_read(org):
    i = importer(QUIRKY, new_plan_options(org))
    result = i.result
    assert result["errors"] == []
    assert result["file"]["repeated_headers"] == 1
    plan = i.commit()
    s = structure(plan)
    assert s["priorities"] == [
        ("1", "Our People", "Right people in the right place", ""),
        ("2", "Our Partnerships", "", ""),
    ]
    assert s["outcomes"] == [("1", "1.1", "A stable workforce")]
    assert s["objectives"] == [
        ("1", "1.1", "1.1a", "Enough capacity"),
        ("1", "1.1", "1.1b", "Managers know their role"),
    ]
    actions = {a["number"]: a for a in s["actions"]}
    assert list(actions) == ["1.1.1", "1.1.2", "1.1.3", "2.1", "2.2"]
    # blank lead cell = same as above (a merged cell in the original)
    assert actions["1.1.2"]["lead_person"] == "Jane Smith"
    # the tag written in the text becomes a tag, and leaves the text
    assert actions["1.1.3"]["description"] == "Run a management programme"
    assert actions["1.1.3"]["tags"] == ["Ofsted Improvement Action 3"]
    assert actions["1.1.3"]["objective"] == "1.1b"
    # several leads in one cell: the first recognised is the lead, the cell is kept as written
    assert actions["2.1"]["lead_person"] == "DCS"
    assert actions["2.1"]["lead"] == "DCS and key partner agencies And partnerships"
    # a bullet list in the cell becomes sub-actions
    assert actions["2.1"]["description"] == "Refresh the Early Help Strategy"
    assert [sub[0] for sub in actions["2.1"]["sub_actions"]] == [
        "strategy and approach",
        "lead practitioner",
    ]
    # one timescale line per bullet, and a sub-item on a row of its own with its own timescale
    assert actions["2.2"]["timescale"] == ""
    assert actions["2.2"]["sub_actions"] == [
        ("Inclusion strategy", "Nov 23", "", "", False),
        ("Domestic abuse", "Jun 23", "", "", False),
        ("Integrated triage", "Oct 23", "", "Triage plan", False),
    ]
    # blank RAG: no rating is recorded
    assert not StatusUpdate.objects.filter(action__plan=plan).exists()
    assert plan.priority_label == "Improvement area"


@pytest.mark.parametrize(
    "heading,field",
    [
        ("Lead", "lead"),
        ("Lead Officer", "lead"),
        ("  LEAD   officer(s) ", "lead"),
        ("Responsible officer", "lead"),
        ("Timescale", "timescale"),
        ("Due", "timescale"),
        ("Deadline", "timescale"),
        ("Due date", "timescale"),
        ("RAG", "rag"),
        ("Links to Strategy and Detailed Action Plan", "links"),
        ("Links to strategy", "links"),
        ("Improvement area", "priority"),
        ("Success Criteria", "success_criteria"),
        ("Action", "action"),
        ("Updated", IGNORE),
        ("Comments from the board", None),
    ],
)
def test_header_names_are_matched_with_synonyms(heading, field):
    assert PLAN_FIELDS.recognise(heading) == field


def test_synonym_headers_import_like_the_usual_ones(org):
    rows = [
        ["Priority", "Key action", "Responsible officer", "Deadline", "Status"],
        ["1 Our People", "Do the thing", "jane smith", "31/05/2023", "green"],
    ]
    plan = importer(rows, new_plan_options(org)).commit()
    action = Action.objects.get(plan=plan)
    assert action.priority.title == "Our People"
    assert action.lead.name == "Jane Smith"  # matched whatever the case
    assert action.lead_text == "jane smith"  # and kept as written
    assert str(action.timescale_due) == "2023-05-31"
    assert action.rating == Rating.GREEN


def test_an_unknown_column_is_kept_as_extra_text_until_mapped(org):
    rows = [HEADER + ["Board comments"], ["", "", "An action", "", "", "", "", "", "Noted"]]
    result = importer(rows, new_plan_options(org)).result
    assert result["needs_mapping"] and result["can_commit"] and result["errors"] == []
    assert result["unknown"] == [{"letter": "I", "heading": "Board comments"}]
    assert (
        'Column I ("Board comments") is not one the import knows: its text is kept'
        in (result["warnings"][0]["message"])
    )
    plan = importer(rows, new_plan_options(org)).commit()
    assert Action.objects.get(plan=plan).notes == "Board comments: Noted"
    mapped = importer(rows, new_plan_options(org, title="Mapped", mapping={"I": "commentary"}))
    assert mapped.result["can_commit"]
    plan = mapped.commit()  # commentary without a rating is kept, not dropped
    assert Action.objects.get(plan=plan).notes == "Commentary: Noted"
    ignored = importer(rows, new_plan_options(org, mapping={"I": IGNORE}))
    assert ignored.result["can_commit"] and ignored.result["errors"] == []
    listed = ignored.result["account"]["listed"]
    assert {"sheet": "Plan", "row": 2, "column": "I", "text": "Noted", "why": "column ignored"} in (
        listed
    )


def test_a_sheet_without_an_action_column_says_so(org):
    rows = [["Outcome", "Lead officer", "Timescale"], ["An outcome", "DCS", "May 23"]]
    result = importer(rows, new_plan_options(org)).result
    assert "No Action column was found" in result["errors"][0]["message"]
    assert result["needs_mapping"]


def test_no_header_row_is_a_clear_error(org):
    result = importer([["just"], ["some", "words"]], new_plan_options(org)).result
    assert "No header row was found in the first 30 rows" in result["errors"][0]["message"]


def test_duplicate_action_numbers_are_row_errors_and_nothing_is_written(org):
    rows = [
        ["Priority", "No.", "Action", "Lead officer"],
        ["1 People", "1.1", "First", "DCS"],
        ["", "1.2", "Second", ""],
        ["", "1.1", "Third", ""],
    ]
    before = table_counts()
    i = importer(rows, new_plan_options(org))
    assert messages(i.result["errors"]) == [
        (
            4,
            "Action number 1.1 is used twice: in row 2 and in row 4. Each action needs its own "
            "number.",
        )
    ]
    with pytest.raises(ImportBlocked):
        i.commit()
    assert table_counts() == before


def test_a_row_with_no_action_text_is_a_row_error(org):
    rows = [
        ["Priority", "No.", "Action", "Lead officer", "Timescale"],
        ["1 People", "", "First", "DCS", "May 23"],
        ["", "", "", "Jane Smith", "Jun 23"],
        ["", "7", "", "", ""],
    ]
    errors = messages(importer(rows, new_plan_options(org)).result["errors"])
    assert errors[0][0] == 3 and errors[0][1].startswith("This row has no action text (it has:")
    assert errors[1] == (4, "Action 7 has no action text.")


def test_rag_words_become_initial_updates_and_unknown_words_are_errors(org):
    rows = [["Priority", "Action", "RAG rating", "Latest commentary"]]
    words = ["Red", "amber", "GREEN", "Blue", "Complete", "Not started", ""]
    rows += [["1 People", f"Action {n}", word, f"Said {n}"] for n, word in enumerate(words)]
    plan = importer(rows, new_plan_options(org)).commit()
    ratings = dict(Action.objects.filter(plan=plan).values_list("description", "rating"))
    assert ratings == {
        "Action 0": Rating.RED,
        "Action 1": Rating.AMBER,
        "Action 2": Rating.GREEN,
        "Action 3": Rating.COMPLETE,
        "Action 4": Rating.COMPLETE,
        "Action 5": Rating.NOT_STARTED,
        "Action 6": Rating.NOT_STARTED,
    }
    updates = StatusUpdate.objects.filter(action__plan=plan)
    assert updates.count() == 6  # none for the blank cell
    assert updates.get(action__description="Action 0").commentary == "Said 0"
    bad = importer(rows + [["", "Action 9", "Purple", ""]], new_plan_options(org))
    assert messages(bad.result["errors"]) == [
        (
            9,
            'The RAG rating "Purple" is not a word the import knows: say what it means in the '
            "choices above.",
        )
    ]
    assert bad.result["unknown_ratings"] == [{"word": "Purple", "rows": [9], "count": 1}]
    mapped = importer(
        rows + [["", "Action 9", "Purple", ""]],
        new_plan_options(org, title="Mapped", rating_words={"purple": Rating.COMPLETE}),
    )
    assert mapped.result["errors"] == []
    assert mapped.result["actions"][-1]["rating_value"] == Rating.COMPLETE


def test_leads_are_matched_or_created_and_the_preview_says_which(org):
    rows = [
        ["Priority", "Action", "Lead officer"],
        ["1 People", "First", "Jane Smith"],
        ["", "Second", "Head of Early Help and partners"],
        ["", "Third", "DCS and key partner agencies"],
        ["", "Fourth", "TBC"],
        ["", "Fifth", "Jane Smith / Head of Quality\nN/A"],
    ]
    i = importer(rows, new_plan_options(org))
    leads = {e["written"]: (e["status"], e["person"]) for e in i.result["leads"]}
    assert leads == {
        "Jane Smith": ("matched", "Jane Smith"),
        # split only on line breaks, ";" and "/": "and" joins the words of one lead
        "Head of Early Help and partners": ("created", "Head of Early Help and partners"),
        "DCS and key partner agencies": ("matched", "DCS"),  # a post beginning the words
        "Jane Smith / Head of Quality N/A": ("matched", "Jane Smith"),
        "Head of Quality": ("created", "Head of Quality"),
    }
    assert i.result["counts"]["people_to_create"] == 2
    plan = i.commit()
    created = Person.objects.get(name="Head of Early Help and partners")
    assert created.is_role and created.organisation == org
    assert Action.objects.get(plan=plan, description="Fourth").lead is None  # TBC is nobody
    fifth = Action.objects.get(plan=plan, description="Fifth")
    assert fifth.lead.name == "Jane Smith"
    assert [p.name for p in fifth.supporting_officers.all()] == ["Head of Quality"]
    third = Action.objects.get(plan=plan, description="Third")
    assert third.lead.name == "DCS" and third.lead_text == "DCS and key partner agencies"


def test_unreadable_timescales_are_kept_as_written_with_a_warning(org):
    rows = [["Priority", "Action", "Timescale"], ["1 People", "First", "When the budget allows"]]
    i = importer(rows, new_plan_options(org))
    assert messages(i.result["warnings"]) == [
        (
            2,
            'The timescale "When the budget allows" could not be read as a date or period: it '
            "will be kept as written, and cannot show as overdue.",
        )
    ]
    action = Action.objects.get(plan=i.commit())
    assert action.timescale_text == "When the budget allows"
    assert action.timescale_kind == "unparsed"


def test_continuous_numbering_numbers_actions_across_the_plan(org):
    rows = [["Priority", "Action"], ["1 A", "One"], ["", "Two"], ["2 B", "Three"]]
    plan = importer(rows, new_plan_options(org, numbering="continuous")).commit()
    assert list(
        Action.objects.filter(plan=plan).order_by("pk").values_list("number", flat=True)
    ) == [
        "1",
        "2",
        "3",
    ]


def test_a_failure_while_writing_leaves_nothing_behind(org, monkeypatch):
    """The plan, its priorities and actions are written before the sub-actions fail: all of it
    is rolled back."""
    from transfer.imports import plan_changes

    before = table_counts()
    real = plan_changes.bulk_create_with_history
    written = []

    def failing(objs, model, **kwargs):
        if model is SubAction:
            written.append(Action.objects.count())
            raise RuntimeError("disk full")
        return real(objs, model, **kwargs)

    monkeypatch.setattr(plan_changes, "bulk_create_with_history", failing)
    with pytest.raises(RuntimeError):
        importer(QUIRKY, new_plan_options(org)).commit()
    assert written and written[0] > 0  # actions had been written when it failed
    assert table_counts() == before
    assert not Plan.objects.filter(title="Imported plan").exists()


def update_options(plan, **kw):
    return {"mode": "update", "plan": plan.pk, **kw}


def counts_without_upload_records():
    counts = table_counts()
    counts.pop("plans_planimport", None)
    counts.pop("plans_auditevent", None)
    return counts


@pytest.mark.parametrize("filename", ["plan.xlsx", "plan.csv"])
def test_importing_the_same_file_again_changes_nothing(org, filename):
    rows = QUIRKY + [["", "", "Rated action", "", "DCS", "Every Q", "Amber", ""]]
    plan = importer(rows, new_plan_options(org), filename=filename).commit()
    before = counts_without_upload_records()
    snapshot = structure(plan)
    again = importer(rows, update_options(plan), filename=filename)
    counts = again.result["counts"]
    assert counts["actions"] == {"create": 0, "change": 0, "same": 6}
    assert counts["priorities"]["same"] == 2 and counts["ratings"] == 0
    again.commit()
    assert counts_without_upload_records() == before  # history tables included
    assert structure(plan) == snapshot


def test_reimporting_an_edited_file_updates_actions_by_number(org):
    rows = [
        ["Priority", "No.", "Action", "Lead officer", "Timescale"],
        ["1 People", "1.1", "First", "DCS", "May 23"],
        ["", "1.2", "Second", "DCS", "Jun 23"],
    ]
    plan = importer(rows, new_plan_options(org)).commit()
    second = Action.objects.get(plan=plan, number="1.2")
    history_before = second.history.count()
    edited = [
        rows[0],
        rows[1],
        ["", "1.2", "Second, reworded", "Jane Smith", "Sep 23"],
        ["", "1.3", "Third, new", "DCS", ""],
    ]
    i = importer(edited, update_options(plan))
    by_number = {a["number"]: a for a in i.result["actions"]}
    assert by_number["1.1"]["status"] == "same"
    assert by_number["1.2"]["status"] == "change"
    assert by_number["1.2"]["changes"] == ["description", "lead officer", "timescale"]
    assert by_number["1.3"]["status"] == "create"
    i.commit()
    assert Action.objects.filter(plan=plan).count() == 3
    second.refresh_from_db()
    assert second.description == "Second, reworded"
    assert second.lead.name == "Jane Smith" and second.timescale_text == "Sep 23"
    assert second.history.count() == history_before + 1
    first = Action.objects.get(plan=plan, number="1.1")
    assert first.history.count() == 1  # untouched


def test_a_rating_in_the_file_never_overwrites_a_given_rating(org):
    rows = [["Priority", "No.", "Action", "RAG"], ["1 People", "1.1", "First", "Green"]]
    plan = importer(rows, new_plan_options(org)).commit()
    action = Action.objects.get(plan=plan)
    i = importer([rows[0], ["1 People", "1.1", "First", "Red"]], update_options(plan))
    assert (
        "Ratings are given in updates, so the current rating is kept."
        in (i.result["warnings"][0]["message"])
    )
    i.commit()
    action.refresh_from_db()
    assert action.rating == Rating.GREEN and action.updates.count() == 1


def test_tags_are_matched_to_existing_tags_whatever_their_case(org):
    Tag.objects.create(name="Ofsted Improvement Action 3")
    rows = [["Priority", "Action"], ["1 People", "Do it. ofsted improvement action 3"]]
    i = importer(rows, new_plan_options(org))
    assert i.result["counts"]["tags_to_create"] == 0
    plan = i.commit()
    action = Action.objects.get(plan=plan)
    assert action.description == "Do it."
    assert [t.name for t in action.tags.all()] == ["Ofsted Improvement Action 3"]
    assert Tag.objects.count() == 1


@pytest.mark.parametrize("size", [5, 300])
def test_preview_reads_the_database_in_a_fixed_number_of_queries(
    org, size, django_assert_max_num_queries
):
    rows = simple_rows(size, rag="Green")
    plan = importer(rows, new_plan_options(org)).commit()
    content = xlsx_bytes(rows)
    with django_assert_max_num_queries(12):
        i = PlanImporter(
            table=read_table(filename="plan.xlsx", content=content), options=update_options(plan)
        )
        i.prepare()
    assert i.result["counts"]["actions"]["same"] == size


def test_supporting_officers_and_partners_are_matched_or_created(org):
    police = factories.organisation(name="Cleveland Police")
    rows = [
        ["Priority", "No.", "Action", "Supporting officers", "Partners"],
        ["1 People", "1.1", "First", "Jane Smith\nNew Officer", "cleveland police; Schools Forum"],
    ]
    i = importer(rows, new_plan_options(org))
    assert i.result["counts"]["people_to_create"] == 1
    assert i.result["new_organisations"] == ["Schools Forum"]
    plan = i.commit()
    action = Action.objects.get(plan=plan)
    assert sorted(p.name for p in action.supporting_officers.all()) == [
        "Jane Smith",
        "New Officer",
    ]
    assert sorted(o.name for o in action.partners.all()) == ["Cleveland Police", "Schools Forum"]
    assert police in action.partners.all()
    again = importer(rows, update_options(plan))
    assert again.result["counts"]["actions"]["same"] == 1


def test_an_action_that_looks_like_a_heading_stays_an_action(org):
    rows = [
        ["Action", "Lead officer"],
        ["Priority 1: Our People"],  # a section row in the first (action) column
        ["Phase 2: train every manager"],  # an action with no lead, not a section
    ]
    i = importer(rows, new_plan_options(org))
    assert [(p["number"], p["title"]) for p in i.result["structure"]] == [("1", "Our People")]
    assert [a["description"] for a in i.result["actions"]] == ["Phase 2: train every manager"]


def test_a_key_below_the_table_is_a_note_with_a_warning_not_an_outcome(org):
    rows = [
        HEADER,
        ["Improvement Area One : People"],
        ["1.1 With actions", "", "An action", "", "", "", "", ""],
        ["Key: R = Red, A = Amber", "", "", "", "", "", "", ""],
    ]
    i = importer(rows, new_plan_options(org))
    assert messages(i.result["warnings"]) == [
        (
            4,
            '"Key: R = Red, A = Amber" reads as a note or a key, not part of the plan, so it is '
            "not imported.",
        )
    ]
    assert i.result["account"]["listed"] == [
        {
            "sheet": "Plan",
            "row": 4,
            "column": "A",
            "text": "Key: R = Red, A = Amber",
            "why": "note or key",
        }
    ]


def test_ratings_of_new_actions_are_recorded_in_bulk_as_the_service_would():
    """The first ratings of actions an import creates are written in bulk: each an update with
    its history, the action's rating, date and version moved; and where the plan's updates need
    approval, submitted for approval with the action's rating left to follow."""
    from actions.querysets import Approval

    user = factories.admin_user()
    for approval, kept_rating in ((False, True), (True, False)):
        plan = factories.plan(updates_need_approval=approval)
        rows = [
            ["Priority", "Action", "RAG rating", "Commentary"],
            ["1 People", "First action", "Green", "Going well"],
            ["", "Second action", "Red", ""],
            ["", "Third action", "", ""],
        ]
        importer = PlanImporter(
            table=read_table(filename="plan.csv", content=csv_bytes(rows)),
            options={"mode": "update", "plan": plan.pk},
        )
        importer.prepare()
        importer.commit(user=user)
        actions = {a.description: a for a in plan.actions.all()}
        first, second, third = (
            actions[d] for d in ("First action", "Second action", "Third action")
        )
        update = StatusUpdate.objects.get(action=first)
        assert update.commentary == "Going well" and update.author == user
        assert StatusUpdate.objects.get(action=second).commentary == (
            "Rating imported from plan.csv."
        )
        assert update.history.count() == 1
        assert not StatusUpdate.objects.filter(action=third).exists()
        assert first.version == third.version + 1
        if kept_rating:
            assert (first.rating, second.rating) == (Rating.GREEN, Rating.RED)
            assert first.rating_updated_at == update.created_at
            assert update.approval == Approval.APPROVED
        else:
            assert first.rating is None or first.rating == third.rating
            assert update.approval == Approval.SUBMITTED
