from django.urls import path

from boards import pack_views, views

app_name = "plans"

urlpatterns = [
    path("", views.PlanListView.as_view(), name="list"),
    path("portfolio/", views.PortfolioView.as_view(), name="portfolio"),
    path("boards/", views.BoardListView.as_view(), name="boards"),
    path("boards/<int:pk>/", views.BoardDetailView.as_view(), name="board"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting"),
    path("meetings/<int:pk>/pack.pdf", views.MeetingPdfView.as_view(), name="meeting_pdf"),
    path("meetings/<int:pk>/pack.xlsx", views.MeetingXlsxView.as_view(), name="meeting_xlsx"),
    path("meetings/<int:pk>/issue/", views.MeetingIssueView.as_view(), name="meeting_issue"),
    path("meetings/<int:pk>/pack.docx", views.MeetingDocxView.as_view(), name="meeting_docx"),
    path("meetings/<int:pk>/summary/", pack_views.MeetingBriefView.as_view(), name="meeting_brief"),
    path(
        "meetings/<int:pk>/questions/",
        pack_views.MeetingQuestionsView.as_view(),
        name="meeting_questions",
    ),
    path(
        "meetings/<int:pk>/questions/<int:question>/answer/",
        pack_views.QuestionAnswerView.as_view(),
        name="question_answer",
    ),
    path(
        "meetings/<int:pk>/decisions/",
        pack_views.MeetingDecisionsView.as_view(),
        name="meeting_decisions",
    ),
    path(
        "meetings/<int:pk>/decisions/<int:decision>/close/",
        pack_views.DecisionCloseView.as_view(),
        name="decision_close",
    ),
    path("<slug:slug>/", views.PlanDetailView.as_view(), name="detail"),
    path("<slug:slug>/dashboard/", views.PlanDashboardView.as_view(), name="dashboard"),
    path("<slug:slug>/exceptions/", views.ExceptionReportView.as_view(), name="exceptions"),
]
