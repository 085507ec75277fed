import type pg from "pg";
import type { LoopClient } from "./call-loop.js";
import type { BenchConfig } from "./config.js";
import type { HttpPlan } from "./http-load.js";
import type { InvariantCheck } from "./invariants.js";
import type { Target } from "./report.js";
import type { BenchStack } from "./stack.js";
import type { Member } from "./users.js";

export type Transport = "REST" | "gRPC";

/**
 * Names of the in-run baselines. A product row is compared with one of the first four;
 * grpc-js+pg, the bare gRPC server the services run on, is a reference in the baseline table
 * for what the gRPC transport alone does to the tail (p99 ÷ p50) at 64 clients.
 */
export const BASELINE_NAMES = ["fastify+pg", "connect+pg", "grpc-js+pg", "pg txn, many books", "pg txn, hot book", "pg txn, desk"] as const;
export type BaselineName = (typeof BASELINE_NAMES)[number];

/** Everything a scenario may use: the running stack, the seeded ids, the members, book_db. */
export interface BenchContext {
  config: BenchConfig;
  stack: BenchStack;
  members: readonly Member[];
  /** An access token of a librarian (the bench's admin): the desk's calls need one. */
  staffToken: string;
  bookIds: readonly string[];
  authorIds: readonly string[];
  categoryIds: readonly string[];
  /** A pool on book_db, for invariant checks and clean-up between runs. */
  bookDb: pg.Pool;
  /** Every invariant check made, in order, for the report. */
  checks: InvariantCheck[];
}

/** The goals of a row, by transport and concurrency. */
export type Targets = (transport: Transport, clients: number) => Target[];

/** One measured operation, over REST and (where the method exists) gRPC. */
export interface Scenario {
  /** Short name BENCH_ONLY selects by (prefix): getbook, listbooks-q, borrow-many, … */
  id: string;
  name: string;
  /** "req/s", or "pairs/s" for a borrow and its return. */
  unit: string;
  callsPerOp: number;
  /** Which baseline each transport is compared with. */
  baseline: Record<Transport, BaselineName>;
  targets: Targets;
  rest(ctx: BenchContext, clients: number): { baseUrl: string; plan: HttpPlan };
  grpc?(ctx: BenchContext, clients: number): LoopClient[];
  /**
   * The same REST requests sent another way, measured interleaved with this row in place of a
   * baseline (e.g. GetBook straight to the book service beside GetBook through the web origin),
   * so the row shows what the difference costs.
   */
  reference?(ctx: BenchContext, clients: number): { name: string; baseUrl: string; plan: HttpPlan };
  /** After every run (warm-up included): checks and clean-up (circulation). */
  afterRun?(ctx: BenchContext, label: string): Promise<void>;
  /** Before a row's runs at `clients` (e.g. the loans RenewLoan renews), and after them. */
  setUp?(ctx: BenchContext, clients: number): Promise<void>;
  tearDown?(ctx: BenchContext): Promise<void>;
}

/** A uniformly random element. */
export function pickRandom<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)];
}

/** The p99 ≤ 3 × p50 goal applies at 64 clients (the bounded-tail target). */
export function tailTarget(clients: number): Target[] {
  return clients >= 64 ? [{ kind: "tail", factor: 3 }] : [];
}

/** REST always; gRPC where the scenario's method exists there. */
export function transportsOf(scenario: Scenario): Transport[] {
  return scenario.grpc ? ["REST", "gRPC"] : ["REST"];
}
