"""Users, roles and (later) sessions, registration, login and 2FA."""
