"""What the device core tells the layers above it, which it may not import."""

from django.dispatch import Signal

# A device was blocked or revoked, in the transaction that did it; `device` is the device.
# What a login made with it still leads to elsewhere (a party's code) ends with it.
device_out_of_use = Signal()
