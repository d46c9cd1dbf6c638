"""The animated QR frames, against the published test vectors of the scheme they follow."""

import pytest

from login import frames

# Swedish BankID's published example: qrStartToken, qrStartSecret, and the auth codes of
# seconds 0 and 1. Our frames use the same HMAC, under the prefix "mitid".
TOKEN = "67df3917-fa0d-44e5-b327-edcc928297f8"
SECRET = "d28db9a7-4cde-429e-a983-359be676944c"
VECTORS = {
    0: "dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8",
    1: "949d559bf23403952a94d103e67743126381eda00f0b3cbddbf7c96b1adcbce2",
}


@pytest.mark.parametrize(("seconds", "code"), sorted(VECTORS.items()))
def test_the_auth_code_matches_the_published_vectors(seconds: int, code: str) -> None:
    assert frames.auth_code(SECRET, seconds) == code
    assert frames.frame_text(TOKEN, SECRET, seconds) == f"mitid.{TOKEN}.{seconds}.{code}"


def test_a_frame_parses_back_and_is_authentic_only_under_its_own_secret() -> None:
    frame = frames.parse(frames.frame_text(TOKEN, SECRET, 7))
    assert (frame.token, frame.seconds) == (TOKEN, 7)
    assert frame.is_authentic(SECRET)
    assert not frame.is_authentic("another login's secret")


def test_a_frame_with_its_seconds_changed_is_not_authentic() -> None:
    text = frames.frame_text(TOKEN, SECRET, 0).replace(".0.", ".9.")
    assert not frames.parse(text).is_authentic(SECRET)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "https://example.com/",
        f"bankid.{TOKEN}.0.{VECTORS[0]}",
        f"mitid.{TOKEN}.-1.{VECTORS[0]}",
        f"mitid.{TOKEN}.0.{VECTORS[0][:-1]}",
        f"mitid.{TOKEN}.0.{VECTORS[0]}.extra",
    ],
)
def test_anything_else_is_not_a_frame(text: str) -> None:
    with pytest.raises(frames.InvalidFrame):
        frames.parse(text)
