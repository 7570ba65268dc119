from .views import alerts, comments, dashboards, equity, exports

app_name = "insights"

urlpatterns = [
    *dashboards.urlpatterns,
    *equity.urlpatterns,
    *alerts.urlpatterns,
    *exports.urlpatterns,
    *comments.urlpatterns,
]
