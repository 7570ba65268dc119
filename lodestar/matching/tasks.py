from huey.contrib.djhuey import db_task

from .rounds import run_round


@db_task()
def run_round_task(round_id: int) -> bool:
    return run_round(round_id)
