"""Legacy NemID: proving who a citizen is with user-ID, password and a key card."""
