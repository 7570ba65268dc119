from .views import anonymous, ratings, surveys

app_name = "feedback"

urlpatterns = [*surveys.urlpatterns, *ratings.urlpatterns, *anonymous.urlpatterns]
