"""English for readers in Denmark: day before month, and the 24-hour clock.

A date and time reads as a sentence does: "on 2 December 2026 at 14:47"; a short one names
the month too ("2 Dec 2026, 14:47"), as 02/12/2026 is 12 February to many English readers.
"""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = r"j F Y \a\t H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1
