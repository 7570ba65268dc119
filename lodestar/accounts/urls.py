from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("me/", views.profile, name="profile"),
    path("me/edit/", views.profile_edit, name="profile_edit"),
    path("me/style/", views.style, name="style"),
    path("me/languages/", views.languages, name="languages"),
    path("me/languages/<int:pk>/delete/", views.language_delete, name="language_delete"),
    path("me/availability/", views.availability, name="availability"),
    path("me/availability/<int:pk>/delete/", views.availability_delete, name="availability_delete"),
    path("me/skills/", views.skills, name="skills"),
    path("me/skills/<int:pk>/delete/", views.skill_delete, name="skill_delete"),
    path("me/demographics/", views.demographics, name="demographics"),
    path("me/privacy/", views.privacy_page, name="privacy"),
    path("me/export/", views.export, name="export"),
    path("me/delete/", views.delete_account, name="delete"),
    path("skills/", views.taxonomy, name="taxonomy"),
    path("skills/suggest/", views.skill_suggest, name="skill_suggest"),
    path("skills/<int:pk>/edit/", views.skill_edit, name="skill_edit"),
    path("skills/suggestions/<int:pk>/", views.suggestion_review, name="suggestion_review"),
]
