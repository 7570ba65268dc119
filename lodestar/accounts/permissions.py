COORDINATORS_GROUP = "Coordinators"


def can_manage_skills(user) -> bool:
    """Organization admins and the coordinators of any program curate the skill taxonomy."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return user.groups.filter(name=COORDINATORS_GROUP).exists()
