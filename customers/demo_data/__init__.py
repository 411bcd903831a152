"""Realistic demo data (SPEC §5 `seed_demo`): vocabularies, vectorised generators and the
COPY-based loader that writes a million customers in minutes."""

from customers.demo_data.load import (
    DEMO_PASSWORD,
    DEMO_USERS,
    DemoDataExists,
    DemoUser,
    SeedResult,
    demo_data_seed,
)

__all__ = [
    "DEMO_PASSWORD", "DEMO_USERS", "DemoDataExists", "DemoUser", "SeedResult", "demo_data_seed",
]
