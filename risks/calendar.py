"""Risk reviews and actions due, in their owners' calendar feeds (common.calendar):
only for people who may read the register, so nobody who could not open a risk in the
portal gets its title in their calendar."""

from common.calendar import CalendarEvent, Window, register_source

from . import policies, selectors


def reviews_and_actions(user, window: Window) -> list[CalendarEvent]:
    if not policies.may_read_register(user):
        return []
    events = [
        CalendarEvent(
            uid=f"risk-review-{risk.pk}",
            summary=f"Risk review due: {risk.reference} {risk.title}",
            start=risk.next_review_date,
            description=f"The review of {risk.reference}, which you own, is due.",
            url=risk.get_absolute_url(),
        )
        for risk in selectors.reviews_due_for(user, window.start, window.end)
    ]
    events += [
        CalendarEvent(
            uid=f"risk-action-{action.pk}",
            summary=f"Risk action due: {action.risk.reference} {action}",
            start=action.due_date,
            description=(
                f"{action.description}\n\nOwner: {action.owner.get_full_name() or action.owner}. "
                f"Status: {action.get_status_display()}."
            ),
            url=action.risk.get_absolute_url(),
        )
        for action in selectors.actions_due_for(user, window.start, window.end)
    ]
    return events


def register():
    register_source(reviews_and_actions)
