placeholder private key for unit tests: only its readability is checked
