from django.urls import path, register_converter

from licentia.portal import views


class _Format:
    regex = "csv|json|parquet"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(_Format, "format")

app_name = "portal"
urlpatterns = [
    path("", views.index, name="index"),
    path("feed.atom", views.feed, name="feed"),
    path("<int:year>/", views.index, name="year"),
    path("<int:year>/destinations/<str:code>/", views.destination, name="destination"),
    path("<int:year>/member-states/<str:code>/", views.member_state, name="member-state"),
    path("<int:year>/items/<str:code>/", views.item_category, name="item-category"),
    path("<int:year>/high-risk/", views.high_risk, name="high-risk"),
    path("<int:year>/tables/", views.tables, name="tables"),
    path("<int:year>/tables/<slug:table>.<format:fmt>", views.table, name="table"),
]
