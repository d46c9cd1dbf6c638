"""English for readers in Denmark: day before month, and the 24-hour clock.

A date and time reads as a sentence does: "on 2 December 2026 at 14:47".
"""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = r"j F Y \a\t H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1
