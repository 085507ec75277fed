import { baseConfigSchema, parseConfig } from "@lms/platform";
import { z } from "zod";

const schema = baseConfigSchema({ httpPort: 8084, grpcPort: 50054 }).extend({
  /** Most open loans one user may hold (DESIGN.md §6). */
  MAX_ACTIVE_LOANS: z.coerce.number().int().min(1).max(1000).default(5),
  /** Days from borrow to due (DESIGN.md §6). */
  LOAN_DAYS: z.coerce.number().int().min(1).max(3650).default(14),
  /** Days past due after which an open loan blocks its borrower from lending and renewing (DESIGN.md §8). */
  OVERDUE_BLOCK_DAYS: z.coerce.number().int().min(0).max(3650).default(0),
  /** Seconds a borrower's patron group and existence, asked of the auth service, are remembered (0: ask every lend). */
  PATRON_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  /** Most candidate books a recommendation considers (bounds its work per call). */
  RECOMMENDATION_CANDIDATES: z.coerce.number().int().min(1).max(100_000).default(500),
});

/** The book service's configuration (DESIGN.md §1, §6): the shared variables and the circulation rules. */
export type BookConfig = ReturnType<typeof loadBookConfig>["config"];

/** Parses the environment once; every bad variable is reported together. */
export function loadBookConfig(env: Record<string, string | undefined> = process.env) {
  return parseConfig(schema, env);
}
