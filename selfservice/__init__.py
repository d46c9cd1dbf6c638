"""The citizen's own MitID after logging in: overview, changes, blocking, new devices."""
