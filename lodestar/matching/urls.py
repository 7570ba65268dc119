from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("suggestions/<int:membership>/", views.suggestions_page, name="suggestions"),
    path("requests/", views.my_requests, name="requests"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path(
        "requests/<int:pk>/<str:action>/",
        views.request_answer,
        name="request_answer",
    ),
    path("mentor/<int:membership>/accepting/", views.accepting, name="accepting"),
]
