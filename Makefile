# The two commands: `make run` (the embedded default) and `make test`. See README.md.
.PHONY: run test bench lint translations

run:
	@scripts/bootstrap.sh run

test:
	@scripts/bootstrap.sh test

lint:
	@.venv/bin/lint-imports

bench:
	@scripts/bench.sh

# Re-extract the messages after changing user-facing strings, then translate bg and ru.
translations:
	@.venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
	  --ignore-dirs='.venv .git var tests' --project contact-centre -o translations/messages.pot .
	@.venv/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching
