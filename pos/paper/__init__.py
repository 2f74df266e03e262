"""What aixin puts on paper: member cards, slips and receipts, the county's workbook, and the
Chinese font they are printed with."""
