"""Models of the streaming services (Kinesis, Firehose, SQS, Kafka/MSK) and their comparison.

Every model takes explicit timestamps (milliseconds) and a seeded generator, reads its limits from
the facts table, and raises errors that carry AWS's error codes. Each module's docstring ends in a
"Fidelity" note: what AWS does, and what the model simplifies.
"""
