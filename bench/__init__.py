"""`make bench`: the CRM's interactive pages timed under gunicorn at a million customers.

Entry point: `bench/run.py`. See `bench/README.md` for what is measured and why.
"""
