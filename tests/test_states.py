from lodestar.programs.states import TRANSITIONS, Status, allowed_targets, can_transition


def test_coordinator_moves_an_application_forward():
    assert set(allowed_targets(Status.APPLIED, by_coordinator=True)) == {
        Status.APPROVED,
        Status.WAITLISTED,
        Status.DECLINED,
        Status.WITHDRAWN,
    }


def test_member_can_only_withdraw():
    for status in Status.values:
        assert set(allowed_targets(status, by_coordinator=False)) <= {Status.WITHDRAWN}
    assert can_transition(Status.ACTIVE, Status.WITHDRAWN, by_coordinator=False)
    assert not can_transition(Status.APPLIED, Status.APPROVED, by_coordinator=False)


def test_completed_and_withdrawn_are_final():
    assert allowed_targets(Status.COMPLETED, by_coordinator=True) == []
    assert allowed_targets(Status.WITHDRAWN, by_coordinator=True) == []


def test_no_transition_skips_approval():
    assert not can_transition(Status.APPLIED, Status.ACTIVE, by_coordinator=True)
    assert not can_transition(Status.DECLINED, Status.ACTIVE, by_coordinator=True)


def test_every_transition_names_known_statuses():
    for frm, to in TRANSITIONS:
        assert frm in Status.values and to in Status.values and frm != to
