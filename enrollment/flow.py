"""The enrollment step machine: steps, their order per channel, and what depends on what.

Pure: it reads a snapshot of facts about a case, never a request or the database.
"""

from dataclasses import dataclass
from enum import StrEnum
from functools import cache


class Step(StrEnum):
    NEMID = "nemid"  # prove who you are (MitID.dk)
    YOUR_TURN = "your-turn"  # told by the bank that it is your turn (bank)
    TERMS = "terms"
    METHOD = "method"
    CONTACT = "contact"
    USER_ID = "user-id"
    DELIVERY = "delivery"  # get the app, or order a code device
    ACTIVATE = "activate"


class Channel(StrEnum):
    MITID = "mitid"
    BANK = "bank"


class Method(StrEnum):
    APP = "app"
    CODE_DISPLAY = "kodeviser"
    CODE_READER = "kodeoplaeser"

    @property
    def is_device(self) -> bool:
        return self is not Method.APP


# The same steps, in the two orders of seed 002.
ORDER: dict[Channel, tuple[Step, ...]] = {
    Channel.MITID: (
        Step.NEMID,
        Step.METHOD,
        Step.TERMS,
        Step.CONTACT,
        Step.USER_ID,
        Step.DELIVERY,
        Step.ACTIVATE,
    ),
    Channel.BANK: (
        Step.YOUR_TURN,
        Step.TERMS,
        Step.METHOD,
        Step.CONTACT,
        Step.USER_ID,
        Step.DELIVERY,
        Step.ACTIVATE,
    ),
}

# A step's answer is only valid for the answers it was given under.
DEPENDS_ON: dict[Step, frozenset[Step]] = {
    Step.CONTACT: frozenset({Step.METHOD}),
    Step.DELIVERY: frozenset({Step.METHOD, Step.CONTACT, Step.USER_ID}),
}


@dataclass(frozen=True)
class Facts:
    """What is known about a case, as far as the step machine cares."""

    identity_proven: bool = False
    started: bool = False
    terms_accepted: bool = False
    method: Method | None = None
    # The method the contact details, and the delivery, were completed for.
    contact_method: Method | None = None
    user_id_chosen: bool = False
    delivery_method: Method | None = None
    activated: bool = False


def is_done(step: Step, facts: Facts) -> bool:
    match step:
        case Step.NEMID:
            return facts.identity_proven
        case Step.YOUR_TURN:
            return facts.started
        case Step.TERMS:
            return facts.terms_accepted
        case Step.METHOD:
            return facts.method is not None
        case Step.CONTACT:
            return facts.method is not None and facts.contact_method == facts.method
        case Step.USER_ID:
            return facts.user_id_chosen
        case Step.DELIVERY:
            return facts.method is not None and facts.delivery_method == facts.method
        case Step.ACTIVATE:
            return facts.activated


def steps(channel: Channel) -> tuple[Step, ...]:
    return ORDER[channel]


def next_step(channel: Channel, facts: Facts) -> Step | None:
    """The first step not done yet, or None when enrollment is complete."""
    return next((step for step in ORDER[channel] if not is_done(step, facts)), None)


def is_reachable(channel: Channel, step: Step, facts: Facts) -> bool:
    """A step can be shown or answered when every step before it is done."""
    if step not in ORDER[channel]:
        return False
    earlier = ORDER[channel][: ORDER[channel].index(step)]
    return all(is_done(previous, facts) for previous in earlier)


def is_submitted(facts: Facts) -> bool:
    """After the delivery step (an activation code, or a device ordered) answers are final."""
    return facts.method is not None and facts.delivery_method == facts.method


def invalidated_by(step: Step) -> frozenset[Step]:
    """Every step whose answer no longer holds when `step`'s answer changes."""
    found: set[Step] = set()
    frontier = {step}
    while frontier:
        changed = frontier.pop()
        for dependent, requirements in DEPENDS_ON.items():
            if changed in requirements and dependent not in found:
                found.add(dependent)
                frontier.add(dependent)
    return frozenset(found)


@cache
def indicator(
    channel: Channel, current: Step, facts: Facts
) -> tuple[tuple[Step, bool, bool, bool], ...]:
    """Each step of the channel in order, with whether it is `current`, done and reachable: the
    step indicator's shape. Kept once worked out (a pure function of few values; every step
    page shows it)."""
    return tuple(
        (each, each == current, is_done(each, facts), is_reachable(channel, each, facts))
        for each in ORDER[channel]
    )


def progress(channel: Channel, step: Step) -> tuple[int, int]:
    """(number of this step, number of steps) for the step indicator."""
    order = ORDER[channel]
    return order.index(step) + 1, len(order)
