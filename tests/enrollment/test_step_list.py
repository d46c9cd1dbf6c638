"""The step indicator's HTML, kept by language and steps (`enrollment_steps.step_list`), is
what its template renders for exactly those steps."""

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from enrollment.flow import Step
from enrollment.views import StepItem, step_url

ORDER = [Step.NEMID, Step.METHOD, Step.TERMS, Step.CONTACT]


def steps(current: Step, done: set[Step], linked: set[Step]) -> tuple[StepItem, ...]:
    return tuple(
        StepItem(
            number=index,
            step=each.value,
            current=each == current,
            done=each in done,
            url=step_url(each) if each in linked else "",
        )
        for index, each in enumerate(ORDER, start=1)
    )


PAGE = Template("{% load enrollment_steps %}{% step_list %}|{% step_list %}")

SHAPES = [
    (Step.METHOD, set(), {Step.METHOD}),
    (Step.METHOD, {Step.METHOD}, {Step.METHOD, Step.TERMS}),  # only the current step differs
    (Step.TERMS, {Step.METHOD}, {Step.METHOD, Step.TERMS}),  # the current step
    (Step.TERMS, set(), {Step.METHOD, Step.TERMS}),  # a step done
    (Step.TERMS, {Step.METHOD}, {Step.TERMS}),  # a link
    (Step.CONTACT, {Step.METHOD, Step.TERMS}, {Step.METHOD, Step.TERMS, Step.CONTACT}),
]


@pytest.mark.parametrize("language", ["da", "en", "kl"])
def test_each_shape_and_language_gets_its_own_html(language: str) -> None:
    seen = set()
    with translation.override(language):
        for _round in range(2):  # made, then taken from the fragment cache
            for shape in SHAPES:
                listed = steps(*shape)
                html = PAGE.render(Context({"steps": listed}))
                own = render_to_string("enrollment/_partials/step_list.html", {"steps": listed})
                assert html == f"{own}|{own}", (language, shape)
                seen.add(own)
    assert len(seen) == len(SHAPES), "every shape differs, so none may be taken for another"


def test_the_same_steps_differ_by_language() -> None:
    made = set()
    for language in ["da", "en", "kl"]:
        with translation.override(language):
            made.add(PAGE.render(Context({"steps": steps(Step.METHOD, set(), {Step.METHOD})})))
    assert len(made) == 3


def test_steps_of_the_same_numbers_and_links_differ_by_their_step() -> None:
    """The same numbers, marks and links, other steps (the two channels' orders): the titles
    differ, so the kept list must too."""
    one = steps(Step.METHOD, set(), set())
    other = tuple(
        item._replace(step=Step.TERMS.value if item.step == Step.METHOD else item.step)
        for item in one
    )
    with translation.override("en"):
        first, second = (PAGE.render(Context({"steps": listed})) for listed in (one, other))
    assert "Choose app or code device" in first and "Choose app or code device" not in second
    assert "Accept the terms" in second
