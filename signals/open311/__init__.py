"""Open311 GeoReport v2 (a later issue): discovery, services, requests in JSON and XML. Imports neither web nor console."""
