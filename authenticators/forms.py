"""The MitID chip's answer as a form field: the same for registering, confirming and login."""

from django import forms
from django.utils.translation import gettext_lazy as _


class WebAuthnForm(forms.Form):
    """The browser's answer from the security key, filled in by static/portal/webauthn.js."""

    credential = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={"required": _("Use your MitID chip when the browser asks for it.")},
    )
