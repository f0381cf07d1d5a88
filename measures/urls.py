from django.urls import path

from measures import views

app_name = "measures"

urlpatterns = [
    path("", views.MeasureListView.as_view(), name="list"),
    path("<str:code>/", views.MeasureDetailView.as_view(), name="detail"),
    path("<str:code>/values/add/", views.MeasureValueCreateView.as_view(), name="add_value"),
    path(
        "<str:code>/values/<int:pk>/correct/",
        views.MeasureValueCorrectView.as_view(),
        name="correct_value",
    ),
]
