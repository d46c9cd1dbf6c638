"""The step machine, without HTTP or database."""

from dataclasses import replace

import pytest

from enrollment import flow
from enrollment.flow import Channel, Facts, Method, Step


def test_the_two_channels_have_the_same_steps_in_the_orders_of_the_seed() -> None:
    assert flow.steps(Channel.MITID) == (
        Step.NEMID,
        Step.METHOD,
        Step.TERMS,
        Step.CONTACT,
        Step.USER_ID,
        Step.DELIVERY,
        Step.ACTIVATE,
    )
    assert flow.steps(Channel.BANK) == (
        Step.YOUR_TURN,
        Step.TERMS,
        Step.METHOD,
        Step.CONTACT,
        Step.USER_ID,
        Step.DELIVERY,
        Step.ACTIVATE,
    )


def walk(channel: Channel) -> list[Step]:
    """Answer each step the machine asks for, and list the order it asked in."""
    facts = Facts(identity_proven=True)
    asked = []
    answers = {
        Step.YOUR_TURN: {"started": True},
        Step.TERMS: {"terms_accepted": True},
        Step.METHOD: {"method": Method.APP},
        Step.CONTACT: {"contact_method": Method.APP},
        Step.USER_ID: {"user_id_chosen": True},
        Step.DELIVERY: {"delivery_method": Method.APP},
        Step.ACTIVATE: {"activated": True},
    }
    while (step := flow.next_step(channel, facts)) is not None:
        asked.append(step)
        facts = replace(facts, **answers[step])
    return asked


def test_walking_the_machine_asks_each_step_once_in_channel_order() -> None:
    assert walk(Channel.MITID) == list(flow.steps(Channel.MITID))[1:]
    assert walk(Channel.BANK) == list(flow.steps(Channel.BANK))


def test_a_step_is_unreachable_until_every_earlier_step_is_done() -> None:
    facts = Facts(identity_proven=True, method=Method.APP)
    assert flow.is_reachable(Channel.MITID, Step.TERMS, facts)
    assert not flow.is_reachable(Channel.MITID, Step.CONTACT, facts)
    assert not flow.is_reachable(Channel.MITID, Step.USER_ID, facts)
    # In the bank the terms come first, so the method is not reachable yet.
    assert not flow.is_reachable(Channel.BANK, Step.METHOD, Facts(started=True))


def test_a_step_outside_the_channel_is_never_reachable() -> None:
    assert not flow.is_reachable(Channel.MITID, Step.YOUR_TURN, Facts(identity_proven=True))


def test_changing_the_method_invalidates_contact_details_and_delivery() -> None:
    assert flow.invalidated_by(Step.METHOD) == {Step.CONTACT, Step.DELIVERY}
    assert flow.invalidated_by(Step.CONTACT) == {Step.DELIVERY}
    assert flow.invalidated_by(Step.TERMS) == set()


def test_contact_details_given_for_the_app_must_be_looked_at_again_for_a_device() -> None:
    facts = Facts(
        identity_proven=True,
        terms_accepted=True,
        method=Method.CODE_DISPLAY,
        contact_method=Method.APP,
        user_id_chosen=True,
    )
    assert not flow.is_done(Step.CONTACT, facts)
    assert flow.next_step(Channel.MITID, facts) is Step.CONTACT


def test_after_the_delivery_step_the_answers_are_final() -> None:
    facts = Facts(
        identity_proven=True,
        terms_accepted=True,
        method=Method.APP,
        contact_method=Method.APP,
        user_id_chosen=True,
        delivery_method=Method.APP,
    )
    assert flow.is_submitted(facts)
    assert flow.next_step(Channel.MITID, facts) is Step.ACTIVATE


def test_progress_counts_steps_in_the_channel() -> None:
    assert flow.progress(Channel.MITID, Step.TERMS) == (3, 7)
    assert flow.progress(Channel.BANK, Step.TERMS) == (2, 7)


@pytest.mark.parametrize("channel", list(Channel))
@pytest.mark.parametrize(
    "facts",
    [
        Facts(),
        Facts(identity_proven=True),
        Facts(identity_proven=True, started=True, terms_accepted=True),
        Facts(identity_proven=True, started=True, method=Method.APP),
        Facts(
            identity_proven=True,
            started=True,
            terms_accepted=True,
            method=Method.CODE_DISPLAY,
            contact_method=Method.APP,  # the contact details of an earlier choice
            user_id_chosen=True,
        ),
    ],
)
def test_the_indicator_is_each_steps_own_answers_in_order(channel: Channel, facts: Facts) -> None:
    for current in flow.steps(channel):
        for _kept in range(2):  # worked out, then kept
            assert flow.indicator(channel, current, facts) == tuple(
                (
                    each,
                    each == current,
                    flow.is_done(each, facts),
                    flow.is_reachable(channel, each, facts),
                )
                for each in flow.steps(channel)
            )
