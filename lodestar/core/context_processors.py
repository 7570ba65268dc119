from django.conf import settings


def site(request):
    context = {"ORGANIZATION_NAME": settings.ORGANIZATION_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # Lazy: counted only on pages that show the navigation.
        context["unread_notifications"] = lambda: user.notifications.filter(
            read_at__isnull=True
        ).count()
    return context
