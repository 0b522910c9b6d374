"""The lake half of the pipeline: S3-style storage, formats, Glue, Athena, Lake Formation."""
