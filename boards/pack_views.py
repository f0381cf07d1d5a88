"""The pages where a meeting's pack is written: the plan owner's summary and key messages,
board members' questions and the leads' answers, and decisions and actions arising. Each is
refused (403) to those the rules in ``boards.permissions`` do not allow; a save that would
overwrite someone else's is refused (409) with what was typed kept."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from boards import services
from boards.forms import AnswerForm, BriefForm, CloseDecisionForm, DecisionForm, QuestionForm
from boards.models import BoardDecision, BoardQuestion, PackBrief
from boards.permissions import (
    can_answer_question,
    can_ask_question,
    can_record_decisions,
    can_write_brief,
)
from boards.views import MeetingMixin
from core.permissions import require


def _issued(meeting) -> bool:
    return meeting.issued_pack_id is not None


def _pack_url(meeting, anchor: str) -> str:
    return f"{meeting.get_absolute_url()}#{anchor}"


class MeetingBriefView(MeetingMixin, View):
    """The executive summary and key messages of a meeting's pack."""

    template_name = "plans/meeting_brief.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        self.meeting = self.get_meeting()
        require(can_write_brief(request.user, self.meeting, issued=_issued(self.meeting)))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        brief = PackBrief.objects.filter(meeting=self.meeting).first()
        form = BriefForm(
            initial={
                "summary": brief.summary if brief else "",
                "key_messages": brief.key_messages if brief else "",
                "version": brief.version if brief else 0,
            }
        )
        return self.render(form)

    def post(self, request, *args, **kwargs):
        form = BriefForm(request.POST)
        if not form.is_valid():
            return self.render(form)
        try:
            services.brief_save(meeting=self.meeting, user=request.user, **form.cleaned_data)
        except services.StaleWrite as stale:
            # What was typed is kept; the next save goes on from the newer version.
            form = BriefForm({**form.cleaned_data, "version": stale.current.version})
            form.is_valid()
            form.add_error(
                None,
                f"{stale.current.updated_by or 'Someone'} saved the summary after you opened "
                "this page. Their words are shown above yours: copy what you need, then save.",
            )
            return self.render(form, newer=stale.current, status=409)
        messages.success(request, "The summary and key messages have been saved.")
        return redirect(_pack_url(self.meeting, "pack-summary"))

    def render(self, form, *, newer=None, status=200):
        context = {"meeting": self.meeting, "form": form, "newer": newer}
        return render(self.request, self.template_name, context, status=status)


class MeetingQuestionsView(MeetingMixin, View):
    """The questions asked before a meeting, with a form for board members to ask one."""

    template_name = "plans/meeting_questions.html"

    def get(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        return self.render(meeting, QuestionForm(meeting=meeting))

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        require(can_ask_question(request.user, meeting, issued=_issued(meeting)))
        form = QuestionForm(request.POST, meeting=meeting)
        if not form.is_valid():
            return self.render(meeting, form)
        services.question_ask(meeting=meeting, user=request.user, **form.cleaned_data)
        messages.success(request, "Your question has been sent to the action's lead.")
        return redirect(reverse("plans:meeting_questions", args=[meeting.pk]))

    def render(self, meeting, form):
        user = self.request.user
        issued = _issued(meeting)
        questions = list(
            BoardQuestion.objects.filter(meeting=meeting).select_related(
                "action", "action__plan", "asked_by", "answered_by"
            )
        )
        # The lead answers; their delegates and administrators too.
        rows = [(q, can_answer_question(user, q, issued=issued)) for q in questions]
        context = {
            "meeting": meeting,
            "form": form,
            "questions": rows,
            "may_ask": can_ask_question(user, meeting, issued=issued),
            "issued": issued,
        }
        return render(self.request, self.template_name, context)


class QuestionAnswerView(MeetingMixin, View):
    """The lead's answer to a board member's question."""

    template_name = "plans/question_answer.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        self.question = get_object_or_404(
            BoardQuestion.objects.select_related("action", "action__plan", "meeting"),
            pk=kwargs["question"],
            meeting_id=kwargs["pk"],
        )
        self.meeting = self.get_meeting()
        require(can_answer_question(request.user, self.question, issued=_issued(self.meeting)))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        q = self.question
        return self.render(AnswerForm(initial={"answer": q.answer, "version": q.version}))

    def post(self, request, *args, **kwargs):
        form = AnswerForm(request.POST)
        if not form.is_valid():
            return self.render(form)
        try:
            services.question_answer(
                question=self.question,
                answer=form.cleaned_data["answer"],
                version=form.cleaned_data["version"],
                user=request.user,
            )
        except services.StaleWrite as stale:
            form = AnswerForm({**form.cleaned_data, "version": stale.current.version})
            form.is_valid()
            form.add_error(
                None,
                "Someone else answered after you opened this page. Their answer is shown "
                "above yours; copy what you need, then save.",
            )
            return self.render(form, newer=stale.current, status=409)
        messages.success(request, "Your answer has been saved; it appears in the pack.")
        return redirect(reverse("plans:meeting_questions", args=[self.meeting.pk]))

    def render(self, form, *, newer=None, status=200):
        context = {"meeting": self.meeting, "question": self.question, "form": form,
                   "newer": newer}  # fmt: skip
        return render(self.request, self.template_name, context, status=status)


class MeetingDecisionsView(MeetingMixin, View):
    """The decisions and actions arising from a meeting, recorded after it, and closing them."""

    template_name = "plans/meeting_decisions.html"

    def get(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        return self.render(meeting, DecisionForm(meeting=meeting))

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        require(can_record_decisions(request.user, meeting))
        form = DecisionForm(request.POST, meeting=meeting)
        if not form.is_valid():
            return self.render(meeting, form)
        services.decision_record(meeting=meeting, user=request.user, **form.cleaned_data)
        messages.success(
            request, "Recorded. It is carried into the board's next pack until closed."
        )
        return redirect(reverse("plans:meeting_decisions", args=[meeting.pk]))

    def render(self, meeting, form):
        decisions = list(
            BoardDecision.objects.filter(
                meeting__board_id=meeting.board_id, meeting__date__lte=meeting.date
            )
            .select_related("meeting", "owner_person")
            .order_by("-meeting__date", "pk")
        )
        context = {
            "meeting": meeting,
            "form": form,
            "decisions": decisions,
            "may_record": can_record_decisions(self.request.user, meeting),
            "close_form": CloseDecisionForm(),
        }
        return render(self.request, self.template_name, context)


class DecisionCloseView(MeetingMixin, View):
    http_method_names = ["post", "options"]

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        require(can_record_decisions(request.user, meeting))
        decision = get_object_or_404(
            BoardDecision, pk=kwargs["decision"], meeting__board_id=meeting.board_id
        )
        form = CloseDecisionForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        if services.decision_close(decision=decision, closed_on=timezone.localdate(), note=note):
            messages.success(request, "Closed. It no longer appears in later packs.")
        else:
            messages.info(request, "This had already been closed; nothing was changed.")
        return redirect(reverse("plans:meeting_decisions", args=[meeting.pk]))
