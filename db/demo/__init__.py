"""`aixin demo`: believable stations and counties built through the services. Nothing else in
the product imports it."""
