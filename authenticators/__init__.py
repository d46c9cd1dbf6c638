"""MitID authenticators: the app, code devices and chip, built on django-otp devices."""
