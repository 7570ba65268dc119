from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("", views.program_list, name="list"),
    path("new/", views.program_create, name="create"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("<slug:slug>/", views.program_detail, name="detail"),
    path("<slug:slug>/edit/", views.program_edit, name="edit"),
    path("<slug:slug>/apply/", views.apply, name="apply"),
    path("<slug:slug>/review/", views.review, name="review"),
    path("<slug:slug>/members/<int:pk>/", views.membership_detail, name="membership"),
    path("<slug:slug>/members/<int:pk>/status/", views.membership_transition, name="transition"),
    path("<slug:slug>/members/<int:pk>/graduate/", views.graduate, name="graduate"),
    path(
        "<slug:slug>/members/<int:pk>/onboarding/<int:item>/",
        views.onboarding_toggle,
        name="onboarding_toggle",
    ),
    path("<slug:slug>/tracks/", views.tracks, name="tracks"),
    path("<slug:slug>/cohorts/", views.cohorts, name="cohorts"),
    path("<slug:slug>/cohorts/<int:pk>/", views.cohort_edit, name="cohort"),
    path("<slug:slug>/questions/", views.questions, name="questions"),
    path("<slug:slug>/questions/<int:pk>/delete/", views.question_delete, name="question_delete"),
    path("<slug:slug>/onboarding/", views.onboarding, name="onboarding"),
    path(
        "<slug:slug>/onboarding/<int:pk>/delete/", views.onboarding_delete, name="onboarding_delete"
    ),
    path("<slug:slug>/coordinators/", views.coordinators, name="coordinators"),
    path("<slug:slug>/invitations/", views.invitations, name="invitations"),
]

from . import views_announcements  # noqa: E402  (its own module: the announcements pages)

urlpatterns += views_announcements.urlpatterns
