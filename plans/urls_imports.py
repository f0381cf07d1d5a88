"""Import of plans and measure values (preview, then commit). Owned by the import work."""

app_name = "imports"

urlpatterns: list = []
