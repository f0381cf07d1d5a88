"""The actions explorer across all plans."""

app_name = "explorer"

urlpatterns: list = []
