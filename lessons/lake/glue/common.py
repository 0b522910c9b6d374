"""Names and errors shared by the crawler and the ETL job.

Fidelity: the names are this course's choices (database ``music``, tables named after their
folders as a crawler names them); the role ARN is a placeholder the local endpoint accepts.
"""

from __future__ import annotations

from lessons.errors import LabError
from lessons.lake import layout

RAW_TABLE = "plays"
TRACKS_TABLE = "tracks"
PROCESSED_TABLE = "processed_data"
GLUE_STATE = f"s3://{layout.BUCKET}/_glue/"  # bookmarks and scripts; hidden from every table
ROLE = "arn:aws:iam::123456789012:role/pipeline-lab-glue"


class CrawlerError(LabError):
    """Objects a crawl cannot read or classify; the message names the object."""


class JobError(LabError):
    """An ETL job run that cannot start or read its input; nothing is written or committed."""
