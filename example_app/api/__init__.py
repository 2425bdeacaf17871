"""The HTTP layer: routers, dependencies, documented responses and error mapping."""
