"""Services: what each role can do, as plain functions over a database and an actor.

Every service opens its own unit of work, loads the actor fresh, asks the policy first
and returns frozen dataclasses (never ORM objects, which would lazy-load or detach
after the session closes).
"""
