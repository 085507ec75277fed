# Thin wrappers over the npm scripts of package.json (DESIGN.md §1): `make X` and `npm run X`
# do the same thing. `make help` lists the targets.

SERVICES := auth author category book
# npm writes this file on every install, so it says when node_modules was last installed.
INSTALLED := node_modules/.package-lock.json

.DEFAULT_GOAL := help
.PHONY: help install run test test-unit test-integration test-e2e build up down migrate-up migrate-down proto-generate create-table bench check lint

# Wrong variables fail before anything runs.
ifneq ($(filter create-table,$(MAKECMDGOALS)),)
  ifeq ($(strip $(SVC)),)
    $(error SVC is required: make create-table SVC=<$(subst $() ,|,$(SERVICES))> SEQ=<name>)
  endif
  ifeq ($(strip $(SEQ)),)
    $(error SEQ is required: make create-table SVC=$(SVC) SEQ=<name, e.g. create_loans>)
  endif
endif
ifneq ($(strip $(SVC)),)
  ifeq ($(filter $(SVC),$(SERVICES)),)
    $(error unknown SVC "$(SVC)": use one of $(SERVICES))
  endif
endif

help: ## List the targets
	@echo "Targets (SVC=<$(subst $() ,|,$(SERVICES))> where shown):"
	@awk 'BEGIN { FS = ":.*## " } /^[a-z0-9-]+:.*## / { printf "  %-16s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

install: $(INSTALLED) ## Install dependencies (npm ci) if node_modules is missing or older than package-lock.json

$(INSTALLED): package-lock.json
	npm ci
	@touch $@

run: install ## Start every service (one embedded PostgreSQL under ./data/postgres unless <SERVICE>_DATABASE_URL), print URLs
	npm run run

test: install ## Run the whole suite (PostgreSQL at TEST_DATABASE_URL when it answers, else embedded)
	npm test

test-unit: install ## Only the unit specs next to the code (packages/*/src, bench/)
	npm run test:unit

test-integration: install ## Only the integration specs on a real database (packages/*/test)
	npm run test:integration

test-e2e: install ## Only the end-to-end specs on real processes (tests/e2e, tests/deploy)
	npm run test:e2e

build: install ## Regenerate code from the protos, lint them, type-check
	npm run build

up: ## Build and start services + PostgreSQL with Docker Compose (v2 plugin, else docker-compose v1; secrets from .env), wait until healthy
	bash deploy/compose.sh up

down: ## Stop and remove the Docker Compose stack (the database volume is kept; `make down ARGS=-v` drops it)
	bash deploy/compose.sh down $(ARGS)

migrate-up: install ## Apply pending migrations [SVC=]
	npm run migrate -- up $(if $(SVC),--svc $(SVC))

migrate-down: install ## Revert the newest migration [SVC=] [STEPS=n]
	npm run migrate -- down $(if $(SVC),--svc $(SVC)) $(if $(STEPS),--steps $(STEPS))

proto-generate: install ## Generate TypeScript and the OpenAPI documents from the protos [SVC=; all when omitted]
	$(if $(SVC),npx buf generate --path api/proto/library/$(SVC),npm run generate)

create-table: install ## New numbered migration pair: SVC= SEQ=
	npm run create-table -- --svc $(SVC) --seq $(SEQ)

bench: install ## Run the benchmarks
	npm run bench

check: install ## Type-check (tsc)
	npm run check

lint: install ## Lint and format check (biome)
	npm run lint
