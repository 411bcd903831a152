"""Django's PostgreSQL backend with repeated SELECT statements prepared (see `base`)."""
