"""The API's request and response bodies (Pydantic 2), separate from the tables.

Inputs forbid unknown fields and carry every bound the code enforces, so the OpenAPI
document says exactly what is accepted; outputs say exactly what is sent.
"""
