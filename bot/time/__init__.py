"""Danish date and time parsing and formatting in the committee's zone."""
