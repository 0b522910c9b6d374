"""App text per course area, merged into lessons.i18n; one module per area keeps pages apart.

Each module defines ``TEXT: dict[str, dict[str, str]]`` with keys prefixed by its area
(``lake.``, ``search.``, ``realtime.``, ``serving.``) and both ``en`` and ``ko`` for every key.
"""
