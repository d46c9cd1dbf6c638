from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from authenticators.models import HardwareToken
from authenticators.stock import fill_stock

pytestmark = pytest.mark.django_db


def test_fill_stock_tops_up_to_the_wanted_numbers() -> None:
    assert fill_stock(code_displays=3, code_readers=2) == 5
    assert fill_stock(code_displays=3, code_readers=2) == 0
    assert HardwareToken.objects.filter(kind="kodeviser").count() == 3
    assert all(t.serial.startswith("KO") for t in HardwareToken.objects.filter(kind="kodeoplaeser"))


def test_device_code_prints_what_the_device_shows_now() -> None:
    fill_stock(code_displays=1, code_readers=0)
    token = HardwareToken.objects.get()
    out = StringIO()
    call_command("device_code", token.serial.lower(), stdout=out)
    assert out.getvalue().strip() == token.current_code()
    assert len(token.current_code()) == 6


def test_device_code_of_an_unknown_serial_is_an_error() -> None:
    with pytest.raises(CommandError):
        call_command("device_code", "NOPE")


def test_the_simulator_page_shows_what_the_device_shows(client) -> None:  # type: ignore[no-untyped-def]
    fill_stock(code_displays=0, code_readers=1)
    token = HardwareToken.objects.get()
    html = client.post("/en/demo/code-device/", {"serial": token.serial.lower()}).content.decode()
    assert f'data-code="{token.current_code()}"' in html
    assert "Read the code aloud" in html
    html = client.post("/en/demo/code-device/", {"serial": "NOPE"}).content.decode()
    assert "There is no device with that serial number." in html
    assert 'value="NOPE"' in html
