"""The App API: signed JSON that the MitID app speaks to the portal."""
