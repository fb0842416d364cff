"""PostgreSQL with every wait on the server bounded: Django's backend, plus a watchdog.

Use it as the ENGINE (`config/settings.py` does). See `base.py` for why.
"""
