"""Downloads of plans, measures and board packs as .xlsx and .csv."""

app_name = "exports"

urlpatterns: list = []
