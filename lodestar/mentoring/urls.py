from django.urls import path

from . import views

app_name = "mentoring"

urlpatterns = [
    path("", views.my_relationships, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/status/", views.change_status, name="status"),
    path("program/<slug:slug>/", views.program_list, name="program_list"),
]
