"""URLs of authenticator pages."""

from django.urls import path

from . import views

app_name = "authenticators"

urlpatterns = [
    path(
        "code-device/activate/", views.ActivateCodeDeviceView.as_view(), name="activate_code_device"
    ),
    path("code-device/activate/letter/", views.LetterCodeView.as_view(), name="letter_code"),
    path("code-device/activated/", views.code_device_activated, name="code_device_activated"),
    path("chip/", views.ChipView.as_view(), name="chip"),
    path("chip/<int:pk>/confirm/", views.ConfirmChipView.as_view(), name="confirm_chip"),
    path("chip/<int:pk>/remove/", views.RemoveChipView.as_view(), name="remove_chip"),
]
