"""Activation: an activation code, an order or a chip becomes an active authenticator."""
