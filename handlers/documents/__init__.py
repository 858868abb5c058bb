"""The dagsorden and the referat as PDF (WeasyPrint, tagged PDF/UA), HTML and Markdown."""
