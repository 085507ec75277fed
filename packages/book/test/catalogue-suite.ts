import { afterAll, beforeAll, beforeEach } from "vitest";
import { type BookTestApp, startBookTestApp } from "./book-test-app.js";
import { type Catalogue, catalogueOf, FAIL_AT_COMMIT } from "./catalogue-helpers.js";

/** What a catalogue suite starts from: the service (fake peers, fresh database), one author, two categories. */
export interface CatalogueSuite {
  t: BookTestApp;
  author: string;
  fantasy: string;
  classics: string;
  /** Request bodies and SQL shortcuts for the author's books. */
  c: Catalogue;
}

export interface CatalogueSuiteOptions {
  /** Variables added to the service's environment. */
  env?: Record<string, string>;
  /** Installs {@link FAIL_AT_COMMIT}, for specs that watch a compensation. */
  failAtCommit?: boolean;
}

/**
 * Registers the suite's hooks (call it inside `describe`): starts the service once and hands
 * `receive` the suite before the first test, puts the fake peers back up before each test (a
 * test that takes one down never leaves it down for the next), and stops it all after the last.
 */
export function useCatalogueSuite(receive: (suite: CatalogueSuite) => void, opts: CatalogueSuiteOptions = {}): void {
  let t: BookTestApp | undefined;
  beforeAll(async () => {
    t = await startBookTestApp(opts.env);
    if (opts.failAtCommit) await t.sql(FAIL_AT_COMMIT);
    const author = t.authors.add();
    receive({ t, author, fantasy: t.categories.add(), classics: t.categories.add(), c: catalogueOf(t, author) });
  });
  afterAll(async () => t?.stop());
  beforeEach(() => {
    if (!t) return;
    t.authors.down = false;
    t.categories.down = false;
  });
}
