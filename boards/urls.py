from django.urls import path

from boards import views

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
    path("<slug:slug>/", views.PlanDetailView.as_view(), name="detail"),
    path("<slug:slug>/dashboard/", views.PlanDashboardView.as_view(), name="dashboard"),
    path("<slug:slug>/exceptions/", views.ExceptionReportView.as_view(), name="exceptions"),
]
