# Browser tests: the notebooks in a real JupyterLab, driven by Playwright in headless Chromium.
#   make test-browser   run tests/browser (part of `make test`); skipped with a message when there is
#                       no chromium, except in CI (CI=true), where a missing browser is a failure
#   make screenshots    refresh one screenshot per notebook (artifacts/browser/notebooks/*.png) and
#                       docs/images/stepper.png (in the README) and docs/images/index.png
# Reports and screenshots go to artifacts/browser/ (not committed; CI keeps that folder as a build
# artifact): the axe-core accessibility reports (axe/<notebook>.json, axe_summary.json), one
# screenshot per notebook, timings.json, stepper_latency.json and console.log.

TEST_TARGETS += test-browser
.PHONY: test-browser screenshots

CHROMIUM_MISSING := chromium not found (apt-get install -y chromium)

## make test-browser - only the browser tests (JupyterLab in headless Chromium; part of make test)
test-browser: $(STAMP)
	@if command -v chromium >/dev/null 2>&1; then \
		echo "$(PY) -m pytest tests/browser -q -p no:cacheprovider"; \
		$(PY) -m pytest tests/browser -q -p no:cacheprovider; \
	elif [ "$$CI" = true ]; then \
		echo "FAILED browser tests: $(CHROMIUM_MISSING); CI=true, so this is an error, not a skip"; \
		exit 1; \
	else \
		echo "SKIPPED browser tests: $(CHROMIUM_MISSING)"; \
	fi

## make screenshots - refresh the README's screenshots (docs/images/) from a real JupyterLab
screenshots: $(STAMP)
	@command -v chromium >/dev/null 2>&1 || { echo "screenshots need $(CHROMIUM_MISSING)"; exit 1; }
	$(PY) -m pytest tests/browser -q -p no:cacheprovider -k screenshot
	mkdir -p docs/images
	cp artifacts/browser/stepper.png docs/images/stepper.png
	cp artifacts/browser/index.png docs/images/index.png
	@echo "updated docs/images/stepper.png and docs/images/index.png; one per notebook: artifacts/browser/notebooks/"
