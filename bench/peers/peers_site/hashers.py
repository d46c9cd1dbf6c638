"""The portal's Argon2 parameters, for the run with the production hasher.

The portal's own hasher class cannot be imported here, and a hash checked by a hasher with
other parameters would be made again and saved at every login (`must_update`): the driver
passes the portal's parameters in `BENCH_ARGON2` as "time_cost,memory_cost,parallelism".
"""

import os

from django.contrib.auth.hashers import Argon2PasswordHasher

_time, _memory, _lanes = (int(v) for v in os.environ.get("BENCH_ARGON2", "2,102400,8").split(","))


class BenchArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = _time
    memory_cost = _memory
    parallelism = _lanes
