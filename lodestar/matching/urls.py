from django.urls import path

from . import round_views, views

app_name = "matching"

urlpatterns = [
    path("suggestions/<int:membership>/", views.suggestions_page, name="suggestions"),
    path("ranking/<int:membership>/", views.ranking, name="ranking"),
    path("requests/", views.my_requests, name="requests"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path(
        "requests/<int:pk>/<str:action>/",
        views.request_answer,
        name="request_answer",
    ),
    path("mentor/<int:membership>/accepting/", views.accepting, name="accepting"),
    path("program/<slug:slug>/rounds/", round_views.round_list, name="rounds"),
    path("program/<slug:slug>/settings/", round_views.settings_page, name="settings"),
    path("rounds/<int:pk>/", round_views.round_detail, name="round"),
    path("rounds/<int:pk>/action/", round_views.round_action, name="round_action"),
    path("rounds/<int:pk>/pairs.csv", round_views.round_csv, name="round_csv"),
    path("pairs/<int:pk>/", round_views.pair_detail, name="pair"),
]
