"""How many windows to open hour by hour (`govqueue plan`): a hall model from its history,
a Monte Carlo of the day on the discrete-event engine (server/domain/des.py), and the
smallest staffing per hour that meets the wait target. Pure: no SQL, no HTTP, no clock."""
