"""English formats with the zone named after every date-time (`T`: EST, JST, UTC);
dates alone stay Django's."""

DATETIME_FORMAT = "N j, Y, H:i T"
SHORT_DATETIME_FORMAT = "Y-m-d H:i T"
TIME_FORMAT = "H:i"
