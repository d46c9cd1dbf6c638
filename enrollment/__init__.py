"""Getting MitID: the enrollment a citizen goes through after proving who they are."""
