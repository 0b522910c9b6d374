"""Managed Service for Apache Flink, modelled: event time, watermarks, windows, state, recovery.

stream.py turns the play events into a source in arrival order; windows.py (tumbling and
sliding) and sessions.py are the window operators; reference.py is the same aggregation in
DuckDB SQL; recovery.py checkpoints, fails and restores; anomaly.py flags devices whose
temperature leaves a rolling band; service.py sizes an application in KPUs; charts.py draws it.

Fidelity: each module says what it keeps from Apache Flink and Managed Service for Apache Flink
and what it simplifies; in short, one subtask, a watermark after every event, instant checkpoints.
"""
