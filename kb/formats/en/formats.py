"""English date and time formats (FORMAT_MODULE_PATH): the help center's customers read
"5:00 PM" and "Dec 3, 2026"; Spanish and German keep Django's own formats (24-hour clock,
"3 de diciembre de 2026", "3. Dezember 2026")."""

TIME_FORMAT = "g:i A"
DATE_FORMAT = "M j, Y"
SHORT_DATETIME_FORMAT = "M j, Y H:i"
