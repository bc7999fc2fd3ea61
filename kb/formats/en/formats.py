"""English date and time formats (FORMAT_MODULE_PATH): the help center's customers read
"5:00 PM" and "Jun 3, 2026 10:30"; dates keep Django's "June 3, 2026". Spanish and German
keep Django's own formats ("3 de junio de 2026", "3. Juni 2026"), with "8:00" rather than
"08:00" (kb/formats/es, kb/formats/de)."""

TIME_FORMAT = "g:i A"
SHORT_DATETIME_FORMAT = "M j, Y H:i"
