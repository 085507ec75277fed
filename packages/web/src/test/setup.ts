import { cleanup, configure } from "@testing-library/react";
import { afterEach } from "vitest";

// Without vitest globals Testing Library cannot register its own cleanup.
afterEach(() => cleanup());

// Pages load lazily (their own chunk, transformed on first import): on a busy two-core CI machine
// the first findBy* of a spec file waited past Testing Library's default 1 s for that import.
// What the specs wait for is unchanged; only how long they may wait for it.
configure({ asyncUtilTimeout: 5_000 });
