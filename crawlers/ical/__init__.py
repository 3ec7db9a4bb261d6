"""The parts of the iCalendar parser (crawlers/calendars.py): events, rules, expansion, items."""
