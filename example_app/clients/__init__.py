"""Services outside this app, each behind a small interface that tests can replace.

Only these modules know how the outside world is reached; tests swap the provider
objects (``EmailProvider``, ``FulfillmentProvider``) or point the rates client at a stub
server, and everything inside the app stays real.
"""
