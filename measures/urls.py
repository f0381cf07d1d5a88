from django.urls import path

from . import views

app_name = "measures"

urlpatterns = [
    path("", views.MeasureListView.as_view(), name="list"),
    path("<str:code>/", views.MeasureDetailView.as_view(), name="detail"),
]
