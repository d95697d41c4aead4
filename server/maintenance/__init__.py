"""Running a hall for years: backups and restores, the nightly maintenance."""
