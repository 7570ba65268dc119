from .views import agreement, checkins, closure, concerns, goals, journal, relationships, sessions

app_name = "mentoring"

urlpatterns = [
    *relationships.urlpatterns,
    *agreement.urlpatterns,
    *goals.urlpatterns,
    *sessions.urlpatterns,
    *journal.urlpatterns,
    *checkins.urlpatterns,
    *closure.urlpatterns,
    *concerns.urlpatterns,
]
