"""What people open: XLSX lists for service staff and the HTML period report, from the BI file."""
