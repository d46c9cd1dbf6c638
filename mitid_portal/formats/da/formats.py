"""Danish times as Danish public bodies write them: "21. november 2026 kl. 14.47"."""

TIME_FORMAT = "H.i"
DATETIME_FORMAT = r"j. F Y \k\l. H.i"
SHORT_DATETIME_FORMAT = r"d.m.Y \k\l. H.i"
