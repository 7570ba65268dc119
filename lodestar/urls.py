from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from lodestar.api import views as api_views
from lodestar.api.api import api
from lodestar.core import views as core_views
from lodestar.programs import views as program_views

# The admin signs in through allauth, with its rate limits and MFA, never its own form.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", program_views.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("", include("lodestar.accounts.urls")),
    path("programs/", include("lodestar.programs.urls")),
    path("notifications/", include("lodestar.notifications.urls")),
    path("relationships/", include("lodestar.mentoring.urls")),
    path("schedule/", include("lodestar.scheduling.urls")),
    path("feedback/", include("lodestar.feedback.urls")),
    path("insights/", include("lodestar.insights.urls")),
    path("matching/", include("lodestar.matching.urls")),
    path("me/tokens/", api_views.tokens, name="api_tokens"),
    path("me/tokens/<int:pk>/revoke/", api_views.revoke_token, name="api_token_revoke"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("healthz", core_views.healthz, name="healthz"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
