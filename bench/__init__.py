"""The benchmark (`python -m bench`): speed and memory of the Slack paths, the clock and the CLI."""
