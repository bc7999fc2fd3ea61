"""German: Django's formats, but "8:00" rather than "08:00" for office hours and callbacks."""

TIME_FORMAT = "G:i"
