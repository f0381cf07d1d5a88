from django.urls import path

from actions import approval_views, update_views, views

app_name = "actions"

urlpatterns = [
    path("mine/", views.MyActionsView.as_view(), name="mine"),
    path("<int:pk>/", views.ActionDetailView.as_view(), name="detail"),
    path("<int:pk>/update/", update_views.StatusUpdateView.as_view(), name="update"),
    path(
        "<int:pk>/update/no-change/", update_views.NoChangeView.as_view(), name="update_no_change"
    ),
    path("approvals/", approval_views.ApprovalsView.as_view(), name="approvals"),
    path("updates/<int:pk>/approve/", approval_views.ApproveView.as_view(), name="update_approve"),
    path("updates/<int:pk>/return/", approval_views.ReturnView.as_view(), name="update_return"),
    path("evidence/<int:pk>/", update_views.EvidenceDownloadView.as_view(), name="evidence"),
]
