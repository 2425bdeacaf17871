"""Business logic: plain functions over plain values and a database session, no HTTP."""
