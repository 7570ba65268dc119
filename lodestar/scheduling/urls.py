from .views import away, events, feeds, meetings, office_hours, speed

app_name = "scheduling"

urlpatterns = [
    *meetings.urlpatterns,
    *away.urlpatterns,
    *feeds.urlpatterns,
    *office_hours.urlpatterns,
    *events.urlpatterns,
    *speed.urlpatterns,
]
