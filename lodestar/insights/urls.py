from .views import alerts, dashboards, equity, exports

app_name = "insights"

urlpatterns = [
    *dashboards.urlpatterns,
    *equity.urlpatterns,
    *alerts.urlpatterns,
    *exports.urlpatterns,
]
